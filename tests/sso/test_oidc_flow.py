"""Single sign-on end to end against a real OpenID provider in a second local process
(tests/oidc_provider/): the whole code flow, without a browser, through copsite's views."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core import mail

from accounts.models import EmailDelivery, User
from tests.oidc_provider.fixtures import copsite_app, free_port, sign_in_at_provider, use_apps

pytestmark = pytest.mark.django_db(transaction=False)

CALLBACK = "http://testserver/accounts/oidc/{}/login/callback/"


@pytest.fixture
def provider_app(oidc_provider, settings):
    """copsite configured for the test provider, registered there under a fresh client id."""

    def make(provider_id="testidp", **extra):
        extra.setdefault("client_id", f"copsite-{uuid.uuid4().hex[:10]}")
        app = copsite_app(oidc_provider.url, provider_id, **extra)
        oidc_provider.register(app["client_id"], app["secret"], CALLBACK.format(provider_id))
        use_apps(settings, app)
        return app

    return make


def start(client, provider_id="testidp"):
    """Press "Continue with …": copsite's redirect to the provider's authorize URL."""
    response = client.post(f"/accounts/oidc/{provider_id}/login/", {"process": "login"})
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def come_back(client, authorize_url, email, provider_id="testidp"):
    back = sign_in_at_provider(authorize_url, email, stop_at=CALLBACK.format(provider_id))
    return client.get(back.removeprefix("http://testserver"))


def signed_in_as(client):
    return client.get("/").wsgi_request.user


def test_login_page_offers_each_provider_beside_email(client, provider_app):
    provider_app(name="Acme ID")
    page = client.get("/accounts/login/").content.decode()
    assert "Continue with Acme ID" in page
    assert 'action="/accounts/oidc/testidp/login/?process=login"' in page
    assert 'name="password"' in page  # email and password stay
    assert "Continue with Acme ID" in client.get("/accounts/signup/").content.decode()


def test_no_provider_no_button(client, settings):
    use_apps(settings)
    assert "Continue with" not in client.get("/accounts/login/").content.decode()


def test_a_new_person_signs_up_through_the_provider(client, oidc_provider, provider_app):
    provider_app()
    oidc_provider.add_person("nia@example.net", name="Nia Okafor")
    authorize = start(client)
    assert authorize.startswith(oidc_provider.url)
    query = parse_qs(urlsplit(authorize).query)
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}
    assert query["nonce"][0] and query["code_challenge"][0]

    response = come_back(client, authorize, "nia@example.net")

    assert response.status_code == 302
    user = signed_in_as(client)
    assert user.email == "nia@example.net" and user.display_name == "Nia Okafor"
    assert EmailAddress.objects.get(user=user).verified
    assert SocialAccount.objects.get(user=user).provider == "testidp"


def test_trusted_provider_signs_in_the_existing_account_and_connects_it(
    client, oidc_provider, provider_app, alice
):
    provider_app(trusted_for_email=True)
    oidc_provider.add_person(alice.email)
    come_back(client, start(client), alice.email)
    assert signed_in_as(client) == alice
    assert SocialAccount.objects.get(user=alice).provider == "testidp"
    assert User.objects.count() == 1


def test_untrusted_provider_never_reaches_the_existing_account(
    client, oidc_provider, provider_app, alice
):
    provider_app(trusted_for_email=False)
    oidc_provider.add_person(alice.email)
    response = come_back(client, start(client), alice.email)
    assert not signed_in_as(client).is_authenticated
    assert not SocialAccount.objects.exists()
    assert User.objects.count() == 1
    # Not silently: the address's owner hears that someone tried it.
    assert response.status_code == 302
    told = EmailDelivery.objects.get(to_email=alice.email)
    assert told.kind == "account:account_already_exists"


def test_unverified_address_from_a_trusted_provider_does_not_sign_in_the_account(
    client, oidc_provider, provider_app, alice
):
    provider_app(trusted_for_email=True)
    oidc_provider.add_person(alice.email, verified=False)
    come_back(client, start(client), alice.email)
    assert not signed_in_as(client).is_authenticated
    assert not SocialAccount.objects.exists()


def test_unverified_address_for_a_new_person_must_be_confirmed(client, oidc_provider, provider_app):
    provider_app(trusted_for_email=True)
    oidc_provider.add_person("omar@example.net", verified=False)
    response = come_back(client, start(client), "omar@example.net")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert not signed_in_as(client).is_authenticated
    assert not EmailAddress.objects.get(email="omar@example.net").verified
    assert EmailDelivery.objects.filter(
        to_email="omar@example.net", kind__startswith="account:email_confirmation"
    ).exists()
    assert not mail.outbox  # queued, never sent in the request


def test_wrong_state_is_refused(client, oidc_provider, provider_app):
    provider_app()
    oidc_provider.add_person("pat@example.net")
    back = sign_in_at_provider(start(client), "pat@example.net", stop_at=CALLBACK.format("testidp"))
    tampered = back.replace("state=", "state=x")
    response = client.get(tampered.removeprefix("http://testserver"))
    assert response.status_code == 401
    assert "couldn't sign you in" in response.content.decode()
    assert not signed_in_as(client).is_authenticated


def test_wrong_nonce_is_refused(client, oidc_provider, provider_app):
    provider_app()
    oidc_provider.add_person("quinn@example.net")
    authorize = start(client)
    # The browser's stored state expects another nonce than the one the provider saw.
    session = client.session
    states = session["socialaccount_states"]
    for state in states.values():
        state[0]["nonce"] = "not-the-one-sent"
    session["socialaccount_states"] = states
    session.save()
    response = come_back(client, authorize, "quinn@example.net")
    assert response.status_code == 401
    assert not signed_in_as(client).is_authenticated
    assert not User.objects.filter(email="quinn@example.net").exists()


def test_wrong_issuer_is_refused(client, oidc_provider, provider_app):
    app = provider_app()
    app["settings"]["openid_configuration_overrides"] = {"issuer": "https://impostor.example"}
    oidc_provider.add_person("rae@example.net")
    response = come_back(client, start(client), "rae@example.net")
    assert response.status_code == 401
    assert "couldn't sign you in" in response.content.decode()
    assert not signed_in_as(client).is_authenticated


def test_a_provider_that_is_down_sends_back_to_email_login(client, settings):
    use_apps(settings, copsite_app(f"http://127.0.0.1:{free_port()}", "downidp", name="Down ID"))
    response = client.post("/accounts/oidc/downidp/login/", {"process": "login"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    page = client.get("/accounts/login/").content.decode()
    assert "Down ID can&#x27;t be reached just now" in page
    assert 'name="password"' in page
    assert "Continue with Down ID" in page


def test_an_unknown_provider_is_404(client, settings):
    use_apps(settings)
    assert client.post("/accounts/oidc/nobody/login/").status_code == 404
    assert client.get("/accounts/oidc/nobody/login/callback/?code=x&state=y").status_code == 404


@pytest.mark.parametrize("enforces", [True, False])
def test_a_provider_that_enforces_its_own_second_factor_meets_the_requirement(
    client, oidc_provider, provider_app, settings, carol, enforces
):
    settings.COPSITE_MFA_REQUIRED_FOR = frozenset({"coordinators"})
    provider_app(trusted_for_email=True, enforces_mfa=enforces)
    oidc_provider.add_person(carol.email)
    come_back(client, start(client), carol.email)
    response = client.get("/settings/")
    if enforces:
        assert response.status_code == 200
    else:
        assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_pages_let_their_forms_lead_to_the_providers_only(client, settings):
    use_apps(
        settings,
        copsite_app("https://login.acme.example/realms/staff", "acme"),
        copsite_app("http://127.0.0.1:8123", "local"),
    )
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    form_action = next(p for p in policy.split(";") if "form-action" in p).split()
    assert form_action == [
        "form-action", "'self'", "http://127.0.0.1:8123", "https://login.acme.example"
    ]  # fmt: skip
    assert "script-src 'self'" in policy


def test_settings_offer_connecting_an_organisation_account(client, settings, frank):
    use_apps(settings, copsite_app("https://login.acme.example", "acme", name="Acme ID"))
    client.force_login(frank)
    assert 'href="/accounts/3rdparty/"' in client.get("/settings/").content.decode()
    page = client.get("/accounts/3rdparty/").content.decode()
    assert "Connect Acme ID" in page
    assert 'action="/accounts/oidc/acme/login/?process=connect"' in page
