"""Errors to Sentry when SENTRY_DSN is set, and nowhere otherwise; never anyone's personal data.

Settings call sentry_init() only when SENTRY_DSN is set, so without it sentry-sdk is never
initialised and nothing leaves the process. With it, the Django and Celery integrations
report unhandled errors in views and tasks. send_default_pii=False already keeps cookies,
the user and their IP address out of events, and no frame's local variables are sent (they
hold session keys, SQL parameters and what people wrote). scrub() is the second lock on
that door, for anything a library or our own code adds: it drops the user down to their
id, removes cookies and the headers that carry a session, a token or an address, and masks
email addresses wherever they appear in the request, the message or an exception's text.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[^\s@<>\"'(),;:]+@[^\s@<>\"'(),;:]+\.[A-Za-z]{2,}")
MASK = "[email]"
DROPPED_HEADERS = {
    "cookie",
    "authorization",
    "proxy-authorization",
    "x-csrftoken",
    "x-forwarded-for",
    "x-real-ip",
    "forwarded",
}
DROPPED_ENV = {"REMOTE_ADDR", "SERVER_NAME"}


def sentry_init(dsn: str, environment: str) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        # A frame's local variables hold session keys, SQL parameters and people's words.
        include_local_variables=False,
        before_send=scrub,
    )


def mask(value):
    """Email addresses masked in a string, or in the strings of a list or dict, recursively."""
    if isinstance(value, str):
        return EMAIL.sub(MASK, value)
    if isinstance(value, dict):
        return {key: mask(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask(item) for item in value]
    return value


def scrub(event: dict, hint: dict | None = None) -> dict:
    """Sentry's before_send: the event without personal data (see the module's docstring)."""
    user = event.get("user")
    if user:
        event["user"] = {"id": user["id"]} if user.get("id") else {}
    request = event.get("request")
    if request:
        request.pop("cookies", None)
        if isinstance(request.get("headers"), dict):
            request["headers"] = {
                name: value
                for name, value in request["headers"].items()
                if name.lower() not in DROPPED_HEADERS
            }
        if isinstance(request.get("env"), dict):
            request["env"] = {k: v for k, v in request["env"].items() if k not in DROPPED_ENV}
        for part in ("url", "query_string", "data"):
            if part in request:
                request[part] = mask(request[part])
    for key in ("message", "logentry", "exception", "breadcrumbs", "extra"):
        if key in event:
            event[key] = mask(event[key])
    return event
