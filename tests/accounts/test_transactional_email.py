"""Transactional email (issue 12, finding 15): the email a person gets because of something
they (or someone using their address) did carries no unsubscribe, and says in one line why
it was sent."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import strip_tags

from communities import services
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

WHY = "You're receiving this because"


def parts(message) -> list[str]:
    """The plain text and, where the email has one, the HTML part."""
    html = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    return [message.body, *html]


def assert_transactional(message, why: str, *, html: bool):
    assert len(parts(message)) == (2 if html else 1)
    for part in parts(message):
        assert [strip_tags(line) for line in part.splitlines() if WHY in line] == [why]
        assert "unsubscribe" not in part.lower()
    assert "List-Unsubscribe" not in message.extra_headers


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_password_reset_says_why(client, user, send):
    with send():
        client.post(reverse("account_reset_password"), {"email": user.email})

    (message,) = mail.outbox
    assert_transactional(
        message,
        "You're receiving this because someone asked to reset the password for this "
        "address on copsite. If it wasn't you, ignore this email: nothing changes.",
        html=True,
    )


def test_sign_up_verification_says_why(client, send):
    with send():
        client.post(
            reverse("account_signup"),
            {
                "email": "sam@example.org",
                "password1": "a-good-long-passphrase",
                "password2": "a-good-long-passphrase",
            },
        )

    (message,) = mail.outbox
    assert_transactional(
        message,
        "You're receiving this because someone signed up to copsite with this address. "
        "If it wasn't you, ignore this email: nothing happens.",
        html=True,
    )


def test_email_change_verification_says_why(client, user, send):
    client.force_login(user)

    with send():
        client.post(reverse("account_email"), {"action_add": "", "email": "new@example.org"})

    (message,) = mail.outbox
    assert message.to == ["new@example.org"]
    assert_transactional(
        message,
        "You're receiving this because someone added this address to their copsite "
        "account. If it wasn't you, ignore this email: nothing happens.",
        html=True,
    )


@pytest.mark.parametrize("approve", [True, False])
def test_join_decisions_say_why(community, member_of, send, approve):
    requester = MembershipFactory(community=community, status="requested")

    with send():
        services.join_request_decide(
            membership=requester, by=member_of(community, role="facilitator"), approve=approve
        )

    (message,) = mail.outbox
    assert_transactional(
        message,
        f"You're receiving this because you asked to join {community.name} on copsite.",
        html=True,
    )
