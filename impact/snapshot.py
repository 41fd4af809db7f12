"""A short-lived cache of the dashboards' figures.

Computing every figure for a period and the previous one costs tens to hundreds of
milliseconds of aggregate SQL, and the figures depend only on the community (or the
portfolio's set of communities) and the period, never on who is looking: access is checked
before this module is reached. So the computed figures are kept in Django's cache (Redis in
production, local memory otherwise) for `settings.DASHBOARD_CACHE_SECONDS` (0 computes
them on every request), stamped with the moment they were computed so the pages can say
how old they are. "Refresh now" recomputes and stores them at once. When several
requests find no figures at once, one computes them and the others wait for its figures;
figures past their time stay as long again, served while one request recomputes them
(`cached`), so a dashboard under load is computed once per key.

A value stored here must never carry anything about the viewer, and holds plain data
(the frozen figures objects of `impact.figures.computed`: dataclasses, numbers, strings)
rather than model instances, so it pickles
cleanly and small. Bump VERSION whenever a figure's meaning or the stored shape changes:
entries written by older code are then simply never read again and expire.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from core.templatetags.dates import when

from .periods import Period

# 3: the cached value is the figures object, charts are drawn per request
# 4: the figures carry peer review's practice per outcome and calibrated rounds' stages
# 5: the figures carry "every voice" (voices heard, check-ins)
# 6: the figures carry no words ("what changed" is written per request, in its language)
# 7: a snapshot carries its own id, under which its drawing is kept (`drawn`)
VERSION = 7
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    value: Any
    computed_at: dt.datetime
    # Each computation's own name: what is drawn from these figures is kept under it, and
    # figures computed again (even within the same instant) are drawn again.
    id: str = field(default_factory=lambda: uuid.uuid4().hex)


def cache_seconds() -> int:
    return max(0, int(settings.DASHBOARD_CACHE_SECONDS))


def _span(period: Period) -> str:
    """The period and the whole months its figures about people cover: when a month ends,
    the window grows by it, so the figures stored before are never served after."""
    window = period.whole_months()
    months = f"{window.start}:{window.end}" if window else "none"
    return f"{period.start}:{period.end}:{months}"


def community_key(community_id: int, period: Period) -> str:
    return f"dashboard:v{VERSION}:community:{community_id}:{_span(period)}"


def portfolio_key(community_ids: Iterable[int], period: Period) -> str:
    """The set of communities as a digest of their sorted ids: any community added,
    archived or restored makes a new entry, and the key stays short however many."""
    ids = ",".join(str(i) for i in sorted(community_ids))
    digest = hashlib.sha256(ids.encode()).hexdigest()[:32]
    return f"dashboard:v{VERSION}:portfolio:{digest}:{_span(period)}"


# One computation per key when several requests miss together: the first takes a lock
# (`cache.add`, atomic in Redis and in local memory) and computes; the others wait for its
# figures, polling, and compute for themselves only if none came within WAIT_SECONDS (the
# lock's holder died or is stuck). The lock expires by itself after LOCK_SECONDS.
# Figures past their time are kept as long again: while one request refreshes them, the
# others are served the old ones at once (stale while one refreshes).
LOCK_SECONDS = 60
WAIT_SECONDS = 20.0
POLL_SECONDS = 0.05


def cached(key: str, compute: Callable[[], Any], *, refresh: bool = False) -> Snapshot:
    """The stored snapshot under `key`, or a new one computed now (and stored, unless the
    cache is switched off). `refresh` skips the read: the caller wants fresh figures.
    When several requests find none, one computes and the others wait for it; when they
    find figures past their time, one recomputes and the others are served those."""
    seconds = cache_seconds()
    if not seconds:
        return Snapshot(value=compute(), computed_at=timezone.now())
    if refresh:
        return _compute_and_store(key, compute, seconds)
    snapshot = _read(key)
    if snapshot is not None and timezone.now() - snapshot.computed_at < dt.timedelta(
        seconds=seconds
    ):
        return snapshot
    lock = f"{key}:computing"
    token = uuid.uuid4().hex
    taken = _quietly(cache.add, lock, token, LOCK_SECONDS)
    if taken is False:  # None: the cache is down, compute without waiting
        if snapshot is not None:
            return snapshot  # past its time, and another request is refreshing it
        snapshot = _wait_for(key, lock)
        if snapshot is not None:
            return snapshot
    try:
        return _compute_and_store(key, compute, seconds)
    finally:
        if taken:
            _release(lock, token)


def _read(key: str) -> Snapshot | None:
    snapshot = _quietly(cache.get, key)
    return snapshot if isinstance(snapshot, Snapshot) else None


def _compute_and_store(key: str, compute: Callable[[], Any], seconds: int) -> Snapshot:
    """Compute and store for twice `seconds`: fresh for `seconds`, then served while one
    request refreshes it."""
    snapshot = Snapshot(value=compute(), computed_at=timezone.now())
    _quietly(cache.set, key, snapshot, 2 * seconds)
    return snapshot


def _wait_for(key: str, lock: str) -> Snapshot | None:
    """The snapshot another request is computing, once stored; None when the lock went
    away without one (its holder failed) or WAIT_SECONDS passed."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        snapshot = _read(key)
        if snapshot is not None:
            return snapshot
        if not _quietly(cache.get, lock):
            return _read(key)
    logger.warning("Waited %s s for the dashboard figures; computing them here.", WAIT_SECONDS)
    return None


def _release(lock: str, token: str) -> None:
    """Remove the lock if it is still ours (it may have expired and been taken again)."""
    if _quietly(cache.get, lock) == token:
        _quietly(cache.delete, lock)


def drawn(snapshot_id: str, variant: str, draw: Callable[[], str]) -> str:
    """HTML drawn from a snapshot's figures, kept as long as figures are, under the
    snapshot's id and `variant` (whatever else the drawing rests on: its language…). Drawing a
    dashboard's charts costs as much as the rest of its page; once drawn, they are read
    back. Drawn on every request when the cache is switched off or down."""
    seconds = cache_seconds()
    if not seconds:
        return draw()
    key = f"dashboard:v{VERSION}:drawn:{snapshot_id}:{variant}"
    html = _quietly(cache.get, key)
    if isinstance(html, str):
        return mark_safe(html)  # noqa: S308 - drawn by our own templates, escaped there
    html = draw()
    _quietly(cache.set, key, str(html), 2 * seconds)
    return html


def forget(key: str) -> None:
    _quietly(cache.delete, key)


def _quietly(operation: Callable, *args):
    """A cache outage (Redis down) costs speed, never the page: the figures are then
    computed for this request, as if the cache were switched off."""
    try:
        return operation(*args)
    except Exception:  # The cache backends' connection errors share no base class.
        logger.warning("Dashboard cache unavailable; computing the figures live.")
        return None


def _every(seconds: int, moment: str) -> str:
    """The sentence for figures that refresh every `seconds`."""
    if seconds % 60:
        return ngettext(
            "Figures as of %(moment)s; they refresh every %(count)s second.",
            "Figures as of %(moment)s; they refresh every %(count)s seconds.",
            seconds,
        ) % {"moment": moment, "count": seconds}
    minutes = seconds // 60
    if minutes == 1:
        return gettext("Figures as of %(moment)s; they refresh every minute.") % {"moment": moment}
    return ngettext(
        "Figures as of %(moment)s; they refresh every %(count)s minute.",
        "Figures as of %(moment)s; they refresh every %(count)s minutes.",
        minutes,
    ) % {"moment": moment, "count": minutes}


def as_of(computed_at: dt.datetime, now: dt.datetime | None = None) -> str:
    """What the pages say about the figures' age, in the active language, e.g. "Figures as
    of 14:05 UTC; they refresh every 10 minutes." The day is named only when it is not
    today (UTC)."""
    now = (now or timezone.now()).astimezone(dt.UTC)
    moment = computed_at.astimezone(dt.UTC)
    words = f"{moment:%H:%M} UTC"
    if moment.date() != now.date():
        words = f"{when(moment.date())}, {words}"
    seconds = cache_seconds()
    if not seconds:
        return gettext("Figures as of %(moment)s.") % {"moment": words}
    return _every(seconds, words)
