"""COPSITE_EMAIL_ESP and ANYMAIL_* (copsite/email_service.py): an email service through
django-anymail when named, and the embedded default (files under var/mail/) otherwise."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from copsite.email_service import anymail_settings, esp_from


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", ("", "")),
        ("postmark", ("postmark", "anymail.backends.postmark.EmailBackend")),
        ("Mailgun", ("mailgun", "anymail.backends.mailgun.EmailBackend")),
        (
            "anymail.backends.amazon_ses.EmailBackend",
            ("amazon_ses", "anymail.backends.amazon_ses.EmailBackend"),
        ),
    ],
)
def test_the_service_is_named_by_its_backend(value, expected):
    assert esp_from(value) == expected


@pytest.mark.parametrize("value", ["postmarc", "django.core.mail.backends.smtp.EmailBackend"])
def test_an_unknown_service_stops_the_start_with_a_clear_message(value):
    with pytest.raises(ImproperlyConfigured, match="not one of django-anymail's email services"):
        esp_from(value)


def test_anymail_settings_come_from_the_prefixed_variables():
    environ = {
        "ANYMAIL_POSTMARK_SERVER_TOKEN": "token",
        "ANYMAIL_WEBHOOK_SECRET": "hook:secret",
        "ANYMAIL_EMPTY": "",
        "EMAIL_URL": "smtp://x",
    }

    assert anymail_settings(environ) == {
        "POSTMARK_SERVER_TOKEN": "token",
        "WEBHOOK_SECRET": "hook:secret",
    }


def backend_with(**variables) -> str:
    """EMAIL_BACKEND as copsite/settings.py reads it in a fresh process."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ANYMAIL_", "EMAIL_", "COPSITE_EMAIL"))
    }
    environ |= {"DJANGO_SETTINGS_MODULE": "copsite.settings", **variables}
    code = "from django.conf import settings; print(settings.EMAIL_BACKEND, settings.ANYMAIL)"
    result = subprocess.run(
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_the_embedded_default_still_writes_files_and_smtp_still_works():
    assert backend_with() == "django.core.mail.backends.filebased.EmailBackend {}"
    assert backend_with(EMAIL_HOST="smtp.example.org").startswith(
        "django.core.mail.backends.smtp.EmailBackend"
    )


def test_a_named_service_takes_precedence_with_its_secrets():
    assert backend_with(
        COPSITE_EMAIL_ESP="postmark",
        EMAIL_HOST="smtp.example.org",
        ANYMAIL_POSTMARK_SERVER_TOKEN="token",
    ) == ("anymail.backends.postmark.EmailBackend {'POSTMARK_SERVER_TOKEN': 'token'}")
