"""copsite/sso.py: the OpenID Connect providers and the two-factor requirement, read
from the environment."""

from __future__ import annotations

import json

import environ
import pytest
from django.core.exceptions import ImproperlyConfigured

from copsite.sso import mfa_required_for, oidc_apps


def env_of(monkeypatch, **values) -> environ.Env:
    for name in (
        "COPSITE_OIDC_PROVIDERS", "COPSITE_OIDC_ISSUER", "COPSITE_OIDC_NAME", "COPSITE_OIDC_ID",
        "COPSITE_OIDC_CLIENT_ID", "COPSITE_OIDC_CLIENT_SECRET", "COPSITE_OIDC_TRUSTED_FOR_EMAIL",
        "COPSITE_OIDC_ENFORCES_MFA", "COPSITE_MFA_REQUIRED_FOR",
    ):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return environ.Env()


def test_nothing_set_no_provider(monkeypatch):
    assert oidc_apps(env_of(monkeypatch)) == []


def test_one_provider_from_four_variables(monkeypatch):
    env = env_of(
        monkeypatch,
        COPSITE_OIDC_NAME="Acme Health",
        COPSITE_OIDC_ISSUER="https://login.acme.example/realms/staff/",
        COPSITE_OIDC_CLIENT_ID="copsite",
        COPSITE_OIDC_CLIENT_SECRET="s3cret",
    )
    [app] = oidc_apps(env)
    assert app["provider_id"] == "acme-health" and app["name"] == "Acme Health"
    assert app["client_id"] == "copsite" and app["secret"] == "s3cret"
    assert app["settings"]["server_url"] == "https://login.acme.example/realms/staff"
    assert app["settings"]["email_authentication"] is False  # untrusted unless said
    assert app["settings"]["enforces_mfa"] is False
    assert app["settings"]["oauth_pkce_enabled"] is True


def test_several_providers_from_json(monkeypatch):
    providers = [
        {"id": "entra", "name": "Contoso", "issuer": "https://login.microsoftonline.com/t/v2.0",
         "client_id": "a", "client_secret": "b", "trusted_for_email": True, "enforces_mfa": True},
        {"id": "kc", "name": "Keycloak", "issuer": "https://kc.example/realms/x",
         "client_id": "c", "client_secret": "d"},
    ]  # fmt: skip
    apps = oidc_apps(env_of(monkeypatch, COPSITE_OIDC_PROVIDERS=json.dumps(providers)))
    assert [a["provider_id"] for a in apps] == ["entra", "kc"]
    assert apps[0]["settings"]["email_authentication"] is True
    assert apps[0]["settings"]["enforces_mfa"] is True
    assert apps[1]["settings"]["email_authentication"] is False


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        '"a string"',
        '[{"name": "x"}]',
        '[{"id": "Bad Id!", "name": "x", "issuer": "i", "client_id": "c", "client_secret": "s"}]',
        '[{"id": "a", "name": "x", "issuer": "i", "client_id": "c", "client_secret": "s"},'
        ' {"id": "a", "name": "y", "issuer": "i", "client_id": "c", "client_secret": "s"}]',
    ],
)
def test_a_wrong_provider_list_stops_start_up_with_a_clear_message(monkeypatch, raw):
    with pytest.raises(ImproperlyConfigured):
        oidc_apps(env_of(monkeypatch, COPSITE_OIDC_PROVIDERS=raw))


@pytest.mark.parametrize(
    ("raw", "roles"),
    [
        ("", set()),
        ("coordinators", {"coordinators"}),
        ("coordinators, Leaders,staff", {"coordinators", "leaders", "staff"}),
        ("all", {"coordinators", "leaders", "staff"}),
    ],
)
def test_mfa_required_for(monkeypatch, raw, roles):
    assert mfa_required_for(env_of(monkeypatch, COPSITE_MFA_REQUIRED_FOR=raw)) == roles


def test_mfa_required_for_an_unknown_role(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="admins"):
        mfa_required_for(env_of(monkeypatch, COPSITE_MFA_REQUIRED_FOR="admins"))
