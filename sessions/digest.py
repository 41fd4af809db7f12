"""Digest sections: upcoming sessions (with my RSVP) and, for people new to a community,
easy ways in."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext

from accounts.digest import Item, Section
from communities.digest import digest_scope
from communities.models import Membership
from core.templatetags.dates import when

from .emails import session_url
from .models import RSVP, Session
from .selectors import answers_for

AHEAD = timedelta(days=8)


def rsvp_links(
    session: Session, current: str | None, url: str = "", answers: dict[str, str] | None = None
) -> list[tuple[str, str]]:
    """One-click answers other than the current one. Each opens the session page with the
    answer preselected for a confirming POST: a GET from an email changes nothing. `url`
    is the session's link when the caller already has it, `answers` the capitalised
    answers (value → label) when it has translated them already."""
    url = url or session_url(session)
    answers = answers or _answers()
    return [
        (label, f"{url}?rsvp={value}#rsvp-box")
        for value, label in answers.items()
        if value != current
    ]


def _answers() -> dict[str, str]:
    """Each RSVP answer's button, in the active language."""
    return {value: str(label).capitalize() for value, label in RSVP.Response.choices}


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
    # Built in the readers' language (accounts.digest.sections_for): its words once.
    labels = {value: str(label) for value, label in RSVP.Response.choices}
    answers = _answers()
    you_said, will_you_come = gettext("You said: %(answer)s"), gettext("Will you come?")
    come_along = gettext(
        "Come along to “%(title)s” in %(community)s — you're welcome just to listen."
    )
    coming_up, easy_ways_in = gettext("Coming up"), gettext("Easy ways in")
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
                at = when(timezone.localtime(session.starts_at, tz), "weekday_time")
                note = you_said % {"answer": labels[response]} if response else will_you_come
                upcoming.append(
                    (
                        session.starts_at,
                        Item(
                            f"{session.title} — {at}",
                            urls[session.pk],
                            note,
                            links=rsvp_links(session, response, urls[session.pk], answers),
                        ),
                    )
                )
            if row["level"] == Membership.Level.PERIPHERAL and community_sessions:
                first = community_sessions[0]
                ways_in.append(
                    Item(
                        come_along % {"title": first.title, "community": row["community__name"]},
                        urls[first.pk],
                    )
                )
        upcoming.sort(key=lambda pair: pair[0])
        result[person.pk] = [
            Section("upcoming", coming_up, [item for _, item in upcoming], order=10),
            Section("ways_in", easy_ways_in, ways_in, order=90),
        ]
    return result
