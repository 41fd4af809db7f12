"""The digest speaks each reader's language (issue 21): one run of the hourly task writes a
French member's digest in French, a Spanish member's in Spanish and an English member's in
English, subject, section titles, lines and plurals alike, since the apps build their
sections in Python; the preview and the test email follow too."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.digest import digest_send_due, sections_for
from communities.models import JourneyStep, Membership
from tests.factories import ReflectionFactory, SessionFactory, UserFactory
from tests.i18n.pages import assert_pages_say

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
# Monday 2026-11-23 08:00 in London: the default digest moment.
MONDAY_8_LONDON = dt.datetime(2026, 11, 23, 8, 0, tzinfo=LONDON)
LAST_WEEK = MONDAY_8_LONDON - dt.timedelta(days=3)


@pytest.fixture
def readers(riverside, alice, bob, carol):
    """Riverside read by alice in French, bob in Spanish and carol in English (her saved
    choice blank: the site's default); Ada, further in, wrote two reflections last week,
    moved inward, and a session is coming up."""
    alice.language, bob.language, carol.language = "fr", "es", ""
    for person in (alice, bob, carol):
        person.save(update_fields=["language"])
    ada = UserFactory(display_name="Ada")
    membership = Membership.objects.create(community=riverside, user=ada, level="active")
    for title in ("What the map hid", "Rivers as commons"):
        ReflectionFactory(community=riverside, author=ada, title=title, created_at=LAST_WEEK)
    JourneyStep.objects.create(
        membership=membership, from_level="peripheral", to_level="active", created_at=LAST_WEEK
    )
    SessionFactory(
        community=riverside,
        title="Live mapping",
        starts_at=MONDAY_8_LONDON + dt.timedelta(days=2),
    )
    return {"fr": alice, "es": bob, "en": carol}


def _digests(django_capture_on_commit_callbacks) -> dict[str, object]:
    """One run of the hourly task, with an English request's language active (as a
    worker's is): each recipient's digest, by address."""
    with (
        time_machine.travel(MONDAY_8_LONDON, tick=False),
        django_capture_on_commit_callbacks(execute=True),
        translation.override("en"),
    ):
        digest_send_due()
    return {message.to[0]: message for message in mail.outbox}


WORDS = {
    "fr": {
        "subject": "Votre semaine dans vos communautés — avec quelque chose à célébrer",
        "said": [
            "Voici ce qui se passe dans vos communautés.",
            "Nouvelles réflexions",
            "2 nouvelles réflexions partagées dans vos communautés.",
            "Célébrations",
            "Ada est passé·e de « en périphérie » à « actif·ve » dans Riverside.",
            "À venir",
            "Arrêter ce récapitulatif",
        ],
        "absent": ["New reflections", "Coming up", "Here's what", "moved from", "Stop this"],
    },
    "es": {
        "subject": "Tu semana en tus comunidades, con algo que celebrar",
        "said": [
            "Esto es lo que está pasando en tus comunidades.",
            "Nuevas reflexiones",
            "2 nuevas reflexiones compartidas en tus comunidades.",
            "Celebraciones",
            "Ada pasó de «en la periferia» a «activo·a» en Riverside.",
            "Próximamente",
            "Dejar de recibir este resumen",
        ],
        "absent": ["New reflections", "Coming up", "Here's what", "moved from", "Stop this"],
    },
    "en": {
        "subject": "Your week in your communities — with something to celebrate",
        "said": [
            "Here's what's happening in your communities.",
            "New reflections",
            "2 new reflections shared in your communities.",
            "Celebrations",
            "Ada moved from peripheral to active in Riverside.",
            "Coming up",
            "Stop this digest",
        ],
        "absent": ["Nouvelles", "Nuevas", "Célébrations", "Próximamente"],
    },
}


@pytest.mark.parametrize("language", ["fr", "es", "en"])
def test_each_digest_of_one_run_is_in_its_readers_language(
    readers, django_capture_on_commit_callbacks, language
):
    message = _digests(django_capture_on_commit_callbacks)[readers[language].email]

    words = WORDS[language]
    assert message.subject == words["subject"]
    html = message.alternatives[0][0]
    for part in (message.body, html.replace("&#x27;", "'")):
        for said in words["said"]:
            assert said.upper() in part.upper(), (language, said)
        for absent in words["absent"]:
            assert absent not in part, (language, absent)
    assert f'<html lang="{language}' in html  # en: the site's en-gb


def test_a_batch_of_one_language_builds_its_sections_in_as_many_queries_as_before(readers):
    """Speaking three languages costs one run of the sections' queries each; a batch that
    speaks one (due_people orders people by language) costs one run, however many."""
    people = list(readers.values())
    for person in people:
        person.language = "fr"

    with time_machine.travel(MONDAY_8_LONDON, tick=False):
        with CaptureQueriesContext(connection) as one_reader:
            sections_for(people[:1], MONDAY_8_LONDON)
        with CaptureQueriesContext(connection) as three_readers:
            sections_for(people, MONDAY_8_LONDON)

    assert len(three_readers) == len(one_reader)


@pytest.mark.parametrize(
    ("language", "said", "absent"),
    [
        ("fr", ["Votre prochain récapitulatif", "Objet : Votre semaine"], "Your week"),
        ("es", ["Tu próximo resumen", "Asunto: Tu semana"], "Your week"),
    ],
)
def test_the_preview_shows_the_digest_in_the_persons_language(
    readers, client_as, language, said, absent
):
    name = "alice" if language == "fr" else "bob"
    with time_machine.travel(MONDAY_8_LONDON, tick=False):
        assert_pages_say(client_as(name), {reverse("digest_preview"): said}, {}, absent=[absent])


@pytest.mark.parametrize(
    ("language", "subject", "body"),
    [
        ("fr", "Bonjour Alice", "Bonjour Alice, ceci est un test."),
        ("es", "Hola, Alice", "Hola, Alice: esto es una prueba."),
    ],
)
def test_the_test_email_is_in_the_recipients_language(alice, language, subject, body):
    context = {"person": alice, "SITE_URL": "https://example.org"}
    with translation.override(language):
        rendered = render_to_string("accounts/email/test_message_subject.txt", context)
        assert rendered.strip() == subject
        assert body in render_to_string("accounts/email/test_message.txt", context)
        assert body in render_to_string("accounts/email/test_message.html", context)
