from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .plugins import collect_panels


@login_required
@require_GET
def home(request):
    """My communities, my next sessions, reviews waiting for me, my open actions: each app
    contributes its own panel (copsite.plugins)."""
    return render(request, "home.html", {"panels": collect_panels("home_panel", request)})


@require_GET
def healthz(request):
    """Liveness for the load balancer and docker-compose: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})
