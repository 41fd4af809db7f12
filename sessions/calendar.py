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
from markdown_it import MarkdownIt

from .models import Session

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
    event.add("uid", session_uid(session))
    event.add("dtstamp", timezone.now())
    # Local wall-clock times with a TZID: a 09:00 London session stays 09:00 across DST.
    event.add("dtstart", session.starts_at.astimezone(tz))
    event.add("dtend", session.ends_at.astimezone(tz))
    event.add("summary", f"{session.title} · {session.community.name}")
    event.add("sequence", session.sequence)
    event.add("url", settings.SITE_URL + session.get_absolute_url())
    # Plain text: calendar apps show DESCRIPTION as it is, so Markdown marks would show.
    description = [markdown_as_plain_text(session.description)] if session.description else []
    agenda = agenda_lines(session)
    if agenda:
        description.append("Agenda\n" + "\n".join(agenda))
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
