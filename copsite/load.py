"""`make load`: gunicorn on PostgreSQL, concurrent simulated members, then count the writes.

Run as `python -m copsite.load [--users 50] [--seconds 60] [--port N]`. Creates the
database `<name>_load` beside DATABASE_URL's database `<name>` (default
postgres://postgres@127.0.0.1:5432/copsite), seeds the demo, serves it with gunicorn on
127.0.0.1 (loopback only, on a free port unless --port is given), and lets each
simulated member RSVP and post reflections in a loop. Afterwards the database must hold
exactly what the successful responses promised; no response may be a 5xx. Prints p95.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from copsite.bench import scratch_database_name

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
BASE = ""  # main() sets it once the port is chosen.
MAIN_SLUG = "systems-mapping"


def load_database_url() -> str:
    url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/copsite"
    parts = urlsplit(url)
    name = scratch_database_name(url, "load")
    import psycopg
    from psycopg import sql

    admin = urlunsplit(parts._replace(path="/postgres")).replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as server:
        server.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlunsplit(parts._replace(path=f"/{name}"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def server_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="copsite.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY", "load-only-secret-key-" + "y" * 40),
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_LOG_LEVEL="WARNING",
    )
    return env


@dataclass
class Tally:
    statuses: list[int] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    rsvps: dict[tuple[int, int], str] = field(default_factory=dict)
    reflections: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Member:
    """One simulated person: a real session cookie, a CSRF cookie, plain HTTP."""

    def __init__(self, user_id: int, session_key: str, sessions: list[int], tally: Tally):
        self.user_id, self.sessions, self.tally = user_id, sessions, tally
        self.jar = http.cookiejar.CookieJar(policy=LoopbackPolicy())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar),
            NoRedirect(),
        )
        self.jar.set_cookie(cookie("sessionid", session_key))
        self.rng = random.Random(user_id)

    def request(self, path: str, data: dict | None = None) -> int:
        headers = {}
        body = None
        if data is not None:
            token = next((c.value for c in self.jar if c.name == "csrftoken"), "")
            headers = {"X-CSRFToken": token, "Referer": BASE + path}
            body = urllib.parse.urlencode(data).encode()
        started = time.perf_counter()
        try:
            with self.opener.open(urllib.request.Request(BASE + path, body, headers), timeout=30):
                status = 200
        except urllib.error.HTTPError as error:
            status = error.code
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            status = 599  # No answer at all counts as a server failure.
        with self.tally.lock:
            self.tally.statuses.append(status)
            self.tally.latencies.append((time.perf_counter() - started) * 1000)
        return status

    def run(self, deadline: float) -> None:
        self.request("/")  # sets the CSRF cookie
        while time.monotonic() < deadline:
            if self.rng.random() < 0.6:
                session = self.rng.choice(self.sessions)
                response = self.rng.choice(["going", "maybe", "not_going"])
                path = f"/c/{MAIN_SLUG}/sessions/{session}/rsvp/"
                if self.request(path, {"response": response}) == 302:
                    with self.tally.lock:
                        self.tally.rsvps[(self.user_id, session)] = response
            elif self.rng.random() < 0.7:
                n = self.rng.randrange(10**9)
                status = self.request(
                    f"/c/{MAIN_SLUG}/reflections/new/",
                    {
                        "title": f"Load reflection {n}",
                        "body": "What we noticed under load.",
                        "visibility": "community",
                        "loop_level": "single",
                    },
                )
                if status == 302:
                    with self.tally.lock:
                        self.tally.reflections += 1
            else:
                self.request(f"/c/{MAIN_SLUG}/reflections/")


class LoopbackPolicy(http.cookiejar.DefaultCookiePolicy):
    """Production marks cookies Secure; this client speaks plain HTTP on loopback only, so
    it sends them back anyway."""

    def return_ok_secure(self, cookie, request):
        return True


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise urllib.error.HTTPError(req.full_url, code, msg, headers, fp)


def cookie(name: str, value: str) -> http.cookiejar.Cookie:
    return http.cookiejar.Cookie(
        0,
        name,
        value,
        None,
        False,
        HOST,
        False,
        False,
        "/",
        True,
        False,
        None,
        False,
        None,
        None,
        {},
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    args = parser.parse_args(argv)
    global BASE
    port = args.port or free_port()
    BASE = f"http://{HOST}:{port}"
    database_url = load_database_url()
    env = server_env(database_url)
    os.environ.update(env)
    manage = [sys.executable, "manage.py"]
    for command in (
        ["migrate", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
        ["seed_demo", "--force", "-v0"],
    ):
        subprocess.run(manage + command, cwd=ROOT, env=env, check=True)

    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from accounts.models import User
    from communities.models import Community, Membership
    from reflections.models import Reflection
    from sessions.models import RSVP, Session

    main_community = Community.objects.get(slug=MAIN_SLUG)
    sessions = list(
        Session.objects.filter(
            community=main_community, status="scheduled", starts_at__gt=timezone.now()
        ).values_list("pk", flat=True)
    )
    members = []
    tally = Tally()
    for index in range(args.users):
        user = User.objects.create(email=f"load{index}@load.example.org", timezone="UTC")
        Membership.objects.create(community=main_community, user=user)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        members.append(Member(user.pk, store.session_key, sessions, tally))

    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "copsite.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            "4",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{BASE}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        deadline = time.monotonic() + args.seconds
        threads = [threading.Thread(target=m.run, args=(deadline,)) for m in members]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=30)

    load_users = User.objects.filter(email__endswith="@load.example.org")
    stored_rsvps = dict(
        ((user_id, session_id), response)
        for user_id, session_id, response in RSVP.objects.filter(user__in=load_users).values_list(
            "user_id", "session_id", "response"
        )
    )
    stored_reflections = Reflection.objects.filter(author__in=load_users).count()
    errors = sum(1 for status in tally.statuses if status >= 500)
    p95 = statistics.quantiles(tally.latencies, n=20)[-1] if len(tally.latencies) > 20 else 0
    print(f"requests: {len(tally.statuses)}, 5xx: {errors}, p95: {p95:.0f} ms")
    print(f"RSVPs: {len(tally.rsvps)} promised, {len(stored_rsvps)} stored")
    print(f"reflections: {tally.reflections} promised, {stored_reflections} stored")
    ok = (
        errors == 0
        and stored_rsvps == tally.rsvps
        and stored_reflections == tally.reflections
        and tally.rsvps  # a run that wrote nothing proves nothing
        and tally.reflections > 0
    )
    print("no lost writes, no server errors" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
