"""The reflection form speaks French and Spanish: its headings, the loop levels (simple,
double and triple boucle / bucle simple, doble, triple), the confidence wording and its
validation messages follow the browser's Accept-Language."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from tests.i18n.pages import assert_pages_say

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("accept", "page", "error"),
    [
        (
            "fr-FR,fr;q=0.9",
            [
                "Écrire une réflexion",
                "Réflexions dans Riverside",
                "Jusqu&#x27;où cela va-t-il ?",
                "Simple boucle — avons-nous bien fait les choses ?",
                "Triple boucle",
                "Garder en brouillon",
            ],
            "Écrivez quelques mots ici, ou répondez à l&#x27;une des questions.",
        ),
        (
            "es-419,es;q=0.8",
            [
                "Escribir una reflexión",
                "Reflexiones en Riverside",
                "¿Qué tan hondo llega?",
                "Bucle simple — ¿hicimos bien las cosas?",
                "Doble bucle",
                "Guardar como borrador",
            ],
            "Escribe unas palabras aquí, o responde a una de las preguntas.",
        ),
    ],
)
def test_the_reflection_form_speaks_the_browsers_language(
    client_as, riverside, alice, accept, page, error
):
    client = client_as("alice")
    headers = {"accept-language": accept}
    url = reverse("reflections:new", args=[riverside.slug])

    text = client.get(url, headers=headers).content.decode()
    for words in page:
        assert words in text, words
    assert "Write a reflection" not in text

    response = client.post(url, {"title": "Tuesday", "visibility": "private"}, headers=headers)
    assert response.status_code == 200
    assert error in response.content.decode()


@pytest.mark.parametrize(
    ("accept", "listing", "detail"),
    [
        (
            "fr-FR,fr;q=0.9",
            ["Réflexions dans Riverside", "Mes réflexions", "double boucle", "1 réponse"],
            ["Par ", "double boucle", "questionner ce que nous faisons", "En faire une action"],
        ),
        (
            "es-419,es;q=0.8",
            ["Reflexiones en Riverside", "Mis reflexiones", "doble bucle", "1 respuesta"],
            ["De ", "doble bucle", "cuestionar lo que hacemos", "Convertir esto en una acción"],
        ),
    ],
)
def test_the_reflection_list_and_page_speak_the_browsers_language(
    client_as, riverside, alice, bob, accept, listing, detail
):
    from reflections.models import Response
    from tests.factories.reflections import ReflectionFactory

    reflection = ReflectionFactory(
        author=alice, community=riverside, title="Tuesday", loop_level="double"
    )
    Response.objects.create(community=riverside, reflection=reflection, author=bob, body="Yes, and")
    client = client_as("alice")
    headers = {"accept-language": accept}

    pages = {
        reverse("reflections:list", args=[riverside.slug]): listing,
        reflection.get_absolute_url(): detail,
    }
    assert_pages_say(client, pages, headers, absent=["double loop"])


def test_a_response_reaches_the_reflections_author_in_their_language(
    riverside, alice, bob, django_capture_on_commit_callbacks
):
    """bob responds (his language is English); alice, who wrote the reflection, reads
    French: the subject and both parts are hers."""
    from reflections import services
    from tests.factories.reflections import ReflectionFactory

    alice.language = "fr"
    alice.save()
    reflection = ReflectionFactory(author=alice, community=riverside, title="Mardi")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.response_create(
            author=bob, community=riverside, kind="reflection", target=reflection, body="Yes, and."
        )

    (message,) = [m for m in mail.outbox if m.to == [alice.email]]
    assert message.subject == f"{bob.name} a répondu : « Mardi »"
    assert message.body.startswith("Bonjour")
    assert "a répondu à « Mardi » dans Riverside" in message.body
    assert "Choisir les e-mails que vous recevez" in message.alternatives[0][0]
