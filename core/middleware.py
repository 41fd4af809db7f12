"""Middleware that guards the request as a whole, before any app sees it."""

from __future__ import annotations

from django.http import Http404


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
