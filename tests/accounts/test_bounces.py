"""Email that keeps arriving: the email service's bounces and complaints (its tracking
webhook, through django-anymail) fill the suppression list; nothing more is sent to those
addresses; confirming the address again lifts it."""

from __future__ import annotations

import base64
import json
import re
import urllib.request
from datetime import datetime, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts import mail as mail_service
from accounts.apps import check_email_webhook
from accounts.bounces import email_suppress, is_soft_bounce
from accounts.models import EmailDelivery, EmailSuppression
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SECRET = "postmark-hook:s3cret-words"
WEBHOOK = "/anymail/postmark/tracking/"


def basic_auth(secret: str = SECRET) -> str:
    return "Basic " + base64.b64encode(secret.encode()).decode()


def postmark_bounce(email: str = "alice@example.org", kind: str = "HardBounce") -> dict:
    """A Postmark bounce webhook as Postmark posts it (the fields of anymail's own tests,
    tests/test_postmark_webhooks.py, and Postmark's bounce webhook documentation)."""
    return {
        "RecordType": "Bounce",
        "ID": 901542550,
        "Type": kind,
        "TypeCode": 1 if kind == "HardBounce" else 4096,
        "ServerID": 23,
        "Name": "Hard bounce" if kind == "HardBounce" else "Soft bounce",
        "MessageID": "2706ee8a-737c-4285-b032-ccd317af53ed",
        "Description": "The server was unable to deliver your message "
        "(ex: unknown user, mailbox not found).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": email,
        "From": "hello@copsite.localhost",
        "BouncedAt": "2026-11-27T16:28:50.3963933-04:00",
        "DumpAvailable": True,
        "Inactive": kind == "HardBounce",
        "CanActivate": True,
        "Subject": "Your weekly digest",
    }


def postmark_complaint(email: str) -> dict:
    return {
        **postmark_bounce(email),
        "RecordType": "SpamComplaint",
        "Type": "SpamComplaint",
        "TypeCode": 512,
        "Name": "Spam complaint",
        "Description": "",
        "Details": "Test spam complaint details",
    }


@pytest.fixture
def postmark(settings):
    """copsite configured for Postmark, with the webhook's basic-auth secret."""
    settings.COPSITE_EMAIL_ESP = "postmark"
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "server-token", "WEBHOOK_SECRET": SECRET}


def post_webhook(client, payload, *, secret: str = SECRET):
    body = payload if isinstance(payload, str | bytes) else json.dumps(payload)
    return client.post(
        WEBHOOK, body, content_type="application/json", HTTP_AUTHORIZATION=basic_auth(secret)
    )


def enqueue(key: str, to_email: str, kind: str = "digest"):
    return mail_service.email_enqueue(
        key=key,
        kind=kind,
        to_email=to_email,
        subject="Your weekly digest",
        body_text="Plain words.",
        body_html="<p>Plain words.</p>",
    )


# --- The webhook -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_hard_bounce_posted_over_http_suppresses_the_address(postmark, live_server):
    request = urllib.request.Request(  # noqa: S310 -- http:// to our live server.
        live_server.url + WEBHOOK,
        data=json.dumps(postmark_bounce("Alice@Example.org")).encode(),
        headers={"Content-Type": "application/json", "Authorization": basic_auth()},
        method="POST",
    )

    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 -- as above.
        status = response.status

    suppression = EmailSuppression.objects.get()
    assert status == 200
    assert (suppression.address, suppression.reason, suppression.esp_name) == (
        "alice@example.org",
        "bounced",
        "Postmark",
    )
    assert suppression.event_id == "901542550"
    assert "550 5.1.1" in suppression.description
    assert suppression.occurred_at.date().isoformat() == "2026-11-27"


def test_the_same_bounce_delivered_twice_records_one_suppression(client, postmark):
    first = post_webhook(client, postmark_bounce())
    again = post_webhook(client, postmark_bounce())

    assert (first.status_code, again.status_code) == (200, 200)
    assert list(EmailSuppression.objects.values_list("address", "reason")) == [
        ("alice@example.org", "bounced")
    ]


def test_a_spam_complaint_suppresses_the_address(client, postmark):
    response = post_webhook(client, postmark_complaint("bob@example.org"))

    assert response.status_code == 200
    assert EmailSuppression.objects.get().reason == "complained"


@pytest.mark.parametrize("kind", ["SoftBounce", "Transient", "DnsError"])
def test_a_soft_bounce_suppresses_nothing(client, postmark, kind):
    response = post_webhook(client, postmark_bounce(kind=kind))

    assert response.status_code == 200
    assert EmailSuppression.objects.count() == 0


def test_a_refusal_for_our_own_dmarc_policy_suppresses_no_recipient(client, postmark):
    refused = {**postmark_bounce(), "Type": "DMARCPolicy", "TypeCode": 100001}
    blocked = {**postmark_bounce("bob@example.org"), "Type": "BadEmailAddress"}

    assert post_webhook(client, refused).status_code == 200
    assert post_webhook(client, blocked).status_code == 200
    assert list(EmailSuppression.objects.values_list("address", "reason")) == [
        ("bob@example.org", "rejected")
    ]


def test_a_delivery_suppresses_nothing(client, postmark):
    delivered = {
        "RecordType": "Delivery",
        "ServerID": 23,
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Recipient": "alice@example.org",
        "DeliveredAt": "2026-11-27T13:28:10.2735393-04:00",
        "Details": "Test delivery webhook details",
    }

    assert post_webhook(client, delivered).status_code == 200
    assert EmailSuppression.objects.count() == 0


@pytest.mark.parametrize("secret", ["postmark-hook:wrong", ""])
def test_a_wrong_or_missing_secret_is_refused_and_records_nothing(client, postmark, secret):
    if secret:
        response = post_webhook(client, postmark_bounce(), secret=secret)
    else:
        response = client.post(WEBHOOK, postmark_bounce(), content_type="application/json")

    assert response.status_code == 400
    assert EmailSuppression.objects.count() == 0


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ("{not json", 400),
        (b"\xff\xfe\x00", 400),
        ("[]", 400),
        (json.dumps({"RecordType": "Inbound"}), 400),
        # Readable, but naming nobody we could suppress: taken and ignored.
        (json.dumps({"RecordType": "Bounce", "Type": "HardBounce", "BouncedAt": "never"}), 200),
        (json.dumps({"RecordType": "Bounce", "Type": "HardBounce", "Email": "not-mail"}), 200),
    ],
)
def test_a_malformed_payload_is_refused_without_an_error(client, postmark, payload, status):
    response = post_webhook(client, payload)

    assert response.status_code == status
    assert EmailSuppression.objects.count() == 0


def test_the_webhook_does_not_exist_without_a_secret_or_for_another_service(client, settings):
    settings.COPSITE_EMAIL_ESP = "postmark"
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "server-token"}
    unsecured = post_webhook(client, postmark_bounce())
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}
    other = client.post(
        "/anymail/mailgun/tracking/", {}, HTTP_AUTHORIZATION=basic_auth(), format="json"
    )
    unknown = (
        post_webhook(client, postmark_bounce()).status_code,
        client.post("/anymail/nonsense/tracking/", {}, HTTP_AUTHORIZATION=basic_auth()).status_code,
    )

    assert (unsecured.status_code, other.status_code) == (404, 404)
    assert unknown == (200, 404)
    assert EmailSuppression.objects.count() == 1


@pytest.mark.parametrize(
    ("esp", "anymail", "problem"),
    [
        ("", {}, None),
        ("postmark", {"WEBHOOK_SECRET": SECRET}, None),
        ("postmark", {}, "ANYMAIL_WEBHOOK_SECRET is not set"),
        ("mailgun", {"WEBHOOK_SECRET": SECRET}, "The mailgun tracking webhook cannot start"),
        ("test", {"WEBHOOK_SECRET": SECRET}, "no tracking webhook for test"),
    ],
)
def test_manage_py_check_says_when_bounces_would_not_be_recorded(settings, esp, anymail, problem):
    settings.COPSITE_EMAIL_ESP = esp
    settings.ANYMAIL = anymail

    warnings = [warning.msg for warning in check_email_webhook()]

    if problem is None:
        assert warnings == []
    else:
        [warning] = warnings
        assert problem in warning


@pytest.mark.parametrize(
    ("esp_event", "soft"),
    [
        ({"Type": "SoftBounce"}, True),  # Postmark
        ({"Type": "HardBounce"}, False),
        ({"event": "soft_bounce"}, True),  # Brevo, Mandrill
        ({"event": "hard_bounce"}, False),
        ({"data": {"type": "soft_bounced"}}, True),  # MailerSend
        ({"event": "bounce", "hard_bounce": False}, True),  # Mailjet
        ({"event": "bounce", "hard_bounce": True}, False),
        ({"msys": {"message_event": {"bounce_class": "22"}}}, True),  # SparkPost
        ({"msys": {"message_event": {"bounce_class": "10"}}}, False),
        ("not a dict", False),
    ],
)
def test_soft_bounces_are_told_apart_by_each_services_own_words(esp_event, soft):
    assert is_soft_bounce(esp_event) is soft


# --- The pipeline ----------------------------------------------------------------------


def test_an_email_to_a_suppressed_address_is_not_sent_and_others_are(
    django_capture_on_commit_callbacks,
):
    email_suppress(address="Alice@Example.org", reason="bounced")

    with django_capture_on_commit_callbacks(execute=True):
        withheld, _ = enqueue("digest:alice", "alice@example.org")
        sent, _ = enqueue("digest:bob", "bob@example.org")

    withheld.refresh_from_db()
    sent.refresh_from_db()
    assert [message.to for message in mail.outbox] == [["bob@example.org"]]
    assert (withheld.status, sent.status) == ("suppressed", "sent")
    assert withheld.last_error.startswith("Not sent: alice@example.org is suppressed (bounced on")
    assert withheld.attempts == 1


def test_a_suppressed_email_is_never_retried(django_capture_on_commit_callbacks):
    email_suppress(address="alice@example.org", reason="complained")
    with django_capture_on_commit_callbacks(execute=True):
        withheld, _ = enqueue("digest:alice", "alice@example.org")
    EmailDelivery.objects.update(created_at=withheld.created_at - timedelta(hours=1))

    assert mail_service.email_flush() == 0
    assert mail_service.email_deliver(delivery_id=withheld.pk) is False
    assert mail.outbox == []


def test_a_batch_sends_to_everyone_but_the_suppressed():
    email_suppress(address="alice@example.org", reason="bounced")
    rows = [
        enqueue(f"digest:{name}", f"{name}@example.org")[0] for name in ("alice", "bob", "carol")
    ]

    sent = mail_service.email_deliver_batch(delivery_ids=[row.pk for row in rows])

    assert sent == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        "bob@example.org",
        "carol@example.org",
    ]
    assert dict(EmailDelivery.objects.values_list("to_email", "status")) == {
        "alice@example.org": "suppressed",
        "bob@example.org": "sent",
        "carol@example.org": "sent",
    }


def test_a_bounce_arriving_after_the_email_was_queued_still_stops_it(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        delivery, _ = enqueue("digest:alice", "alice@example.org")
    email_suppress(address="alice@example.org", reason="bounced")

    for callback in callbacks:
        callback()

    delivery.refresh_from_db()
    assert (delivery.status, mail.outbox) == ("suppressed", [])


# --- The person ------------------------------------------------------------------------


def test_the_settings_page_says_emails_bounced_and_offers_to_confirm_again(client, alice):
    email_suppress(
        address=alice.email,
        reason="bounced",
        occurred_at=datetime.fromisoformat("2026-11-27T12:00Z"),
    )
    client.force_login(alice)

    response = client.get(reverse("settings"))

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "Emails to alice@example.org bounced on 27 Nov 2026; we've stopped sending. "
        "Confirm your address again to resume"
    ) in html
    assert f'action="{reverse("email_reconfirm")}"' in html


def test_the_settings_page_says_nothing_of_a_working_address(client, alice):
    email_suppress(address="bob@example.org", reason="bounced")
    client.force_login(alice)

    html = client.get(reverse("settings")).content.decode()

    assert "stopped sending" not in html


def test_confirming_the_address_again_clears_the_suppression_and_mail_flows(
    client, alice, django_capture_on_commit_callbacks
):
    email_suppress(address=alice.email, reason="bounced")
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(reverse("email_reconfirm"))
    [message] = mail.outbox
    key = re.search(r"/accounts/confirm-email/([^/\s]+)/", message.body).group(1)
    page = client.get(reverse("account_email"))
    confirmed = client.post(reverse("account_confirm_email", args=[key]))
    with django_capture_on_commit_callbacks(execute=True):
        enqueue("digest:alice", alice.email)

    assert (asked.status_code, asked["Location"]) == (302, reverse("account_email"))
    assert message.to == [alice.email]
    assert "isn't confirmed yet. We've sent a link there" in page.content.decode()
    assert confirmed.status_code == 302
    assert EmailSuppression.objects.count() == 0
    assert EmailAddress.objects.get(user=alice).verified is True
    assert [m.to for m in mail.outbox[1:]] == [[alice.email]]
    assert "stopped sending" not in client.get(reverse("settings")).content.decode()


def test_asking_to_confirm_a_working_address_changes_nothing(client, alice):
    client.force_login(alice)

    response = client.post(reverse("email_reconfirm"))

    assert (response.status_code, response["Location"]) == (302, reverse("settings"))
    assert EmailAddress.objects.get(user=alice).verified is True
    assert mail.outbox == []


def test_confirming_a_new_address_lifts_its_own_suppression(
    client, django_capture_on_commit_callbacks
):
    person = UserFactory(email="old@example.org")
    email_suppress(address="new@example.org", reason="bounced")
    client.force_login(person)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"action_add": "", "email": "new@example.org"})
    key = re.search(r"/accounts/confirm-email/([^/\s]+)/", mail.outbox[0].body).group(1)
    client.post(reverse("account_confirm_email", args=[key]))

    assert EmailSuppression.objects.count() == 0
