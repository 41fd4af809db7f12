"""Exports: asked for in a request, built by a worker, emailed once, kept for 7 days.

- `export_request` records the ask (one pending export per person, or per community,
  whoever asks and however often: a unique constraint decides, so a double submit or two
  coordinators at once get the same one) and queues the build after commit;
- `export_build` (privacy.tasks) writes the zip to private storage, marks the export ready
  with a conditional UPDATE (only one worker can), and queues the "ready" email under the
  export's key, so it goes exactly once;
- `delete_expired_exports` removes exports past their 7 days, and ones that never became
  ready within them, with their files (the daily retention task calls it).
"""

from __future__ import annotations

import logging
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.languages import speaking
from accounts.mail import email_render_and_enqueue
from core.transactions import after_commit

from . import contents
from .models import EXPORT_DAYS, EXPORT_LIFETIME, Export

logger = logging.getLogger(__name__)

READY_EMAIL_KIND = "privacy:export_ready"


def export_request(*, user, community=None) -> tuple[Export, bool]:
    """Ask for `user`'s own export, or (with `community`) that community's, which the
    caller has checked `user` coordinates. Returns (export, created): while one is being
    prepared, asking again returns it and queues nothing."""
    kind = Export.Kind.COMMUNITY if community is not None else Export.Kind.PERSON
    pending = Export.objects.filter(kind=kind, status=Export.Status.PENDING)
    pending = (
        pending.filter(community=community) if community else pending.filter(requested_by=user)
    )
    try:
        with transaction.atomic():
            export = Export.objects.create(kind=kind, requested_by=user, community=community)
    except IntegrityError:
        # Someone (this person in another tab, another coordinator) asked a moment ago.
        existing = pending.first()
        if existing is None:  # It was finished between the two statements: ask again.
            return export_request(user=user, community=community)
        if existing.is_stale():
            # Lost with a broker that was down: asking again queues it again. Two builds
            # are harmless, only one can mark it ready (export_build).
            after_commit(export_dispatch, export_id=existing.pk)
        return existing, False
    after_commit(export_dispatch, export_id=export.pk)
    return export, True


def export_dispatch(*, export_id: int) -> None:
    """Ask a worker to build; a broker outage is logged, never raised into the request."""
    from .tasks import export_build as task

    try:
        task.delay(export_id=export_id)
    except Exception:  # The broker's own errors vary by transport; none may break a request.
        logger.warning("Broker unavailable; export %s waits to be asked for again.", export_id)


def _write_zip(export: Export, handle) -> None:
    archive = contents.Archive(handle)
    try:
        if export.kind == Export.Kind.COMMUNITY:
            parts = contents.community_parts(archive, export.community)
            template = "privacy/export_readme_community.txt"
        else:
            parts = contents.person_parts(archive, export.requested_by)
            template = "privacy/export_readme_person.txt"
        context = {"export": export, "parts": parts, "made_at": timezone.localtime()}
        archive.text("README.txt", render_to_string(template, {**context, "days": EXPORT_DAYS}))
    finally:
        archive.close()


def export_build(*, export_id: int, now=None, notify: bool = True) -> bool:
    """Build the zip of a pending export, mark it ready and email its link once (unless
    `notify` is False: the demo's seed sends nothing). Returns whether this call made it
    ready (False: gone, already built, or built by another)."""
    export = (
        Export.objects.select_related("requested_by", "community")
        .filter(pk=export_id, status=Export.Status.PENDING)
        .first()
    )
    if export is None:
        return False
    zone = export.requested_by.zoneinfo
    # In the time zone and the language of the person it is for (README, headers, headings).
    with (
        timezone.override(zone),
        speaking(export.requested_by),
        tempfile.TemporaryFile() as handle,
    ):
        _write_zip(export, handle)
        size = handle.tell()
        handle.seek(0)
        export.file.save(export.filename, File(handle), save=False)
    now = now or timezone.now()
    with transaction.atomic():
        made_ready = Export.objects.filter(pk=export.pk, status=Export.Status.PENDING).update(
            status=Export.Status.READY,
            file=export.file.name,
            size=size,
            ready_at=now,
            expires_at=now + EXPORT_LIFETIME,
        )
        if not made_ready:
            # Another worker finished it first, or the person (or the export) is gone.
            after_commit(export.file.storage.delete, export.file.name)
            return False
        export.refresh_from_db()
        _replace_older(export)
        if not notify:
            return True
        with timezone.override(zone):
            email_render_and_enqueue(
                key=f"export-ready:{export.key}",
                kind=READY_EMAIL_KIND,
                template_prefix="privacy/email/export_ready",
                context=_email_context(export),
                to_email=export.requested_by.email,
                recipient=export.requested_by,
            )
    return True


def export_fail(*, export_id: int) -> None:
    """A build that cannot finish: the page says so and offers to ask again."""
    Export.objects.filter(pk=export_id, status=Export.Status.PENDING).update(
        status=Export.Status.FAILED
    )


def _replace_older(export: Export) -> None:
    """A new export replaces the earlier ready one of the same person (or community)."""
    older = Export.objects.filter(kind=export.kind).exclude(pk=export.pk)
    if export.kind == Export.Kind.COMMUNITY:
        older = older.filter(community_id=export.community_id)
    else:
        older = older.filter(requested_by_id=export.requested_by_id)
    _delete(older.exclude(status=Export.Status.PENDING))


def _email_context(export: Export) -> dict:
    if export.kind == Export.Kind.COMMUNITY:
        page = reverse("privacy:community_export", kwargs={"slug": export.community.slug})
    else:
        page = reverse("privacy:export")
    return {
        "export": export,
        "recipient": export.requested_by,
        "community": export.community,
        "page_url": settings.SITE_URL + page,
        "days": EXPORT_DAYS,
    }


def _delete(exports) -> int:
    """Delete `exports`; their files go once that commits (privacy.signals)."""
    deleted, _ = exports.delete()
    return deleted


def exports_withdraw(person) -> int:
    """Someone deleting their account: their own exports go (files after commit); the
    community exports they asked for stay, for the community's other coordinators."""
    return _delete(Export.objects.filter(kind=Export.Kind.PERSON, requested_by=person))


@transaction.atomic
def delete_expired_exports(now) -> int:
    """Delete, with their files, the exports past their 7 days and those that never became
    ready within them (a build lost with a broker, or one that failed). Returns how many."""
    stale = Q(expires_at__lte=now) | Q(
        status__in=[Export.Status.PENDING, Export.Status.FAILED],
        created_at__lte=now - timedelta(days=EXPORT_DAYS),
    )
    return _delete(Export.objects.filter(stale))
