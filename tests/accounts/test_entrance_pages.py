"""The pages before someone is in wear copsite's own layout and words: one sentence on
what copsite is, "Log in" and "Sign up" (never "Sign In"), a favicon and app icons, and
a kind page with the next step for a link that was used or has expired."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db

PITCH = "is where a community of practice plans its sessions, reflects together"
ENTRANCE = ["account_login", "account_signup", "account_reset_password",
            "account_reset_password_done", "account_email_verification_sent"]  # fmt: skip


@pytest.mark.parametrize("name", ENTRANCE)
def test_entrance_pages_say_what_copsite_is_in_copsite_words(client, name):
    html = client.get(reverse(name)).content.decode()

    assert "copsite " + PITCH in html
    assert 'class="card entrance-card"' in html
    for wrong in ("Sign In", "Sign in", "sign in", "Log In", "Login", "Sign Up", "Signup"):
        assert wrong not in re.sub(r"<[^>]+>", " ", html), wrong


def test_login_page_has_one_log_in_button_and_links_to_sign_up(client):
    html = client.get(reverse("account_login")).content.decode()

    assert "<h1>Log in</h1>" in html
    assert '<button type="submit" class="button">Log in</button>' in html
    assert f'<a href="{reverse("account_signup")}">Sign up</a>' in html
    assert "Keep me logged in on this device" in html


def test_signup_says_the_password_rules_in_one_line(client):
    html = client.get(reverse("account_signup")).content.decode()

    assert "At least 8 characters, not a common password" in html
    assert "<ul" not in html.split("<main", 1)[1].split("</form>", 1)[0]


def test_the_site_name_comes_from_settings(client, settings):
    settings.SITE_NAME = "Riverside Practice"
    assert "Riverside Practice " + PITCH in client.get(reverse("account_login")).content.decode()


@pytest.mark.parametrize("key", ["forged-key-123", "MQ:1abc:def"])
def test_a_used_or_expired_confirmation_link_offers_a_new_one(client, key):
    response = client.get(reverse("account_confirm_email", args=[key]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>This link has already been used or has expired</h1>" in html
    assert "we'll send a fresh one straight away" in html
    assert f'href="{reverse("account_login")}"' in html


def test_a_used_password_link_offers_a_new_one(client):
    response = client.get("/accounts/password/reset/key/1-set-password/", follow=True)

    html = response.content.decode()
    assert "<h1>This link has already been used or has expired</h1>" in html
    assert f'<a class="button" href="{reverse("account_reset_password")}">Send me a new link' in (
        html
    )


def test_every_page_links_the_favicon_and_app_icons_that_exist(client):
    html = client.get(reverse("account_login")).content.decode()

    links = dict(re.findall(r'<link rel="(icon|apple-touch-icon|manifest)" href="([^"]+)"', html))
    assert set(links) == {"icon", "apple-touch-icon", "manifest"}
    hrefs = re.findall(r'<link rel="(?:icon|apple-touch-icon|manifest)" href="([^"]+)"', html)
    for href in hrefs:
        assert finders.find(href.removeprefix("/" + settings.STATIC_URL.strip("/") + "/")), href
    assert 'href="data:,"' not in html
    manifest = json.loads(Path(finders.find("icons/site.webmanifest")).read_text())
    assert manifest["name"] == "copsite"
    for icon in manifest["icons"]:
        assert finders.find("icons/" + icon["src"]), icon
