"""Issue 18's acceptance for the pulse: no page, export, search result, digest or email
shows a pulse answer's words or who gave them — below the floor to nobody, at or above it
the words to the session's facilitators on the session page alone (leaders see only a
monthly average). One matrix: every surface × every viewer, at 4 answers and at 5."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.digest import digest_preview
from sessions import services
from sessions.models import Session
from tests.factories import AttendanceFactory, MembershipFactory

pytestmark = pytest.mark.django_db

# Words that appear nowhere unless a pulse answer's text is shown.
WORDS = "Kerfuffle-free breakout rooms"


@pytest.fixture
def held_with(world, django_capture_on_commit_callbacks):
    """Make `world.session` held with `n` attendees answering the pulse: the member with
    words of their own (which their own form shows them back), the others with WORDS;
    every email is sent."""

    def make(n: int) -> Session:
        session = world.session
        session.starts_at = timezone.now() - timedelta(hours=3)
        session.status = Session.Status.COMPLETED
        session.save()
        people = [world.member] + [
            MembershipFactory(community=world.community, user__display_name=f"Pulse {i}").user
            for i in range(n - 1)
        ]
        with django_capture_on_commit_callbacks(execute=True):
            for index, person in enumerate(people):
                AttendanceFactory(session=session, user=person)
                better = "My own line" if person == world.member else f"{WORDS} {index}"
                services.pulse_answer(
                    session=session, user=person, face=2 + index % 3, better=better
                )
        return session

    return make


def _surfaces(world, session):
    slug = world.community.slug
    return {
        "session": session.get_absolute_url(),
        "community_home": reverse("communities:home", args=[slug]),
        "dashboard": reverse("dashboard:community", args=[slug]),
        "dashboard_csv": reverse("dashboard:community", args=[slug]) + "?format=csv",
        "report": reverse("dashboard:community_report", args=[slug]),
        "portfolio": reverse("dashboard:portfolio"),
        "search": reverse("search:results") + "?q=Kerfuffle",
        "export_csv": reverse("reflections:export_csv"),
        "export_zip": reverse("reflections:export_zip"),
        "notifications": reverse("notifications"),
        "digest_preview": reverse("digest_preview"),
    }


VIEWERS = ["member", "facilitator", "coordinator", "leader", "outsider"]


@pytest.mark.parametrize("answers", [4, 5])
@pytest.mark.parametrize("role", VIEWERS)
def test_pulse_words_reach_only_the_facilitators_session_page_and_only_at_five(
    client, world, held_with, role, answers
):
    session = held_with(answers)
    viewer = getattr(world, role)
    client.force_login(viewer)

    shown = {}
    for surface, url in _surfaces(world, session).items():
        response = client.get(url)
        assert response.status_code in (200, 302, 404), (surface, response.status_code)
        shown[surface] = WORDS in response.content.decode(errors="replace")
    digest = digest_preview(viewer)
    shown["digest"] = any(WORDS in digest[part] for part in ("body_text", "body_html"))

    # bob facilitates the session; carol coordinates (a facilitator of the community).
    sees_words = answers >= 5 and role in ("facilitator", "coordinator")
    assert shown == {surface: sees_words and surface == "session" for surface in shown}


@pytest.mark.parametrize("answers", [4, 5])
def test_no_email_carries_a_pulse_answer(world, held_with, answers):
    held_with(answers)

    for message in mail.outbox:
        parts = [message.subject, message.body] + [a[0] for a in message.alternatives]
        assert not any(WORDS in part for part in parts)


def test_below_the_floor_facilitators_see_only_that_fewer_than_five_answered(
    client, world, held_with
):
    session = held_with(4)
    client.force_login(world.facilitator)

    page = client.get(session.get_absolute_url()).content.decode()

    assert "once at least 5 people have answered" in page
    for person in ("Pulse 0", "Pulse 1", "Pulse 2"):
        assert person not in page.split('id="pulse-box"')[1].split("</section>")[0]
