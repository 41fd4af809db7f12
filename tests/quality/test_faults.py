"""Faults: the broker unreachable, a worker dying mid-send, the database failing mid-save."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.db import DatabaseError
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts import mail as mail_service
from accounts.models import EmailDelivery, User
from copsite.celery import app

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
DEAD_BROKER = "redis://127.0.0.1:1/0"  # Nothing listens on port 1: a broker that is down.


@contextlib.contextmanager
def broker_down():
    """Point Celery at a dead broker, as a wrong REDIS_URL port would, then restore it."""
    saved = (app.conf.broker_url, app.conf.task_always_eager, app._pool, app.amqp._producer_pool)
    app.conf.broker_url = DEAD_BROKER
    app.conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved[0], saved[1]
        app._pool, app.amqp._producer_pool = saved[2], saved[3]


def test_sign_up_works_with_the_broker_down_and_the_email_follows_later(
    client, django_capture_on_commit_callbacks
):
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "sam@example.org",
                "password1": "a-good-long-passphrase",
                "password2": "a-good-long-passphrase",
            },
        )

    assert response.status_code == 302
    assert User.objects.filter(email="sam@example.org").exists()
    delivery = EmailDelivery.objects.get()
    assert (delivery.status, mail.outbox) == ("queued", [])

    # The broker is back: the next scheduled scan finds the waiting email and sends it once.
    EmailDelivery.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    mail_service.email_flush()
    mail_service.email_flush()

    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]


def test_settings_save_with_the_broker_down(client, user):
    client.force_login(user)

    with broker_down():
        response = client.post(
            reverse("settings"),
            {
                "display_name": "Sam",
                "timezone": "UTC",
                "digest": "daily",
                "digest_weekday": 0,
                "digest_hour": 9,
            },
        )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.digest, user.digest_hour) == ("daily", 9)


def test_worker_killed_between_claim_and_send_does_not_duplicate():
    delivery, _ = mail_service.email_enqueue(
        key="k", kind="test", to_email="a@example.org", subject="s", body_text="b"
    )
    # A worker claimed the email and died; acks_late redelivers the task at once.
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        status=EmailDelivery.Status.SENDING, claimed_at=timezone.now()
    )

    assert mail_service.email_deliver(delivery_id=delivery.pk) is False
    assert mail.outbox == []


def test_database_error_during_a_form_save_leaves_nothing_half_written(client, user):
    from django.db import connection

    from communities.models import Community

    def fail_membership_insert(execute, sql, params, many, context):
        # The database itself refuses the second write of the save: the community row is
        # written first, then the coordinator's membership fails as a full disk would.
        if sql.lstrip().upper().startswith('INSERT INTO "COMMUNITIES_MEMBERSHIP"'):
            raise DatabaseError("disk full")
        return execute(sql, params, many, context)

    client.force_login(user)
    client.raise_request_exception = False

    with connection.execute_wrapper(fail_membership_insert):
        response = client.post(
            "/communities/new/",
            {
                "name": "Half written",
                "domain": "Nothing should remain.",
                "visibility": "open",
                "timezone": "Europe/London",
            },
        )

    assert response.status_code == 500
    assert Community.objects.filter(name="Half written").count() == 0


def test_every_page_answers_as_declared_with_the_broker_down(cast):
    from .test_permission_matrix import EXPECT, Site, client_for, resolve_case

    site = Site(cast)
    client = client_for(site, "coordinator")
    wrong = {}

    with broker_down():
        for name in sorted(EXPECT):
            url = resolve_case(site, name)
            status = client.get(url).status_code
            if status != EXPECT[name].expect["coordinator"]:
                wrong[name] = (url, status, EXPECT[name].expect["coordinator"])

    assert wrong == {}


def test_rsvp_reflection_and_cancellation_with_the_broker_down_lose_nothing(
    client, django_capture_on_commit_callbacks
):
    from communities.models import Membership
    from reflections.models import Reflection
    from sessions.models import RSVP
    from tests.factories import MembershipFactory, SessionFactory

    facilitator = MembershipFactory(role=Membership.Role.FACILITATOR)
    community = facilitator.community
    member = MembershipFactory(community=community).user
    session = SessionFactory(community=community)
    base = f"/c/{community.slug}/sessions/{session.pk}"

    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        client.force_login(member)
        rsvp = client.post(f"{base}/rsvp/", {"response": "going"})
        reflection = client.post(
            f"/c/{community.slug}/reflections/new/",
            {"title": "Kept", "body": "Written while the broker was down.",
             "visibility": "community", "loop_level": "single"},
        )  # fmt: skip
        client.force_login(facilitator.user)
        cancel = client.post(f"{base}/cancel/", {"reason": "The room flooded."})

    assert (rsvp.status_code, reflection.status_code, cancel.status_code) == (302, 302, 302)
    assert RSVP.objects.get(session=session, user=member).response == "going"
    assert Reflection.objects.filter(author=member, title="Kept").count() == 1
    told = EmailDelivery.objects.get(to_email=member.email)
    assert (told.status, mail.outbox) == ("queued", [])

    # The broker is back: the scan sends the cancellation once, however often it runs.
    EmailDelivery.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    mail_service.email_flush()
    mail_service.email_flush()

    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "The room flooded." in mail.outbox[0].body
    assert "The room flooded." in mail.outbox[0].alternatives[0][0]


# --- Redis unreachable: the cache (and the broker beside it) down ---------------------------

DEAD_REDIS = "redis://127.0.0.1:1/0"  # The cache at the same dead port as the broker above.


@pytest.fixture
def redis_down(settings):
    """The cache as production configures it for a REDIS_URL, at a port where nothing
    listens, with production's rate limits (tests/settings.py switches them off), and the
    broker down beside it: what a wrong or dead REDIS_URL does to the site."""
    from copsite import settings as production

    settings.CACHES = {"default": {**production.REDIS_CACHE, "LOCATION": DEAD_REDIS}}
    settings.ACCOUNT_RATE_LIMITS = production.ACCOUNT_RATE_LIMITS
    with broker_down():
        yield


def test_sign_in_sign_up_and_password_reset_and_change_work_with_redis_down(
    client, user, redis_down
):
    password = "a-good-long-passphrase"

    signed_up = client.post(
        reverse("account_signup"), {"email": "sam@example.org", "password1": password,
                                    "password2": password},
    )  # fmt: skip
    client.logout()
    signed_in = client.post(reverse("account_login"), {"login": user.email, "password": password})
    changed = client.post(
        reverse("account_change_password"),
        {"oldpassword": password, "password1": "another-long-passphrase",
         "password2": "another-long-passphrase"},
    )  # fmt: skip
    client.logout()
    reset = client.post(reverse("account_reset_password"), {"email": user.email})

    assert (signed_up.status_code, signed_in.status_code) == (302, 302)
    assert (changed.status_code, reset.status_code) == (302, 302)
    assert User.objects.filter(email="sam@example.org").exists()
    user.refresh_from_db()
    assert user.check_password("another-long-passphrase")
    assert reset["Location"] == reverse("account_reset_password_done")
    assert EmailDelivery.objects.filter(to_email=user.email, kind__contains="reset").count() == 1


TOO_MANY = "Too many failed login attempts"


def test_rate_limits_are_off_and_logged_while_redis_is_down(client, user, redis_down, caplog):
    wrong = {"login": user.email, "password": "not-the-password"}

    pages = [client.post(reverse("account_login"), wrong) for _ in range(12)]

    # Production allows 5 failed sign-ins to one address in 5 minutes; with the cache down
    # nothing counts them, so none is refused, and the log says why.
    assert {page.status_code for page in pages} == {200}
    assert [TOO_MANY in page.content.decode() for page in pages] == [False] * 12
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("rate limits are off" in message for message in warnings)


def test_rate_limits_hold_while_the_cache_is_up(client, user, settings):
    from copsite import settings as production

    settings.ACCOUNT_RATE_LIMITS = production.ACCOUNT_RATE_LIMITS
    wrong = {"login": user.email, "password": "not-the-password"}

    pages = [client.post(reverse("account_login"), wrong) for _ in range(6)]

    assert [TOO_MANY in page.content.decode() for page in pages] == [False] * 5 + [True]


# Posts that end what the walk needs (leaving the community) go last.
LAST = {"communities:leave", "communities:archive"}


def test_every_page_and_form_answers_with_redis_down(redis_down, cast):
    """Every page of the permission matrix and every allauth page, fetched and posted (empty,
    and each form found on the pages with its first choices) by an anonymous visitor, a
    member, a facilitator and a leader: each answers as declared, and never with a 500."""
    from .test_junk_input import forms_on_site
    from .test_permission_matrix import (
        EXPECT,
        Site,
        client_for,
        is_allauth,
        resolve_case,
        url_names,
    )

    roles = ("anonymous", "core", "facilitator", "leader")
    site = Site(cast)
    clients = {role: client_for(site, role) for role in roles}
    allauth_urls = []
    for name in sorted(n for n in url_names() if is_allauth(n)):
        with contextlib.suppress(NoReverseMatch):  # Pages that need a key: tested elsewhere.
            allauth_urls.append(reverse(name))
    failures = {}
    for role, client in clients.items():
        client.raise_request_exception = False
        for name in sorted(EXPECT):
            url = resolve_case(site, name)
            status = client.get(url).status_code
            if status != EXPECT[name].expect[role]:
                failures[role, "GET", name] = (url, status, EXPECT[name].expect[role])
        for url in allauth_urls:
            if (status := client.get(url).status_code) >= 500:
                failures[role, "GET", url] = status
    # The posts come after every fetch: a post changes what a later page shows.
    for role, client in clients.items():
        for action, fields in forms_on_site(site, client):
            data = {field: (options or [""])[0] for field, options in fields.items()}
            if (status := client.post(action, data).status_code) >= 500:
                failures[role, "POST form", action] = status
        for url in allauth_urls:
            if url != reverse("account_logout") and client.post(url, {}).status_code >= 500:
                failures[role, "POST", url] = client.post(url, {}).status_code
        for name in sorted(EXPECT, key=lambda n: (n in LAST, n)):
            url = resolve_case(site, name)
            if (status := client.post(url, {}).status_code) >= 500:
                failures[role, "POST", name] = (url, status)

    assert failures == {}


def test_healthz_says_the_cache_is_degraded_while_redis_is_down(client, redis_down):
    response = client.get("/healthz")

    assert (response.status_code, response.json()) == (
        200,
        {"database": "ok", "cache": "degraded", "broker": "degraded"},
    )


def test_healthz_says_the_cache_is_ok(client):
    assert client.get("/healthz").json() == {"database": "ok", "cache": "ok", "broker": "ok"}


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a live Redis (CI)")
def test_healthz_says_the_cache_is_ok_on_a_live_redis(client, settings):
    from copsite import settings as production

    settings.CACHES = {"default": {**production.REDIS_CACHE, "LOCATION": os.environ["REDIS_URL"]}}

    assert client.get("/healthz").json() == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_production_settings_with_a_dead_redis_url_use_the_fail_soft_cache(tmp_path):
    """What production builds from REDIS_URL (not the test settings): the fail-soft backend,
    which misses quietly while Redis is unreachable. The process gets a var/ folder of its
    own (pytest's, one per xdist worker), never the checkout's that `make run` uses."""
    code = (
        "from django.core.cache import caches; "
        "print(type(caches['default']).__name__, caches['default'].get('x', 'missed'))"
    )
    env = {**embedded_default_env(tmp_path), "REDIS_URL": DEAD_REDIS}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.splitlines()[-1].split() == ["FailSoftRedisCache", "missed"], result.stderr


# --- The embedded default's broker folder broken ------------------------------------------


def embedded_default_env(var_dir) -> dict[str, str]:
    """The environment of `make run`: no REDIS_URL, so the broker is the folder var/broker."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k not in ("REDIS_URL", "DATABASE_URL")
    }
    return {**env, "DJANGO_SETTINGS_MODULE": "copsite.settings", "COPSITE_VAR_DIR": str(var_dir)}


@pytest.fixture
def broken_var(tmp_path):
    """A var/ folder whose broker/ is a file, as a stray copy or a bad volume mount leaves it."""
    (tmp_path / "broker").write_text("not a folder")
    return tmp_path


def problem_lines(output: str, var_dir) -> list[str]:
    return [line for line in output.splitlines() if str(var_dir / "broker") in line]


def test_settings_load_with_a_broken_broker_folder_and_say_so_in_one_line(broken_var):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=embedded_default_env(broken_var),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    [line] = problem_lines(result.stderr, broken_var)
    assert "Not a directory" in line or "File exists" in line


def test_worker_with_a_broken_broker_folder_says_so_in_one_line_and_waits(broken_var):
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "copsite", "worker", "--pool=solo",
         "--loglevel=INFO", "--without-heartbeat", "--without-mingle", "--without-gossip"],
        cwd=ROOT,
        env=embedded_default_env(broken_var),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        lines = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not problem_lines("\n".join(lines), broken_var):
            lines.append(worker.stderr.readline())
        time.sleep(2)
        running = worker.poll() is None
    finally:
        worker.terminate()
        output = "\n".join(lines) + worker.communicate(timeout=20)[1]

    assert running, output
    assert len(problem_lines(output, broken_var)) == 1, output
    assert "Traceback" not in output


def test_sign_up_works_with_a_broken_broker_folder_and_the_email_follows_later(
    client, broken_var, django_capture_on_commit_callbacks
):
    broker = broken_var / "broker"
    options = dict.fromkeys(("data_folder_in", "data_folder_out"), str(broker / "queue"))
    options |= {"processed_folder": str(broker / "processed"), "store_processed": False}
    options["control_folder"] = str(broker / "control")
    saved = app.conf.broker_transport_options
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        app.conf.broker_url = "filesystem://localhost//"
        app.conf.broker_transport_options = options
        try:
            response = client.post(
                reverse("account_signup"),
                {"email": "sam@example.org", "password1": "a-good-long-passphrase",
                 "password2": "a-good-long-passphrase"},
            )  # fmt: skip
        finally:
            app.conf.broker_transport_options = saved

    assert response.status_code == 302
    delivery = EmailDelivery.objects.get(to_email="sam@example.org")
    assert (delivery.status, mail.outbox) == ("queued", [])
    EmailDelivery.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    mail_service.email_flush()
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
