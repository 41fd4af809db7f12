from __future__ import annotations

from django.apps import AppConfig


class ImpactConfig(AppConfig):
    """The top layer: dashboards, their figures, charts and reports, and impact stories.

    It reads every app below it and nothing imports it back (issue 13)."""

    name = "impact"

    def ready(self):
        from . import search

        # What search finds of impact stories (core.plugins.register_search).
        search.register()
