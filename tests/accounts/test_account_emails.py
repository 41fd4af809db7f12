"""Every email allauth sends speaks as copsite: its own templates, a plain-text and an HTML
part that say the same, the site's name from settings (never "Hello from !"), and links that
work. Each kind is sent through the real flow and the real path (accounts.mail)."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import allauth
import pytest
import time_machine
from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core import mail
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from accounts.models import EmailDelivery

pytestmark = pytest.mark.django_db

PASSWORD = "a-good-long-passphrase"


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs)["href"])


def parts(message) -> tuple[str, str]:
    [(html, mime)] = message.alternatives
    assert mime == "text/html"
    return message.body, html


def assert_in_copsite_voice(message, *, site_name="copsite"):
    text, html = parts(message)
    for part in (text, html, message.subject):
        assert "Hello from !" not in part
        assert " on ." not in part
        assert site_name in part
    assert message.subject.startswith(f"[{site_name}] ")
    assert text.startswith("Hello,")
    assert "<p>Hello,</p>" in html
    assert "You're receiving this because" in text
    assert "You're receiving this because" in html
    assert "{{" not in text + html and "{%" not in text + html


def path_of(url: str) -> str:
    assert url.startswith(settings.SITE_URL + "/") or url.startswith("http://testserver/")
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def only_link(message, pattern: str) -> str:
    """The link matching `pattern`, the same in both parts."""
    text, html = parts(message)
    [in_text] = set(re.findall(rf"https?://\S*{pattern}\S*", text))
    parser = Links()
    parser.feed(html)
    assert in_text in parser.hrefs
    return path_of(in_text)


def signup(client, email):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def test_signup_verification_email_has_both_parts_the_site_name_and_a_working_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, "priya.new@example.org")

    [message] = mail.outbox
    assert_in_copsite_voice(message)
    assert "Welcome to copsite" in message.body
    delivery = EmailDelivery.objects.get()
    assert delivery.kind == "account:email_confirmation_signup"
    assert delivery.body_html and "Confirm my address" in delivery.body_html

    link = only_link(message, "/accounts/confirm-email/")
    confirm = client.get(link)
    assert confirm.status_code == 200
    done = client.post(link)
    assert done.status_code == 302
    assert client.get(reverse("home")).context["user"].email == "priya.new@example.org"
    again = client.get(link).content.decode()
    assert "This link has already been used or has expired" in again


def test_the_site_name_comes_from_settings(client, settings, django_capture_on_commit_callbacks):
    settings.SITE_NAME = "Riverside Practice"
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, "sam@example.org")

    text, html = parts(mail.outbox[0])
    assert "Welcome to Riverside Practice" in text
    assert "Welcome to Riverside Practice" in html


def test_password_reset_email_has_both_parts_and_its_link_works(
    client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})

    [message] = mail.outbox
    assert_in_copsite_voice(message)
    link = only_link(message, "/accounts/password/reset/key/")
    form = client.get(link, follow=True)
    assert form.status_code == 200
    assert "new password" in form.content.decode().lower()


def test_password_reset_for_an_unknown_address_offers_to_sign_up(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    [message] = mail.outbox
    assert_in_copsite_voice(message)
    assert client.get(only_link(message, "/accounts/signup/")).status_code == 200


def test_someone_signing_up_with_a_taken_address_tells_its_owner_kindly(
    client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, user.email)

    [message] = mail.outbox
    assert message.to == [user.email]
    assert_in_copsite_voice(message)
    assert "already exists" in message.body
    assert client.get(only_link(message, "/accounts/password/reset/")).status_code == 200


def test_changing_email_sends_the_confirmation_in_both_parts(
    client, user, django_capture_on_commit_callbacks
):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"action_add": "", "email": "new@example.org"})

    [message] = mail.outbox
    assert message.to == ["new@example.org"]
    assert_in_copsite_voice(message)
    assert only_link(message, "/accounts/confirm-email/")


ALLAUTH_EMAILS = Path(allauth.__file__).parent / "templates" / "account" / "email"
KINDS = sorted(p.name.removesuffix("_subject.txt") for p in ALLAUTH_EMAILS.glob("*_subject.txt"))


def test_every_allauth_email_kind_has_our_own_three_templates():
    assert {"email_confirmation_signup", "password_reset_key", "account_already_exists"} <= set(
        KINDS
    )
    ours = Path(settings.BASE_DIR) / "templates" / "account" / "email"
    for kind in KINDS:
        for suffix in ("_subject.txt", "_message.txt", "_message.html"):
            assert (ours / f"{kind}{suffix}").exists(), kind + suffix
            assert get_template(f"account/email/{kind}{suffix}").origin.name.startswith(str(ours))


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_both_parts_in_our_voice_through_the_adapter(
    kind, rf, user, django_capture_on_commit_callbacks
):
    """The kinds not switched on here (codes, change notifications) render as well, should
    they be switched on: through the adapter and accounts.mail, like the others."""
    context = {
        "user": user,
        "activate_url": "http://testserver/accounts/confirm-email/k/",
        "password_reset_url": "http://testserver/accounts/password/reset/key/x-y/",
        "signup_url": "http://testserver/accounts/signup/",
        "code": "ABC123",
        "from_email": "old@example.org",
        "to_email": "new@example.org",
        "deleted_email": "gone@example.org",
        "ip": "192.0.2.1",
        "user_agent": "Firefox",
        "timestamp": timezone.now(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        get_adapter().send_mail(f"account/email/{kind}", "sam@example.org", context)

    [message] = mail.outbox
    assert_in_copsite_voice(message)
    assert EmailDelivery.objects.get().kind == f"account:{kind}"


def test_logging_in_before_confirming_sends_a_fresh_link_as_the_kind_pages_promise(
    client, django_capture_on_commit_callbacks
):
    """The used-or-expired page and the "check your email" page say: log in and we'll send a
    fresh link. allauth does so for an unconfirmed address (at most one per 3 minutes)."""
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, "sam@example.org")
    client.logout()

    later = time_machine.travel(timezone.now() + timedelta(minutes=4))
    with later, django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_login"), {"login": "sam@example.org", "password": PASSWORD}
        )

    assert response["Location"] == reverse("account_email_verification_sent")
    assert [m.to for m in mail.outbox] == [["sam@example.org"], ["sam@example.org"]]
    assert_in_copsite_voice(mail.outbox[1])
    assert only_link(mail.outbox[1], "/accounts/confirm-email/")
