"""iCalendar for sessions: one stable event per session, updated in place.

The UID never changes; SEQUENCE grows with every reschedule or cancellation, so calendar
apps replace the event they already hold rather than adding a second one.

A session of a series has no calendar identity of its own: it is an instance of the
series' event (the series' UID with the occurrence's RECURRENCE-ID), in its own file
(download, reminder) as in the feed, so someone who imports both never sees it twice. The
series is one VEVENT with RRULE, EXDATE for skipped occurrences, and a RECURRENCE-ID event
for each moved or edited one; its SEQUENCE grows with every change of any of them.

The descriptions' fixed words are in the active language: a download in the viewer's, an
email's attachment in its recipient's (built inside `accounts.languages.speaking`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from markdown_it import MarkdownIt

from .models import Series, Session
from .recurrence import full_rule

PRODID = "-//copsite//sessions//EN"

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})


def markdown_as_plain_text(text: str) -> str:
    """What a calendar app shows of a Markdown description: the words, without `**`, `#`
    or `[…](…)` marks; a link keeps its address in brackets, a list item its dash."""
    out: list[str] = []
    lists: list[list] = []  # [ordered?, next number] per open list
    for token in _markdown.parse(text or ""):
        kind = token.type
        if kind == "inline":
            href = None
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    out.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    out.append("\n")
                elif child.type == "link_open":
                    href = child.attrs.get("href")
                    start = len(out)
                elif child.type == "link_close" and href:
                    if "".join(out[start:]) != href:
                        out.append(f" ({href})")
                    href = None
                elif child.type == "image":
                    out.append(child.content)
        elif kind in ("fence", "code_block"):
            out.append(token.content.rstrip("\n") + "\n\n")
        elif kind in ("bullet_list_open", "ordered_list_open"):
            lists.append([kind == "ordered_list_open", int(token.attrs.get("start", 1) or 1)])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            if not lists:
                out.append("\n")
        elif kind == "list_item_open":
            ordered, number = lists[-1]
            out.append("  " * (len(lists) - 1) + (f"{number}. " if ordered else "- "))
            lists[-1][1] += 1
        elif kind == "paragraph_close":
            out.append("\n" if lists else "\n\n")
        elif kind == "heading_close":
            out.append("\n\n")
        elif kind == "hr":
            out.append("\n")
    return "".join(out).strip()


def agenda_lines(session: Session) -> list[str]:
    """The agenda with each item's clock times in the community's zone (the zone the
    event's DTSTART names): "18:10–18:25 Review our open actions"."""
    tz = session.community.zoneinfo
    at = session.starts_at
    lines = []
    for item in session.agenda_items.all():
        ends = at + timedelta(minutes=item.minutes)
        lines.append(f"{at.astimezone(tz):%H:%M}–{ends.astimezone(tz):%H:%M} {item.title}")
        at = ends
    return lines


def session_uid(session: Session) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "copsite"
    return f"session-{session.pk}@{host}"


def session_event(session: Session, *, include_online_link: bool) -> icalendar.Event:
    tz = session.community.zoneinfo
    event = icalendar.Event()
    series = session.series if session.series_id else None
    if series is not None:
        # An instance of the series' event, never an event of its own.
        tz = series.zoneinfo
        event.add("uid", series.uid)
        event.add("recurrence-id", session.recurrence_id.astimezone(tz))
        event.add("sequence", max(series.sequence, session.sequence))
    else:
        event.add("uid", session_uid(session))
        event.add("sequence", session.sequence)
    event.add("dtstamp", timezone.now())
    # Local wall-clock times with a TZID: a 09:00 London session stays 09:00 across DST.
    event.add("dtstart", session.starts_at.astimezone(tz))
    event.add("dtend", session.ends_at.astimezone(tz))
    event.add("summary", f"{session.title} · {session.community.name}")
    event.add("url", settings.SITE_URL + session.get_absolute_url())
    # Plain text: calendar apps show DESCRIPTION as it is, so Markdown marks would show.
    description = [markdown_as_plain_text(session.description)] if session.description else []
    agenda = agenda_lines(session)
    if agenda:
        description.append(gettext("Agenda") + "\n" + "\n".join(agenda))
    location = session.location
    if include_online_link and session.online_url:
        description.append(gettext("Join online: %(url)s") % {"url": session.online_url})
        location = location or session.online_url
    if session.is_cancelled:
        event.add("status", "CANCELLED")
        if session.cancel_reason:
            description.insert(
                0, pgettext("meeting", "Cancelled: %(reason)s") % {"reason": session.cancel_reason}
            )
    elif session.is_draft:
        event.add("status", "TENTATIVE")
    else:
        event.add("status", "CONFIRMED")
    if description:
        event.add("description", "\n\n".join(description))
    if location:
        event.add("location", location)
    return event


def is_edited(session: Session, series: Series) -> bool:
    """An occurrence that differs from what its series' rule says (moved, or its own
    length, title or place): it gets a RECURRENCE-ID event of its own in the series' file."""
    return (
        session.starts_at != session.recurrence_id
        or session.duration_minutes != series.duration_minutes
        or session.title != series.title_on(session.recurrence_id)
        or session.location != series.location
        or session.online_url != series.online_url
    )


def series_events(
    series: Series, occurrences: list[Session], *, include_online_link: bool
) -> list[icalendar.Event]:
    """The series' VEVENT with its RRULE and EXDATEs, then one event per edited occurrence
    (`occurrences`: the series' sessions, with `community` loaded)."""
    tz = series.zoneinfo
    start = datetime.combine(series.start_date, series.start_time, tzinfo=tz)
    master = icalendar.Event()
    master.add("uid", series.uid)
    master.add("dtstamp", timezone.now())
    master.add("dtstart", start)
    master.add("dtend", start + timedelta(minutes=series.duration_minutes))
    master.add("summary", f"{series.calendar_title} · {series.community.name}")
    master.add("sequence", series.sequence)
    master.add("url", settings.SITE_URL + series.get_absolute_url())
    master.add(
        "rrule",
        icalendar.vRecur.from_ical(
            full_rule(series.rule, until=series.until, count=series.count, tz=tz)
        ),
    )
    master.add("status", "CONFIRMED" if series.is_live else "TENTATIVE")
    location = series.location
    if include_online_link and series.online_url:
        master.add("description", gettext("Join online: %(url)s") % {"url": series.online_url})
        location = location or series.online_url
    if location:
        master.add("location", location)
    skipped = [s.recurrence_id.astimezone(tz) for s in occurrences if s.is_cancelled]
    if skipped:
        master.add("exdate", skipped)
    events = [master]
    for session in occurrences:
        if session.is_cancelled or session.is_draft or not is_edited(session, series):
            continue
        session.series = series
        events.append(session_event(session, include_online_link=include_online_link))
    return events


def series_ics(
    series_list: Iterable[Series], *, include_online_link: bool, method: str = "PUBLISH"
) -> bytes:
    """One or more series in one file (a "this and following" split sends both halves)."""
    calendar = _calendar(method, "")
    starts = []
    for series in series_list:
        occurrences = list(
            series.sessions.order_by("recurrence_id").prefetch_related("agenda_items")
        )
        for session in occurrences:
            session.community = series.community
        for event in series_events(series, occurrences, include_online_link=include_online_link):
            calendar.add_component(event)
        starts += [series.start_date, *(s.starts_at.date() for s in occurrences)]
    _add_timezones(calendar, starts)
    return calendar.to_ical()


def _calendar(method: str, name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def _add_timezones(calendar: icalendar.Calendar, starts: list) -> None:
    if starts:
        # VTIMEZONE blocks cover only the years our events need, keeping the file small.
        calendar.add_missing_timezones(
            first_date=min(starts) - timedelta(days=366),
            last_date=max(starts) + timedelta(days=366),
        )


def build_calendar(
    sessions: Iterable[Session],
    *,
    include_online_link: bool,
    method: str = "PUBLISH",
    name="",
    series_sessions: dict[int, list[Session]] | None = None,
) -> bytes:
    """A calendar of sessions. With `series_sessions` ({series id: all its sessions}), the
    sessions of a series are written as their series' event (the personal feed); without,
    each session is its own event or its series' instance (a single session's file)."""
    calendar = _calendar(method, name)
    starts = []
    written = set()
    for session in sessions:
        starts.append(session.starts_at.date())
        if series_sessions is not None and session.series_id is not None:
            if session.series_id in written:
                continue
            written.add(session.series_id)
            series = session.series
            series.community = session.community
            for event in series_events(
                series,
                series_sessions.get(session.series_id, []),
                include_online_link=include_online_link,
            ):
                calendar.add_component(event)
            continue
        calendar.add_component(session_event(session, include_online_link=include_online_link))
    _add_timezones(calendar, starts)
    return calendar.to_ical()


def session_ics(session: Session, *, include_online_link: bool) -> bytes:
    method = "CANCEL" if session.is_cancelled else "PUBLISH"
    return build_calendar([session], include_online_link=include_online_link, method=method)
