from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User

from .conftest import link_in_mail

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_up_verify_and_choose_a_timezone(page):
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("river@example.org")
    page.get_by_label(re.compile(r"^Password:?$")).fill("a-good-long-passphrase")
    page.get_by_label("Password again").fill("a-good-long-passphrase")
    page.get_by_role("button", name=re.compile("sign up", re.I)).click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    confirm_path = link_in_mail(mail.outbox[-1], "/accounts/confirm-email/")
    page.goto(confirm_path)
    page.get_by_role("button", name=re.compile("confirm", re.I)).click()
    expect(page.get_by_role("heading", name=re.compile("welcome", re.I))).to_be_visible()

    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Display name").fill("River")
    page.get_by_label("Timezone").select_option("America/Los_Angeles")
    page.get_by_role("button", name="Save settings").click()

    expect(page.get_by_role("status")).to_contain_text("Your settings are saved.")
    expect(page.get_by_label("Timezone")).to_have_value("America/Los_Angeles")
    person = User.objects.get(email="river@example.org")
    assert (person.display_name, person.timezone) == ("River", "America/Los_Angeles")
