"""Digest sections: upcoming sessions (with my RSVP) and, for people new to a community,
easy ways in."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.utils import timezone

from accounts.digest import Item, Section
from communities.digest import digest_scope
from communities.models import Membership

from .emails import session_url
from .models import RSVP, Session
from .selectors import answers_for

AHEAD = timedelta(days=8)


def rsvp_links(session: Session, current: str | None, url: str = "") -> list[tuple[str, str]]:
    """One-click answers other than the current one. Each opens the session page with the
    answer preselected for a confirming POST: a GET from an email changes nothing. `url`
    is the session's link when the caller already has it."""
    url = url or session_url(session)
    return [
        (label.capitalize(), f"{url}?rsvp={value}#rsvp-box")
        for value, label in RSVP.Response.choices
        if value != current
    ]


def digest_sections(people, periods, now) -> dict[int, list[Section]]:
    memberships, _, communities, _ = digest_scope(people, periods, now)
    sessions = list(
        Session.objects.filter(
            community_id__in=communities,
            status=Session.Status.SCHEDULED,
            starts_at__gte=now,
            starts_at__lt=now + AHEAD,
        )
        .select_related("community")
        .order_by("starts_at")
    )
    responses = answers_for(sessions, people)
    # Many people see the same session: build each link once per batch.
    urls = {session.pk: session_url(session) for session in sessions}
    labels = dict(RSVP.Response.choices)
    by_community: dict[int, list[Session]] = defaultdict(list)
    for session in sessions:
        by_community[session.community_id].append(session)
    result = {}
    for person in people:
        tz = person.zoneinfo
        upcoming, ways_in = [], []
        for row in memberships.get(person.pk, []):
            community_sessions = by_community.get(row["community_id"], [])
            for session in community_sessions:
                response = responses.get((session.pk, person.pk))
                when = timezone.localtime(session.starts_at, tz).strftime("%a %d %b, %H:%M")
                note = f"You said: {labels[response]}" if response else "Will you come?"
                upcoming.append(
                    (
                        session.starts_at,
                        Item(
                            f"{session.title} — {when}",
                            urls[session.pk],
                            note,
                            links=rsvp_links(session, response, urls[session.pk]),
                        ),
                    )
                )
            if row["level"] == Membership.Level.PERIPHERAL and community_sessions:
                first = community_sessions[0]
                ways_in.append(
                    Item(
                        f"Come along to “{first.title}” in {row['community__name']} — "
                        "you're welcome just to listen.",
                        urls[first.pk],
                    )
                )
        upcoming.sort(key=lambda pair: pair[0])
        result[person.pk] = [
            Section("upcoming", "Coming up", [item for _, item in upcoming], order=10),
            Section("ways_in", "Easy ways in", ways_in, order=90),
        ]
    return result
