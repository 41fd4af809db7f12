from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .plugins import collect_panels


@login_required
@require_GET
def home(request):
    """My communities, my next sessions, reviews waiting for me, my open actions: each app
    contributes its own panel (core.plugins)."""
    return render(request, "home.html", {"panels": collect_panels("home_panel", request)})


@require_GET
def healthz(request):
    """Liveness for the load balancer and docker-compose: the database answers. The cache
    is reported but never fails the check: while it is down the site is slower, not down."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True, "cache": "ok" if cache_works() else "degraded"})


def cache_works() -> bool:
    """A value written to the cache reads back. The backend for Redis fails soft (an
    unreachable Redis reads as an empty cache), so the round trip is what tells."""
    key, token = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, token, 10)
    works = cache.get(key) == token
    cache.delete(key)
    return works
