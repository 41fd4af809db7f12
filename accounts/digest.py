"""The digest: one calm email across all of a person's communities, exactly once a period.

Selection, content and rendering work on batches of people with a fixed number of queries
per batch. Each app contributes its sections through `<app>/digest.py`:
`digest_sections(people, period) -> {user_id: [Section, …]}` (core.plugins).

A digest is written in its reader's language (accounts.languages), built as well as
rendered: the apps write their titles and lines in Python with gettext, so `sections_for`
builds each language's share of a batch inside that language (`due_people` orders people
by language, so a batch mostly speaks one and the sections' queries run once), and each
digest is rendered inside its reader's.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from core.plugins import app_modules
from core.transactions import after_commit

from . import languages, notifications
from .mail import email_dispatch_batch
from .models import EmailDelivery, User, zone_or_utc
from .unsubscribe import list_unsubscribe_headers, unsubscribe_url

# People per batch: each batch costs its sections' queries (some fifteen, whatever its
# size) and renders each distinct item once, so larger batches cost less a digest; past
# about 500 the sections' queries, over longer lists of people, gain nothing more.
BATCH_SIZE = 500


@dataclass(frozen=True)
class Period:
    """The digest period a person's local time falls in: a local day or an ISO week."""

    kind: str
    label: str
    start: dt.datetime  # aware, UTC
    end: dt.datetime

    @classmethod
    def for_person(cls, kind: str, local_now: dt.datetime) -> Period:
        day = local_now.date()
        if kind == User.Digest.DAILY:
            first, days, label = day, 1, day.isoformat()
        else:
            first = day - dt.timedelta(days=day.weekday())
            year, week, _ = day.isocalendar()
            days, label = 7, f"{year}-W{week:02d}"
        tz = local_now.tzinfo
        start = dt.datetime.combine(first, dt.time(), tzinfo=tz)
        end = dt.datetime.combine(first + dt.timedelta(days=days), dt.time(), tzinfo=tz)
        # The content window is the period that just ended: "since your last digest".
        span = end - start
        return cls(kind, label, (start - span).astimezone(dt.UTC), start.astimezone(dt.UTC))


@dataclass
class Item:
    text: str
    url: str = ""
    note: str = ""
    # Extra (label, absolute URL) links, e.g. one-click RSVP answers. Each lands on a page
    # that asks for confirmation: following a link from an email never changes anything.
    links: list[tuple[str, str]] = field(default_factory=list)
    # An evergreen invitation ("write a first reflection"): shown alongside news, never a
    # reason on its own to send a digest.
    nudge: bool = False


@dataclass
class Section:
    key: str
    title: str
    items: list[Item] = field(default_factory=list)
    intro: str = ""
    order: int = 50


def zone(name: str) -> zoneinfo.ZoneInfo:
    return zone_or_utc(name)


# A digest whose hour was missed (beat or broker down, a deploy) is still sent by a run up
# to this many hours later on the same local day; the period's key keeps it to one.
GRACE_HOURS = 4


def due_people(now: dt.datetime):
    """People whose chosen local day is today and whose chosen hour is this hour or one of
    the GRACE_HOURS - 1 before it: one query for the timezones in use, one for the people
    (never one per person). Comparing hours within the local day also catches an hour
    skipped when clocks go forward, and never crosses midnight into the next period."""
    zones = (
        User.objects.exclude(digest=User.Digest.OFF)
        .order_by()
        .values_list("timezone", flat=True)
        .distinct()
    )
    due = Q(pk__in=[])
    for name in zones:
        local = now.astimezone(zone(name))
        day_matches = Q(digest=User.Digest.DAILY) | Q(
            digest=User.Digest.WEEKLY, digest_weekday=local.weekday()
        )
        hour_matches = Q(digest_hour__lte=local.hour, digest_hour__gt=local.hour - GRACE_HOURS)
        due |= Q(timezone=name) & hour_matches & day_matches
    # By language first: a batch of one language builds its sections once (`sections_for`).
    return (
        User.objects.filter(due, is_active=True)
        .exclude(digest=User.Digest.OFF)
        .order_by("language", "pk")
    )


def period_for(person: User, now: dt.datetime) -> Period:
    return Period.for_person(person.digest, now.astimezone(zone(person.timezone)))


def digest_key(person: User, period: Period) -> str:
    return f"digest:{person.pk}:{period.kind}:{period.label}"


def sections_for(
    people: list[User], now: dt.datetime, periods: dict[int, Period] | None = None
) -> dict[int, list[Section]]:
    """Every app's sections for a batch of people, each person's written in their own
    language: the sections' fixed number of queries once per language the batch speaks."""
    periods = periods or {person.pk: period_for(person, now) for person in people}
    speakers: dict[str, list[User]] = defaultdict(list)
    for person in people:
        speakers[languages.for_person(person)].append(person)
    result: dict[int, list[Section]] = {}
    for language, group in speakers.items():
        with translation.override(language):
            result.update(_sections_built(group, now, {p.pk: periods[p.pk] for p in group}))
    return result


def _sections_built(
    people: list[User], now: dt.datetime, periods: dict[int, Period]
) -> dict[int, list[Section]]:
    """Every app's sections for people of one language (the active one), in a fixed
    number of queries."""
    by_key: dict[int, dict[str, Section]] = defaultdict(dict)
    # accounts' own section (notifications left for the digest) first, then every app's.
    for module in [notifications, *app_modules("digest")]:
        for user_id, sections in module.digest_sections(people, periods, now).items():
            for section in sections:
                if not section.items:
                    continue
                # Several apps may add to one section (e.g. "Easy ways in"): one heading.
                mine = by_key[user_id]
                if section.key in mine:
                    mine[section.key].items.extend(section.items)
                else:
                    mine[section.key] = Section(
                        section.key,
                        section.title,
                        list(section.items),
                        section.intro,
                        section.order,
                    )
    return {
        user_id: sorted(sections.values(), key=lambda section: section.order)
        for user_id, sections in by_key.items()
        if any(not item.nudge for section in sections.values() for item in section.items)
    }


def _item_parts(item: Item, fragments: dict) -> dict:
    """An item's HTML `<li>` and plain-text lines, each rendered from its own template once
    per batch: most items (a new reflection, a session, an outcome) reach everyone in a
    community, so 200 digests of the bench hold some 3,000 items but under 300 distinct ones."""
    key = (item.text, item.url, item.note, tuple(item.links))
    parts = fragments.get(key)
    if parts is None:
        context = {"item": item}
        # Each fragment file ends with one newline of its own; the digest templates
        # place every item on its own line.
        html = get_template("accounts/email/digest_item.html").render(context)
        text = get_template("accounts/email/digest_item.txt").render(context)
        parts = fragments[key] = {
            "html": mark_safe(html.removesuffix("\n")),  # noqa: S308 (rendered, escaped)
            "text_block": text.removesuffix("\n"),
        }
    return parts


def _for_template(section: Section, fragments: dict) -> dict:
    """A section as the digest templates read it: plain dicts (a dict answers Django's
    first lookup, `obj[name]`, where a dataclass raises and is asked again), its items
    already rendered."""
    return {
        "key": section.key,
        "title": section.title,
        "intro": section.intro,
        "order": section.order,
        "items": [_item_parts(item, fragments) for item in section.items],
    }


def render_digest(
    person: User,
    sections: list[Section],
    period: Period,
    unsubscribe: str = "",
    fragments: dict | None = None,
) -> dict[str, str]:
    """Subject, plain text and HTML of a digest, in the person's language; `unsubscribe`
    is the person's link when the caller has made it already (it goes in the headers too),
    `fragments` the items a batch has rendered so far (shared by its digests)."""
    fragments = {} if fragments is None else fragments
    with languages.speaking(person):
        return _rendered(person, sections, period, unsubscribe, fragments)


def _rendered(person, sections, period, unsubscribe, fragments) -> dict[str, str]:
    # Each language keeps its own rendered items.
    fragments = fragments.setdefault(translation.get_language(), {})
    context = {
        "person": person,
        "sections": [_for_template(section, fragments) for section in sections],
        # The subject says so (one sentence each way, for the translations).
        "celebrating": any(section.key == "celebrations" for section in sections),
        "period": period,
        "SITE_URL": settings.SITE_URL,
        "settings_url": settings.SITE_URL + "/settings/",
        "unsubscribe_url": unsubscribe or unsubscribe_url(person, "digest"),
    }
    return {
        "subject": " ".join(render_to_string("accounts/email/digest_subject.txt", context).split()),
        "body_text": render_to_string("accounts/email/digest.txt", context),
        "body_html": render_to_string("accounts/email/digest.html", context),
    }


def digest_send_batch(*, people: list[User], now: dt.datetime) -> list[int]:
    """Record the digests of one batch (skipping empty ones and those already recorded for
    the period) and hand them to one worker task sharing an SMTP connection."""
    periods = {person.pk: period_for(person, now) for person in people}
    keys = {person.pk: digest_key(person, periods[person.pk]) for person in people}
    already = set(EmailDelivery.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    todo = [person for person in people if keys[person.pk] not in already]
    contents = sections_for(todo, now, {person.pk: periods[person.pk] for person in todo})
    rows = []
    fragments: dict = {}
    for person in todo:
        sections = contents.get(person.pk)
        if not sections:
            continue  # An empty digest is not sent, and not recorded as sent.
        unsubscribe = unsubscribe_url(person, "digest")
        rendered = render_digest(person, sections, periods[person.pk], unsubscribe, fragments)
        rows.append(
            EmailDelivery(
                key=keys[person.pk],
                kind="digest",
                recipient=person,
                to_email=person.email,
                headers=list_unsubscribe_headers(person, "digest", unsubscribe),
                **rendered,
            )
        )
    with transaction.atomic():
        # ignore_conflicts: a racing worker may have recorded some of these meanwhile; the
        # unique key keeps one row each, and the claim in email_deliver sends it once.
        EmailDelivery.objects.bulk_create(rows, ignore_conflicts=True)
        ids = list(
            EmailDelivery.objects.filter(
                key__in=[row.key for row in rows], status=EmailDelivery.Status.QUEUED
            ).values_list("pk", flat=True)
        )
        if ids:
            after_commit(email_dispatch_batch, delivery_ids=ids)
    return ids


def digest_send_due(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    recorded = 0
    batch: list[User] = []
    for person in due_people(now).iterator(chunk_size=BATCH_SIZE):
        batch.append(person)
        if len(batch) == BATCH_SIZE:
            recorded += len(digest_send_batch(people=batch, now=now))
            batch = []
    if batch:
        recorded += len(digest_send_batch(people=batch, now=now))
    return recorded


def preview_period(person: User, now: dt.datetime) -> Period:
    """The window a preview shows: everything the next digest would carry if it went out
    now. Until this period's digest is recorded that is the period that just ended plus
    the current one so far; once it is, only the current period so far (what the
    following digest will carry)."""
    period = period_for(person, now)
    sent = EmailDelivery.objects.filter(key=digest_key(person, period)).exists()
    return Period(period.kind, period.label, period.end if sent else period.start, now)


def digest_preview(person: User, now: dt.datetime | None = None) -> dict:
    """What `person`'s next digest would hold right now, rendered with the same templates."""
    now = now or timezone.now()
    period = preview_period(person, now)
    sections = sections_for([person], now, {person.pk: period}).get(person.pk, [])
    return {"sections": sections, "period": period, **render_digest(person, sections, period)}
