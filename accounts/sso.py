"""Single sign-on through OpenID Connect providers (configured in copsite/sso.py).

allauth does the protocol: state, PKCE, the code exchange, the ID token's signature,
issuer, audience and expiry. Here copsite adds what it promises on top:
- a nonce in every request, checked against the ID token on the way back;
- a provider that cannot be reached sends the person back to the log-in page, which says
  so beside the button and still offers email and password;
- an address connects to an existing account only when the provider is trusted for it
  (allauth's per-app "email_authentication", only ever with a verified address);
- a sign-in through a provider that enforces its own second factor is recorded as such
  (accounts/middleware.py reads it for COPSITE_MFA_REQUIRED_FOR).
"""

from __future__ import annotations

import logging
import secrets
from urllib.parse import urlsplit

import requests
from allauth.account.authentication import get_authentication_records
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest
from django.shortcuts import redirect
from django.utils.translation import gettext

from core.plugins import holds_any_role

from . import languages

logger = logging.getLogger(__name__)

# How long the log-in page says a provider is unreachable after a failed attempt.
UNREACHABLE_SECONDS = 300


def _unreachable_key(provider_id: str) -> str:
    return f"sso:unreachable:{provider_id}"


def mark_unreachable(provider_id: str) -> None:
    cache.set(_unreachable_key(provider_id), True, UNREACHABLE_SECONDS)


def unreachable_ids(provider_ids: list[str]) -> set[str]:
    found = cache.get_many([_unreachable_key(pid) for pid in provider_ids])
    return {pid for pid in provider_ids if found.get(_unreachable_key(pid))}


class NonceOpenIDConnectProvider(OpenIDConnectProvider):
    """allauth's OpenID Connect provider, with a nonce and a polite answer when the
    provider is down."""

    # allauth finds the provider's URLs and templates by its package: still allauth's.
    package = "allauth.socialaccount.providers.openid_connect"

    def redirect(self, request: HttpRequest, process, next_url=None, data=None, **kwargs):
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        nonce = secrets.token_urlsafe(24)
        auth_params["nonce"] = nonce
        try:
            # The state keeps the nonce (allauth stores every keyword it is given).
            return super().redirect(
                request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
            )
        except (requests.RequestException, ValueError, KeyError) as error:
            # Discovery failed: no answer, an error, or not an OpenID configuration.
            logger.warning("OpenID provider %s unreachable: %s", self.app.provider_id, error)
            return provider_unreachable(request, self)


def provider_unreachable(request: HttpRequest, provider):
    mark_unreachable(provider.app.provider_id)
    messages.error(
        request,
        gettext(
            "%(name)s can't be reached just now. Log in with your email address and "
            "password, or try again in a few minutes."
        )
        % {"name": provider.name},
    )
    return redirect("account_login")


def mfa_required(user) -> bool:
    """Whether COPSITE_MFA_REQUIRED_FOR applies to this person."""
    roles = settings.COPSITE_MFA_REQUIRED_FOR
    return bool(roles) and user.is_authenticated and holds_any_role(user, roles)


def signed_in_with_own_second_factor(request: HttpRequest) -> bool:
    """Whether this session's sign-in went through a provider that enforces its own
    second factor (COPSITE_OIDC_ENFORCES_MFA / "enforces_mfa")."""
    from allauth.socialaccount.adapter import get_adapter

    records = get_authentication_records(request, request.user)
    providers = {r.get("provider") for r in records if r.get("method") == "socialaccount"}
    if not providers:
        return False
    adapter = get_adapter(request)
    return any(
        app.settings.get("enforces_mfa")
        for app in adapter.list_apps(request)
        if app.provider_id in providers
    )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None) -> list:
        """Providers come from the environment only (copsite/sso.py), never from the
        database: the log-in page and every other page pay no query for them."""
        from allauth.socialaccount.adapter import _build_apps_from_settings

        found = _build_apps_from_settings(provider=provider, client_id=client_id)
        return [app for apps in found.values() for app in apps]

    def pre_social_login(self, request: HttpRequest, sociallogin) -> None:
        """Refuse an ID token that does not carry the nonce this browser's request sent."""
        provider = sociallogin.provider
        if not isinstance(provider, NonceOpenIDConnectProvider):
            return
        expected = (sociallogin.state or {}).get("nonce")
        id_token = (sociallogin.account.extra_data or {}).get("id_token") or {}
        if not expected or not secrets.compare_digest(
            str(id_token.get("nonce", "")), str(expected)
        ):
            raise ImmediateHttpResponse(
                render_authentication_error(
                    request, provider, exception=OAuth2Error("The sign-in's nonce did not match.")
                )
            )

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        """A provider that stops answering mid-way (token or keys endpoint) is reported
        like one that is down at the start; other failures get the error page, which
        says what to do."""
        if isinstance(exception, requests.RequestException) and provider is not None:
            logger.warning(
                "OpenID provider %s unreachable: %s", provider.app.provider_id, exception
            )
            raise ImmediateHttpResponse(provider_unreachable(request, provider))
        logger.info(
            "Single sign-on failed at %s: %s %s",
            getattr(getattr(provider, "app", None), "provider_id", provider),
            error,
            exception,
        )

    def populate_user(self, request, sociallogin, data):
        """A new person starts with the name their provider gives, and the language
        they signed in with (their emails are written in it)."""
        user = super().populate_user(request, sociallogin, data)
        user.language = user.language or languages.of_new_account()
        name = (data.get("name") or "").strip()
        if name and not user.display_name:
            user.display_name = name[:80]
        return user

    def list_sso_providers(self, request) -> list:
        """The OpenID Connect providers for the log-in and sign-up pages."""
        return [p for p in self.list_providers(request) if p.app is not None]


class MfaAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator) -> bool:
        """While COPSITE_MFA_REQUIRED_FOR names someone's role, their authenticator app
        stays (they may replace their recovery codes)."""
        if authenticator.type == authenticator.Type.TOTP and mfa_required(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)


def sso_providers(request: HttpRequest) -> list:
    """The configured OpenID Connect providers, for the pages that offer them."""
    from allauth.socialaccount.adapter import get_adapter

    return get_adapter(request).list_sso_providers(request)


def sso_origins(request: HttpRequest) -> list[str]:
    """The origins (scheme://host[:port]) of the configured providers' issuers."""
    from allauth.socialaccount.adapter import get_adapter

    origins = []
    for app in get_adapter(request).list_apps(request, provider="openid_connect"):
        parts = urlsplit(app.settings.get("server_url", ""))
        if parts.scheme in ("http", "https") and parts.netloc:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return sorted(set(origins))
