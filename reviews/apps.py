from __future__ import annotations

from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"

    def ready(self):
        from . import (
            engagement,  # noqa: F401 -- registers work_shared and reviews_given.
            search,
        )

        # What search finds of shared work (core.plugins.register_search).
        search.register()
