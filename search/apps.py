from __future__ import annotations

from django.apps import AppConfig


class SearchConfig(AppConfig):
    """The top layer beside impact: one search across every app's registered kinds
    (core.plugins.register_search). Nothing imports it back."""

    name = "search"

    def ready(self):
        from core.plugins import register_site_link

        # The header's search box (core's base.html) and the scoped box on a community's
        # reflections page reach the search page through this.
        register_site_link("search", "search:results")
