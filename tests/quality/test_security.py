from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_pages_carry_security_headers(client, user):
    client.force_login(user)

    response = client.get(reverse("home"))

    csp = response["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "'self'" in script_src
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_scripts(client, user):
    client.force_login(user)

    for url in (reverse("home"), reverse("settings"), reverse("account_login")):
        html = client.get(url).content.decode()
        assert "<script>" not in html
        assert " onclick=" not in html


def production_setting(expression: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="copsite.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="copsite.example.org",
    )
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_cookies_are_secure_and_https_is_enforced():
    names = ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT"]

    values = production_setting(f"*(getattr(settings, n) for n in {names!r})")

    assert values == "True True True"


def test_production_rate_limits_login_and_signup():
    limits = production_setting("sorted(settings.ACCOUNT_RATE_LIMITS)")

    assert "'login_failed'" in limits
    assert "'signup'" in limits
