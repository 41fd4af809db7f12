"""The rest of the sessions app speaks French and Spanish: the planner, the series, repeat,
co-facilitation and template pages follow the browser's Accept-Language; a series' rhythm
is one whole sentence in each language; the calendar file attached to a reminder is in its
recipient's language, whatever language the site is in when it is sent."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import translation

from sessions import services
from sessions.models import CoFacilitation, Series
from sessions.recurrence import Frequency, rule_for
from tests.factories import (
    AgendaItemFactory,
    RSVPFactory,
    SessionFactory,
    SessionTemplateFactory,
    TemplateItemFactory,
)
from tests.i18n.pages import assert_pages_say

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(riverside, bob):
    """A scheduled session of bob's with a two-item agenda, made into a series of four,
    and a template with one item in the community's library."""
    session = SessionFactory(community=riverside, title="Monthly circle")
    session.facilitators.add(bob)
    AgendaItemFactory(session=session, title="Check-in", minutes=10)
    AgendaItemFactory(session=session, title="Clinic", minutes=30)
    template = SessionTemplateFactory(community=riverside, name="Our clinic")
    TemplateItemFactory(template=template, title="Pick a project")
    return session, template


@pytest.mark.parametrize(
    ("accept", "words"),
    [
        (
            "fr-FR,fr;q=0.9",
            {
                "new": ["Prévoir une séance", "Partir d'un modèle", "Un plan vierge", "Détails"],
                "edit": ["Guide d'animation", "Ajouter un tour de parole", "Et ensuite"],
                "save": ["Enregistrer « Monthly circle » comme modèle", "Retour à la séance"],
                "library": ["Modèles de séance", "Les modèles de votre communauté"],
                "template_edit": ["Modifier « Our clinic »", "Étapes du déroulé", "Nom et détails"],
                "template_delete": ["Supprimer « Our clinic » ?", "Supprimer le modèle"],
                "repeat": ["Transformer « Monthly circle » en série", "En faire une série"],
            },
        ),
        (
            "es-419,es;q=0.8",
            {
                "new": ["Planificar una sesión", "Empezar con una plantilla", "Un plan en blanco"],
                "edit": ["Guía de facilitación", "Añadir una ronda de palabra", "Y después"],
                "save": ["Guardar «Monthly circle» como plantilla", "Volver a la sesión"],
                "library": ["Plantillas de sesión", "Las plantillas de tu comunidad"],
                "template_edit": [
                    "Editar «Our clinic»",
                    "Puntos de la agenda",
                    "Nombre y detalles",
                ],
                "template_delete": ["¿Eliminar «Our clinic»?", "Eliminar la plantilla"],
                "repeat": ["Convertir «Monthly circle» en una serie", "Hacerla una serie"],
            },
        ),
    ],
)
def test_the_planner_and_template_pages_speak_the_browsers_language(
    client_as, riverside, bob, planned, accept, words
):
    session, template = planned
    slug = riverside.slug
    urls = {
        "new": reverse("sessions:new", args=[slug]),
        "edit": reverse("sessions:edit", args=[slug, session.pk]),
        "save": reverse("sessions:template_save", args=[slug, session.pk]),
        "library": reverse("sessions:templates", args=[slug]),
        "template_edit": reverse("sessions:template_edit", args=[slug, template.pk]),
        "template_delete": reverse("sessions:template_delete", args=[slug, template.pk]),
        "repeat": reverse("sessions:repeat", args=[slug, session.pk]),
    }
    pages = {urls[name]: wanted for name, wanted in words.items()}

    assert_pages_say(
        client_as("bob"),
        pages,
        {"accept-language": accept},
        absent=["Facilitation guide", "Session templates", "Start from a template", "Delete “"],
    )


@pytest.mark.parametrize(
    ("accept", "series_words", "invite_words"),
    [
        (
            "fr-FR,fr;q=0.9",
            ["Notre rythme", "Toutes les 2 semaines, le", "4 séances.", "Séances à venir"],
            ["Co-animer « Monthly circle » ?", "Bob vous invite", "Oui, je co-anime"],
        ),
        (
            "es-419,es;q=0.8",
            ["Nuestro ritmo", "Cada 2 semanas, el", "4 sesiones.", "Próximas sesiones"],
            ["¿Cofacilitar «Monthly circle»?", "Bob te invita", "Sí, cofacilito"],
        ),
    ],
)
def test_the_series_and_cofacilitation_pages_speak_the_browsers_language(
    client_as, riverside, alice, bob, planned, accept, series_words, invite_words
):
    session, _ = planned
    series = services.series_create(
        session=session, user=bob, frequency=Frequency.FORTNIGHTLY, until=None, count=4
    )
    CoFacilitation.objects.create(session=session, user=alice, invited_by=bob)
    pages = {
        reverse("sessions:series", args=[riverside.slug, series.pk]): series_words,
        reverse("sessions:cofacilitate_answer", args=[riverside.slug, session.pk]): invite_words,
    }

    assert_pages_say(
        client_as("alice"),
        pages,
        {"accept-language": accept},
        absent=["our rhythm", "coming sessions", "invites you", "every 2 weeks"],
        lowered=True,
    )


@pytest.mark.parametrize(
    ("language", "start", "frequency", "rhythm"),
    [
        ("fr", date(2026, 3, 10), Frequency.MONTHLY_WEEKDAY, "chaque mois, le deuxième mardi"),
        ("es", date(2026, 3, 10), Frequency.MONTHLY_WEEKDAY, "cada mes, el segundo martes"),
        ("en", date(2026, 3, 10), Frequency.MONTHLY_WEEKDAY, "every month on the second Tuesday"),
        ("fr", date(2026, 3, 4), Frequency.WEEKLY, "chaque semaine, le mercredi"),
        ("es", date(2026, 3, 4), Frequency.FOUR_WEEKLY, "cada 4 semanas, el miércoles"),
        ("fr", date(2026, 3, 31), Frequency.MONTHLY_WEEKDAY, "chaque mois, le dernier mardi"),
        ("es", date(2026, 3, 15), Frequency.MONTHLY_DAY, "cada mes, el día 15"),
    ],
)
def test_a_series_rhythm_is_one_sentence_in_each_language(
    riverside, language, start, frequency, rhythm
):
    series = Series(
        community=riverside,
        title="Circle",
        rule=rule_for(frequency, start),
        start_date=start,
        start_time=time(18, 0),
        time_zone="Europe/Paris",
    )

    with translation.override(language):
        said = series.rhythm

    assert said == f"{rhythm}, 18:00 (Europe/Paris)"


@pytest.mark.parametrize(
    ("language", "words", "english"),
    [
        ("fr", ["Déroulé\n", "Rejoindre en ligne : https://meet.example.org/c"], "Join online"),
        ("es", ["Agenda\n", "Unirte en línea: https://meet.example.org/c"], "Join online"),
    ],
)
def test_the_reminders_calendar_file_is_in_its_recipients_language(
    riverside, alice, django_capture_on_commit_callbacks, language, words, english
):
    """Sent by beat (no request, the site's default language active), for a recipient who
    reads copsite in French or Spanish: the .ics description is theirs too."""
    alice.language = language
    alice.save(update_fields=["language"])
    now = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
    session = SessionFactory(
        community=riverside,
        title="Monthly circle",
        starts_at=now + timedelta(hours=20),
        online_url="https://meet.example.org/c",
    )
    AgendaItemFactory(session=session, title="Check-in", minutes=10)
    RSVPFactory(session=session, user=alice, response="going")

    with time_machine.travel(now, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.reminders_send_due()

    [message] = [m for m in mail.outbox if m.to == [alice.email]]
    filename, content, _ = message.attachments[0]
    description = str(icalendar.Calendar.from_ical(content).walk("VEVENT")[0]["description"])
    assert filename == f"session-{session.pk}.ics"
    for wanted in words:
        assert wanted in description
    assert english not in description


def test_a_downloaded_calendar_file_is_in_the_viewers_language(client_as, riverside, alice):
    session = SessionFactory(
        community=riverside, title="Monthly circle", online_url="https://meet.example.org/c"
    )
    AgendaItemFactory(session=session, title="Check-in", minutes=10)

    response = client_as("alice").get(
        reverse("sessions:ics", args=[riverside.slug, session.pk]),
        headers={"accept-language": "es"},
    )

    description = str(
        icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]["description"]
    )
    assert "Unirte en línea: https://meet.example.org/c" in description
    assert "Join online" not in description
