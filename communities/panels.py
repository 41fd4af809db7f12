from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Value
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from core.plugins import Panel

from .checklists import first_steps_cards
from .models import Community, JourneyStep, Membership, MoveSuggestion

TEASER_ROWS = 3

CELEBRATE_FOR = timedelta(days=60)


def settings_panel(request) -> Panel:
    """On my settings page: my communities, each with its mute switch (one query)."""
    memberships = (
        Membership.objects.active()
        .filter(user=request.user)
        .select_related("community")
        .order_by("community__name")
    )
    return Panel("communities/includes/settings_panel.html", {"memberships": memberships}, 10)


def home_panel(request) -> Panel:
    """My communities, and my own recent moves toward the core (never outward ones); my
    requests to join still waiting; the "first steps here" card of each community I
    joined lately; and, while I'm in none, what copsite is for and a few communities I
    could join. A fixed number of queries however many communities: my memberships (active
    and asked) in one, my moves in one, what waits for a facilitator in two (none when I
    facilitate nowhere), the first steps one per registered step."""
    mine = list(
        Membership.objects.filter(
            user=request.user,
            status__in=[Membership.Status.ACTIVE, Membership.Status.REQUESTED],
        )
        .select_related("community")
        .order_by("community__name", "pk")
    )
    memberships = [m for m in mine if m.status == Membership.Status.ACTIVE]
    # My own requests to join that are still waiting (I may withdraw them).
    asked = [m for m in mine if m.status == Membership.Status.REQUESTED]
    by_id = {m.pk: m for m in memberships}
    celebrations = list(
        JourneyStep.objects.inward()
        .filter(membership__in=list(by_id), created_at__gte=timezone.now() - CELEBRATE_FOR)
        .order_by("-created_at")[:5]
    )
    for step in celebrations:
        step.membership = by_id[step.membership_id]
    facilitating = [
        m.community_id
        for m in memberships
        if m.role in (Membership.Role.FACILITATOR, Membership.Role.COORDINATOR)
    ]
    requests = suggestions = []
    if facilitating:
        # Both counts in one query (UNION ALL of the two groupings), told apart by a `kind`
        # column and put in the communities' order here (SQLite, the embedded default,
        # allows no ORDER BY inside a compound statement); each row keeps the keys its list
        # had on its own.
        waiting_requests = (
            Membership.objects.requested()
            .filter(community__in=facilitating)
            .values("community__slug", "community__name")
            .annotate(n=Count("pk"), kind=Value("request"))
            .order_by()
        )
        open_suggestions = (
            MoveSuggestion.objects.filter(
                status=MoveSuggestion.Status.OPEN,
                membership__status=Membership.Status.ACTIVE,
                membership__community__in=facilitating,
            )
            .values("membership__community__slug", "membership__community__name")
            .annotate(n=Count("pk"), kind=Value("suggestion"))
            .order_by()
        )
        rows = sorted(
            waiting_requests.union(open_suggestions, all=True),
            key=lambda row: row["community__name"],
        )
        requests = [row for row in rows if row["kind"] == "request"]
        suggestions = [
            {
                "membership__community__slug": row["community__slug"],
                "membership__community__name": row["community__name"],
                "n": row["n"],
            }
            for row in rows
            if row["kind"] == "suggestion"
        ]
    # A few communities I could join: read (and built) only when I'm in none yet (the
    # template asks).
    teaser = SimpleLazyObject(
        lambda: (
            Community.objects.in_directory(request.user)
            .exclude(pk__in=[m.community_id for m in mine])
            .order_by("-created_at")[:TEASER_ROWS]
        )
    )
    return Panel(
        "communities/includes/home_panel.html",
        {
            "memberships": memberships,
            "celebrations": celebrations,
            "requests": requests,
            "suggestions": suggestions,
            "asked": asked,
            "teaser": teaser,
            "cards": first_steps_cards(request.user, memberships=memberships),
        },
        order=10,
    )
