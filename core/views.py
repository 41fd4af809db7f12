from __future__ import annotations

import logging
import os
import uuid

from celery import current_app
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .plugins import collect_panels

logger = logging.getLogger(__name__)


@login_required
@require_GET
def home(request):
    """My communities, my next sessions, reviews waiting for me, my open actions: each app
    contributes its own panel (core.plugins)."""
    return render(request, "home.html", {"panels": collect_panels("home_panel", request)})


@require_GET
def healthz(request):
    """Health for the load balancer and docker-compose: {"database", "cache", "broker"}.

    Only a database that does not answer fails the check (503, "database": "down"): without
    it no page works. A cache or broker outage answers 200 with that part "degraded": the
    site still serves (slower without the cache; email and other background work wait for
    the broker and the scans find it later), and a load balancer must not take every replica out
    of service for what none of them can fix."""
    checks = {
        "database": "ok" if database_works() else "down",
        "cache": "ok" if cache_works() else "degraded",
        "broker": "ok" if broker_works() else "degraded",
    }
    return JsonResponse(checks, status=503 if checks["database"] == "down" else 200)


def database_works() -> bool:
    """The default database answers a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.warning("Health check: the database does not answer (%s).", error)
        return False
    return True


def cache_works() -> bool:
    """A value written to the cache reads back. The backend for Redis fails soft (an
    unreachable Redis reads as an empty cache), so the round trip is what tells."""
    key, token = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, token, 10)
    works = cache.get(key) == token
    cache.delete(key)
    return works


# What the broker check may cost at most: one connection attempt, no retries, short socket
# timeouts (Redis); the settings' own timeouts are for workers, which can afford to wait.
BROKER_PROBE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
FILESYSTEM_FOLDERS = ("data_folder_in", "data_folder_out", "control_folder")


def broker_works() -> bool:
    """Celery's broker takes a connection: Redis answers a PING (opening a channel sends
    one). The embedded default's filesystem transport connects without touching its
    folders, so for it the folders must exist and be writable."""
    try:
        with current_app.connection_for_write(transport_options=BROKER_PROBE_OPTIONS) as conn:
            conn.ensure_connection(max_retries=0)
            if conn.transport.driver_type == "filesystem":
                options = conn.transport_options
                folders = [options[name] for name in FILESYSTEM_FOLDERS if options.get(name)]
                if not all(os.access(folder, os.R_OK | os.W_OK | os.X_OK) for folder in folders):
                    return False
    except Exception as error:  # Any failure is "degraded", never a 500.
        logger.warning("Health check: the task broker does not answer (%s).", error)
        return False
    return True
