"""The reflection form speaks French and Spanish: its headings, the loop levels (simple,
double and triple boucle / bucle simple, doble, triple), the confidence wording and its
validation messages follow the browser's Accept-Language."""

from __future__ import annotations

import pytest
from django.urls import reverse

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
