"""Exports: my data (`/settings/export/`) and a community's record for its coordinators
(`/c/<slug>/settings/export/`). The page asks; a worker builds (privacy.tasks); the zip is
downloaded here, by the person who asked (or the community's coordinators) only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts.submissions import once_per_submission
from communities.access import community_for
from communities.models import Membership

from . import exports
from .access import community_export_for, own_export_for
from .models import EXPORT_DAYS, Export

COORDINATOR = Membership.Role.COORDINATOR


def _asked(request, created: bool) -> None:
    if created:
        messages.success(
            request,
            gettext(
                "We're preparing your export. We'll email you a link when it's ready — "
                "usually within a few minutes."
            ),
        )
    else:
        messages.info(
            request, gettext("Your export is already being prepared; we'll email you once.")
        )


def _download(export: Export) -> FileResponse:
    if export.state() != "ready" or not export.file:
        raise Http404("That export is no longer here.")
    try:
        handle = export.file.open("rb")
    except OSError:
        raise Http404("That export is no longer here.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=export.filename, content_type="application/zip"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def export_page(request):
    """My export: what it holds, and its state (none, being prepared, ready, expired)."""
    if request.method == "POST":
        _, created = exports.export_request(user=request.user)
        _asked(request, created)
        return redirect("privacy:export")
    export = Export.objects.of_person(request.user).first()
    return render(
        request,
        "privacy/export.html",
        {"export": export, "state": export.state() if export else "none", "days": EXPORT_DAYS},
    )


@login_required
@require_GET
def export_download(request, pk: int):
    """The zip, for the person who asked only (anyone else: 404, as for no such export)."""
    return _download(own_export_for(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def community_export_page(request, slug: str):
    """A community's export, for its coordinators (archived communities too)."""
    access = community_for(request.user, slug, role=COORDINATOR)
    community = access.community
    if request.method == "POST":
        _, created = exports.export_request(user=request.user, community=community)
        _asked(request, created)
        return redirect("privacy:community_export", slug=community.slug)
    export = Export.objects.of_community(community).select_related("requested_by").first()
    return render(
        request,
        "privacy/export_community.html",
        {
            **access.context(),
            "export": export,
            "state": export.state() if export else "none",
            "days": EXPORT_DAYS,
        },
    )


@login_required
@require_GET
def community_export_download(request, slug: str, pk: int):
    """The community's zip, for its coordinators only (anyone else: 404)."""
    access = community_for(request.user, slug, role=COORDINATOR)
    return _download(community_export_for(access, pk))
