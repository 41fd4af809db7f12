"""The review round's own emails speak French and Spanish: the gentle reminder, a review
reassigned (by the cadence or by a facilitator), the authors still waiting (to the
facilitators), more time, and a request to rephrase are sent through their real paths
(the cadence scan, the facilitator's actions and pages) and reach each recipient in the
recipient's language — never the sender's — subject, text and HTML alike, with the
in-site notification line beside them. A review form's error follows the browser."""

from __future__ import annotations

import datetime as dt
from html import unescape

import pytest
from django.core import mail

from accounts.models import Notification
from reviews import facilitation, services
from reviews.models import PeerReview
from reviews.tasks import review_cadence_scan
from tests.reviews.conftest import cast  # noqa: F401 (a fixture)

# The same stalled round as the stall tests (its fixtures and clock).
from tests.reviews.test_stalls import T0, at, sent, stalled  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
S = PeerReview.Status
ANSWERS = [{"works": "Clear loops.", "deeper": "Name the delays."}, {"works": "", "deeper": ""}]
# What an email in English would say: none of it may reach a French or Spanish reader.
ENGLISH = ["Hello", "Change which emails you get", "hoped for by", "thank you", "review round"]

SAYS = {
    "fr": {
        "hello": "Bonjour Tess Third,",
        "reminder": (
            "Un petit rappel : votre revue de « River map »",
            ["À mi-parcours : votre revue par les pairs de « River map »", "mardi 10 novembre"],
        ),
        "reminder_line": "Un petit rappel : votre revue de « River map ».",
        "reassigned": (
            "Pourriez-vous faire la revue de « River map » ?",
            ["attend encore une revue par les pairs, et vous avez fini les vôtres — merci."],
        ),
        "waiting": (
            "Des auteur·rices attendent encore des revues : « Causal loops »",
            ["ces auteur·rices attendent encore une revue", "Ada Author : « River map »"],
        ),
        "extended": (
            "Plus de temps pour votre revue de « River map » : désormais pour samedi 14 novembre",
            ["L'équipe d'animation a donné plus de temps au cycle de revue"],
        ),
        "rephrase": (
            "Pourriez-vous revoir votre revue de « Our causal loop map » ?",
            ["Votre revue est de retour dans vos brouillons", "Kinder, please."],
        ),
        "asked": (
            "Pourriez-vous faire la revue de « River map » ?",
            ["« River map », de « Causal loops » dans Riverside, attend encore une revue"],
        ),
    },
    "es": {
        "hello": "Hola, Tess Third:",
        "reminder": (
            "Un recordatorio amable: tu revisión de «River map»",
            ["A mitad de camino: tu revisión entre pares de «River map»", "martes 10 de noviembre"],
        ),
        "reminder_line": "Un recordatorio amable: tu revisión de «River map».",
        "reassigned": (
            "¿Podrías revisar «River map»?",
            ["todavía espera una revisión entre pares, y tú ya terminaste las tuyas — gracias."],
        ),
        "waiting": (
            "Personas autoras que aún esperan revisiones: «Causal loops»",
            ["estas personas autoras todavía esperan una revisión", "Ada Author: «River map»"],
        ),
        "extended": (
            "Más tiempo para tu revisión de «River map»: ahora para el sábado 14 de noviembre",
            ["Las personas facilitadoras dieron más tiempo a la ronda de revisión"],
        ),
        "rephrase": (
            "¿Podrías mirar de nuevo tu revisión de «Our causal loop map»?",
            ["Tu revisión volvió a tus borradores", "Kinder, please."],
        ),
        "asked": (
            "¿Podrías revisar «River map»?",
            ["«River map», de «Causal loops» en Riverside, todavía espera una revisión"],
        ),
    },
}


def speaks(user, language: str):
    user.language = language
    user.save(update_fields=["language"])
    return user


def one_email_to(user, subject: str):
    """The one email `user` got with exactly `subject`: its text and HTML bodies."""
    found = [m for m in mail.outbox if m.to == [user.email] and m.subject == subject]
    assert len(found) == 1, [m.subject for m in mail.outbox if m.to == [user.email]]
    message = found[0]
    ((html, _),) = message.alternatives
    return message.body, html


def assert_says(user, said, words=()):
    """`user` got the email `said` ((subject, [phrases])) with every phrase in its text and
    its HTML, plus `words` in both, and nothing of the English email."""
    subject, phrases = said
    text, html = one_email_to(user, subject)
    # The HTML sets titles in bold where the text quotes them.
    html_text = unescape(html.replace("<strong>", "").replace("</strong>", ""))
    for phrase in [*phrases, *words]:
        assert phrase in text, phrase
        unquoted = phrase.replace("« ", "").replace(" »", "").replace("«", "").replace("»", "")
        assert unquoted in html_text, unquoted
    for english in ENGLISH:
        assert english not in text and english not in html, english


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_cadence_writes_to_each_person_in_their_language(
    cast,  # noqa: F811
    stalled,  # noqa: F811
    sent,  # noqa: F811
    language,
):
    """The half-time reminder (to Tess), the automatic reassignment (to Rosa, who has
    finished hers) and the authors still waiting (to Bob, the facilitator)."""
    says = SAYS[language]
    tess, rosa, bob = (speaks(person, language) for person in
                       (stalled["tess"], cast.reviewer, cast.facilitator))  # fmt: skip
    with sent():
        with at(4):
            assert review_cadence_scan()["reminders"] == 1
        with at(10):
            assert review_cadence_scan()["reassigned"] == 1

    assert_says(tess, says["reminder"], [says["hello"]])
    assert_says(rosa, says["reassigned"])
    assert_says(bob, says["waiting"])
    line = Notification.objects.get(recipient=tess, kind="review_reminder").text
    assert line == says["reminder_line"]


@pytest.mark.parametrize("language", ["fr", "es"])
def test_more_time_and_a_reassignment_reach_them_in_their_language(
    cast,  # noqa: F811
    stalled,  # noqa: F811
    sent,  # noqa: F811
    language,
):
    """The facilitator (who reads English) extends the round and asks Uma in Tess's place:
    Tess and Uma read French or Spanish."""
    says = SAYS[language]
    tess, uma = speaks(stalled["tess"], language), speaks(stalled["uma"], language)
    today = T0.date() + dt.timedelta(days=9)
    with sent():
        facilitation.review_round_extend(
            round_=stalled["round"], due_on=today + dt.timedelta(days=3), today=today
        )
    with sent():
        facilitation.review_reassign(review=stalled["waiting"], to_id=uma.pk)

    assert_says(tess, says["extended"], [says["hello"]])
    assert_says(uma, says["asked"])


@pytest.mark.parametrize("language", ["fr", "es"])
def test_a_request_to_rephrase_reaches_the_reviewer_in_their_language(
    client,
    cast,  # noqa: F811
    sent,  # noqa: F811
    language,
):
    """Bob asks from an English browser; Rosa reads the request in her own language."""
    cast.share()
    round_ = cast.open_round()
    round_.holds_reviews = True
    round_.save(update_fields=["holds_reviews"])
    review = PeerReview.objects.get()
    services.review_save(review=review, answers=ANSWERS, stage="developing", submit=True)
    rosa = speaks(cast.reviewer, language)
    client.force_login(cast.facilitator)
    with sent():
        response = client.post(
            f"/c/riverside/reviews/{review.pk}/rephrase/",
            {"note": "Kinder, please."},
            headers={"accept-language": "en"},
            follow=True,
        )

    assert "is asked to look again; they see your note." in response.content.decode()
    assert_says(rosa, SAYS[language]["rephrase"])


@pytest.mark.parametrize(
    ("accept", "error"),
    [
        (
            "fr-FR,fr;q=0.9",
            "Écrivez un petit mot, pour que le·la relecteur·rice sache quoi changer.",
        ),
        ("es-419,es;q=0.8", "Escribe una nota breve, para que quien revisó sepa qué cambiar."),
    ],
)
def test_a_review_form_error_follows_the_browser(client, cast, accept, error):  # noqa: F811
    cast.share()
    round_ = cast.open_round()
    round_.holds_reviews = True
    round_.save(update_fields=["holds_reviews"])
    review = PeerReview.objects.get()
    services.review_save(review=review, answers=ANSWERS, stage="developing", submit=True)
    client.force_login(cast.facilitator)

    response = client.post(
        f"/c/riverside/reviews/{review.pk}/rephrase/",
        {"note": ""},
        headers={"accept-language": accept},
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert error in text
    assert "Write a short note" not in text
