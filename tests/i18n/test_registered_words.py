"""Words that are not written in a template but registered or kept by the code read in the
reader's language too: the reflection form's loop questions, the notification kinds on the
settings page, a session card's "N going" (a plural), a suggested move's evidence (kept as
signals, written for each reader) and the mentoring page's reasons."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from communities.models import Membership, MoveSuggestion
from sessions.templatetags.session_tags import session_card
from tests.factories import MembershipFactory, SessionFactory
from tests.i18n.pages import assert_pages_say

pytestmark = pytest.mark.django_db

FRENCH = {"accept-language": "fr-FR,fr;q=0.9"}
SPANISH = {"accept-language": "es-419,es;q=0.8"}


@pytest.mark.parametrize(
    ("headers", "questions", "kinds"),
    [
        (
            FRENCH,
            ["Que devait-il se passer ?", "Quelle hypothèse cela vous amène-t-il à questionner ?"],
            ["Quelqu’un me mentionne", "Une action qui m’est confiée"],
        ),
        (
            SPANISH,
            ["¿Qué se suponía que iba a pasar?", "¿Qué supuesto te hace cuestionar esto?"],
            ["Alguien me menciona", "Una acción que me asignan"],
        ),
    ],
)
def test_loop_questions_and_notification_kinds_follow_the_language(
    client_as, riverside, alice, headers, questions, kinds
):
    assert_pages_say(
        client_as("alice"),
        {
            reverse("reflections:new", args=[riverside.slug]): questions,
            reverse("settings"): kinds,
        },
        headers,
        absent=["What was supposed to happen?", "Someone mentions me", "An action given to me"],
    )


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [("fr", "1 vient", "2 viennent"), ("es", "va 1", "van 2"), ("en-gb", "1 going", "2 going")],
)
def test_a_session_cards_count_of_people_going_is_a_plural(riverside, language, one, two):
    session = SessionFactory(community=riverside)

    with translation.override(language):
        assert one in session_card(session, riverside.slug, going=1)
        assert two in session_card(session, riverside.slug, going=2)


@pytest.mark.parametrize(
    ("headers", "words"),
    [
        (FRENCH, "séances suivies : 3 (90 derniers jours)"),
        (SPANISH, "sesiones con asistencia: 3 (últimos 90 días)"),
    ],
)
def test_a_suggested_moves_evidence_is_written_for_each_reader(
    client_as, riverside, bob, headers, words
):
    """The nightly refresh wrote the evidence in the site's default language; a French
    facilitator reads it in French, from the signals kept with it."""
    member = MembershipFactory(community=riverside, level=Membership.Level.PERIPHERAL)
    MoveSuggestion.objects.create(
        membership=member,
        from_level=Membership.Level.PERIPHERAL,
        to_level=Membership.Level.ACTIVE,
        signals={"sessions_attended": 3},
        evidence="Sessions attended: 3 (last 90 days)",
    )

    assert_pages_say(
        client_as("bob"),
        {reverse("communities:journeys", args=[riverside.slug]): [words]},
        headers,
        absent=["Sessions attended: 3 (last 90 days)"],
    )


def test_a_confirmed_moves_recorded_evidence_is_in_the_confirming_persons_language(
    client_as, riverside, bob
):
    member = MembershipFactory(community=riverside, level=Membership.Level.PERIPHERAL)
    suggestion = MoveSuggestion.objects.create(
        membership=member,
        from_level=Membership.Level.PERIPHERAL,
        to_level=Membership.Level.ACTIVE,
        signals={"sessions_attended": 3},
        evidence="Sessions attended: 3 (last 90 days)",
    )

    response = client_as("bob").post(
        reverse("communities:suggestion_confirm", args=[riverside.slug, suggestion.pk]),
        headers=FRENCH,
    )

    assert response.status_code == 302
    step = member.steps.get()
    assert step.evidence == "séances suivies : 3 (90 derniers jours)"


def test_the_sites_own_organisation_is_called_in_each_readers_language(client_as, carol):
    """Its English name stays in the database; a French admin saving its settings unchanged
    keeps it so."""
    from communities.models import DEFAULT_ORGANISATION_NAME, Organisation
    from communities.organisations import grant

    organisation = Organisation.objects.get(is_default=True)
    grant(organisation, carol, "admin")
    url = reverse("organisations:settings", args=[organisation.slug])
    client = client_as("carol")

    page = client.get(url, headers=FRENCH).content.decode()
    assert "Tout le monde sur ce site" in page
    assert "Everyone on this site" not in page
    response = client.post(
        url, {"name": "Tout le monde sur ce site", "domains": ""}, headers=FRENCH
    )

    assert response.status_code == 302
    assert Organisation.objects.values_list("name", flat=True).get(is_default=True) == (
        DEFAULT_ORGANISATION_NAME
    )
    assert "Everyone on this site" in client.get(url).content.decode()


def test_every_forms_labels_and_help_are_marked_for_translation():
    """A label Django takes from a model field's name ("Title") is never translated: every
    field of every form in the apps has a lazy label and help text (or none)."""
    import importlib
    import inspect

    from django import forms
    from django.conf import settings
    from django.utils.functional import Promise

    plain = []
    for app in ["accounts", "core", "search", *settings.PLUGIN_APPS]:
        try:
            module = importlib.import_module(f"{app}.forms")
        except ModuleNotFoundError:
            continue
        for name, form in inspect.getmembers(module, inspect.isclass):
            if form.__module__ != module.__name__ or not issubclass(form, forms.BaseForm):
                continue
            for field_name, field in form.base_fields.items():
                if isinstance(field.widget, forms.HiddenInput):
                    continue
                for text in (field.label, field.help_text):
                    if text and not isinstance(text, Promise):
                        plain.append(f"{app}.{name}.{field_name}: {text!r}")

    assert plain == []
