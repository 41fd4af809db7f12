"""pytest fixtures around the test OpenID provider (a second local process)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a-good-long-passphrase"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Provider:
    url: str

    def setup(self, *, clients=(), users=()) -> None:
        response = requests.post(
            f"{self.url}/test-setup/",
            json={"clients": list(clients), "users": list(users)},
            timeout=10,
        )
        response.raise_for_status()

    def register(self, client_id: str, secret: str, redirect_uri: str) -> None:
        self.setup(
            clients=[{"client_id": client_id, "secret": secret, "redirect_uris": [redirect_uri]}]
        )

    def add_person(self, email: str, *, name: str = "", verified: bool = True) -> None:
        self.setup(
            users=[{"email": email, "name": name, "verified": verified, "password": PASSWORD}]
        )


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """allauth's OpenID provider running in its own process on a free port, with its own
    SQLite database; stopped at the end of the session."""
    folder = tmp_path_factory.mktemp("oidc-provider")
    env = {**os.environ, "OIDC_PROVIDER_DB": str(folder / "provider.sqlite3")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, "-m", "tests.oidc_provider.manage"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=120)
    port = free_port()
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/.well-known/openid-configuration", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((folder / "server.log").read_text())
            time.sleep(0.2)
        yield Provider(url)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def copsite_app(provider_url: str, provider_id: str = "testidp", **extra) -> dict:
    """A copsite `openid_connect` app (as copsite/sso.py builds them) for the provider."""
    from copsite.sso import _app

    return _app(
        {
            "id": provider_id,
            "name": extra.pop("name", "Test ID"),
            "issuer": provider_url,
            "client_id": extra.pop("client_id", f"copsite-{provider_id}"),
            "client_secret": extra.pop("client_secret", "s3cret-for-tests"),
            **extra,
        }
    )


def use_apps(settings, *apps) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            **settings.SOCIALACCOUNT_PROVIDERS["openid_connect"],
            "APPS": list(apps),
        }
    }


def sign_in_at_provider(authorize_url: str, email: str, *, stop_at: str) -> str:
    """Follow the provider's pages as a browser would without JavaScript (log in there,
    consent is skipped for the test client) until it redirects to `stop_at`; that URL."""
    session = requests.Session()
    url = authorize_url
    for _ in range(10):
        response = session.get(url, allow_redirects=False, timeout=10)
        if response.status_code == 200 and 'name="password"' in response.text:
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)
            response = session.post(
                response.url,
                data={"csrfmiddlewaretoken": csrf, "login": email, "password": PASSWORD},
                headers={"Referer": response.url},
                allow_redirects=False,
                timeout=10,
            )
        assert response.status_code in (301, 302), (response.status_code, response.text[:2000])
        url = urljoin(response.url, response.headers["Location"])
        if url.startswith(stop_at):
            return url
    raise AssertionError("the provider never sent the browser back")
