"""The communities' remaining pages speak French and Spanish: the journeys page (for a
facilitator), my journey, the community's settings (for a coordinator), an organisation's
settings and the move of a community between organisations (for an admin of both). A
refusal raised by the services reads in the language of the request, and an export's zip
is written in the language of the person it is for, whoever's request built it."""

from __future__ import annotations

import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from communities import services
from communities.models import Membership, Organisation, OrganisationRole
from communities.organisations import grant
from privacy import exports
from tests.factories import CommunityFactory, MembershipFactory, UserFactory
from tests.i18n.pages import assert_pages_say

pytestmark = pytest.mark.django_db

FRENCH = "fr-FR,fr;q=0.9"
SPANISH = "es-419,es;q=0.8"


@pytest.mark.parametrize(
    ("accept", "journeys", "mine", "settings"),
    [
        (
            FRENCH,
            ["Les parcours dans Riverside", "Déplacements suggérés", "Historique des parcours"],
            ["Où j’en suis", "Mon parcours jusqu’ici", "Quitter cette communauté"],
            ["Réglages de la communauté", "Suggestions de parcours", "Archiver cette communauté"],
        ),
        (
            SPANISH,
            ["Trayectorias en Riverside", "Movimientos sugeridos", "Vale la pena saludar"],
            ["Dónde estoy", "Mi trayectoria hasta ahora", "Salir de esta comunidad"],
            ["Ajustes de la comunidad", "Sugerencias de trayectoria", "Archivar esta comunidad"],
        ),
    ],
)
def test_the_journeys_and_settings_pages_speak_the_browsers_language(
    client_as, riverside, bob, carol, accept, journeys, mine, settings
):
    headers = {"accept-language": accept}
    absent = ["Suggested moves", "Where I am", "Community settings", "Journey suggestions"]

    assert_pages_say(
        client_as("bob"),
        {
            reverse("communities:journeys", args=[riverside.slug]): journeys,
            reverse("communities:membership", args=[riverside.slug]): mine,
        },
        headers,
        absent=absent,
    )
    assert_pages_say(
        client_as("carol"),
        {reverse("communities:settings", args=[riverside.slug]): settings},
        headers,
        absent=absent,
    )


@pytest.mark.parametrize(
    ("accept", "settings", "choose", "preview"),
    [
        (
            FRENCH,
            ["Clinics : réglages de l’organisation", "Responsables et admins", "Ses communautés"],
            ["Déplacer Wound care vers une autre organisation", "Voir ce qui change"],
            ["Ce qui change si elle passe dans Schools", "Sam Schools", "Déplacer Wound care"],
        ),
        (
            SPANISH,
            ["Clinics: ajustes de la organización", "Responsables y admins", "Sus comunidades"],
            ["Mover Wound care a otra organización", "Ver qué cambia"],
            ["Qué cambia si pasa a Schools", "Sam Schools", "Mover Wound care a Schools"],
        ),
    ],
)
def test_the_organisation_pages_speak_the_browsers_language(accept, settings, choose, preview):
    clinics = Organisation.objects.create(name="Clinics", slug="clinics")
    schools = Organisation.objects.create(name="Schools", slug="schools")
    community = CommunityFactory(organisation=clinics, name="Wound care")
    MembershipFactory(community=community)
    admin = UserFactory()
    for organisation in (clinics, schools):
        grant(organisation, admin, OrganisationRole.Role.ADMIN)
    grant(schools, UserFactory(display_name="Sam Schools"), OrganisationRole.Role.LEADER)
    client = Client()
    client.force_login(admin)
    headers = {"accept-language": accept}
    move_url = reverse("organisations:community_move", args=[community.slug])

    assert_pages_say(
        client,
        {
            reverse("organisations:settings", args=[clinics.slug]): settings,
            move_url: choose,
        },
        headers,
        absent=["Leaders and admins", "See what changes", "Move it to"],
    )
    text = client.post(move_url, {"organisation": schools.pk}, headers=headers).content.decode()
    for words in preview:
        assert words in text, words
    assert "What changes if it moves" not in text


def test_a_refusal_from_the_services_reads_in_the_requests_language(riverside, alice, bob):
    membership = Membership.objects.get(community=riverside, user=alice)

    with translation.override("fr"), pytest.raises(services.CommunityError) as refused:
        services.journey_move(membership=membership, to_level="peripheral", by=bob)

    assert str(refused.value) == f"{alice.name} est déjà « en périphérie »."


def test_an_export_is_written_in_the_language_of_the_person_it_is_for(alice):
    alice.language = "fr"
    alice.save()
    export, _created = exports.export_request(user=alice)

    assert exports.export_build(export_id=export.pk, notify=False)

    export.refresh_from_db()
    with export.file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        readme = archive.read("README.txt").decode()
        rsvps = archive.read("rsvps.csv").decode()
    assert readme.startswith("Vos données de copsite")
    assert "Ce qu’il contient" in readme
    assert "profile.json: votre nom, votre adresse et vos communautés (1)" in readme
    assert "Ce zip est gardé sur copsite 7 jours après sa création" in readme
    assert "What is in it" not in readme
    assert rsvps.splitlines()[0] == "communauté,séance,début,votre réponse"
