from __future__ import annotations

from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """The layer above impact and search: a person's data rights across every app —
    taking their words with them (export), a community's hand-over export, leaving
    (account deletion) and the retention that keeps nothing longer than promised. It reads
    every app below it; nothing imports it back."""

    name = "privacy"

    def ready(self):
        from core.plugins import register_link, register_site_link

        # The settings page (accounts) and a community's settings (communities) link to
        # the exports by purpose, never by this app's URL names.
        register_site_link("export", "privacy:export")
        register_link("community_export", "privacy:community_export")
