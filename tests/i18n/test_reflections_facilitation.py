"""The reflections app's actions, themes, facilitation, flags and moderation speak French
and Spanish: each page and panel, for a facilitator and for a member, follows the browser's
Accept-Language (actions, themes, the facilitation reflection beside the pulse, quiet
voices, what members asked facilitators to look at and the moderation log)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reflections import services
from reflections.models import Action
from tests.factories import (
    ActionFactory,
    AttendanceFactory,
    MembershipFactory,
    ReflectionFactory,
    SessionFactory,
)
from tests.i18n.pages import assert_pages_say

pytestmark = pytest.mark.django_db

FRENCH = "fr-FR,fr;q=0.9"
SPANISH = "es-419,es;q=0.8"
# English that must be gone from every page in French or Spanish.
ENGLISH = ["Actions in Riverside", "Themes in Riverside", "Carried by", "past its date"]


@pytest.fixture
def scene(riverside, alice, bob):
    """A session bob facilitated yesterday, alice's double-loop reflection on it, a theme
    gathered from it, an open overdue action alice carries, a dropped one, and alice's
    flag on the reflection (in the moderation log)."""
    held = SessionFactory(
        community=riverside,
        title="Mapping clinic",
        starts_at=timezone.now() - dt.timedelta(days=1),
        status="completed",
    )
    held.facilitators.add(bob)
    reflection = ReflectionFactory(
        community=riverside,
        author=alice,
        session=held,
        title="Who draws the map decides",
        loop_level="double",
    )
    theme = services.theme_create(
        community=riverside,
        created_by=bob,
        statement="Maps are about power",
        reflections=[reflection],
        session=held,
    )
    action = ActionFactory(
        community=riverside,
        owner=alice,
        title="Draw the map together",
        loop_level="double",
        due_date=timezone.localdate() - dt.timedelta(days=2),
    )
    action.reflections.add(reflection)
    ActionFactory(
        community=riverside,
        owner=bob,
        title="Print the maps",
        status=Action.Status.DROPPED,
        status_note="Nobody needed paper",
    )
    services.theme_vote_toggle(theme=theme, user=alice)
    services.content_flag(content=reflection, by=alice, note="Unkind words")
    return {"held": held, "reflection": reflection, "theme": theme, "action": action}


def facilitator_pages(riverside, scene) -> dict:
    slug, held, theme = riverside.slug, scene["held"], scene["theme"]
    return {
        reverse("reflections:actions", args=[slug]): "actions",
        scene["action"].get_absolute_url(): "action",
        reverse("reflections:action_new", args=[slug]): "action_new",
        reverse("reflections:themes", args=[slug]): "themes",
        reverse("reflections:theme_new", args=[slug]) + f"?session={held.pk}": "theme_new",
        reverse("reflections:theme_edit", args=[slug, theme.pk]): "theme_edit",
        reverse("reflections:theme_delete", args=[slug, theme.pk]): "theme_delete",
        reverse("reflections:theme_action", args=[slug, theme.pk]): "theme_action",
        reverse("reflections:flags", args=[slug]): "flags",
        reverse("reflections:hide", args=[slug, "reflection", scene["reflection"].pk]): "hide",
        reverse("reflections:facilitation", args=[slug, held.pk]): "facilitation",
        held.get_absolute_url(): "session",
    }


WORDS = {
    "fr": {
        "actions": [
            "Actions dans Riverside",
            "Actions en cours",
            "Faites et abandonnées",
            "date passée",
            "double boucle",
            "issue de",
            "Pourquoi : Nobody needed paper",
            "abandonnée",
        ],
        "action": [
            "Portée par Alice",
            "issue d&#x27;une réflexion en double boucle",
            "La faire avancer",
            "Mettre à jour l'état",
            "proposée",
        ],
        "action_new": ["Que ferons-nous autrement ?", "Ajouter l'action"],
        "themes": [
            "Thèmes dans Riverside",
            "Rassembler en un thème",
            "Issu de",
            "1 +1",
            "En faire une action",
            "Reformuler",
        ],
        "theme_new": ["Rassembler le thème", "partagées avec toute la communauté"],
        "theme_edit": ["Reformuler « Maps are about power »", "Enregistrer le thème"],
        "theme_delete": ["Supprimer le thème « Maps are about power » ?", "Non, le garder"],
        "theme_action": ["En faire une action", "revoir nos actions en cours"],
        "flags": [
            "À regarder",
            "Demandé par Alice",
            "La réflexion « Who draws the map decides » de Alice",
            "Ce qui l'a préoccupé·e : Unkind words",
            "Journal de modération",
            "Alice a signalé une réflexion : Unkind words",
            "Signalements",
        ],
        "hide": ["Masquer cette réflexion ?", "La masquer"],
        "facilitation": [
            "Réfléchir à l'animation de « Mapping clinic »",
            "La météo du groupe à côté",
            "Qu&#x27;est-ce qui a aidé le groupe ?",
            "Enregistrer ma réflexion",
        ],
        "session": [
            "Votre animation, comme pratique",
            "Thèmes de cette séance",
            "Ce que nous ferons autrement",
            "Toutes les actions",
        ],
    },
    "es": {
        "actions": [
            "Acciones en Riverside",
            "Acciones abiertas",
            "Hechas y descartadas",
            "fecha pasada",
            "doble bucle",
            "surgió de",
            "Por qué: Nobody needed paper",
            "descartada",
        ],
        "action": [
            "La lleva Alice",
            "surgió de una reflexión de doble bucle",
            "Hacerla avanzar",
            "Actualizar el estado",
            "propuesta",
        ],
        "action_new": ["¿Qué haremos de otra manera?", "Añadir la acción"],
        "themes": [
            "Temas en Riverside",
            "Agrupar en un tema",
            "Surgió de",
            "1 +1",
            "Convertir esto en una acción",
            "Reformular",
        ],
        "theme_new": ["Reunir el tema", "compartidas con toda la comunidad"],
        "theme_edit": ["Reformular «Maps are about power»", "Guardar el tema"],
        "theme_delete": ["¿Borrar el tema «Maps are about power»?", "No, conservarlo"],
        "theme_action": ["Convertirlo en acción", "revisar nuestras acciones abiertas"],
        "flags": [
            "Para mirar",
            "Lo pidió Alice",
            "La reflexión «Who draws the map decides» de Alice",
            "Lo que le preocupa: Unkind words",
            "Registro de moderación",
            "Alice señaló una reflexión: Unkind words",
            "Avisos",
        ],
        "hide": ["¿Ocultar esta reflexión?", "Ocultarlo"],
        "facilitation": [
            "Reflexionar sobre cómo facilitaste «Mapping clinic»",
            "El pulso del grupo al lado",
            "¿Qué ayudó al grupo?",
            "Guardar mi reflexión",
        ],
        "session": [
            "Tu facilitación, como práctica",
            "Temas de esta sesión",
            "Lo que haremos de otra manera",
            "Todas las acciones",
        ],
    },
}


@pytest.mark.parametrize(("accept", "language"), [(FRENCH, "fr"), (SPANISH, "es")])
def test_the_facilitators_pages_speak_the_browsers_language(
    client_as, riverside, scene, accept, language
):
    pages = {
        url: WORDS[language][name] for url, name in facilitator_pages(riverside, scene).items()
    }
    absent = [*ENGLISH, "Moderation log", "Your facilitation, as practice", "Group into a theme"]

    assert_pages_say(client_as("bob"), pages, {"accept-language": accept}, absent=absent)


@pytest.mark.parametrize(
    ("accept", "words"),
    [
        (
            FRENCH,
            {
                "actions": ["Actions dans Riverside", "Ajouter une action", "date passée"],
                "themes": ["Thèmes dans Riverside", "1 +1", "Quelques idées communes"],
                "flag": [
                    "Demander à l'équipe d'animation de regarder cette réflexion",
                    "Leur demander de regarder",
                ],
                "session": ["Thèmes de cette séance", "Tous les thèmes", "Toutes les actions"],
                "home": ["Les actions que je porte", "pour le", "Toutes mes réflexions"],
                "community": ["Réflexions récentes", "Toutes les réflexions"],
            },
        ),
        (
            SPANISH,
            {
                "actions": ["Acciones en Riverside", "Añadir una acción", "fecha pasada"],
                "themes": ["Temas en Riverside", "1 +1", "Algunas ideas compartidas"],
                "flag": [
                    "Pedir a una persona facilitadora que mire esta reflexión",
                    "Pedirles que lo miren",
                ],
                "session": ["Temas de esta sesión", "Todos los temas", "Todas las acciones"],
                "home": ["Acciones que llevo", "para el", "Todas mis reflexiones"],
                "community": ["Reflexiones recientes", "Todas las reflexiones"],
            },
        ),
    ],
)
def test_the_members_pages_speak_the_browsers_language(client_as, riverside, scene, accept, words):
    slug = riverside.slug
    flag_url = reverse("reflections:flag", args=[slug, "reflection", scene["reflection"].pk])
    pages = {
        reverse("reflections:actions", args=[slug]): words["actions"],
        reverse("reflections:themes", args=[slug]): words["themes"],
        flag_url: words["flag"],
        scene["held"].get_absolute_url(): words["session"],
        reverse("home"): words["home"],
        reverse("communities:home", args=[slug]): words["community"],
    }
    absent = [*ENGLISH, "Actions I carry", "Recent reflections", "Ask them to look"]

    assert_pages_say(client_as("alice"), pages, {"accept-language": accept}, absent=absent)


@pytest.mark.parametrize(
    ("accept", "words"),
    [
        (FRENCH, ["Voix discrètes", "Quelques façons bienveillantes d'inviter", "3 dernières"]),
        (SPANISH, ["Voces calladas", "Algunas formas amables de invitar", "últimas 3 sesiones"]),
    ],
)
def test_quiet_voices_speak_the_facilitators_language(client_as, riverside, bob, accept, words):
    now = timezone.now()
    quiet = MembershipFactory(community=riverside).user
    for weeks in (3, 2, 1):
        session = SessionFactory(
            community=riverside, starts_at=now - dt.timedelta(weeks=weeks), status="completed"
        )
        AttendanceFactory(session=session, user=quiet)
    pages = {reverse("communities:home", args=[riverside.slug]): words}

    assert_pages_say(client_as("bob"), pages, {"accept-language": accept}, absent=["Quiet voices"])
