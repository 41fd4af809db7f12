"""Single sign-on and two-factor settings, read from the environment (copsite/settings.py).

One OpenID Connect provider comes from COPSITE_OIDC_NAME, COPSITE_OIDC_ISSUER,
COPSITE_OIDC_CLIENT_ID and COPSITE_OIDC_CLIENT_SECRET (with COPSITE_OIDC_ID,
COPSITE_OIDC_TRUSTED_FOR_EMAIL and COPSITE_OIDC_ENFORCES_MFA optional); several come from
COPSITE_OIDC_PROVIDERS, a JSON list of objects with the keys `id`, `name`, `issuer`,
`client_id`, `client_secret`, `trusted_for_email` and `enforces_mfa`. Either way each
becomes one allauth `openid_connect` app, whose callback is
/accounts/oidc/<id>/login/callback/.

`trusted_for_email`: a verified address from this provider signs in the existing account
with that address (and connects the two). Untrusted, the provider's address never reaches
an existing account: its owner is told by email that someone tried to sign up with it.
`enforces_mfa`: the provider asks for its own second factor, so a sign-in through it
satisfies COPSITE_MFA_REQUIRED_FOR.
"""

from __future__ import annotations

import json
import re

import environ
from django.core.exceptions import ImproperlyConfigured

MFA_ROLES = ("coordinators", "leaders", "staff")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "oidc"


def _truthy(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def _app(entry: dict) -> dict:
    missing = [k for k in ("name", "issuer", "client_id", "client_secret") if not entry.get(k)]
    if missing:
        raise ImproperlyConfigured(f"An OpenID Connect provider lacks {', '.join(missing)}.")
    provider_id = entry.get("id") or _slug(entry["name"])
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", provider_id):
        raise ImproperlyConfigured(
            f"OpenID Connect provider id {provider_id!r}: lower-case letters, digits, - and _."
        )
    return {
        "provider_id": provider_id,
        "name": entry["name"],
        "client_id": entry["client_id"],
        "secret": entry["client_secret"],
        "settings": {
            "server_url": entry["issuer"].rstrip("/"),
            "oauth_pkce_enabled": True,
            # A verified address from a trusted provider signs in the account that holds it.
            "email_authentication": _truthy(entry.get("trusted_for_email", False)),
            "enforces_mfa": _truthy(entry.get("enforces_mfa", False)),
            "scope": ["openid", "email", "profile"],
        },
    }


def oidc_apps(env: environ.Env) -> list[dict]:
    """The configured OpenID Connect providers as allauth's settings-based apps."""
    apps = []
    raw = env.str("COPSITE_OIDC_PROVIDERS", default="").strip()
    if raw:
        try:
            entries = json.loads(raw)
        except json.JSONDecodeError as error:
            raise ImproperlyConfigured(f"COPSITE_OIDC_PROVIDERS is not JSON: {error}") from None
        if isinstance(entries, dict):
            entries = [entries]
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise ImproperlyConfigured("COPSITE_OIDC_PROVIDERS must be a JSON list of objects.")
        apps = [_app(entry) for entry in entries]
    if env.str("COPSITE_OIDC_ISSUER", default=""):
        apps.append(
            _app(
                {
                    "id": env.str("COPSITE_OIDC_ID", default=""),
                    "name": env.str("COPSITE_OIDC_NAME", default="single sign-on"),
                    "issuer": env.str("COPSITE_OIDC_ISSUER"),
                    "client_id": env.str("COPSITE_OIDC_CLIENT_ID", default=""),
                    "client_secret": env.str("COPSITE_OIDC_CLIENT_SECRET", default=""),
                    "trusted_for_email": env.str("COPSITE_OIDC_TRUSTED_FOR_EMAIL", default=""),
                    "enforces_mfa": env.str("COPSITE_OIDC_ENFORCES_MFA", default=""),
                }
            )
        )
    ids = [app["provider_id"] for app in apps]
    if len(ids) != len(set(ids)):
        raise ImproperlyConfigured(f"Two OpenID Connect providers share an id: {ids}.")
    return apps


def mfa_required_for(env: environ.Env) -> frozenset[str]:
    """Who must use a second factor: any of coordinators, leaders, staff ("all": each)."""
    roles = {r.strip().lower() for r in env.list("COPSITE_MFA_REQUIRED_FOR", default=[])}
    roles.discard("")
    if "all" in roles:
        return frozenset(MFA_ROLES)
    unknown = roles - set(MFA_ROLES)
    if unknown:
        raise ImproperlyConfigured(
            f"COPSITE_MFA_REQUIRED_FOR names {sorted(unknown)}; it takes {', '.join(MFA_ROLES)}."
        )
    return frozenset(roles)
