"""Digest section: celebrations — moves toward the core in the person's communities."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.utils.translation import gettext

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


class DigestScope(NamedTuple):
    """Who and what one batch of the digest covers, read once for every app's section."""

    # person id → their active, unmuted memberships (rows of `active_memberships`)
    memberships: dict[int, list[dict]]
    # person id → the ids of those communities
    mine: dict[int, set[int]]
    # every community any person of the batch is in
    communities: set[int]
    # the earliest period start of the batch (`now` when the batch is empty)
    since: datetime


def digest_scope(people, periods, now) -> DigestScope:
    """The memberships, communities and earliest start of a batch: one query."""
    memberships = active_memberships(people)
    mine = {person: {row["community_id"] for row in rows} for person, rows in memberships.items()}
    return DigestScope(
        memberships=memberships,
        mine=mine,
        communities=set().union(*mine.values()),
        since=min((period.start for period in periods.values()), default=now),
    )


def digest_sections(people, periods, now) -> dict[int, list[Section]]:
    _, mine, communities, since = digest_scope(people, periods, now)
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
    # One link per community, built once per batch.
    communities_seen = {step.membership.community_id: step.membership.community for step in inward}
    urls = {pk: f"{settings.SITE_URL}{c.get_absolute_url()}" for pk, c in communities_seen.items()}
    # Each person reads only the steps of their own communities, still in time order.
    by_community: dict[int, list[tuple[int, JourneyStep]]] = defaultdict(list)
    for position, step in enumerate(inward):
        by_community[step.membership.community_id].append((position, step))
    # Built in the readers' language (accounts.digest.sections_for): its words once.
    title = gettext("Celebrations")
    you_moved = gettext(
        "You moved from %(from)s to %(to)s in %(community)s. Thank you for all you bring — "
        "welcome further in!"
    )
    they_moved = gettext("%(name)s moved from %(from)s to %(to)s in %(community)s.")
    levels = {value: str(label) for value, label in Membership.Level.choices}
    result = {}
    for person in people:
        period = periods[person.pk]
        theirs = sorted(
            (
                pair
                for community_id in mine.get(person.pk, ())
                for pair in by_community.get(community_id, [])
            ),
            key=lambda pair: pair[0],
        )
        items = []
        for _, step in theirs:
            membership = step.membership
            if not period.start <= step.created_at < period.end:
                continue
            url = urls[membership.community_id]
            words = {
                "name": membership.user.name,
                "from": levels.get(step.from_level, step.from_level),
                "to": levels.get(step.to_level, step.to_level),
                "community": membership.community.name,
            }
            text = (you_moved if membership.user_id == person.pk else they_moved) % words
            items.append(Item(text=text, url=url))
        result[person.pk] = [Section("celebrations", title, items, order=80)]
    return result
