"""Cold dashboards under load: when several requests miss the cached figures together, one
computes them and the others wait for its figures (impact.snapshot's lock), so the figures
of a key are computed once. Real threads, each its own Client and database connection, on
PostgreSQL; in local memory and in Redis (where several web processes share the lock)."""

from __future__ import annotations

import datetime as dt
import os
import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from communities.models import Community
from impact import figures, snapshot
from impact.periods import DEFAULT_PRESET, PRESETS, Period
from tests.factories import MembershipFactory, ReflectionFactory
from tests.racing import race

pytestmark = pytest.mark.django_db(transaction=True)
PARALLEL = 8


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("parallel readers need PostgreSQL (the SQLite test database is in memory)")


@pytest.fixture(params=["locmem", "redis"])
def shared_cache(request, settings):
    """The cache the lock lives in: local memory (one process), or Redis (every process
    of a site shares it). Only the keys a test uses are removed, never the whole cache."""
    if request.param == "redis":
        url = os.environ.get("REDIS_URL")
        if not url:
            pytest.skip("REDIS_URL is not set")
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        }
    keys: list[str] = []
    yield keys
    cache.delete_many(keys)


def cold(keys: list[str], key: str) -> None:
    """Start with no figures under `key` (and remove them after the test)."""
    keys += [key, f"{key}:computing"]
    cache.delete_many(keys)


def counting(monkeypatch, name: str, pause: float = 0.3) -> list[int]:
    """Count the calls of `figures.<name>` (slowed a little, so every thread misses the
    cache before the first computation ends)."""
    calls: list[int] = []
    real = getattr(figures, name)
    lock = threading.Lock()

    def counted(*args, **kwargs):
        with lock:
            calls.append(threading.get_ident())
        threading.Event().wait(pause)
        return real(*args, **kwargs)

    monkeypatch.setattr(figures, name, counted)
    return calls


def get_all(user, url: str) -> tuple[list[Exception], list[int], list]:
    clients = []
    for _ in range(PARALLEL):
        client = Client()
        client.force_login(user)
        clients.append(client)
    statuses, stamps, lock = [], [], threading.Lock()

    def work():
        with lock:
            client = clients.pop()
        response = client.get(url)
        with lock:
            statuses.append(response.status_code)
            picture = response.context.get("picture")  # the community dashboard's
            stamps.append(getattr(picture, "computed_at", None))

    return race(work, workers=PARALLEL), statuses, stamps


def test_a_cold_community_dashboard_under_load_is_computed_once(
    riverside, bob, shared_cache, monkeypatch
):
    for _ in range(5):
        ReflectionFactory(community=riverside, author=MembershipFactory(community=riverside).user)
    cold(shared_cache, snapshot.community_key(riverside.pk, Period.last(PRESETS[DEFAULT_PRESET])))
    calls = counting(monkeypatch, "community_figures")

    errors, statuses, stamps = get_all(bob, f"/c/{riverside.slug}/dashboard/")

    assert errors == []
    assert statuses == [200] * PARALLEL
    assert len(calls) == 1
    # Every request shows the one computation's figures.
    assert len(set(stamps)) == 1


def test_a_cold_portfolio_under_load_is_computed_once(riverside, erin, shared_cache, monkeypatch):
    ids = Community.objects.filter(archived=False).values_list("pk", flat=True)
    cold(shared_cache, snapshot.portfolio_key(ids, Period.last(PRESETS[DEFAULT_PRESET])))
    calls = counting(monkeypatch, "portfolio_figures")

    errors, statuses, _stamps = get_all(erin, "/dashboard/")

    assert errors == []
    assert statuses == [200] * PARALLEL
    assert len(calls) == 1


def test_waiters_compute_for_themselves_when_the_lock_holder_never_stores(monkeypatch):
    """A holder that died (its lock left behind, no figures): the others wait at most
    WAIT_SECONDS, then compute rather than fail."""
    monkeypatch.setattr(snapshot, "WAIT_SECONDS", 0.2)
    key = "dashboard:test:abandoned"
    cache.delete(key)
    cache.add(f"{key}:computing", "someone-else", 60)
    try:
        shot = snapshot.cached(key, lambda: 42)
    finally:
        cache.delete_many([key, f"{key}:computing"])
    assert shot.value == 42


def test_a_failed_computation_releases_the_lock_for_the_next_request():
    key = "dashboard:test:failing"
    cache.delete_many([key, f"{key}:computing"])

    def broken():
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        snapshot.cached(key, broken)

    assert cache.get(f"{key}:computing") is None
    assert snapshot.cached(key, lambda: 7).value == 7
    cache.delete(key)


def test_figures_past_their_time_are_served_while_another_request_refreshes_them(settings):
    settings.DASHBOARD_CACHE_SECONDS = 600
    key = "dashboard:test:stale"
    old = snapshot.Snapshot(value="old", computed_at=timezone.now() - dt.timedelta(minutes=11))
    cache.set(key, old, 1200)
    cache.add(f"{key}:computing", "another-request", 60)  # it is refreshing them
    try:
        served = snapshot.cached(key, lambda: pytest.fail("computed twice"))
        cache.delete(f"{key}:computing")  # it failed or finished without storing
        refreshed = snapshot.cached(key, lambda: "new")
        again = snapshot.cached(key, lambda: pytest.fail("fresh figures recomputed"))
    finally:
        cache.delete_many([key, f"{key}:computing"])

    assert served.value == "old"
    assert refreshed.value == again.value == "new"
