"""The impact dashboards, reports and stories speak French and Spanish: the community
dashboard, the portfolio, the printable reports and the stories pages follow the browser's
language for a leader, numbers are written the language's way ("0,27", "12,5 %"), and the
cached figures hold numbers only, so the same cached figures read in English, then in
French, say each language's words."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from impact import snapshot
from impact.periods import Period
from impact.values import Number, Percent, percent_text
from reflections.models import Reflection
from tests.factories import ImpactStoryFactory, MembershipFactory, ReflectionFactory
from tests.i18n.pages import assert_pages_say

pytestmark = pytest.mark.django_db
# A Tuesday in March: the year's window of whole months runs March 2025 to February 2026.
NOW = dt.datetime(2026, 3, 10, 14, 5, tzinfo=dt.UTC)
FRENCH = {"accept-language": "fr-FR,fr;q=0.9"}
SPANISH = {"accept-language": "es-419,es;q=0.8"}
ENGLISH = {"accept-language": "en-GB,en;q=0.9"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def shared(riverside):
    """Five members shared 1 to 5 reflections with the community in February: enough
    people for every figure about them to show (participation's Gini is 0.27)."""
    for count in range(1, 6):
        member = MembershipFactory(
            community=riverside, joined_at=dt.datetime(2025, 1, 6, tzinfo=dt.UTC)
        ).user
        for _ in range(count):
            ReflectionFactory(
                community=riverside,
                author=member,
                loop_level=Reflection.Loop.DOUBLE,
                visibility=Reflection.Visibility.COMMUNITY,
                created_at=dt.datetime(2026, 2, 10, tzinfo=dt.UTC),
            )
    return riverside


@pytest.mark.parametrize(
    ("headers", "dashboard", "portfolio", "report", "stories"),
    [
        (
            FRENCH,
            [
                "tableau de bord de l’impact",
                "Ce qui a changé",
                "Choisir la période",
                "Rapport à imprimer",
                "Cette période à côté de la précédente",
                "Réflexions partagées par niveau de boucle",
                "double boucle",
                "Récits d’impact",
                "0,27",
            ],
            ["Toutes les communautés dont vous êtes responsable", "Séances tenues par communauté"],
            ["Rapport d’impact : Riverside", "Retour au tableau de bord", "Ce qui a changé"],
            ["Récits d’impact", "Filtrer les récits", "par Alice", "publié le"],
        ),
        (
            SPANISH,
            [
                "panel de impacto",
                "Qué cambió",
                "Elige el período",
                "Informe para imprimir",
                "Este período junto al anterior",
                "Reflexiones compartidas por nivel de bucle",
                "bucle doble",
                "Historias de impacto",
                "0,27",
            ],
            ["Todas las comunidades de las que eres responsable", "Sesiones celebradas"],
            ["Informe de impacto: Riverside", "Volver al panel", "Qué cambió"],
            ["Historias de impacto", "Filtrar las historias", "de Alice", "publicada el"],
        ),
    ],
)
def test_the_impact_pages_speak_the_browsers_language(
    client_as, shared, alice, headers, dashboard, portfolio, report, stories
):
    story = ImpactStoryFactory(community=shared, author=alice, title="The referral map")
    client = client_as("erin")  # a leader of the organisation
    slug = shared.slug
    pages = {
        reverse("dashboard:community", args=[slug]): dashboard,
        reverse("dashboard:portfolio"): portfolio,
        reverse("dashboard:community_report", args=[slug]): report,
        reverse("dashboard:portfolio_report"): report[:2],
        reverse("dashboard:story_list"): stories,
        story.get_absolute_url(): stories[2:],
    }

    assert_pages_say(
        client,
        pages,
        headers,
        absent=[
            "What changed",
            "Printable report",
            "Choose the period",
            "fewer than 5",
            "Impact stories",
            "Sessions held",
            "Back to the dashboard",
        ],
    )


def test_a_coordinator_reads_the_dashboard_in_french_with_its_numbers(client_as, shared):
    client = client_as("carol")
    page = client.get(reverse("dashboard:community", args=[shared.slug]), headers=FRENCH)
    text = page.content.decode()

    assert page.status_code == 200
    # The Gini coefficient with a decimal comma, the privacy floor in kind French words.
    assert "<td>0,27</td>" in text and "0.27" not in text
    assert "moins de 5" in text and "fewer than 5" not in text
    assert "Chiffres à 14:05 UTC ; ils sont actualisés toutes les 10 minutes." in text


def test_the_figures_age_is_said_in_spanish_with_its_plural(client_as, shared):
    client = client_as("erin")
    page = client.get(reverse("dashboard:community_report", args=[shared.slug]), headers=SPANISH)

    assert "Cifras de las 14:05 UTC; se actualizan cada 10 minutos." in page.content.decode()


def test_numbers_are_written_the_languages_way():
    with translation.override("fr"):
        assert percent_text(0.125, 1) == "12,5 %"
        assert str(Percent(4, 5)) == "80 %"
        assert str(Number(0.2667, 2)) == "0,27"
        assert str(Number(None, 2, people=3)) == "moins de 5"
    with translation.override("es"):
        assert percent_text(0.125, 1) == "12,5 %"
        assert str(Number(3.25, 1)) == "3,2"
    with translation.override("en-gb"):
        assert percent_text(0.125, 1) == "12.5 %"
        assert str(Number(0.2667, 2)) == "0.27"


def test_cached_figures_are_read_in_each_readers_language(client_as, shared):
    """The dashboard's figures are computed once and cached; an English reader, then a
    French one, each read the cached figures in their own words."""
    client = client_as("bob")  # a facilitator of Riverside
    url = reverse("dashboard:community", args=[shared.slug])
    key = snapshot.community_key(shared.pk, Period.last(365))
    cache.delete(key)

    english = client.get(url, headers=ENGLISH).content.decode()
    assert cache.get(key) is not None  # the figures are cached now
    french = client.get(url, headers=FRENCH).content.decode()
    english_again = client.get(url, headers=ENGLISH).content.decode()

    more = "Contributions are more concentrated than before: a few voices carry more."
    plus = "Les contributions sont plus concentrées qu’avant : quelques voix portent davantage."
    assert more in english and plus not in english
    assert plus in french and more not in french
    assert more in english_again and plus not in english_again
    # Months in each language, drawn from the same cached figures; the charts are kept
    # drawn per language, so the French drawing is never served to an English reader.
    assert "Mar 2025–Feb 2026" in english
    assert "mars 2025–fév. 2026" in french
    loops, boucles = "Shared reflections by loop level", "Réflexions partagées par niveau de boucle"
    assert loops in english and boucles not in english
    assert boucles in french and loops not in french
    assert loops in english_again and boucles not in english_again


@pytest.mark.parametrize(
    ("language", "error"),
    [
        ("fr", "Choisissez un jour à partir du 1 janvier 2000."),
        ("es", "Elige un día a partir del 1 de enero de 2000."),
    ],
)
def test_the_period_pickers_errors_are_translated(client_as, shared, language, error):
    client = client_as("bob")
    headers = FRENCH if language == "fr" else SPANISH
    url = reverse("dashboard:community", args=[shared.slug])
    page = client.get(f"{url}?period=custom&start=0001-01-01&end=0001-01-03", headers=headers)

    assert error in page.content.decode()


def test_a_story_form_speaks_spanish(client_as, riverside):
    client = client_as("alice")
    page = client.get(reverse("dashboard:story_create", args=[riverside.slug]), headers=SPANISH)
    text = page.content.decode()

    assert page.status_code == 200
    for words in ["Una historia de impacto para Riverside", "Guardar la historia", "Qué pasó"]:
        assert words in text
    assert "Save the story" not in text
