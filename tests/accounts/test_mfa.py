"""Two-factor sign-in: an authenticator app (TOTP) with recovery codes, set up and used
through copsite's pages, with codes computed for real (RFC 6238) from the secret."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.test import Client

from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db

PERIOD = 30


def code_at(secret: str, offset_periods: int = 0) -> str:
    """The code an authenticator app shows now (or `offset_periods` periods away)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // PERIOD + offset_periods))


def log_in(client: Client, user) -> object:
    return client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})


def activate(client: Client) -> str:
    """Set up the app through the pages; the secret it was given."""
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200, page
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in page.content.decode()
    response = client.post("/accounts/2fa/totp/activate/", {"code": code_at(secret)})
    assert response.status_code == 302, response.content.decode()[:3000]
    return secret


def totp_secret(user) -> str:
    auth = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return decrypt(auth.data["secret"])


def with_app(user) -> str:
    client = Client()
    log_in(client, user)
    activate(client)
    return totp_secret(user)


def test_set_up_shows_a_qr_code_and_key_then_recovery_codes(client, frank):
    log_in(client, frank)
    page = client.get("/accounts/2fa/totp/activate/").content.decode()
    assert 'class="totp-qr" src="data:image/svg+xml;base64,' in page
    assert "<script" not in page.split("<main", 1)[-1].split("</main>", 1)[0]
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post("/accounts/2fa/totp/activate/", {"code": code_at(secret)})
    assert response["Location"] == "/accounts/2fa/recovery-codes/"
    codes = client.get(response["Location"]).content.decode()
    assert codes.count("<li>") >= 10
    assert Authenticator.objects.filter(user=frank).count() == 2  # the app, and the codes


def test_a_wrong_code_at_set_up_keeps_the_same_key(client, frank):
    log_in(client, frank)
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post("/accounts/2fa/totp/activate/", {"code": "000000x"})
    assert response.status_code == 200
    assert 'class="field-error"' in response.content.decode()
    assert secret in response.content.decode()
    assert not Authenticator.objects.filter(user=frank).exists()


def test_sign_in_asks_for_the_code_after_the_password(frank):
    secret = with_app(frank)
    client = Client()
    response = log_in(client, frank)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert not client.get("/settings/").wsgi_request.user.is_authenticated
    page = client.get("/accounts/2fa/authenticate/").content.decode()
    assert "One more step" in page and 'autocomplete="one-time-code"' in page
    response = client.post("/accounts/2fa/authenticate/", {"code": code_at(secret)})
    assert response.status_code == 302
    assert client.get("/settings/").wsgi_request.user == frank


def test_a_code_is_refused_the_second_time(frank):
    secret = with_app(frank)
    code = code_at(secret)
    first = Client()
    log_in(first, frank)
    assert first.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    second = Client()
    log_in(second, frank)
    response = second.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 200
    assert 'class="field-error"' in response.content.decode()
    assert not second.get("/settings/").wsgi_request.user.is_authenticated


@pytest.mark.parametrize("offset", [-3, -2, 2, 3])
def test_a_code_out_of_its_window_is_refused(frank, offset):
    secret = with_app(frank)
    client = Client()
    log_in(client, frank)
    stale = code_at(secret, offset)
    if stale == code_at(secret):  # One chance in a million that two periods share a code.
        pytest.skip("the codes coincide")
    response = client.post("/accounts/2fa/authenticate/", {"code": stale})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert not client.get("/settings/").wsgi_request.user.is_authenticated


def test_a_recovery_code_works_once(frank):
    with_app(frank)
    codes = (
        Authenticator.objects.get(user=frank, type=Authenticator.Type.RECOVERY_CODES)
        .wrap()
        .get_unused_codes()
    )
    client = Client()
    log_in(client, frank)
    assert client.post("/accounts/2fa/authenticate/", {"code": codes[0]}).status_code == 302
    again = Client()
    log_in(again, frank)
    assert again.post("/accounts/2fa/authenticate/", {"code": codes[0]}).status_code == 200


def test_the_settings_page_links_two_step_sign_in(client, frank):
    client.force_login(frank)
    assert 'href="/accounts/2fa/"' in client.get("/settings/").content.decode()
    assert "Set up an authenticator app" in client.get("/accounts/2fa/").content.decode()


def test_an_empty_or_junk_code_is_a_field_error_never_a_500(frank):
    with_app(frank)
    client = Client()
    log_in(client, frank)
    for junk in ("", "x" * 5000, "12 34 56", "\u0661\u0662\u0663\u0664\u0665\u0666"):
        response = client.post("/accounts/2fa/authenticate/", {"code": junk})
        assert response.status_code == 200, junk
