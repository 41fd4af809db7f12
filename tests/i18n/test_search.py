"""The search page speaks French and Spanish: its heading, its hints and each hit's loop
level follow the browser's Accept-Language."""

from __future__ import annotations

import pytest

from tests.factories import ReflectionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("accept", "empty", "found"),
    [
        (
            "fr-FR,fr;q=0.9",
            ["<h1>Rechercher</h1>", "Tapez quelques mots pour trouver"],
            ["Recherche : tide", "· double boucle", "Niveau de boucle", "Toutes mes communautés"],
        ),
        (
            "es-419,es;q=0.8",
            ["<h1>Buscar</h1>", "Escribe unas palabras para encontrar"],
            ["Búsqueda: tide", "· doble bucle", "Nivel de bucle", "Todas mis comunidades"],
        ),
    ],
)
def test_the_search_page_speaks_the_browsers_language(
    client_as, riverside, alice, accept, empty, found
):
    ReflectionFactory(
        community=riverside, author=alice, title="Deep", body="tide", loop_level="double"
    )
    client = client_as("alice")
    headers = {"accept-language": accept}

    text = client.get("/search/", headers=headers).content.decode()
    for words in empty:
        assert words in text, words

    text = client.get("/search/", {"q": "tide"}, headers=headers).content.decode()
    for words in found:
        assert words in text, words
    assert "double loop" not in text
