"""What search finds of reflections: their title, body and answers to prompts. Who may see which is
the access module's to say; the search page (the search app) only asks."""

from __future__ import annotations

from core.plugins import SearchProvider, register_search

from .access import searchable_reflections


def register() -> None:
    register_search(
        "reflection",
        SearchProvider(
            label="Reflections",
            order=10,
            visible=searchable_reflections,
            noun="reflection",
            title_field="title",
            text_fields=("body",),
            loop_field="loop_level",
            fallback_lookups=("answers",),
        ),
    )
