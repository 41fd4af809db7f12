"""iCalendar for sessions: one stable event per session, updated in place.

The UID never changes; SEQUENCE grows with every reschedule or cancellation, so calendar
apps replace the event they already hold rather than adding a second one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone

from .models import Session

PRODID = "-//copsite//sessions//EN"


def session_uid(session: Session) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "copsite"
    return f"session-{session.pk}@{host}"


def session_event(session: Session, *, include_online_link: bool) -> icalendar.Event:
    tz = session.community.zoneinfo
    event = icalendar.Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", timezone.now())
    # Local wall-clock times with a TZID: a 09:00 London session stays 09:00 across DST.
    event.add("dtstart", session.starts_at.astimezone(tz))
    event.add("dtend", session.ends_at.astimezone(tz))
    event.add("summary", f"{session.title} · {session.community.name}")
    event.add("sequence", session.sequence)
    event.add("url", settings.SITE_URL + session.get_absolute_url())
    description = [session.description] if session.description else []
    location = session.location
    if include_online_link and session.online_url:
        description.append(f"Join online: {session.online_url}")
        location = location or session.online_url
    if session.is_cancelled:
        event.add("status", "CANCELLED")
        if session.cancel_reason:
            description.insert(0, f"Cancelled: {session.cancel_reason}")
    elif session.is_draft:
        event.add("status", "TENTATIVE")
    else:
        event.add("status", "CONFIRMED")
    if description:
        event.add("description", "\n\n".join(description))
    if location:
        event.add("location", location)
    return event


def build_calendar(
    sessions: Iterable[Session], *, include_online_link: bool, method: str = "PUBLISH", name=""
) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    starts = []
    for session in sessions:
        calendar.add_component(session_event(session, include_online_link=include_online_link))
        starts.append(session.starts_at.date())
    if starts:
        # VTIMEZONE blocks cover only the years our events need, keeping the file small.
        calendar.add_missing_timezones(
            first_date=min(starts) - timedelta(days=366),
            last_date=max(starts) + timedelta(days=366),
        )
    return calendar.to_ical()


def session_ics(session: Session, *, include_online_link: bool) -> bytes:
    method = "CANCEL" if session.is_cancelled else "PUBLISH"
    return build_calendar([session], include_online_link=include_online_link, method=method)
