"""Which language a person reads copsite in.

A person's saved preference (User.language) wins; without one, the language cookie the
footer's switcher sets; without that, the browser's Accept-Language (Django's
LocaleMiddleware does those two); else settings.LANGUAGE_CODE. Email goes out in the
recipient's language, never the sender's: `for_person` and `speaking`.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext


def supported(code: str) -> str:
    """`code` as one of settings.LANGUAGES' codes ("fr-CA" → "fr"), "" when none fits."""
    if not code:
        return ""
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return ""


def choices() -> list[tuple[str, str]]:
    """The settings page's choices: "as my browser asks", then each language.
    settings.LANGUAGES names each in its own words ("Français", not "French"), so a person
    finds their language whatever the page is in."""
    return [("", gettext("As my browser asks")), *settings.LANGUAGES]


def for_person(user) -> str:
    """The language to write to `user` in: their preference, else the site's default."""
    return supported(getattr(user, "language", "") or "") or settings.LANGUAGE_CODE


def of_new_account() -> str:
    """The preference a new account starts with: the language its sign-up was made in
    (the browser's or the switcher's), so their emails follow it; blank (as the browser
    asks) when that is the site's default."""
    code = supported(translation.get_language() or "")
    return "" if code == supported(settings.LANGUAGE_CODE) else code


@contextmanager
def speaking(user):
    """Render what is inside (an email, a calendar's descriptions) in `user`'s language."""
    with translation.override(for_person(user)):
        yield


def remember(response, code: str):
    """Keep `code` in the language cookie too (as the footer's switcher does), so the
    pages stay in it after signing out; a blank preference forgets the cookie."""
    if code:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME, path=settings.LANGUAGE_COOKIE_PATH)
    return response
