"""Digest section: celebrations — moves toward the core in the person's communities."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings

from accounts.digest import Item, Section

from .models import JourneyStep, Membership


def active_memberships(people) -> dict[int, list[dict]]:
    """The active, unmuted memberships of a batch of people, in one query."""
    rows = (
        Membership.objects.active()
        .filter(user__in=people, muted=False, community__archived=False)
        .values("user_id", "community_id", "level", "community__name", "community__slug")
    )
    by_person: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_person[row["user_id"]].append(row)
    return by_person


def digest_sections(people, periods, now) -> dict[int, list[Section]]:
    memberships = active_memberships(people)
    communities = {row["community_id"] for rows in memberships.values() for row in rows}
    since = min((period.start for period in periods.values()), default=now)
    steps = (
        JourneyStep.objects.inward()
        .filter(
            membership__community_id__in=communities,
            created_at__gte=since,
            created_at__lt=now,
        )
        .select_related("membership__user", "membership__community")
        .order_by("created_at")
    )
    inward = list(steps)
    result = {}
    for person in people:
        period = periods[person.pk]
        mine = {row["community_id"] for row in memberships.get(person.pk, [])}
        items = []
        for step in inward:
            membership = step.membership
            if membership.community_id not in mine or not (
                period.start <= step.created_at < period.end
            ):
                continue
            url = f"{settings.SITE_URL}{membership.community.get_absolute_url()}"
            if membership.user_id == person.pk:
                text = (
                    f"You moved from {step.from_level} to {step.to_level} in "
                    f"{membership.community.name}. Thank you for all you bring — "
                    "welcome further in!"
                )
            else:
                text = (
                    f"{membership.user.name} moved from {step.from_level} to "
                    f"{step.to_level} in {membership.community.name}."
                )
            items.append(Item(text=text, url=url))
        result[person.pk] = [Section("celebrations", "Celebrations", items, order=80)]
    return result
