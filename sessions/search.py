"""What search finds of sessions: their title, description and agenda. Who may see which is
the access module's to say; the search page (the search app) only asks."""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

from core.plugins import SearchProvider, register_search

from .access import searchable_sessions


def register() -> None:
    register_search(
        "session",
        SearchProvider(
            label=pgettext_lazy("meeting", "Sessions"),
            order=20,
            visible=searchable_sessions,
            noun="session",
            title_field="title",
            text_fields=("description",),
            date_field="starts_at",
            fallback_lookups=("agenda_items__title", "agenda_items__description"),
        ),
    )
