"""What search finds of outcomes: what the community wants to be able to do, and why.
Who may see which is the access module's to say; the search page (the search app) only asks."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.plugins import SearchProvider, register_search

from .access import searchable_outcomes


def register() -> None:
    register_search(
        "outcome",
        SearchProvider(
            label=_("Outcomes"),
            order=30,
            visible=searchable_outcomes,
            noun=_("outcome"),
            title_field="statement",
            text_fields=("why",),
        ),
    )
