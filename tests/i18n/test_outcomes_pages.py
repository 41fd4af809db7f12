"""The outcomes pages speak French and Spanish: shared work, review rounds, the alignment
map, practice on a calibration example, rephrase, self review, agreeing an outcome and the
panels on the community home, the home page and a session page follow the browser's
Accept-Language, for a facilitator and for members, with the glossary's words (cycle de
revue / ronda de revisión, relecteur·rice / revisor·a, carte d'alignement / mapa de
alineamiento); the outcomes' forms, choices and messages too."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import PeerReview
from tests.i18n.pages import assert_pages_say
from tests.reviews.conftest import cast  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

FRENCH, SPANISH = "fr-FR,fr;q=0.9", "es-419,es;q=0.8"
ANSWERS = [{"works": "Clear loops.", "deeper": "Name the delays."}, {"works": "", "deeper": ""}]


def _round(cast, *, self_review=False, holds_reviews=False, example=False):  # noqa: F811
    """The author's work shared and a round open on it; the reviewer's review shared."""
    work = cast.share()
    round_ = cast.open_round()
    round_.self_review, round_.holds_reviews = self_review, holds_reviews
    round_.save(update_fields=["self_review", "holds_reviews"])
    if example:
        services.calibration_example_save(
            round_=round_,
            by=cast.facilitator,
            title="A sample loop map",
            description="Three loops about rent and wages.",
            link="",
            answers=[{"works": "Each loop is named.", "deeper": "Which loop dominates?"}],
            stage="confident",
        )
    return work, round_


@pytest.mark.parametrize(
    ("accept", "words"),
    [
        (
            FRENCH,
            {
                "round": [
                    "Cycle de revue de Causal loops",
                    "Qui relit quoi",
                    "Repousser la date prévue",
                    "Clore le cycle",
                    "0 sur 1 revue partagée.",
                ],
                "alignment": ["Carte d", "Aucune activité n", "en prévoir une ?"],
                "round_new": ["Ouvrir un cycle de revue pour Causal loops", "Ouvrir le cycle"],
                "review_add": ["Ajouter un·e relecteur·rice à « Our causal loop map »"],
                "example": ["Ajouter un exemple pour les relecteur·rices", "Enregistrer l"],
                "agree": ["Modifier un objectif", "Retour aux objectifs", "Questions de revue"],
                "work": ["Tout le monde dans Riverside peut voir ce travail."],
            },
        ),
        (
            SPANISH,
            {
                "round": [
                    "Ronda de revisión de Causal loops",
                    "Quién revisa qué",
                    "Ampliar la fecha prevista",
                    "Cerrar la ronda",
                    "0 de 1 revisión compartida.",
                ],
                "alignment": [
                    "Mapa de alineamiento",
                    "Aún no hay ninguna actividad planificada para este resultado",
                    "¿planificar una?",
                ],
                "round_new": ["Abrir una ronda de revisión para Causal loops", "Abrir la ronda"],
                "review_add": ["Añadir revisor·a a «Our causal loop map»"],
                "example": ["Añadir un ejemplo para revisores·as", "Guardar el ejemplo"],
                "agree": [
                    "Editar un resultado",
                    "Volver a los resultados",
                    "Preguntas de revisión",
                ],
                "work": ["Todo el mundo en Riverside puede ver este trabajo."],
            },
        ),
    ],
)
def test_a_facilitators_outcomes_pages_speak_the_browsers_language(client, cast, accept, words):  # noqa: F811
    work, round_ = _round(cast)
    client.force_login(cast.facilitator)
    slug = cast.community.slug
    pages = {
        reverse("reviews:round", args=[slug, round_.pk]): words["round"],
        reverse("reviews:alignment", args=[slug]): words["alignment"],
        reverse("reviews:round_new", args=[slug, cast.session.pk]): words["round_new"],
        reverse("reviews:review_add", args=[slug, round_.pk, work.pk]): words["review_add"],
        reverse("reviews:round_example", args=[slug, round_.pk]): words["example"],
        reverse("outcomes:agree", args=[slug, cast.outcome.pk]): words["agree"],
        reverse("reviews:work", args=[slug, work.pk]): words["work"],
    }

    absent = ["Who reviews what", "Close the round", "Alignment map ·", "Back to outcomes"]
    assert_pages_say(client, pages, {"accept-language": accept}, absent=absent)


@pytest.mark.parametrize(
    ("accept", "extend", "rephrase"),
    [
        (FRENCH, "Les revues sont désormais attendues pour le", "Proposer une reformulation"),
        (SPANISH, "Las revisiones se esperan ahora para el", "Pedir una reformulación"),
    ],
)
def test_extending_and_rephrasing_speak_the_browsers_language(
    client,
    cast,  # noqa: F811
    accept,
    extend,
    rephrase,
):
    _work, round_ = _round(cast, holds_reviews=True)
    review = PeerReview.objects.get()
    services.review_save(review=review, answers=ANSWERS, stage="developing", submit=True)
    client.force_login(cast.facilitator)
    headers = {"accept-language": accept}
    slug = cast.community.slug

    refused = client.post(
        reverse("reviews:round_extend", args=[slug, round_.pk]), {"due_on": ""}, headers=headers
    )
    assert extend in refused.content.decode()
    assert "Extend the due date" not in refused.content.decode()
    pages = {reverse("reviews:review_rephrase", args=[slug, review.pk]): [rephrase]}
    assert_pages_say(client, pages, headers, absent=["Ask for a rephrase"])


@pytest.mark.parametrize(
    ("accept", "words"),
    [
        (
            FRENCH,
            {
                "work": ["Supprimer ce travail", "Votre regard d", "Écrire mon regard"],
                "self_review": ["Comment voyez-vous « Our causal loop map » ?"],
                "work_new": ["Partager votre travail issu de Causal loops", "Retour à la séance"],
                "work_delete": ["Supprimer « Our causal loop map » ?", "C'est définitif."],
                "session": ["Travaux partagés depuis cette séance", "par Ada Author"],
            },
        ),
        (
            SPANISH,
            {
                "work": ["Eliminar este trabajo", "Primero tu mirada.", "Escribir mi mirada"],
                "self_review": ["¿Cómo ves «Our causal loop map»?"],
                "work_new": ["Comparte tu trabajo de Causal loops", "Volver a la sesión"],
                "work_delete": ["¿Eliminar «Our causal loop map»?", "No se puede deshacer."],
                "session": ["Trabajo compartido de esta sesión", "de Ada Author"],
            },
        ),
    ],
)
def test_an_authors_outcomes_pages_speak_the_browsers_language(client, cast, accept, words):  # noqa: F811
    work, round_ = _round(cast, self_review=True)
    services.review_save(
        review=PeerReview.objects.get(), answers=ANSWERS, stage="developing", submit=True
    )
    client.force_login(cast.author)
    slug = cast.community.slug
    pages = {
        reverse("reviews:work", args=[slug, work.pk]): words["work"],
        reverse("reviews:self_review", args=[slug, work.pk, round_.pk]): words["self_review"],
        reverse("reviews:work_new", args=[slug, cast.session.pk]): words["work_new"],
        reverse("reviews:work_delete", args=[slug, work.pk]): words["work_delete"],
        reverse("sessions:detail", args=[slug, cast.session.pk]): words["session"],
    }

    absent = ["Delete this work", "Your view first", "Share your work from", "Work shared from"]
    text = {
        url: html.unescape(client.get(url, headers={"accept-language": accept}).content.decode())
        for url in pages
    }
    for url, wanted in pages.items():
        for phrase in wanted:
            assert phrase in text[url], (url, phrase)
        for phrase in absent:
            assert phrase not in text[url], (url, phrase)


@pytest.mark.parametrize(
    ("accept", "words"),
    [
        (
            FRENCH,
            {
                "round": ["Ma part", "Relire « Our causal loop map »", "Entraînez-vous d"],
                "practice": ["Votre revue d", "Comparer avec l", "Passer l"],
                "home": ["Revues qui m", "attendue pour"],
                "community": ["Ce que nous voulons être capables de faire"],
                "alignment": ["Aucune activité n"],
            },
        ),
        (
            SPANISH,
            {
                "round": [
                    "Mi parte",
                    "Revisar «Our causal loop map»",
                    "Practica antes con un ejemplo",
                ],
                "practice": [
                    "Tu revisión de práctica",
                    "Comparar con el ejemplo",
                    "Saltar la práctica",
                ],
                "home": ["Revisiones que me esperan", "esperada para"],
                "community": ["Lo que queremos ser capaces de hacer"],
                "alignment": ["Aún no hay ninguna actividad planificada para este resultado."],
            },
        ),
    ],
)
def test_a_reviewers_outcomes_pages_speak_the_browsers_language(client, cast, accept, words):  # noqa: F811
    _work, round_ = _round(cast, example=True)
    client.force_login(cast.reviewer)
    slug = cast.community.slug
    pages = {
        reverse("reviews:round", args=[slug, round_.pk]): words["round"],
        reverse("reviews:practice", args=[slug, round_.pk]): words["practice"],
        reverse("home"): words["home"],
        reverse("communities:home", args=[slug]): words["community"],
        reverse("reviews:alignment", args=[slug]): words["alignment"],
    }

    absent = ["My part", "Your practice review", "Reviews waiting for me", "plan one?"]
    assert_pages_say(client, pages, {"accept-language": accept}, absent=absent)


@pytest.mark.parametrize(
    ("accept", "label", "thanks", "too_few"),
    [
        (
            FRENCH,
            "4 — assez confiant·e",
            "Merci — votre objectif est proposé.",
            "entre 2 et 5 questions, une par ligne.",
        ),
        (
            SPANISH,
            "4 — bastante segura o seguro",
            "Gracias — tu resultado está propuesto.",
            "Escribe entre 2 y 5 preguntas, una por línea.",
        ),
    ],
)
def test_the_outcomes_forms_and_messages_speak_the_browsers_language(
    client,
    cast,  # noqa: F811
    accept,
    label,
    thanks,
    too_few,
):
    headers = {"accept-language": accept}
    slug = cast.community.slug
    client.force_login(cast.member)
    detail = client.get(reverse("outcomes:outcome", args=[slug, cast.outcome.pk]), headers=headers)
    assert label in detail.content.decode()
    proposed = client.post(
        reverse("outcomes:list", args=[slug]),
        {"statement": "read a map aloud", "why": ""},
        headers=headers,
        follow=True,
    )
    assert thanks in proposed.content.decode()

    client.force_login(cast.facilitator)
    refused = client.post(
        reverse("outcomes:agree", args=[slug, cast.outcome.pk]),
        {"statement": "map better", "why": "", "prompts": "Only one?"},
        headers=headers,
    )
    assert too_few in refused.content.decode()
    assert "Please give between 2 and 5 prompts" not in refused.content.decode()
