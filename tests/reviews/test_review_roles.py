"""Every peer-review page × every kind of person, in one table: who gets what.

Roles: anonymous visitor, signed-in person in no community ("outsider"), member of another
community ("other"), member who did not attend, attendee (neither author nor reviewer),
reviewer (allocated; has shared the review), author of the work, and a facilitator."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reviews import services

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "outsider",
    "other",
    "member",
    "attendee",
    "reviewer",
    "author",
    "facilitator",
]
OUT = {"anonymous": 302, "outsider": 404, "other": 404}


def _view_name(name: str) -> str:
    # The outcome page and its rating stay with outcomes; every other page is peer review's.
    return f"outcomes:{name}" if name in ("outcome", "confidence") else f"reviews:{name}"


def members(status, **exceptions):
    return {
        **OUT,
        **dict.fromkeys(["member", "attendee", "reviewer", "author", "facilitator"], status),
        **exceptions,
    }


GET = {
    "outcome": members(200),
    "work_new": members(200),
    "work": members(200),
    "work_file": members(200),
    "work_delete": members(404, author=200),
    "round_new": members(404, facilitator=200),
    "round": members(200),
    "reviews": members(200),
    "review": members(404, reviewer=200),
}
POST = {
    "confidence": (members(302), {"rating": "4"}),
    "review_reply": (members(404, author=302), {"body": "Thank you"}),
    "review_decline": (members(404, reviewer=302), {}),
    "round_close": (members(404, facilitator=302), {}),
}


@pytest.fixture
def scene(cast):
    attendee = cast.attend(cast.join(display_name="Ari Attendee"))
    pdf = SimpleUploadedFile("map.pdf", b"%PDF-1.4 map", content_type="application/pdf")
    work = cast.share(upload=pdf)
    round_ = cast.open_round(anonymous=True)
    review = round_.reviews.get(reviewer=cast.reviewer)
    services.review_save(
        review=review, answers=[{"works": "Yes", "deeper": ""}], stage="", submit=True
    )
    people = {"attendee": attendee}
    args = {
        "outcome": [cast.outcome.pk],
        "confidence": [cast.outcome.pk],
        "work_new": [cast.session.pk],
        "round_new": [cast.session.pk],
        "work": [work.pk],
        "work_file": [work.pk],
        "work_delete": [work.pk],
        "round": [round_.pk],
        "round_close": [round_.pk],
        "reviews": [],
        "review": [review.pk],
        "review_reply": [review.pk],
        "review_decline": [review.pk],
    }
    return cast, people, args


def client_for(client, scene, role):
    cast, people, _ = scene
    user = people.get(role) or cast.user(role)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("role", ROLES)
def test_each_page_answers_each_role(client, scene, role):
    _, _, args = scene
    client_for(client, scene, role)

    answers = {
        name: client.get(reverse(_view_name(name), args=["riverside", *args[name]])).status_code
        for name in GET
    }

    assert answers == {name: expected[role] for name, expected in GET.items()}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(POST))
def test_each_action_answers_each_role(client, scene, role, name):
    _, _, args = scene
    expected, data = POST[name]
    client_for(client, scene, role)

    status = client.post(reverse(_view_name(name), args=["riverside", *args[name]]), data)

    assert status.status_code == expected[role]
