"""The JavaScript catalog: /jsi18n/ answers each reader's translations of the strings of
static/js (locale/<lang>/LC_MESSAGES/djangojs.po), cached and stamped Last-Modified, and
every page loads it before its own scripts."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("accept", "words"),
    [
        ("fr-FR,fr;q=0.9", ["Soit %(moment)s à votre heure (%(zone)s).", "(cet appareil)"]),
        ("es-419,es;q=0.8", ["Es decir, %(moment)s en tu hora (%(zone)s).", "(este dispositivo)"]),
    ],
)
def test_the_catalog_answers_the_readers_language(client_as, accept, words):
    client = client_as("alice")
    response = client.get(
        reverse("javascript-catalog"), {"language": accept[:2]}, headers={"accept-language": accept}
    )
    text = response.content.decode()

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response.has_header("Last-Modified")
    for word in words:
        assert json.dumps(word)[1:-1] in text  # the catalog is JSON: "\u00e0" for "à"
    assert "function gettext" in text or "django.gettext" in text


def test_the_catalog_in_english_has_no_translations(client):
    response = client.get(reverse("javascript-catalog"), headers={"accept-language": "en-GB"})

    assert response.status_code == 200
    assert json.dumps("à votre heure")[1:-1] not in response.content.decode()


def test_every_page_loads_the_catalog_before_its_scripts(client_as):
    client = client_as("alice")
    text = client.get(reverse("home"), headers={"accept-language": "fr"}).content.decode()

    catalog = text.index(f"{reverse('javascript-catalog')}?language=fr")
    assert catalog < text.index("js/site.js")
