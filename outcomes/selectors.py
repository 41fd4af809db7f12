"""Reads for outcomes and the alignment map (outcome ↔ activity ↔ peer review)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from sessions.models import AgendaItem, Session

from .models import Endorsement, Outcome

LIVE_SESSIONS = [Session.Status.SCHEDULED, Session.Status.COMPLETED]


def outcomes_for_page(community, user):
    """The community's outcomes with endorsement counts and whether `user` endorsed each."""
    return (
        Outcome.objects.filter(community=community)
        .annotate(
            endorsement_count=Count("endorsements"),
            endorsed=Exists(Endorsement.objects.filter(outcome=OuterRef("pk"), user=user)),
        )
        .select_related("proposed_by")
        .order_by("-endorsement_count", "statement")
    )


def aligned_items(community) -> dict[int, list[AgendaItem]]:
    """Agreed outcome id → the published agenda items aligned to it (one query)."""
    through = AgendaItem.aligned_outcomes.through
    rows = (
        through.objects.filter(
            outcome__community=community,
            outcome__status=Outcome.Status.AGREED,
            agendaitem__session__status__in=LIVE_SESSIONS,
        )
        .select_related("agendaitem__session__community")
        .order_by("agendaitem__session__starts_at")
    )
    by_outcome: dict[int, list[AgendaItem]] = defaultdict(list)
    for row in rows:
        by_outcome[row.outcome_id].append(row.agendaitem)
    return by_outcome


def unaligned_activities(community, *, limit: int = 20):
    """Recent and upcoming activities aligned to nothing: a gentle question, not an error."""
    since = timezone.now() - timedelta(days=90)
    return (
        AgendaItem.objects.filter(
            session__community=community,
            session__status__in=LIVE_SESSIONS,
            session__starts_at__gte=since,
            kind=AgendaItem.Kind.ACTIVITY,
            aligned_outcomes__isnull=True,
        )
        .select_related("session__community")
        .order_by("session__starts_at")[:limit]
    )


def alignment_coverage(community, since: datetime, until: datetime) -> dict:
    """Share of agreed outcomes with an aligned activity in a session starting in
    [since, until), and with a peer review in that window.

    coverage = outcomes with both / agreed outcomes (0 when none are agreed). Peer-review
    rounds are not built yet, so `with_review` is 0 and coverage counts as 0 until they are.
    """
    agreed = Outcome.objects.filter(community=community, status=Outcome.Status.AGREED)
    with_activity = agreed.filter(
        agenda_items__session__status__in=LIVE_SESSIONS,
        agenda_items__session__starts_at__gte=since,
        agenda_items__session__starts_at__lt=until,
    ).distinct()
    counts = {"agreed": agreed.count(), "with_activity": with_activity.count()}
    counts["with_review"] = 0
    counts["with_both"] = 0
    counts["coverage"] = counts["with_both"] / counts["agreed"] if counts["agreed"] else 0.0
    return counts
