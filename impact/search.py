"""What search finds of impact stories: their title and every step of the story.
Who may see which is the access module's to say; the search page (the search app) only asks."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.plugins import SearchProvider, register_search

from .access import searchable_stories


def register() -> None:
    register_search(
        "story",
        SearchProvider(
            label=_("Impact stories"),
            order=50,
            visible=searchable_stories,
            noun=_("impact story"),
            title_field="title",
            text_fields=(
                "what_happened",
                "what_it_gave_us",
                "what_we_did_differently",
                "what_difference_it_made",
                "what_we_now_see_differently",
            ),
        ),
    )
