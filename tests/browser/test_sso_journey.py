"""Signing in through an organisation's OpenID provider (a real one, in a second local
process: tests/oidc_provider/), and setting up and using two-step sign-in, in Chromium."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.accounts.test_mfa import code_at
from tests.oidc_provider.fixtures import PASSWORD, copsite_app, free_port, oidc_provider, use_apps

__all__ = ["oidc_provider"]  # a fixture for this module

pytestmark = pytest.mark.django_db(transaction=True)


def test_continue_with_the_organisations_provider(page, live_server, oidc_provider, settings):
    app = copsite_app(oidc_provider.url, "testidp", name="Acme ID", trusted_for_email=True)
    app["client_id"] = f"copsite-{uuid.uuid4().hex[:10]}"
    oidc_provider.register(
        app["client_id"], app["secret"], f"{live_server.url}/accounts/oidc/testidp/login/callback/"
    )
    use_apps(settings, app)
    oidc_provider.add_person("sade@example.net", name="Sade Bello")

    page.goto("/accounts/login/")
    page.get_by_role("button", name="Continue with Acme ID").click()
    page.wait_for_url(re.compile(re.escape(oidc_provider.url)))
    page.locator("input[name=login]").fill("sade@example.net")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()

    page.wait_for_url(re.compile(re.escape(live_server.url) + r"/$"))
    expect(page.get_by_role("link", name="Settings")).to_be_visible()
    person = User.objects.get(email="sade@example.net")
    assert person.display_name == "Sade Bello"


def test_a_coordinator_sets_up_two_step_sign_in_then_uses_it(page, log_in, carol, settings):
    settings.COPSITE_MFA_REQUIRED_FOR = frozenset({"coordinators"})
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(carol.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^log in$", re.I)).click()

    page.wait_for_url(re.compile("/accounts/2fa/totp/activate/"))
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("asks for a second step")
    secret = page.locator("#totp-secret").inner_text().strip()
    page.get_by_label("Code from the app").fill(code_at(secret))
    page.get_by_role("button", name="Turn on").click()

    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    expect(page.get_by_role("list", name="Unused recovery codes").locator("li")).to_have_count(10)
    page.get_by_role("link", name=re.compile("kept them")).click()
    page.wait_for_url(re.compile(r"/$"))

    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(carol.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^log in$", re.I)).click()
    expect(page.get_by_role("heading", name="One more step")).to_be_visible()
    page.get_by_label("Code").fill("123")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    page.get_by_label("Code").fill(code_at(secret))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_role("link", name="Settings")).to_be_visible()


def test_sign_in_and_two_step_pages_have_no_serious_violations(page, settings, frank):
    from .test_accessibility import serious

    app = copsite_app(f"http://127.0.0.1:{free_port()}", "downidp", name="Down ID")
    use_apps(settings, app)
    found = {}
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Continue with Down ID").click()
    expect(page.get_by_role("status").first).to_contain_text("can't be reached")
    for path in ("/accounts/login/", "/accounts/signup/"):
        page.goto(path)
        found[path] = serious(page)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(frank.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^log in$", re.I)).click()
    page.wait_for_url(re.compile(r"/$"))
    for path in ("/accounts/2fa/", "/accounts/2fa/totp/activate/", "/accounts/3rdparty/"):
        page.goto(path)
        found[path] = serious(page)
    secret = page.goto("/accounts/2fa/totp/activate/") and page.locator("#totp-secret").inner_text()
    page.get_by_label("Code from the app").fill(code_at(secret.strip()))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    found["/accounts/2fa/recovery-codes/"] = serious(page)
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(frank.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^log in$", re.I)).click()
    expect(page.get_by_role("heading", name="One more step")).to_be_visible()
    found["/accounts/2fa/authenticate/"] = serious(page)

    assert {path: problems for path, problems in found.items() if problems} == {}
