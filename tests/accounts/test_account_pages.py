"""Every allauth account page wears copsite's layout and words: the entrance pages for
someone not yet in, the account pages (email address, password, confirming it's you,
logging out) for someone who is, each reached from Settings and leading back to it. No
template of allauth's own (its bare layout, its {% element %} markup) is ever rendered."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import allauth
import pytest
from allauth.account.models import EmailAddress
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db

ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"

# Each allauth account URL a person can open, as who opens it. The ones with keys in their
# path are opened with a used or made-up key (the page for an expired link).
ANONYMOUS = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
    "account_inactive",
    "account_reset_password_from_key_done",
    ("account_confirm_email", {"key": "used-or-expired"}),
    ("account_reset_password_from_key", {"uidb36": "1", "key": "used-or-expired"}),
]
LOGGED_IN = [
    "account_email",
    "account_change_password",
    "account_logout",
    "account_reauthenticate",
    "account_reset_password",
    ("account_confirm_email", {"key": "used-or-expired"}),
]
WRONG_WORDS = ("Sign In", "Sign in", "sign in", "Sign Out", "Sign out", "Login", "Menu:",
               "Signup", "Sign Up", "E-mail", "Verified", "Primary", "Make Primary")  # fmt: skip


def url_of(entry) -> str:
    name, kwargs = entry if isinstance(entry, tuple) else (entry, {})
    return reverse(name, kwargs=kwargs)


def text_of(html: str) -> str:
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)))


def assert_copsite_page(response):
    """The site's own layout (header, main landmark, footer), one heading, and nothing of
    allauth's templates rendered on the way."""
    assert response.status_code == 200
    html = response.content.decode()
    assert '<header class="site-header">' in html
    assert '<main id="main"' in html
    assert '<footer class="site-footer">' in html
    assert html.count("<h1") == 1
    from_allauth = [
        t.origin.name
        for t in response.templates
        if t.origin and str(t.origin.name).startswith(str(ALLAUTH_TEMPLATES))
    ]
    assert from_allauth == []
    for wrong in WRONG_WORDS:
        assert wrong not in text_of(html), wrong
    return html


@pytest.mark.parametrize("entry", ANONYMOUS, ids=str)
def test_every_page_before_someone_is_in_wears_copsite(client, entry):
    html = assert_copsite_page(client.get(url_of(entry), follow=True))

    assert 'class="card entrance-card"' in html


@pytest.mark.parametrize("entry", LOGGED_IN, ids=str)
def test_every_account_page_of_someone_in_wears_copsite(client_as, entry):
    html = assert_copsite_page(client_as("frank").get(url_of(entry), follow=True))

    if entry != "account_reset_password" and not isinstance(entry, tuple):
        assert 'class="card account-card"' in html
        assert f'<p class="breadcrumb"><a href="{reverse("settings")}">Settings</a></p>' in html


def test_choosing_a_password_wears_copsite_too(client):
    """For an account without a password (change password leads here)."""
    person = UserFactory(email="nopass@example.org")
    person.set_unusable_password()
    person.save()
    client.force_login(person)

    response = client.get(reverse("account_change_password"), follow=True)

    html = assert_copsite_page(response)
    assert "<h1>Choose a password</h1>" in html
    assert ">Password again</label>" in html


def test_signup_closed_wears_copsite(client, monkeypatch):
    from accounts.adapter import AccountAdapter

    monkeypatch.setattr(AccountAdapter, "is_open_for_signup", lambda self, request: False)

    html = assert_copsite_page(client.get(reverse("account_signup")))

    assert "<h1>Sign-up is closed for now</h1>" in html


def test_settings_lead_to_the_email_and_password_pages(client_as):
    html = client_as("frank").get(reverse("settings")).content.decode()

    assert f'<a href="{reverse("account_email")}">your email address</a>' in html
    assert f'<a href="{reverse("account_change_password")}">your password</a>' in html


def test_the_email_page_says_which_address_is_used_and_changes_it(client_as, frank):
    client = client_as("frank")
    html = client.get(reverse("account_email")).content.decode()
    assert "You log in with <strong>frank@example.org</strong>" in html
    assert ">New email address</label>" in html

    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "frank.new@example.org"}, follow=True
    )

    html = unescape(assert_copsite_page(response))
    assert "We've sent a link to frank.new@example.org" in html
    assert "You asked to change it to <strong>frank.new@example.org</strong>" in html
    assert "Keep my current address" in html

    response = client.post(
        reverse("account_email"),
        {"action_remove": "", "email": "frank.new@example.org"},
        follow=True,
    )

    html = assert_copsite_page(response)
    assert "frank.new@example.org is no longer on your account." in html
    assert list(EmailAddress.objects.filter(user=frank).values_list("email", flat=True)) == [
        "frank@example.org"
    ]


def test_a_bad_new_address_is_a_field_error_that_keeps_what_was_typed(client_as):
    response = client_as("frank").post(
        reverse("account_email"), {"action_add": "", "email": "not-an-address"}
    )

    html = assert_copsite_page(response)
    assert 'class="field field-invalid"' in html
    assert 'value="not-an-address"' in html


def test_changing_the_password_in_copsite_words(client_as, frank):
    client = client_as("frank")
    html = client.get(reverse("account_change_password")).content.decode()
    for label in ("Current password", "New password", "New password again"):
        assert f">{label}</label>" in html
    # The page's own form, in <main> (the header's search box comes before it).
    main = html.split("<main", 1)[1]
    assert "placeholder=" not in main.split("<form", 1)[1].split("</form>", 1)[0]

    wrong = client.post(
        reverse("account_change_password"),
        {"oldpassword": "not-it", "password1": "a-new-long-passphrase", "password2": "x"},
    )
    assert_copsite_page(wrong)
    assert 'class="field field-invalid"' in wrong.content.decode()

    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-long-passphrase",
            "password2": "a-new-long-passphrase",
        },
        follow=True,
    )

    assert "Your new password is saved." in [str(m) for m in get_messages(response.wsgi_request)]
    frank.refresh_from_db()
    assert frank.check_password("a-new-long-passphrase")


def test_confirming_its_you_asks_for_the_password_in_copsite_words(client_as):
    html = client_as("frank").get(reverse("account_reauthenticate")).content.decode()

    assert "<h1>Confirm it's you</h1>" in html
    assert ">Your password</label>" in html


def test_logging_out_asks_on_a_copsite_page_and_logs_out(client_as):
    client = client_as("frank")
    html = client.get(reverse("account_logout")).content.decode()
    assert "<h1>Log out</h1>" in html

    response = client.post(reverse("account_logout"), follow=True)

    assert "You're logged out." in unescape(response.content.decode())
    assert client.get(reverse("settings")).status_code == 302


def test_logged_out_client_is_sent_to_log_in_from_account_pages():
    client = Client()
    for name in ("account_email", "account_change_password", "account_reauthenticate"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login")), name


def test_the_new_password_page_from_a_reset_link_is_in_copsite_words(
    client, frank, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": frank.email})
    link = re.search(r"/accounts/password/reset/key/\S+/", mail.outbox[-1].body).group(0)

    html = assert_copsite_page(client.get(link, follow=True))

    assert "<h1>Choose a new password</h1>" in html
    for label in ("New password", "New password again"):
        assert f">{label}</label>" in html
    # The page's own form, in <main> (the header's search box comes before it).
    main = html.split("<main", 1)[1]
    assert "placeholder=" not in main.split("<form", 1)[1].split("</form>", 1)[0]


def test_the_several_addresses_page_wears_copsite_too(client_as, frank, monkeypatch):
    """Only where ACCOUNT_CHANGE_EMAIL is off (allauth then renders account/email.html)."""
    from allauth.account.views import EmailView

    monkeypatch.setattr(EmailView, "template_name", "account/email.html")
    EmailAddress.objects.create(user=frank, email="frank.work@example.org", verified=False)

    html = assert_copsite_page(client_as("frank").get(reverse("account_email")))

    assert "<h1>Your email addresses</h1>" in html
    assert "frank@example.org (the one you log in with)" in html
    assert "frank.work@example.org (not confirmed yet)" in html
    assert ">New email address</label>" in html
