"""What search finds of shared work: its title and description. Who may see which is
the access module's to say; the search page (the search app) only asks."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.plugins import SearchProvider, register_search

from .access import searchable_work


def register() -> None:
    register_search(
        "work",
        SearchProvider(
            label=_("Shared work"),
            order=40,
            visible=searchable_work,
            noun=_("shared work"),
            title_field="title",
            text_fields=("description",),
        ),
    )
