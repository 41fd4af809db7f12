"""COPSITE_MFA_REQUIRED_FOR: coordinators, leaders and staff are guided to set up an
authenticator app at their next sign-in, and kept to it, without being locked out."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from tests.accounts.test_mfa import code_at, log_in, totp_secret, with_app
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

SET_UP = "/accounts/2fa/totp/activate/"


@pytest.fixture
def required(settings):
    settings.COPSITE_MFA_REQUIRED_FOR = frozenset({"coordinators", "leaders", "staff"})


def signed_in(user) -> Client:
    client = Client()
    response = log_in(client, user)
    assert response.status_code == 302
    return client


@pytest.mark.parametrize("who", ["carol", "erin", "staff"])
def test_each_named_role_is_sent_to_set_up_at_sign_in(required, request, who):
    user = UserFactory(is_staff=True) if who == "staff" else request.getfixturevalue(who)
    client = signed_in(user)
    for page in ("/", "/settings/", "/communities/"):
        response = client.get(page)
        assert response.status_code == 302 and response["Location"] == SET_UP, page
    page = client.get(SET_UP)
    assert page.status_code == 200
    assert "Your role on this site asks for a second step" in page.content.decode()


@pytest.mark.parametrize("who", ["alice", "bob", "frank"])
def test_others_are_not_asked(required, request, who):
    client = signed_in(request.getfixturevalue(who))
    assert client.get("/settings/").status_code == 200


def test_nobody_is_asked_when_the_setting_is_empty(settings, carol, erin):
    settings.COPSITE_MFA_REQUIRED_FOR = frozenset()
    assert signed_in(carol).get("/settings/").status_code == 200
    assert signed_in(erin).get("/settings/").status_code == 200


def test_only_the_named_roles_are_asked(settings, carol, erin):
    settings.COPSITE_MFA_REQUIRED_FOR = frozenset({"leaders"})
    assert signed_in(carol).get("/settings/").status_code == 200
    assert signed_in(erin).get("/settings/")["Location"] == SET_UP


def test_logging_out_and_the_two_step_pages_stay_open(required, carol):
    client = signed_in(carol)
    assert client.get("/accounts/2fa/").status_code == 200
    assert client.get("/accounts/logout/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert not client.get("/accounts/login/").wsgi_request.user.is_authenticated


def test_an_htmx_request_navigates_the_whole_page(required, carol):
    client = signed_in(carol)
    response = client.get("/settings/", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"] == SET_UP


def test_once_set_up_the_site_opens_and_the_app_stays(required, carol):
    client = signed_in(carol)
    client.get(SET_UP)
    secret = client.session["mfa.totp.secret"]
    response = client.post(SET_UP, {"code": code_at(secret)})
    assert response["Location"] == "/accounts/2fa/recovery-codes/"
    assert client.get("/settings/").status_code == 200
    # The requirement keeps the app: turning it off is refused.
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert Authenticator.objects.filter(user=carol, type="totp").exists()
    assert response.status_code in (200, 302)


def test_next_sign_in_asks_for_the_code_then_opens_the_site(required, carol):
    with_app(carol)
    client = Client()
    assert log_in(client, carol)["Location"] == "/accounts/2fa/authenticate/"
    response = client.post("/accounts/2fa/authenticate/", {"code": code_at(totp_secret(carol))})
    assert response.status_code == 302
    assert client.get("/settings/").status_code == 200


def test_a_settled_session_costs_no_query(required, carol, django_assert_num_queries):
    with_app(carol)
    client = Client()
    log_in(client, carol)
    client.post("/accounts/2fa/authenticate/", {"code": code_at(totp_secret(carol))})
    client.get("/settings/")
    from accounts.middleware import MfaRequiredMiddleware

    request = client.get("/settings/").wsgi_request
    with django_assert_num_queries(0):
        assert not MfaRequiredMiddleware(lambda r: None)._must_set_up(request)
