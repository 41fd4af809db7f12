"""What search finds of reflections (their title, body and answers to prompts) and of
responses (their text). Who may see which is the access module's to say; the search page
(the search app) only asks."""

from __future__ import annotations

from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Coalesce, Concat

from core.plugins import SearchProvider, register_search

from .access import searchable_reflections, searchable_responses, searchable_themes


def response_title():
    """What a response found is called: "Response to “<what it answers>”" (a reply:
    "Reply on …"). Its readers are exactly the readers of what it answers, so the title
    of that tells nobody anything new."""
    answered = Coalesce(
        F("reflection__title"), F("work__title"), F("session__title"), output_field=CharField()
    )
    opening = Case(
        When(parent__isnull=False, then=Value("Reply on “")),
        default=Value("Response to “"),
        output_field=CharField(),
    )
    return Concat(opening, answered, Value("”"), output_field=CharField())


def register() -> None:
    register_search(
        "reflection",
        SearchProvider(
            label="Reflections",
            order=10,
            visible=searchable_reflections,
            visible_among=searchable_reflections,
            noun="reflection",
            title_field="title",
            text_fields=("body",),
            loop_field="loop_level",
            fallback_lookups=("answers",),
        ),
    )
    register_search(
        "response",
        SearchProvider(
            label="Responses",
            order=15,
            visible=searchable_responses,
            noun="response",
            title_field="",
            title=response_title,
            text_fields=("body",),
            loop_field="reflection__loop_level",
            related=("reflection__community", "work__community", "session__community"),
        ),
    )
    register_search(
        "theme",
        SearchProvider(
            label="Themes",
            order=17,
            visible=searchable_themes,
            noun="theme",
            title_field="statement",
            text_fields=(),
        ),
    )
