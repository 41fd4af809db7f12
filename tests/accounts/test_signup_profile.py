"""Sign-up keeps two things besides the address and password: the name a person gives
(optional), and their device's timezone, which static/js/site.js puts in a hidden field.
The server keeps a zone only when it is one it offers, or a legacy alias of one (Chromium
says "Asia/Calcutta"); anything else is ignored and the site's default applies. Never a
500, never an error on a field nobody sees."""

from __future__ import annotations

from html import unescape

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.forms import canonical_zone
from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-good-long-passphrase"
NEW = "priya.new@example.org"


def signup(client, **extra):
    data = {"email": NEW, "password1": PASSWORD, "password2": PASSWORD, **extra}
    return client.post(reverse("account_signup"), data)


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("America/New_York", "America/New_York"),
        ("UTC", "UTC"),
        ("W-SU", "Europe/Moscow"),  # a legacy alias: the zone it links to
        ("Asia/Calcutta", "Asia/Kolkata"),  # what Chromium says in India
        ("Zulu", "UTC"),
    ],
)
def test_the_device_zone_is_kept_as_the_zone_it_stands_for(client, sent, kept):
    response = signup(client, timezone=sent)

    assert response.status_code == 302
    assert User.objects.get(email=NEW).timezone == kept


@pytest.mark.parametrize(
    "sent",
    [
        "Not/A_Zone",
        "garbage",
        "Europe/Lon\x00don",
        "\x00",
        "../../../etc/passwd",
        "/etc/localtime",
        "Europe",  # a directory of the tz database, not a zone
        "Etc/GMT+5",  # a fixed offset: no place anyone lives by
        "posixrules",
        "Europe/London" * 10,
        "",
    ],
)
def test_a_zone_the_server_does_not_offer_is_ignored(client, sent):
    response = signup(client, timezone=sent)

    assert response.status_code == 302
    assert User.objects.get(email=NEW).timezone == settings.COPSITE_DEFAULT_TIMEZONE


def test_without_javascript_the_sites_default_applies(client):
    response = signup(client)

    assert response.status_code == 302
    assert User.objects.get(email=NEW).timezone == settings.COPSITE_DEFAULT_TIMEZONE


def test_the_sign_up_form_carries_the_hidden_field_the_script_fills(client):
    html = client.get(reverse("account_signup")).content.decode()

    assert (
        '<input type="hidden" name="timezone" data-device-zone-field="" id="id_timezone">' in html
    )


def test_a_bad_zone_with_a_bad_form_keeps_what_was_typed_and_no_zone_error(client):
    response = signup(client, timezone="\x00", password2="something-else-entirely")

    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert f'value="{NEW}"' in html
    assert "timezone" not in html.split('<main id="main"', 1)[1].split("id_timezone", 1)[1]
    assert not User.objects.filter(email=NEW).exists()


def test_an_existing_address_gets_the_same_answer_and_its_zone_is_unchanged(client):
    """Sign-up never reveals who has an account, and never changes their settings."""
    UserFactory(email=NEW, timezone="Europe/Paris")

    response = signup(client, timezone="America/New_York")

    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.get(email=NEW).timezone == "Europe/Paris"


@pytest.mark.parametrize("name", [None, 5, "x" * 200, "Europe/../Europe/London", "a//b"])
def test_canonical_zone_never_raises(name):
    assert canonical_zone(name) == ""


# A name at sign-up (issue 14: "Welcome, priya.new").


def test_the_name_given_at_sign_up_is_the_display_name(client):
    signup(client, display_name="  Priya Natarajan ")

    assert User.objects.get(email=NEW).display_name == "Priya Natarajan"


def test_the_sign_up_form_asks_for_a_name_first_and_optionally(client):
    html = client.get(reverse("account_signup")).content.decode()

    assert ">Your name</label>" in html
    assert html.index('name="display_name"') < html.index('name="email"')
    assert 'autocomplete="name"' in html
    assert (
        'name="display_name"' in html
        and "required" not in html.split('name="display_name"', 1)[1].split(">", 1)[0]
    )


def test_a_name_too_long_is_a_field_error_that_keeps_what_was_typed(client):
    response = signup(client, display_name="P" * 81)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="field field-invalid"' in html
    assert 'value="' + "P" * 81 + '"' in html
    assert not User.objects.filter(email=NEW).exists()


def test_home_greets_by_name_or_without_one_never_by_the_address(client):
    named = UserFactory(display_name="Priya")
    client.force_login(named)
    assert "<h1>Welcome, Priya</h1>" in client.get(reverse("home")).content.decode()

    unnamed = UserFactory(email=NEW, display_name="")
    client.force_login(unnamed)
    html = client.get(reverse("home")).content.decode()

    assert "<h1>Welcome to copsite</h1>" in html
    assert "priya.new" not in html.split("<h1", 1)[1].split("</h1>", 1)[0]
    assert f'<a href="{reverse("settings")}#id_display_name">Add your name</a>' in html
