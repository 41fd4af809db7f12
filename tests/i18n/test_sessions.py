"""The sessions pages and emails speak French and Spanish: the sessions list and a
session's page follow the browser's Accept-Language, and the reminder and cancellation
emails render whole translated sentences in the recipient's language."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from tests.factories import AgendaItemFactory, RSVPFactory, SessionFactory
from tests.i18n.pages import assert_pages_say

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("accept", "listing", "detail"),
    [
        (
            "fr-FR,fr;q=0.9",
            ["Séances", "À venir", "Passées"],
            [
                "Qui vient",
                "Je viens (1) :",
                "Déroulé",
                "Ajouter à mon agenda (.ics)",
                "Viendrez-vous ?",
            ],
        ),
        (
            "es-419,es;q=0.8",
            ["Sesiones", "Próximas", "Pasadas"],
            ["Quién viene", "Voy (1):", "Agenda", "Añadir a mi calendario (.ics)", "¿Vendrás?"],
        ),
    ],
)
def test_the_session_pages_speak_the_browsers_language(
    client_as, riverside, alice, accept, listing, detail
):
    session = SessionFactory(community=riverside, title="Monthly circle")
    AgendaItemFactory(session=session, title="Check-in")
    RSVPFactory(session=session, user=alice)
    client = client_as("alice")
    headers = {"accept-language": accept}
    pages = {
        reverse("sessions:list", args=[riverside.slug]): listing,
        reverse("sessions:detail", args=[riverside.slug, session.pk]): detail,
    }

    assert_pages_say(client, pages, headers, absent=["Who's coming", "Upcoming"])


@pytest.mark.parametrize(
    ("language", "subject", "body"),
    [
        ("fr", "Demain : Monthly circle", "« Monthly circle » approche."),
        ("es", "Mañana: Monthly circle", "«Monthly circle» se acerca."),
    ],
)
def test_a_reminder_is_whole_sentences_in_the_recipients_language(
    riverside, alice, language, subject, body
):
    session = SessionFactory(community=riverside, title="Monthly circle")
    context = {
        "recipient": alice,
        "session": session,
        "community": riverside,
        "reminder_kind": "24h",
        "day_word": "Tomorrow",
        "user_tz": "UTC",
        "session_url": "https://example.org/s",
        "settings_url": "https://example.org/settings",
    }
    with translation.override(language):
        rendered_subject = render_to_string("sessions/email/reminder_subject.txt", context)
        rendered_body = render_to_string("sessions/email/reminder.txt", context)
        cancelled = render_to_string(
            "sessions/email/cancelled_subject.txt",
            {"session": SimpleNamespace(title="Monthly circle", starts_at=session.starts_at)},
        )

    assert rendered_subject.startswith(subject)
    assert body in rendered_body
    assert "is coming up soon" not in rendered_body
    assert cancelled.startswith({"fr": "Annulée", "es": "Cancelada"}[language])
