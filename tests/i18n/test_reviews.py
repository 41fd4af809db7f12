"""Peer review speaks French and Spanish: the reviews page and the review form follow the
browser's Accept-Language, with the glossary's words (revue par les pairs / revisión entre
pares, cycle de revue / ronda de revisión) and never a grading word."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from tests.i18n.pages import assert_pages_say
from tests.reviews.conftest import cast  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("accept", "reviews_page", "review_form", "banned"),
    [
        (
            "fr-FR,fr;q=0.9",
            ["Revue par les pairs dans Riverside", "En attente de moi", "Cycles de revue"],
            ["Votre revue de « Our causal loop map »", "Écrire votre revue", "Enregistrer"],
            ["évaluation", "noter"],
        ),
        (
            "es-419,es;q=0.8",
            ["Revisión entre pares en Riverside", "Esperándome", "Rondas de revisión"],
            ["Tu revisión de «Our causal loop map»", "Escribe tu revisión", "Guardar borrador"],
            ["calificación", "puntuación"],
        ),
    ],
)
def test_the_review_pages_speak_the_browsers_language(
    client,
    cast,  # noqa: F811
    accept,
    reviews_page,
    review_form,
    banned,
):
    cast.share()
    review = cast.open_round().reviews.get()
    client.force_login(cast.reviewer)
    headers = {"accept-language": accept}
    slug = cast.community.slug
    pages = {
        reverse("reviews:reviews", args=[slug]): reviews_page,
        reverse("reviews:review", args=[slug, review.pk]): review_form,
    }

    absent = [*banned, "waiting for me", "write your review"]
    assert_pages_say(client, pages, headers, absent=absent, lowered=True)


@pytest.mark.parametrize(
    ("accept", "wanted"),
    [
        ("fr-FR,fr;q=0.9", ["Ce que Riverside veut être capable de faire", "Proposer un objectif"]),
        (
            "es-419,es;q=0.8",
            ["Lo que Riverside quiere ser capaz de hacer", "Proponer un resultado"],
        ),
    ],
)
def test_the_outcomes_page_speaks_the_browsers_language(client_as, riverside, accept, wanted):
    response = client_as("alice").get(
        reverse("outcomes:list", args=[riverside.slug]), headers={"accept-language": accept}
    )
    assert response.status_code == 200
    text = response.content.decode()
    for words in wanted:
        assert words in text
    assert "Propose an outcome" not in text


@pytest.mark.parametrize(
    ("language", "subject", "body"),
    [
        ("fr", "Une revue par les pairs de « Our causal loop map » vous attend", "Lisez-la"),
        ("es", "Una revisión entre pares de «Our causal loop map» te espera", "Léela"),
    ],
)
def test_a_review_email_reaches_the_author_in_their_language(cast, language, subject, body):  # noqa: F811
    from accounts.languages import speaking
    from reviews.emails import review_email_context
    from reviews.models import PeerReview

    work = cast.share()
    cast.open_round()
    review = PeerReview.objects.get(work=work)
    cast.author.language = language
    context = review_email_context(review, cast.author)
    with speaking(cast.author):
        subject_text = render_to_string("outcomes/email/review_received_subject.txt", context)
        text = render_to_string("outcomes/email/review_received.txt", context)
    assert subject_text.strip() == subject
    assert body in text
    assert "has looked at" not in text
