"""Keeping nothing longer than the privacy page promises: run daily by beat
(privacy.tasks.enforce_retention), each rule one bulk statement or two.

- Email delivery records go after COPSITE_RETAIN_EMAIL_DAYS (180). A record is also what
  makes an email exactly-once, so the question for each kind is whether its key could be
  asked for again once the row is gone. Most cannot: a reminder's key names the session's
  start (a start in the past is never due again), a digest's names its period, an event's
  email (a reply, a decision, an invitation) names the row of an event that happens once.
  Three kinds are sent by a scan that may find the same thing again later — a review still
  overdue (`review-nudge:`), a round still waiting (`review-round-waiting:`), attendance
  recorded again on an old session (`reflect-invite:`) — so their old records are kept as
  bare keys instead: address, subject and content gone.
- A left member's memberships keep nobody's words after COPSITE_RETAIN_LEFT_MEMBER_DAYS
  (365) unless they rejoin: their introduction, aspiration, request note, the evidence and
  notes of their journey steps and open suggestions go; the row stays for the community's
  past figures, which never name anyone.
- Finished exports go after COPSITE_RETAIN_EXPORT_DAYS (7): privacy.exports.delete_expired_exports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from accounts.models import EmailDelivery
from communities.models import JourneyStep, Membership, Milestone, MoveSuggestion

from .erasure import ERASED_DOMAIN
from .exports import delete_expired_exports

RECURRING_KEY_PREFIXES = ("review-nudge:", "review-round-waiting:", "reflect-invite:")
"""Keys a scan may ask for again after the retention period: kept, emptied (module note)."""

EMPTIED_ADDRESS = f"expired@{ERASED_DOMAIN}"

FINISHED = [EmailDelivery.Status.SENT, EmailDelivery.Status.GAVE_UP]


@dataclass(frozen=True)
class RetentionResult:
    emails_deleted: int = 0
    emails_emptied: int = 0
    memberships_anonymised: int = 0
    exports_deleted: int = 0


def email_records_expire(*, now: datetime) -> tuple[int, int]:
    """Delete finished email records older than the retention; empty those whose key may
    be asked for again. Returns (deleted, emptied)."""
    cutoff = now - timedelta(days=settings.COPSITE_RETAIN_EMAIL_DAYS)
    old = EmailDelivery.objects.filter(created_at__lt=cutoff, status__in=FINISHED)
    recurring = Q()
    for prefix in RECURRING_KEY_PREFIXES:
        recurring |= Q(key__startswith=prefix)
    # Only the key matters now: the address goes with the rest (a bare key names nobody).
    emptied = (
        old.filter(recurring)
        .exclude(to_email=EMPTIED_ADDRESS)
        .update(
            to_email=EMPTIED_ADDRESS,
            subject="",
            body_text="",
            body_html="",
            headers={},
            attachments=[],
            last_error="",
        )
    )
    deleted, _ = old.exclude(recurring).delete()
    return deleted, emptied


def left_memberships_anonymise(*, now: datetime) -> int:
    """Clear the personal words of memberships left more than the retention ago. Before
    that: a rejoined membership forgets when it last left, and one that left by a way
    that did not say when (a declined or withdrawn request) is stamped today."""
    Membership.objects.filter(left_at__isnull=False).exclude(status=Membership.Status.LEFT).update(
        left_at=None
    )
    Membership.objects.filter(status=Membership.Status.LEFT, left_at__isnull=True).update(
        left_at=now
    )
    cutoff = now - timedelta(days=settings.COPSITE_RETAIN_LEFT_MEMBER_DAYS)
    expired = Membership.objects.filter(status=Membership.Status.LEFT, left_at__lt=cutoff)
    JourneyStep.objects.filter(membership__in=expired).exclude(evidence="", note="").update(
        evidence="", note=""
    )
    MoveSuggestion.objects.filter(membership__in=expired).delete()
    Milestone.objects.filter(membership__in=expired).exclude(detail="").update(detail="")
    return expired.filter(
        ~Q(aspiration="") | ~Q(introduction="") | ~Q(request_note="") | Q(show_aspiration=True)
    ).update(aspiration="", introduction="", request_note="", show_aspiration=False)


def enforce_retention(*, now: datetime) -> RetentionResult:
    """Every retention rule, each in its own transaction (one failing leaves the others
    done; the next day's run retries it)."""
    with transaction.atomic():
        deleted, emptied = email_records_expire(now=now)
    with transaction.atomic():
        anonymised = left_memberships_anonymise(now=now)
    exports_deleted = delete_expired_exports(now)
    return RetentionResult(
        emails_deleted=deleted,
        emails_emptied=emptied,
        memberships_anonymised=anonymised,
        exports_deleted=exports_deleted,
    )
