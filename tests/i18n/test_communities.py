"""The communities' pages and emails speak French and Spanish: the community home, the
directory and the members page follow the browser's Accept-Language, and a join decision
reaches its recipient in their own language (not the deciding facilitator's)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from communities import services
from communities.models import JourneyStep, Membership
from tests.i18n.pages import assert_pages_say

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("accept", "home", "directory", "members"),
    [
        (
            "fr-FR,fr;q=0.9",
            ["Ce qui nous tient à cœur", "Accueil de la communauté", "Célébrations"],
            ["Communautés", "1 membre", "ouverte à toutes et tous", "vous en êtes membre"],
            ["Membres de Riverside", "Filtrer", "1 membre."],
        ),
        (
            "es-419,es;q=0.8",
            ["Lo que nos importa", "Inicio de la comunidad", "Celebraciones"],
            ["Comunidades", "1 miembro", "abierta a todo el mundo", "eres miembro"],
            ["Miembros de Riverside", "Filtrar", "1 miembro."],
        ),
    ],
)
def test_the_community_pages_speak_the_browsers_language(
    client_as, riverside, alice, accept, home, directory, members
):
    client = client_as("alice")
    headers = {"accept-language": accept}
    pages = {
        reverse("communities:home", args=[riverside.slug]): home,
        reverse("communities:directory"): directory,
        reverse("communities:members", args=[riverside.slug]): members,
    }

    assert_pages_say(client, pages, headers, absent=["What we care about"])


def test_a_join_decision_reaches_the_requester_in_their_language(
    riverside, bob, frank, django_capture_on_commit_callbacks
):
    """bob decides (his language is English); frank, who asked, reads Spanish."""
    riverside.visibility = "request"
    riverside.save()
    frank.language = "es"
    frank.save()
    membership = services.join_request_create(community=riverside, user=frank)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.join_request_decide(membership=membership, by=bob, approve=True)

    (message,) = [m for m in mail.outbox if m.to == [frank.email]]
    assert message.subject == "Te damos la bienvenida a Riverside"
    assert message.body.startswith("Hola, Frank:")
    assert "Buenas noticias" in message.body
    assert "Ajustes de notificaciones" in message.alternatives[0][0]


def test_levels_and_roles_are_written_in_the_readers_words(client_as, riverside, alice, bob):
    """The facilitators' celebrations name the levels, and the members page each role, in
    the reader's language: not the stored values (English words)."""
    membership = Membership.objects.get(community=riverside, user=alice)
    JourneyStep.objects.create(membership=membership, from_level="peripheral", to_level="active")
    client = client_as("bob")
    headers = {"accept-language": "fr-FR,fr;q=0.9"}

    home = client.get(reverse("communities:home", args=[riverside.slug]), headers=headers)
    members = client.get(reverse("communities:members", args=[riverside.slug]), headers=headers)

    assert "est passé·e de « en périphérie » à « actif·ve »" in home.content.decode()
    assert "animateur·rice" in members.content.decode()
    assert "« peripheral »" not in home.content.decode()
