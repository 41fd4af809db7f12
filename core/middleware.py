"""Middleware that guards the request as a whole, before any app sees it."""

from __future__ import annotations

import re
import uuid

from django.http import Http404

from .logs import request_id_var

# What a proxy's X-Request-ID may be for us to keep it: a uuid, a hex or base64-ish token.
# Anything else (too long, spaces, control characters) is replaced, so a log line can never
# be forged or bloated through the header.
REQUEST_ID = re.compile(r"[A-Za-z0-9._:+/=-]{8,128}")


class RefuseNulMiddleware:
    """NUL in the path or the query string is a 404, before any view sees it; a cookie
    holding NUL is ignored, as if it were not sent.

    PostgreSQL refuses NUL in any text, so a NUL that reaches a lookup (a calendar token, an
    unsubscribe link, a slug matched as a string, a session key) is a DataError, a 500. No
    real link or browser form ever carries one. A cookie is dropped rather than refused, so
    a browser holding a mangled one is signed out, not locked out. Form fields (POST) are
    left to the forms, whose CharField answers NUL with a field error
    (ProhibitNullCharactersValidator)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise Http404("NUL in the address.")
        if any("\x00" in key + value for key, value in request.COOKIES.items()):
            request.COOKIES = {k: v for k, v in request.COOKIES.items() if "\x00" not in k + v}
        return self.get_response(request)


class RequestIdMiddleware:
    """Gives each request an id: the proxy's X-Request-ID when it is well-formed, else a new
    uuid4. It is on the response (X-Request-ID), on request.request_id, and on every log line
    written while the request runs (core/logs.py), until the response is closed
    (request_finished, core/apps.py): Django logs a 4xx or 5xx response after the last
    middleware has returned it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        request_id_var.set(request.request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


HEALTH_PATHS = ("/healthz", "/healthz/")


class HealthCheckMiddleware:
    """Answers /healthz (and /healthz/) before the host check and the HTTPS redirect: a load
    balancer or compose's health check asks by the container's address over plain HTTP,
    which DJANGO_ALLOWED_HOSTS and SECURE_SSL_REDIRECT would refuse (400) or redirect (301).
    The answer holds no data but the services' states, so it needs neither."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in HEALTH_PATHS and request.method in ("GET", "HEAD"):
            from .views import healthz

            return healthz(request)
        return self.get_response(request)
