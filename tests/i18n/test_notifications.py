"""In-site notifications are written in each recipient's language (issue 21), never the
sender's: the stored text is made inside the recipient's language, one person at a time
(`notify`) or a batch of mixed languages at once (`notify_many`, in as many queries as
before), and the generic notification email follows."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext_lazy

from accounts.models import Notification, NotificationPreference
from accounts.notifications import notify_many, phrase
from communities.models import Membership
from communities.services import journey_move
from sessions import services as session_services
from tests.factories import RSVPFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def speakers(riverside, alice, bob, carol):
    """alice reads French, bob Spanish, carol (the coordinator, who acts) English."""
    alice.language, bob.language, carol.language = "fr", "es", "en"
    for person in (alice, bob, carol):
        person.save(update_fields=["language"])
    return {"fr": alice, "es": bob, "en": carol}


def _text(person) -> str:
    return Notification.objects.get(recipient=person).text


def test_an_english_speakers_move_tells_each_member_in_their_own_language(
    riverside, speakers, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(
        user=speakers["fr"], kind="journey_celebration", email="immediately"
    )

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        for person in (speakers["fr"], speakers["es"]):
            journey_move(
                membership=Membership.objects.get(community=riverside, user=person),
                to_level="active",
                by=speakers["en"],
            )

    assert _text(speakers["fr"]) == (
        "Vous êtes passé·e de « en périphérie » à « actif·ve » dans Riverside. Merci pour "
        "tout ce que vous apportez — bienvenue plus près du cœur !"
    )
    assert _text(speakers["es"]) == (
        "Pasaste de «en la periferia» a «activo·a» en Riverside. Gracias por todo lo que "
        "aportas: ¡qué alegría tenerte más adentro!"
    )
    # alice asked for these at once: the generic email, in French too.
    [email] = mail.outbox
    assert email.to == [speakers["fr"].email]
    assert "Vous êtes passé·e" in email.subject
    assert "Bonjour Alice," in email.body
    assert "You moved" not in email.body


def test_a_cancellation_tells_a_mixed_batch_each_in_their_language(
    riverside, speakers, django_capture_on_commit_callbacks
):
    session = SessionFactory(community=riverside, title="Loops")
    for person in speakers.values():
        RSVPFactory(session=session, user=person, response="going")

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        session_services.session_cancel(session=session, reason="Snow day")

    french, spanish, english = (_text(speakers[code]) for code in ("fr", "es", "en"))
    assert french.startswith("« Loops » du ")
    assert french.endswith(" est annulée. Snow day")
    assert spanish.startswith("«Loops» del ")
    assert spanish.endswith(" se canceló. Snow day")
    assert english.startswith("“Loops” on ")
    assert english.endswith(" is cancelled. Snow day")


THEME = gettext_lazy("A theme from what you wrote is now an action: “%(title)s”.")
TEXTS = {
    # A phrase: a lazy msgid and its values, written per person.
    "phrase": (
        phrase(THEME, title="Maps"),
        {
            "fr": "Un thème tiré de ce que vous avez écrit est devenu une action : « Maps ».",
            "es": "Un tema surgido de lo que escribiste ahora es una acción: «Maps».",
            "en": "A theme from what you wrote is now an action: “Maps”.",
        },
    ),
    # A lazy string, the same for everyone: written once per language.
    "lazy": (gettext_lazy("For you"), {"fr": "Pour vous", "es": "Para ti", "en": "For you"}),
}


@pytest.mark.parametrize("form", list(TEXTS))
def test_notify_many_writes_each_language_in_as_many_queries_as_one(riverside, speakers, form):
    text, expected = TEXTS[form]
    english = [UserFactory(language="en") for _ in range(3)]

    def send(people, tag):
        with CaptureQueriesContext(connection) as queries:
            notify_many(
                people,
                "theme",
                key=lambda person: f"{tag}:{person.pk}",
                community=riverside,
                text=text,
                url="/",
            )
        return len(queries)

    with translation.override("en"):
        all_english = send(english, "en")
        mixed = send(list(speakers.values()), "mixed")

    assert mixed == all_english
    assert {code: _text(person) for code, person in speakers.items()} == expected
