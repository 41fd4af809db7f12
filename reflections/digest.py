"""Digest sections: new reflections shared with the whole community (titles and plain
excerpts), the open actions the person owns (overdue first), and for people on the edge
of a community who have not reflected there yet, an easy way in."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.urls import reverse

from accounts.digest import Item, Section
from communities.digest import digest_scope
from communities.models import Membership

from .models import Action, Reflection

PER_COMMUNITY = 5


def digest_sections(people, periods, now) -> dict[int, list[Section]]:
    memberships, _, communities, since = digest_scope(people, periods, now)
    reflections = (
        Reflection.objects.filter(
            community_id__in=communities,
            visibility=Reflection.Visibility.COMMUNITY,
            created_at__gte=since,
            created_at__lt=now,
        )
        .select_related("community", "author")
        .defer("body", "answers")  # the stored excerpt is all a digest shows of them
        .order_by("-created_at")
    )
    actions_by_owner = _open_actions(people, memberships)
    ways_in = _first_reflection_invitations(people, memberships)
    # Many people see the same reflection: cut each excerpt once per batch.
    excerpts: dict[int, str] = {}
    by_community: dict[int, list[Reflection]] = defaultdict(list)
    for reflection in reflections:
        by_community[reflection.community_id].append(reflection)
    result = {}
    for person in people:
        period = periods[person.pk]
        items = []
        for row in memberships.get(person.pk, []):
            fresh = [
                r
                for r in by_community.get(row["community_id"], [])
                if r.author_id != person.pk and period.start <= r.created_at < period.end
            ]
            for reflection in fresh[:PER_COMMUNITY]:
                if reflection.pk not in excerpts:
                    excerpts[reflection.pk] = reflection.short_excerpt(140)
                url = settings.SITE_URL + reflection.get_absolute_url()
                items.append(
                    Item(
                        f"{reflection.title} — {reflection.author.name}, {row['community__name']}",
                        url,
                        excerpts[reflection.pk],
                    )
                )
        result[person.pk] = [
            Section("reflections", "New reflections", items, order=40),
            Section("actions", "Your open actions", actions_by_owner.get(person.pk, []), order=30),
            Section("ways_in", "Easy ways in", ways_in.get(person.pk, []), order=90),
        ]
    return result


def _first_reflection_invitations(people, memberships) -> dict[int, list[Item]]:
    """For people on the edge of a community who have never reflected there: an easy way
    in, a first reflection that may stay private. One query for the whole batch."""
    written = set(
        Reflection.objects.filter(author__in=people)
        .order_by()
        .values_list("author_id", "community_id")
        .distinct()
    )
    invitations: dict[int, list[Item]] = defaultdict(list)
    for person_id, rows in memberships.items():
        for row in rows:
            if row["level"] != Membership.Level.PERIPHERAL:
                continue
            if (person_id, row["community_id"]) in written:
                continue
            url = settings.SITE_URL + reverse(
                "reflections:new", kwargs={"slug": row["community__slug"]}
            )
            invitations[person_id].append(
                Item(
                    f"Jot down one thing you noticed lately in {row['community__name']} — "
                    "it can stay private, just for you.",
                    url,
                    nudge=True,
                )
            )
    return invitations


def _open_actions(people, memberships) -> dict[int, list[Item]]:
    """Open actions each person owns in their (unmuted) communities, overdue first."""
    mine = {
        person_id: {row["community_id"] for row in rows} for person_id, rows in memberships.items()
    }
    communities = set().union(*mine.values()) if mine else set()
    by_owner: dict[int, list[Item]] = defaultdict(list)
    actions = (
        Action.objects.open()
        .filter(owner__in=people, community_id__in=communities)
        .select_related("community")
        .overdue_first()
    )
    for action in actions:
        if action.community_id not in mine.get(action.owner_id, ()):
            continue
        note = f"Due {action.due_date:%d %b}" if action.due_date else ""
        if action.is_overdue:
            note = f"Overdue since {action.due_date:%d %b} — still useful, or time to drop it?"
        by_owner[action.owner_id].append(
            Item(
                f"{action.title} ({action.community.name})",
                settings.SITE_URL + action.get_absolute_url(),
                note,
            )
        )
    return by_owner
