from __future__ import annotations

from django.apps import AppConfig


class ImpactConfig(AppConfig):
    """The top layer: dashboards, their figures, charts and reports, and impact stories.

    It reads every app below it and nothing imports it back (issue 13)."""

    name = "impact"

    def ready(self):
        from core.plugins import register_organisation_link

        from . import search, signals

        # What search finds of impact stories (core.plugins.register_search).
        search.register()
        # The organisations' page (communities) links to each one's portfolio.
        register_organisation_link("dashboard", "dashboard:org_portfolio", "org")
        # Stored figures over closed months are forgotten when a write touches one.
        signals.connect()
