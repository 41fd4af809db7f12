"""`make load`: gunicorn on PostgreSQL, concurrent simulated members, then count the writes.

Run as `python -m tools.load [--users 50] [--seconds 60] [--port N]`. Creates the
database `<name>_load` beside DATABASE_URL's database `<name>` (default
postgres://postgres@127.0.0.1:5432/copsite), seeds the demo, serves it with gunicorn on
127.0.0.1 (loopback only, on a free port unless --port is given), and lets each
simulated member RSVP, post reflections and write the peer reviews allocated to them (in
a held session's open round, seeded here) in a loop. Afterwards the database must hold
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

from tools.bench import scratch_database_name

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
BASE = ""  # main() sets it once the port is chosen.
MAIN_SLUG = "systems-mapping"
# The load's review round: each simulated member shares this many pieces of work, and each
# piece is allocated to this many other simulated members.
WORKS_PER_MEMBER = 2
REVIEWERS_PER_WORK = 4


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
    # Review pk -> the status its last successful POST promised ("draft" or "submitted").
    reviews: dict[int, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Member:
    """One simulated person: a real session cookie, a CSRF cookie, plain HTTP."""

    def __init__(
        self,
        user_id: int,
        session_key: str,
        sessions: list[int],
        tally: Tally,
        reviews: list[int] | None = None,
        prompts: int = 0,
    ):
        self.user_id, self.sessions, self.tally = user_id, sessions, tally
        # The reviews allocated to this member and not yet shared, and the round's prompts.
        self.reviews, self.prompts = list(reviews or []), prompts
        self.location = ""  # The Location of the last redirect.
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
        self.location = ""
        try:
            with self.opener.open(urllib.request.Request(BASE + path, body, headers), timeout=30):
                status = 200
        except urllib.error.HTTPError as error:
            status = error.code
            self.location = urllib.parse.urlsplit(error.headers.get("Location", "")).path
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            status = 599  # No answer at all counts as a server failure.
        with self.tally.lock:
            self.tally.statuses.append(status)
            self.tally.latencies.append((time.perf_counter() - started) * 1000)
        return status

    def run(self, deadline: float) -> None:
        self.request("/")  # sets the CSRF cookie
        while time.monotonic() < deadline:
            if self.reviews and self.rng.random() < 0.2:
                self.review()
            elif self.rng.random() < 0.6:
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

    def review(self) -> None:
        """Open the first review still waiting and save a draft of it or share it, as the
        form does: the answers per prompt, a stage and the button's `action`."""
        pk = self.reviews[0]
        path = f"/c/{MAIN_SLUG}/reviews/{pk}/"
        if self.request(path) != 200:
            return
        action = "draft" if self.rng.random() < 0.3 else "submit"
        data = {"action": action, "stage": self.rng.choice(["", "emerging", "confident"])}
        for index in range(self.prompts):
            data[f"works_{index}"] = f"What works, seen under load ({pk}/{index})."
            data[f"deeper_{index}"] = "What could go deeper next time."
        if self.request(path, data) != 302:
            return
        # Shared: back to the reviews page. Draft saved: back to the review itself.
        if action == "submit" and self.location == f"/c/{MAIN_SLUG}/reviews/":
            promised = "submitted"
            self.reviews.pop(0)
        elif action == "draft" and self.location == path:
            promised = "draft"
        else:
            self.reviews.pop(0)  # refused (the review can't change): nothing promised
            return
        with self.tally.lock:
            self.tally.reviews[pk] = promised


def seed_review_round(main_community, users: list) -> tuple[dict[int, list[int]], int]:
    """A session held two days ago that every simulated member attended, the work each of
    them shared from it, and an open round allocating each piece to other simulated
    members. Rows are made directly (as the demo does), so seeding sends no emails.
    Returns ({user pk: [review pks allocated to them]}, the number of prompts)."""
    from datetime import timedelta

    from django.utils import timezone

    from outcomes.models import DEFAULT_PROMPTS, Outcome
    from reviews.models import PeerReview, ReviewRound, SharedWork
    from sessions.models import Attendance, Session

    now = timezone.now()
    session = Session.objects.create(
        community=main_community,
        title="Load clinic: maps under pressure",
        starts_at=now - timedelta(days=2),
        status="completed",
    )
    Attendance.objects.bulk_create(Attendance(session=session, user=user) for user in users)
    outcome = (
        Outcome.objects.filter(community=main_community, status=Outcome.Status.AGREED)
        .order_by("pk")
        .first()
    )
    prompts = (outcome.review_prompts if outcome else None) or DEFAULT_PROMPTS
    round_ = ReviewRound.objects.create(
        community=main_community,
        session=session,
        prompts=[{"outcome": getattr(outcome, "pk", None), "prompt": p} for p in prompts],
        reviewers_per_work=REVIEWERS_PER_WORK,
        due_on=(now + timedelta(days=7)).date(),
    )
    if outcome:
        round_.outcomes.set([outcome])
    works = SharedWork.objects.bulk_create(
        SharedWork(
            community=main_community,
            session=session,
            author=user,
            title=f"Load map {copy} by {user.pk}",
            link=f"https://example.org/load/{user.pk}/{copy}",
        )
        for user in users
        for copy in range(WORKS_PER_MEMBER)
    )
    count = len(users)
    reviews = []
    for index, work in enumerate(works):
        author = index // WORKS_PER_MEMBER
        # The next members round the circle, a fresh stretch for each piece: loads stay even.
        start = author + 1 + (index % WORKS_PER_MEMBER) * REVIEWERS_PER_WORK
        others = [users[(start + k) % count] for k in range(count)]
        others = [user for user in others if user.pk != work.author_id][:REVIEWERS_PER_WORK]
        reviews.extend(PeerReview(round=round_, work=work, reviewer=user) for user in others)
    allocated: dict[int, list[int]] = {}
    for review in PeerReview.objects.bulk_create(reviews):
        allocated.setdefault(review.reviewer_id, []).append(review.pk)
    return allocated, len(prompts)


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
    from reviews.models import PeerReview
    from sessions.models import RSVP, Session

    main_community = Community.objects.get(slug=MAIN_SLUG)
    sessions = list(
        Session.objects.filter(
            community=main_community, status="scheduled", starts_at__gt=timezone.now()
        ).values_list("pk", flat=True)
    )
    members = []
    tally = Tally()
    users = []
    for index in range(args.users):
        user = User.objects.create(email=f"load{index}@load.example.org", timezone="UTC")
        Membership.objects.create(community=main_community, user=user)
        users.append(user)
    allocated, prompts = seed_review_round(main_community, users)
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        members.append(
            Member(user.pk, store.session_key, sessions, tally, allocated.get(user.pk, []), prompts)
        )

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
    # Every review allocated to a simulated member: untouched ones must still be waiting.
    stored_reviews = dict(
        PeerReview.objects.filter(reviewer__in=load_users).values_list("pk", "status")
    )
    promised_reviews = {pk: tally.reviews.get(pk, "allocated") for pk in stored_reviews}
    submitted = sum(1 for status in tally.reviews.values() if status == "submitted")
    stored_submitted = sum(1 for status in stored_reviews.values() if status == "submitted")
    errors = sum(1 for status in tally.statuses if status >= 500)
    p95 = statistics.quantiles(tally.latencies, n=20)[-1] if len(tally.latencies) > 20 else 0
    print(f"requests: {len(tally.statuses)}, 5xx: {errors}, p95: {p95:.0f} ms")
    print(f"RSVPs: {len(tally.rsvps)} promised, {len(stored_rsvps)} stored")
    print(f"reflections: {tally.reflections} promised, {stored_reflections} stored")
    print(
        f"reviews: {submitted} shared and {len(tally.reviews) - submitted} drafts promised, "
        f"{stored_submitted} shared stored, of {len(stored_reviews)} allocated"
    )
    ok = (
        errors == 0
        and stored_rsvps == tally.rsvps
        and stored_reflections == tally.reflections
        and stored_reviews == promised_reviews
        and tally.rsvps  # a run that wrote nothing proves nothing
        and tally.reflections > 0
        and (submitted > 0 or not stored_reviews)
    )
    print("no lost writes, no server errors" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
