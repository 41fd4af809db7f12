"""An email service through django-anymail, read from the environment (copsite/settings.py).

COPSITE_EMAIL_ESP names the service as anymail's backend module ("postmark", "mailgun",
"amazon_ses", "sendgrid", "brevo"…) or its backend's dotted path
("anymail.backends.postmark.EmailBackend"). Its secrets are ANYMAIL_* variables, each
becoming the ANYMAIL setting without the prefix: ANYMAIL_POSTMARK_SERVER_TOKEN is
ANYMAIL["POSTMARK_SERVER_TOKEN"], ANYMAIL_WEBHOOK_SECRET ("user:password") is the basic-auth
secret the service's tracking webhook must send to /anymail/<esp>/tracking/ (with no secret
that address does not exist: accounts/bounces.py).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

PREFIX = "anymail.backends."


def esp_from(value: str) -> tuple[str, str]:
    """(name, EMAIL_BACKEND) of the service COPSITE_EMAIL_ESP names; ("", "") for none."""
    value = value.strip()
    if not value:
        return "", ""
    name = value.removeprefix(PREFIX).removesuffix(".EmailBackend").lower()
    if "." in name or importlib.util.find_spec(PREFIX + name) is None:
        raise ImproperlyConfigured(
            f"COPSITE_EMAIL_ESP={value!r} is not one of django-anymail's email services: "
            "give its backend's name (postmark, mailgun, amazon_ses, sendgrid, brevo…) "
            "or dotted path (anymail.backends.postmark.EmailBackend)."
        )
    return name, f"{PREFIX}{name}.EmailBackend"


def anymail_settings(environ: Mapping[str, str]) -> dict[str, str]:
    """The ANYMAIL setting from every ANYMAIL_* variable that has a value."""
    return {
        key.removeprefix("ANYMAIL_"): value
        for key, value in environ.items()
        if key.startswith("ANYMAIL_") and value
    }
