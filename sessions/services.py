"""Writes of the sessions app: planning, lifecycle, RSVPs, attendance, reminders.

Every email is recorded through accounts.mail under a key naming the session, the person
and what changed (sequence or scheduled start), so it is sent exactly once.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop, pgettext

from accounts.languages import for_person, speaking
from accounts.mail import Attachment, email_render_and_enqueue
from accounts.models import EmailDelivery, User
from accounts.notifications import notify, notify_many, phrase
from accounts.unsubscribe import list_unsubscribe_headers
from communities.models import Membership, MentoringPair, Milestone
from communities.services import milestone_celebrate
from core.plugins import rows_changed
from core.templatetags.dates import when
from outcomes.models import Outcome

from .builtin_templates import BUILTIN_TEMPLATES, builtin_template_in_words
from .calendar import series_ics, session_ics
from .emails import pulse_links, reflect_url, session_email_context, session_url
from .models import (
    RSVP,
    AgendaItem,
    Attendance,
    CoFacilitation,
    PulseAnswer,
    Series,
    SeriesRSVP,
    Session,
    SessionSettings,
    SessionTemplate,
    TemplateItem,
    title_for,
)
from .recurrence import HORIZON, RuleError, expand, frequency_of, rule_for
from .selectors import answered_q

REMINDER_KINDS = ("24h", "1h")
GOING_OR_MAYBE = (RSVP.Response.GOING, RSVP.Response.MAYBE)
# Titles are stored in the words of the facilitator who adds them (gettext at use).
BOOKENDS = {
    AgendaItem.Kind.REVIEW_ACTIONS: (gettext_noop("Review our open actions"), 10),
    AgendaItem.Kind.REFLECT: (gettext_noop("Reflect"), 10),
}


class SessionConflict(Exception):
    """The session changed since the editor loaded it; `current` is how it is now."""

    def __init__(self, current: Session):
        super().__init__("someone changed this session meanwhile")
        self.current = current


class SessionStateError(Exception):
    """The action does not fit the session's state (e.g. RSVP to a cancelled session)."""


# --- planning -------------------------------------------------------------------------


def _lock(session: Session) -> None:
    """Hold the session's row until the transaction ends: writes that read the session's
    rows and then add to them (attendance, agenda positions, bookends) take turns, so two
    parallel saves cannot both insert what the other is inserting."""
    list(Session.objects.select_for_update().filter(pk=session.pk).values_list("pk", flat=True))


def session_create(*, community, user: User, data: dict, repeat: dict | None = None) -> Session:
    """A draft session; with `repeat` ({frequency, until, count}) also the series it starts,
    whose other sessions are made when the draft is published. All or nothing."""
    data = dict(data)
    facilitators = data.pop("facilitators", [])
    with transaction.atomic():
        session = Session.objects.create(
            community=community, created_by=user, status=Session.Status.DRAFT, **data
        )
        session.facilitators.set({user, *facilitators})
        if repeat:
            series_create(session=session, user=user, **repeat)
            session.refresh_from_db()
    return session


def session_update(*, session: Session, user: User, data: dict, version: int | None) -> Session:
    """Save the planner's changes if nobody saved since `version`; else SessionConflict.

    Changing the time of a published session is a reschedule: RSVPs stay, SEQUENCE grows
    and everyone who RSVP'd is told.
    """
    data = dict(data)
    facilitators = data.pop("facilitators", None)
    rescheduled = session.status == Session.Status.SCHEDULED and (
        data["starts_at"] != session.starts_at
        or data["duration_minutes"] != session.duration_minutes
    )
    # What members would notice (not a save that changed nothing), against the saved row:
    # the planner's form may already have set the new values on `session`.
    saved = Session.objects.filter(pk=session.pk).values(*data).first() or {}
    details_changed = any(saved.get(name) != value for name, value in data.items())
    updates = {**data, "version": F("version") + 1, "updated_at": timezone.now()}
    if rescheduled:
        updates["sequence"] = F("sequence") + 1
    with transaction.atomic():
        # The version in the WHERE clause is the optimistic lock: one writer wins.
        changed = Session.objects.filter(pk=session.pk, version=version).update(**updates)
        if not changed:
            raise SessionConflict(Session.objects.get(pk=session.pk))
        rows_changed([session.community_id])
        session.refresh_from_db()
        if facilitators is not None:
            session.facilitators.set(facilitators)
        _series_changed(session)
        if rescheduled:
            _notify_rsvps(session, kind="rescheduled", responses=list(RSVP.Response.values))
        elif (
            details_changed
            and session.status == Session.Status.SCHEDULED
            and not session.has_started
        ):
            _notify_changed(session)
    return session


def session_publish(*, session: Session) -> Session:
    if session.status != Session.Status.DRAFT:
        raise SessionStateError(pgettext("meeting", "Only a draft can be published."))
    if session.has_started:
        raise SessionStateError(
            pgettext("meeting", "This session's time has passed; please choose a new time first.")
        )
    with transaction.atomic():
        Session.objects.filter(pk=session.pk).update(
            status=Session.Status.SCHEDULED, version=F("version") + 1, updated_at=timezone.now()
        )
        session.refresh_from_db()
        if session.series_id is not None:
            # Publishing a series' first session publishes the series: its other sessions
            # are made now, each with the plan of the one before.
            series = session.series
            Series.objects.filter(pk=series.pk).update(is_live=True)
            series.is_live = True
            series_extend(series=series)
    return session


# --- series ---------------------------------------------------------------------------


def _series_changed(session: Session) -> None:
    """One of the series' sessions changed on its own: the series' calendar event (which
    holds it as an EXDATE or a RECURRENCE-ID event) gets a new SEQUENCE."""
    if session.series_id is not None:
        Series.objects.filter(pk=session.series_id).update(sequence=F("sequence") + 1)
        field = Session._meta.get_field("series")
        if field.is_cached(session):
            # The email about this change attaches the series' new SEQUENCE, not the old.
            field.delete_cached_value(session)


def series_uid() -> str:
    host = urlsplit(settings.SITE_URL).hostname or "copsite"
    return f"series-{uuid.uuid4().hex}@{host}"


def _local(starts_at: datetime, tz) -> datetime:
    """The naive wall-clock time of an instant in `tz`."""
    return starts_at.astimezone(tz).replace(tzinfo=None)


def series_occurrences(series: Series, *, now: datetime | None = None):
    """The rule's occurrences (open-ended: up to the rolling horizon from `now`)."""
    now = now or timezone.now()
    tz = series.zoneinfo
    return expand(
        rule=series.rule,
        start=datetime.combine(series.start_date, series.start_time),
        tz=tz,
        until=series.until,
        count=series.count,
        horizon=now + HORIZON if series.is_open_ended else None,
    )


def series_create(
    *, session: Session, user: User, frequency: str, until: date | None, count: int | None
) -> Series:
    """Turn `session` into the first occurrence of a new series ("turn into a series", or
    a series planned from the start). A published session's series is made at once; a
    draft's when the draft is published. Asked twice (a double submit), the session's
    series is returned as it is.
    """
    community = session.community
    tz = community.zoneinfo
    with transaction.atomic():
        _lock(session)
        session.refresh_from_db()
        if session.series_id is not None:
            return session.series
        if not session.is_editable:
            raise SessionStateError(
                pgettext(
                    "meeting", "This session is held or cancelled, so it cannot start a series."
                )
            )
        # Whole seconds: the rule's occurrences have none finer, and the first one must be
        # this session's own RECURRENCE-ID.
        local = _local(session.starts_at, tz).replace(microsecond=0)
        rule = rule_for(frequency, local.date())
        first = expand(rule=rule, start=local, tz=tz, until=until, count=count)[0]
        series = Series.objects.create(
            community=community,
            title=session.title,
            title_pattern=Series.pattern_of(session.title, session.starts_at, tz),
            rule=rule,
            start_date=local.date(),
            start_time=local.time(),
            time_zone=tz.key,
            duration_minutes=session.duration_minutes,
            location=session.location,
            online_url=session.online_url,
            until=until,
            count=count,
            uid=series_uid(),
            is_live=session.status == Session.Status.SCHEDULED,
            created_by=user,
        )
        Session.objects.filter(pk=session.pk).update(
            series=series, recurrence_id=first.starts_at, version=F("version") + 1
        )
        session.refresh_from_db()
        if series.is_live:
            series_extend(series=series)
    return series


def copy_plan(source: Session | None, targets: list[Session]) -> None:
    """Give each target the plan of `source`: its description and its agenda (items,
    minutes, kinds, aligned outcomes). The one place a new occurrence gets its plan, so a
    session template can take the source's place later."""
    if source is None or not targets:
        return
    Session.objects.filter(pk__in=[t.pk for t in targets]).update(description=source.description)
    items = list(source.agenda_items.prefetch_related("aligned_outcomes"))
    copies = AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                session=target,
                position=item.position,
                title=item.title,
                minutes=item.minutes,
                description=item.description,
                kind=item.kind,
            )
            for target in targets
            for item in items
        ]
    )
    links = AgendaItem.aligned_outcomes.through
    outcomes = [list(item.aligned_outcomes.all()) for item in items]
    links.objects.bulk_create(
        [
            links(agendaitem_id=copy.pk, outcome_id=outcome.pk)
            for index, copy in enumerate(copies)
            for outcome in outcomes[index % len(items)]
        ]
    )


def series_extend(*, series: Series, now: datetime | None = None) -> list[Session]:
    """Make the series' occurrences that are due and not yet made: all of a series with an
    end, six months ahead of an open-ended one. Each new session takes the plan and the
    facilitators of the latest session before it. Returns the new sessions."""
    now = now or timezone.now()
    with transaction.atomic():
        # Beat and a request extending at once take turns; the unique occurrence key
        # keeps a second session of an occurrence out either way.
        series = Series.objects.select_for_update().get(pk=series.pk)
        if not series.is_live:
            return []
        known = set(series.sessions.values_list("recurrence_id", flat=True))
        wanted = [
            occurrence
            for occurrence in series_occurrences(series, now=now)
            if occurrence.starts_at not in known and occurrence.starts_at > now
        ]
        if not wanted:
            return []
        source = (
            series.sessions.exclude(status=Session.Status.CANCELLED)
            .filter(recurrence_id__lt=wanted[0].starts_at)
            .order_by("-recurrence_id")
            .first()
        )
        created = Session.objects.bulk_create(
            [
                Session(
                    community_id=series.community_id,
                    series=series,
                    recurrence_id=occurrence.starts_at,
                    title=series.title_on(occurrence.starts_at),
                    starts_at=occurrence.starts_at,
                    duration_minutes=series.duration_minutes,
                    location=series.location,
                    online_url=series.online_url,
                    status=Session.Status.SCHEDULED,
                    created_by=series.created_by,
                )
                for occurrence in wanted
            ]
        )
        if source is not None:
            people = list(source.facilitators.values_list("pk", flat=True))
            through = Session.facilitators.through
            through.objects.bulk_create(
                [through(session_id=s.pk, user_id=pk) for s in created for pk in people]
            )
            copy_plan(source, created)
    return created


class SeriesConflict(Exception):
    """The series changed since the editor loaded it; `current` is how it is now."""

    def __init__(self, current: Series):
        super().__init__("someone changed this series meanwhile")
        self.current = current


THIS, FOLLOWING, FUTURE = "this", "following", "future"
SERIES_FIELDS = ("title", "duration_minutes", "location", "online_url")


def series_edit(
    *,
    session: Session,
    user: User,
    data: dict,
    scope: str,
    version: int | None,
    session_version: int | None,
) -> Series:
    """Apply the planner's changes to this session and the ones after it (`FOLLOWING`) or
    to every session still ahead (`FUTURE`): time, length, place, link, facilitators and
    description. Sessions that have begun are never changed.

    When sessions before the first changed one exist, the series is split: the old one
    ends (UNTIL) the day before, and a new series with a new UID carries on from the new
    time, with the same rhythm, end and series answers. Otherwise the series is changed in
    place. Either way each changed session keeps its RSVPs, agenda and page, and everyone
    who answered going or maybe is told once, with the updated calendar file.
    `version` is the series' version the editor saw: an older one is SeriesConflict.
    `session_version` is the edited session's: when someone saved that session meanwhile
    (its time, say), the edit would silently undo their change, so it is SessionConflict.
    """
    now = timezone.now()
    if session.has_started or not session.is_editable:
        raise SessionStateError(
            pgettext(
                "meeting",
                "This session has begun or is over, and a series edit never changes those. "
                "Open a session still ahead to change the series from there.",
            )
        )
    data = dict(data)
    facilitators = data.pop("facilitators", None)
    with transaction.atomic():
        # Locked, so a planner saving this one session waits until the series edit is in.
        saved = (
            Session.objects.select_for_update()
            .filter(pk=session.pk)
            .values_list("version", flat=True)
            .first()
        )
        if saved is None or saved != session_version:
            raise SessionConflict(Session.objects.get(pk=session.pk))
        changed = Series.objects.filter(pk=session.series_id, version=version).update(
            version=F("version") + 1, sequence=F("sequence") + 1, updated_at=now
        )
        if not changed:
            raise SeriesConflict(Series.objects.get(pk=session.series_id))
        series = Series.objects.select_for_update().get(pk=session.series_id)
        # The new half of a split ends where the whole series ended.
        original_until = series.until
        tz = series.zoneinfo
        occurrences = list(series.sessions.select_for_update().order_by("recurrence_id"))
        if scope == FOLLOWING:
            pivot = next(i for i, o in enumerate(occurrences) if o.pk == session.pk)
        else:
            pivot = next(
                i
                for i, o in enumerate(occurrences)
                if o.starts_at > now and o.status != Session.Status.COMPLETED
            )
        # The edited session's change of wall-clock time (days and hours) moves the rule.
        shift = _local(data["starts_at"], tz) - _local(session.recurrence_id, tz)
        ahead, before = occurrences[pivot:], occurrences[:pivot]
        start = _local(ahead[0].recurrence_id, tz) + shift
        rule = rule_for(frequency_of(series.rule), start.date())
        count = series.count - len(before) if series.count else None
        new_starts = expand(
            rule=rule,
            start=start,
            tz=tz,
            until=series.until,
            count=count,
            horizon=now + HORIZON if series.is_open_ended else None,
        )
        fields = {name: data[name] for name in SERIES_FIELDS}
        # The edited session's title on its new day: "Retro, 8 Apr 2026" keeps each
        # occurrence called by its own date.
        fields["title_pattern"] = Series.pattern_of(data["title"], data["starts_at"], tz)
        if before:
            old = series
            Series.objects.filter(pk=old.pk).update(
                until=_local(ahead[0].recurrence_id, tz).date() - timedelta(days=1), count=None
            )
            old.refresh_from_db()
            series = Series.objects.create(
                community_id=old.community_id,
                rule=rule,
                start_date=start.date(),
                start_time=start.time(),
                time_zone=old.time_zone,
                until=original_until,
                count=count,
                uid=series_uid(),
                is_live=old.is_live,
                created_by=user,
                **fields,
            )
            SeriesRSVP.objects.bulk_create(
                [
                    SeriesRSVP(series=series, user_id=rsvp.user_id, response=rsvp.response)
                    for rsvp in old.rsvps.all()
                ]
            )
            changed_series = [old, series]
        else:
            Series.objects.filter(pk=series.pk).update(
                rule=rule, start_date=start.date(), start_time=start.time(), **fields
            )
            series.refresh_from_db()
            changed_series = [series]
        # Free the occurrence keys first: re-timed sessions may take each other's.
        Session.objects.filter(pk__in=[o.pk for o in ahead]).update(recurrence_id=None)
        kept = list(zip(ahead, new_starts, strict=False))
        for occurrence, new in kept:
            Session.objects.filter(pk=occurrence.pk).update(
                series=series,
                recurrence_id=new.starts_at,
                starts_at=new.starts_at,
                description=data["description"],
                sequence=F("sequence") + 1,
                version=F("version") + 1,
                updated_at=now,
                **{name: fields[name] for name in SERIES_FIELDS if name != "title"},
                title=series.title_on(new.starts_at),
            )
            if facilitators is not None:
                occurrence.facilitators.set(facilitators)
        # Sessions the new rule no longer has (a shorter until) are cancelled, not lost.
        for occurrence in ahead[len(kept) :]:
            Session.objects.filter(pk=occurrence.pk).update(
                series=series if before else occurrence.series_id,
                recurrence_id=occurrence.starts_at,
                status=Session.Status.CANCELLED,
                # Stored: in the words of the facilitator who changed the series.
                cancel_reason=gettext("The series changed, and this date is no longer part of it."),
                sequence=F("sequence") + 1,
            )
        series_extend(series=series, now=now)
        series_change_notify(series_list=changed_series, sessions=[o.pk for o in ahead])
    return series


def series_change_notify(*, series_list: list[Series], sessions: list[int]) -> int:
    """Tell everyone who answered going or maybe — to the series, or to one of the changed
    `sessions` — once per change (the series' SEQUENCE is in the key), with the updated
    calendar file of every series involved."""
    series = series_list[-1]
    series_ids = [s.pk for s in series_list]
    users = (
        User.objects.filter(
            Q(
                pk__in=SeriesRSVP.objects.filter(
                    series_id__in=series_ids, response__in=GOING_OR_MAYBE
                ).values("user_id")
            )
            | Q(
                pk__in=RSVP.objects.filter(
                    session_id__in=sessions, response__in=GOING_OR_MAYBE
                ).values("user_id")
            ),
            memberships__community_id=series.community_id,
            memberships__status=Membership.Status.ACTIVE,
        )
        .distinct()
        .order_by("pk")
    )
    ics_by_language: dict[str, str] = {}  # one file per language spoken, not per person
    first = series.sessions.filter(starts_at__gte=timezone.now()).order_by("starts_at").first()
    sent = 0
    for user in users:
        context = session_email_context(first, user, series=series) if first else None
        if context is None:
            continue
        language = for_person(user)
        if language not in ics_by_language:
            with speaking(user):
                ics_by_language[language] = series_ics(
                    series_list, include_online_link=True
                ).decode()
        ics = ics_by_language[language]
        with timezone.override(user.zoneinfo):
            _, created = email_render_and_enqueue(
                key=f"series-changed:{series.pk}:{user.pk}:{series.sequence}",
                kind="session_series_changed",
                template_prefix="sessions/email/series_changed",
                context=context,
                to_email=user.email,
                recipient=user,
                headers=list_unsubscribe_headers(user, "reminders"),
                attachments=[Attachment(f"series-{series.pk}.ics", ics, "text/calendar")],
            )
        sent += created
    return sent


def series_agenda_apply(*, session: Session) -> int:
    """Give every later session of the series that is still ahead this session's plan
    (description and agenda), replacing theirs; returns how many changed. Sessions that
    have begun are never changed."""
    if session.series_id is None:
        return 0
    with transaction.atomic():
        Series.objects.select_for_update().filter(pk=session.series_id).update(
            sequence=F("sequence") + 1
        )
        later = list(
            Session.objects.filter(
                series_id=session.series_id,
                starts_at__gt=max(session.starts_at, timezone.now()),
                status__in=[Session.Status.DRAFT, Session.Status.SCHEDULED],
            )
        )
        AgendaItem.objects.filter(session__in=later).delete()
        copy_plan(session, later)
    return len(later)


def series_rsvp_set(*, series: Series, user: User, response: str) -> SeriesRSVP:
    """One answer for every session of the series ("going to all"); a session's own answer
    still overrides it for that session."""
    if not series.is_live:
        raise SessionStateError(gettext("This series is not published yet, so it takes no RSVPs."))
    rsvp, _ = SeriesRSVP.objects.update_or_create(
        series=series, user=user, defaults={"response": response}
    )
    return rsvp


def series_extend_open_ended(*, now: datetime | None = None) -> int:
    """Keep every open-ended series made six months ahead (beat, daily)."""
    made = 0
    for series in Series.objects.filter(is_live=True, until=None, count=None).order_by("pk"):
        try:
            made += len(series_extend(series=series, now=now))
        except RuleError:
            # A rule that no longer expands (it was valid when saved) makes nothing more.
            continue
    return made


def session_cancel(*, session: Session, reason: str) -> Session:
    if not session.is_editable:
        raise SessionStateError(pgettext("meeting", "This session is already held or cancelled."))
    was_published = session.status == Session.Status.SCHEDULED
    with transaction.atomic():
        Session.objects.filter(pk=session.pk).update(
            status=Session.Status.CANCELLED,
            cancel_reason=reason,
            sequence=F("sequence") + 1,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        rows_changed([session.community_id])
        session.refresh_from_db()
        # In a series, a cancelled session is a skipped date (EXDATE).
        _series_changed(session)
        if was_published:
            _notify_rsvps(session, kind="cancelled", responses=list(GOING_OR_MAYBE))
    return session


# --- agenda ---------------------------------------------------------------------------


def _renumber(session: Session) -> None:
    items = list(session.agenda_items.order_by("position", "pk"))
    for position, item in enumerate(items):
        item.position = position
    AgendaItem.objects.bulk_update(items, ["position"])


def agenda_item_add(*, session: Session, data: dict, kind: str = AgendaItem.Kind.ACTIVITY):
    outcomes = data.get("aligned_outcomes") or []
    data = {name: data[name] for name in ("title", "minutes", "description") if name in data}
    with transaction.atomic():
        _lock(session)
        last = session.agenda_items.aggregate(last=Max("position"))["last"]
        item = AgendaItem.objects.create(
            session=session, kind=kind, position=(last or 0) + 1, **data
        )
        item.aligned_outcomes.set(outcomes)
        _renumber(session)
    return item


class AgendaItemConflict(Exception):
    """The item changed since the editor opened it; `current` is how it is now."""

    def __init__(self, current: AgendaItem):
        super().__init__("someone changed this agenda item meanwhile")
        self.current = current


def agenda_item_update(*, item: AgendaItem, data: dict, version: int | None) -> AgendaItem:
    data = dict(data)
    outcomes = data.pop("aligned_outcomes", [])
    fields = {name: data[name] for name in ("title", "minutes", "description")}
    with transaction.atomic():
        changed = AgendaItem.objects.filter(pk=item.pk, version=version).update(
            **fields, version=F("version") + 1
        )
        if not changed:
            raise AgendaItemConflict(AgendaItem.objects.get(pk=item.pk))
        item.refresh_from_db()
        item.aligned_outcomes.set(outcomes)
    return item


def agenda_item_remove(*, item: AgendaItem) -> None:
    with transaction.atomic():
        session = item.session
        item.delete()
        _renumber(session)


def agenda_item_move(*, item: AgendaItem, direction: str) -> None:
    """Swap the item with its neighbour above ("up") or below ("down")."""
    with transaction.atomic():
        _renumber(item.session)
        items = list(item.session.agenda_items.order_by("position", "pk"))
        index = next(i for i, other in enumerate(items) if other.pk == item.pk)
        target = index - 1 if direction == "up" else index + 1
        if 0 <= target < len(items):
            items[index].position, items[target].position = target, index
            AgendaItem.objects.bulk_update([items[index], items[target]], ["position"])


def agenda_bookend_add(*, session: Session, kind: str) -> AgendaItem:
    """Add a learning-loop bookend: open actions first, reflection last. One click twice
    adds it once."""
    title, minutes = BOOKENDS[kind]
    title = gettext(title)
    with transaction.atomic():
        _lock(session)
        existing = session.agenda_items.filter(kind=kind).first()
        if existing is not None:
            return existing
        if kind == AgendaItem.Kind.REVIEW_ACTIONS:
            session.agenda_items.update(position=F("position") + 1)
            item = AgendaItem.objects.create(
                session=session, kind=kind, title=title, minutes=minutes, position=0
            )
        else:
            last = session.agenda_items.aggregate(last=Max("position"))["last"]
            item = AgendaItem.objects.create(
                session=session,
                kind=kind,
                title=title,
                minutes=minutes,
                position=(-1 if last is None else last) + 1,
            )
        _renumber(session)
    return item


ROUND = (gettext_noop("Round: everyone speaks once"), 10)


def agenda_round_add(*, session: Session) -> AgendaItem:
    """Add a round (speaking turns) at the end of the agenda; the facilitator then words it."""
    title, minutes = ROUND
    return agenda_item_add(
        session=session,
        data={
            "title": gettext(title),
            "minutes": minutes,
            "description": gettext("Each of us speaks once, in the order shown. Passing is fine."),
        },
        kind=AgendaItem.Kind.ROUND,
    )


def round_shuffle(*, item: AgendaItem) -> AgendaItem:
    """A new speaking order for a round: a fresh seed, which everyone's page then follows.
    Refused once the session is held or cancelled (the order is no longer kept)."""
    if not item.is_round:
        raise SessionStateError(gettext("Only a round has a speaking order."))
    if item.session.status != Session.Status.SCHEDULED:
        raise SessionStateError(
            pgettext("meeting", "This session is over, so its round keeps no order.")
        )
    item.round_seed = secrets.randbelow(2**31)
    AgendaItem.objects.filter(pk=item.pk).update(round_seed=item.round_seed)
    return item


# --- templates ------------------------------------------------------------------------


class TemplateNameTaken(Exception):
    """The community already has a template of that name."""


def template_title(template: SessionTemplate, starts_at: datetime, tz) -> str:
    """The title a session planned from `template` on `starts_at` gets: its title pattern
    (or else its name) with "{date}" replaced by the day in the community's calendar
    (`tz`), e.g. "Show and tell, 6 Dec 2026". Any other braces stay as they are."""
    return title_for(template.title_pattern or template.name, starts_at, tz)


def _template_items(template: SessionTemplate) -> list[TemplateItem]:
    return list(
        template.items.order_by("position", "pk").prefetch_related(
            Prefetch("aligned_outcomes", queryset=Outcome.objects.order_by("pk"))
        )
    )


def apply_template(session: Session, template: SessionTemplate) -> list[AgendaItem]:
    """Copy `template`'s plan onto `session`: its agenda becomes the template's items, in
    order, with their minutes, descriptions, kinds (the loop's bookends stay bookends) and
    aligned outcomes. An outcome that is no longer agreed, or belongs to another community,
    is skipped; the item is still copied. Items the session had are replaced.

    The session's own fields (title, time, place) are left as they are: the caller decides
    those (session_from_template, or a series making its next occurrence)."""
    items = _template_items(template)
    with transaction.atomic():
        _lock(session)
        session.agenda_items.all().delete()
        created = AgendaItem.objects.bulk_create(
            [
                AgendaItem(
                    session=session,
                    position=position,
                    title=item.title,
                    minutes=item.minutes,
                    description=item.description,
                    kind=item.kind,
                )
                for position, item in enumerate(items)
            ]
        )
        links = [
            AgendaItem.aligned_outcomes.through(agendaitem_id=agenda_item.pk, outcome_id=outcome.pk)
            for agenda_item, item in zip(created, items, strict=True)
            for outcome in item.aligned_outcomes.all()
            if outcome.status == Outcome.Status.AGREED
            and outcome.community_id == session.community_id
        ]
        AgendaItem.aligned_outcomes.through.objects.bulk_create(links)
    return created


def session_from_template(
    *, community, user: User, template: SessionTemplate, data: dict, repeat: dict | None = None
) -> Session:
    """A new draft session planned from `template`: the planner's `data` (as for
    session_create), where an empty title becomes the template's title for that date and an
    empty description the template's; then the template's agenda."""
    data = dict(data)
    if not data.get("title"):
        data["title"] = template_title(template, data["starts_at"], community.zoneinfo)
    if not data.get("description"):
        data["description"] = template.description
    with transaction.atomic():
        # A series' other sessions are made at publishing, each with this session's plan.
        session = session_create(community=community, user=user, data=data, repeat=repeat)
        apply_template(session, template)
    return session


def _copy_items(template: SessionTemplate, items) -> None:
    """Write `items` (dicts with title, minutes, description, kind and an optional list of
    outcome ids) as the template's plan, in order."""
    rows = TemplateItem.objects.bulk_create(
        [
            TemplateItem(
                template=template,
                position=position,
                title=item["title"],
                minutes=item["minutes"],
                description=item.get("description", ""),
                kind=item.get("kind", AgendaItem.Kind.ACTIVITY),
            )
            for position, item in enumerate(items)
        ]
    )
    TemplateItem.aligned_outcomes.through.objects.bulk_create(
        [
            TemplateItem.aligned_outcomes.through(templateitem_id=row.pk, outcome_id=outcome_id)
            for row, item in zip(rows, items, strict=True)
            for outcome_id in item.get("outcome_ids", ())
        ]
    )


def _save_named(template: SessionTemplate) -> None:
    """Save under a name the community does not use yet, else TemplateNameTaken (two saves
    at once meet at the unique key; the second is told, not given a 500)."""
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError:
        raise TemplateNameTaken(template.name) from None


def template_save_from_session(
    *, session: Session, user: User, name: str, title_pattern: str
) -> SessionTemplate:
    """ "Save as template": the session's description, length and agenda (items in order,
    with minutes, kinds and aligned outcomes) become a template of its community."""
    agenda = list(
        session.agenda_items.order_by("position", "pk").prefetch_related("aligned_outcomes")
    )
    with transaction.atomic():
        template = SessionTemplate(
            community_id=session.community_id,
            name=name,
            title_pattern=title_pattern,
            description=session.description,
            duration_minutes=session.duration_minutes,
            created_by=user,
        )
        _save_named(template)
        _copy_items(
            template,
            [
                {
                    "title": item.title,
                    "minutes": item.minutes,
                    "description": item.description,
                    "kind": item.kind,
                    "outcome_ids": [outcome.pk for outcome in item.aligned_outcomes.all()],
                }
                for item in agenda
            ],
        )
    return template


def template_update(*, template: SessionTemplate, data: dict, items: list[dict]) -> SessionTemplate:
    """Save the library's edit of a template: its fields (`data`) and its items, given in
    their new order as dicts with `item` (the TemplateItem, or None for a new one),
    `title`, `minutes` and `description`. Items left out are removed; kinds and aligned
    outcomes of kept items stay as they were."""
    with transaction.atomic():
        for name, value in data.items():
            setattr(template, name, value)
        _save_named(template)
        keep = [row["item"].pk for row in items if row["item"] is not None]
        template.items.exclude(pk__in=keep).delete()
        for position, row in enumerate(items):
            fields = {
                "position": position,
                "title": row["title"],
                "minutes": row["minutes"],
                "description": row["description"],
            }
            if row["item"] is None:
                TemplateItem.objects.create(template=template, **fields)
            else:
                TemplateItem.objects.filter(pk=row["item"].pk, template=template).update(**fields)
    return template


def template_delete(*, template: SessionTemplate) -> None:
    """Remove a template from the library. Sessions planned from it keep their agendas:
    applying a template copied its plan, it never linked to it."""
    template.delete()


def builtin_templates_create(*, community, user: User | None = None) -> int:
    """Give `community` the built-in templates it does not have yet (show-and-tell, clinic
    on real work, retro that ends in actions); returns how many were made. Safe to call
    again: each is given once, by its `builtin` key. A built-in whose name the community
    already uses for a template of its own is left out rather than renamed."""
    have = set(SessionTemplate.objects.filter(community=community).values_list("builtin", "name"))
    keys = {key for key, _ in have}
    names = {name for _, name in have}
    made = 0
    for plan in BUILTIN_TEMPLATES:
        # In the words of the person whose community it is (the active language).
        plan = builtin_template_in_words(plan)
        if plan["builtin"] in keys or plan["name"] in names:
            continue
        with transaction.atomic():
            template = SessionTemplate.objects.create(
                community=community,
                builtin=plan["builtin"],
                name=plan["name"],
                title_pattern=plan["title_pattern"],
                description=plan["description"],
                duration_minutes=plan["duration_minutes"],
                created_by=user,
            )
            _copy_items(template, plan["items"])
        made += 1
    return made


def builtin_templates_on_community_created(sender, *, community, creator=None, **kwargs) -> None:
    """communities' `community_created` signal: a new community starts with the built-in
    templates in its library."""
    builtin_templates_create(community=community, user=creator)


# --- members --------------------------------------------------------------------------


def rsvp_set(*, session: Session, user: User, response: str) -> RSVP:
    if session.is_cancelled:
        raise SessionStateError(
            pgettext("meeting", "This session is cancelled, so it takes no RSVPs.")
        )
    if session.has_started or session.status != Session.Status.SCHEDULED:
        raise SessionStateError(
            pgettext("meeting", "This session has already started, so it takes no RSVPs.")
        )
    rsvp, _ = RSVP.objects.update_or_create(
        session=session, user=user, defaults={"response": response}
    )
    return rsvp


def attendance_record(
    *, session: Session, recorded_by: User, attendees: list[User], complete: bool
) -> Session:
    """Make the attendance list exactly `attendees`; someone who had not said going or maybe
    is a walk-in. `complete` marks the session held."""
    if not session.can_record_attendance:
        raise SessionStateError(
            pgettext("meeting", "Attendance can be recorded once the session has started.")
        )
    wanted = {user.pk for user in attendees}
    rsvped = set(
        User.objects.filter(answered_q(session, GOING_OR_MAYBE)).values_list("pk", flat=True)
    )
    with transaction.atomic():
        _lock(session)
        session.refresh_from_db(fields=["status", "version"])
        session.attendances.exclude(user_id__in=wanted).delete()
        present = set(session.attendances.values_list("user_id", flat=True))
        # The lock makes the saves take turns; ignore_conflicts (ON CONFLICT DO NOTHING)
        # keeps a row written by any other path from turning into an error.
        Attendance.objects.bulk_create(
            [
                Attendance(
                    session=session,
                    user_id=user_id,
                    walk_in=user_id not in rsvped,
                    recorded_by=recorded_by,
                )
                for user_id in sorted(wanted - present)
            ],
            ignore_conflicts=True,
        )
        if complete and session.status != Session.Status.COMPLETED:
            Session.objects.filter(pk=session.pk).update(
                status=Session.Status.COMPLETED, version=F("version") + 1
            )
            # A round's order is kept only until the session is held.
            session.agenda_items.filter(round_seed__isnull=False).update(round_seed=None)
            session.refresh_from_db()
        if session.status == Session.Status.COMPLETED:
            # Held: everyone who came is invited to reflect, once each, including a
            # walk-in added when the list is corrected later.
            reflect_invitations_send(session=session, user_ids=wanted)
            buddy_milestones_celebrate(session=session, user_ids=wanted)
    return session


def buddy_milestones_celebrate(*, session: Session, user_ids: set[int]) -> int:
    """A newcomer's first held session attended together with their buddy (their active
    mentoring pair's mentor) is a milestone: celebrated once per pair (the milestone's
    key), never a level change. One query for the pairs, then one write per new one."""
    pairs = (
        MentoringPair.objects.active()
        .filter(
            community_id=session.community_id,
            mentor_id__in=user_ids,
            newcomer_id__in=user_ids,
            started_at__lte=session.ends_at,
        )
        .exclude(milestones__kind=Milestone.Kind.BUDDY_FIRST_SESSION)
        .select_related("mentor", "newcomer")
    )
    pairs = list(pairs)
    if not pairs:
        return 0
    memberships = {
        m.user_id: m
        for m in Membership.objects.active()
        .filter(community_id=session.community_id, user_id__in=[p.newcomer_id for p in pairs])
        .select_related("community", "user")
    }
    made = 0
    for pair in pairs:
        membership = memberships.get(pair.newcomer_id)
        if membership is None:
            continue
        milestone = milestone_celebrate(
            membership=membership,
            kind=Milestone.Kind.BUDDY_FIRST_SESSION,
            key=f"buddy-first-session:{pair.pk}",
            detail=session.title,
            pair=pair,
            text=phrase(
                gettext_lazy(
                    "Your first session with your buddy %(name)s: %(title)s. Lovely to see you "
                    "there together!"
                ),
                name=pair.mentor.name,
                title=session.title,
            ),
        )
        made += milestone is not None
    return made


def reflect_invitation_key(*, session: Session, user: User) -> str:
    return f"reflect-invite:{session.pk}:{user.pk}"


def reflect_invitations_send(*, session: Session, user_ids: set[int]) -> int:
    """Thank each attendee and invite them to reflect on the session: one email per person
    and session, ever. Session emails follow the reminder preferences, so a person who
    turned both reminders off (or muted the community) is not emailed; the session page
    still invites them."""
    users = {
        reflect_invitation_key(session=session, user=user): user
        for user in User.objects.filter(
            pk__in=user_ids,
            memberships__community_id=session.community_id,
            memberships__status=Membership.Status.ACTIVE,
            memberships__muted=False,
        )
        .filter(Q(remind_24h=True) | Q(remind_1h=True))
        .order_by("pk")
    }
    done = set(EmailDelivery.objects.filter(key__in=list(users)).values_list("key", flat=True))
    reflect_link = reflect_url(session)
    # In a series, the invitation points on to the next session: the loop keeps going.
    following = session.next_occurrence()
    next_link = session_url(following) if following else ""
    faces = pulse_links(session)
    sent = 0
    for key, user in users.items():
        if key in done:
            continue
        with timezone.override(user.zoneinfo):
            _, created = email_render_and_enqueue(
                key=key,
                kind="session_reflect",
                template_prefix="sessions/email/reflect",
                context=session_email_context(
                    session,
                    user,
                    reflect_url=reflect_link,
                    next_session=following,
                    next_url=next_link,
                    pulse_links=faces,
                ),
                to_email=user.email,
                recipient=user,
                headers=list_unsubscribe_headers(user, "reminders"),
            )
        sent += created
    return sent


def pulse_answer(*, session: Session, user: User, face: int, better: str = "") -> PulseAnswer:
    """Save `user`'s answer to the session's pulse, or change the one they gave: one row
    per person and session (a double submit, or two tabs at once, leaves one). Only people
    who attended a held session answer. The row keeps no link to the person (see
    PulseAnswer)."""
    if session.status != Session.Status.COMPLETED:
        raise SessionStateError(
            pgettext("meeting", "The pulse opens once the session is marked held.")
        )
    if not session.attendances.filter(user=user).exists():
        raise SessionStateError(
            pgettext("meeting", "The pulse is for the people who came to this session.")
        )
    respondent = PulseAnswer.respondent_for(session.pk, user.pk)
    values = {"face": face, "better": better.strip()}
    try:
        with transaction.atomic():
            answer, _ = PulseAnswer.objects.update_or_create(
                session=session, respondent=respondent, defaults=values
            )
    except IntegrityError:
        # The same answer arrived twice at once: the other request made the row; change it.
        PulseAnswer.objects.filter(session=session, respondent=respondent).update(**values)
        rows_changed([session.community_id])
        answer = PulseAnswer.objects.get(session=session, respondent=respondent)
    return answer


def cofacilitation_invite(*, session: Session, user: User, invited_by: User) -> CoFacilitation:
    """Invite an active member to co-facilitate the series' next occurrence after
    `session`; they are told once (the notification's key). A second invitation of the
    same person gives the first one back."""
    following = session.next_occurrence()
    if following is None:
        raise SessionStateError(
            pgettext("meeting", "This session has no next occurrence to co-facilitate.")
        )
    member = Membership.objects.filter(
        community_id=session.community_id, user=user, status=Membership.Status.ACTIVE
    ).exists()
    if not member:
        raise SessionStateError(gettext("Only active members of the community can co-facilitate."))
    if following.facilitators.filter(pk=user.pk).exists():
        raise SessionStateError(
            pgettext("meeting", "%(name)s already facilitates the next session.")
            % {"name": user.name}
        )
    try:
        with transaction.atomic():
            invite, _ = CoFacilitation.objects.get_or_create(
                session=following, user=user, defaults={"invited_by": invited_by}
            )
    except IntegrityError:
        invite = CoFacilitation.objects.get(session=following, user=user)
    notify(
        user,
        "cofacilitation_invite",
        key=f"cofacilitate:{following.pk}:{user.pk}",
        text=phrase(
            gettext_lazy("%(name)s invites you to co-facilitate “%(title)s”."),
            name=invited_by.name,
            title=following.title,
        ),
        url=following.get_absolute_url() + "#cofacilitate",
        community=session.community,
        actor=invited_by,
        due_at=following.starts_at,
    )
    return invite


def cofacilitation_answer(*, invite: CoFacilitation, accept: bool) -> CoFacilitation:
    """Accept (join the session's facilitators) or decline; answering again changes it."""
    if invite.session.status != Session.Status.SCHEDULED:
        raise SessionStateError(pgettext("meeting", "This session is no longer ahead."))
    with transaction.atomic():
        invite.status = CoFacilitation.Status.ACCEPTED if accept else CoFacilitation.Status.DECLINED
        invite.answered_at = timezone.now()
        invite.save(update_fields=["status", "answered_at"])
        if accept:
            invite.session.facilitators.add(invite.user)
        else:
            invite.session.facilitators.remove(invite.user)
    return invite


def calendar_token_reset(*, user: User) -> str:
    """A new secret for the personal calendar feed: the old link stops working at once."""
    user.calendar_token = secrets.token_urlsafe(24)
    user.save(update_fields=["calendar_token"])
    return user.calendar_token


# --- email ----------------------------------------------------------------------------


def _session_email(*, session: Session, user: User, kind: str, key: str, extra=None):
    """Render one email about `session` for `user`, in the user's own timezone, with the
    session's .ics attached."""
    context = session_email_context(session, user, **(extra or {}))
    with speaking(user):
        # The calendar file's words in the recipient's language, as the email's.
        ics = session_ics(session, include_online_link=True).decode()
    with timezone.override(user.zoneinfo):
        return email_render_and_enqueue(
            key=key,
            kind=f"session_{kind}",
            template_prefix=f"sessions/email/{kind}",
            context=context,
            to_email=user.email,
            recipient=user,
            headers=list_unsubscribe_headers(user, "reminders"),
            attachments=[Attachment(f"session-{session.pk}.ics", ics, "text/calendar")],
        )


def _notify_rsvps(session: Session, *, kind: str, responses: list[str]) -> int:
    """Tell everyone who answered, while they are still in the community: someone who has
    left could not open the session's page, and its calendar file carries the online
    link, which is for members."""
    users = User.objects.filter(
        answered_q(session, responses),
        memberships__community_id=session.community_id,
        memberships__status=Membership.Status.ACTIVE,
    )
    emailed = []

    def key(user: User) -> str:
        return f"session-{kind}:{session.pk}:{user.pk}:{session.sequence}"

    # One bounded batch however many answered (accounts.notifications.notify_many).
    notify_many(
        users,
        f"session_{kind}",
        key=key,
        community=session.community,
        text=lambda user: _change_text(session, user, kind),
        url=session.get_absolute_url(),
        email=lambda user: emailed.append(
            _session_email(session=session, user=user, kind=kind, key=key(user))[1]
        ),
    )
    return sum(emailed)


def _change_text(session: Session, user: User, kind: str) -> str:
    """The one line a notification of a session's change shows, in `user`'s timezone and
    language (accounts.notifications calls it in their language)."""
    words = {
        "title": session.title,
        "at": when(timezone.localtime(session.starts_at, user.zoneinfo), "weekday_time"),
    }
    if kind == "cancelled":
        return gettext("“%(title)s” on %(at)s is cancelled.") % words + (
            f" {session.cancel_reason}" if session.cancel_reason else ""
        )
    if kind == "rescheduled":
        return gettext("“%(title)s” has moved: it now starts %(at)s.") % words
    return gettext("“%(title)s” (%(at)s) has changed: have a look at what's new.") % words


def _notify_changed(session: Session) -> None:
    """A published session's details changed (not its time): everyone going or maybe is
    told in the site, once per version; the email follows each person's choice."""
    users = User.objects.filter(
        rsvps__session=session,
        rsvps__response__in=GOING_OR_MAYBE,
        memberships__community_id=session.community_id,
        memberships__status=Membership.Status.ACTIVE,
    )
    notify_many(
        users,
        "session_changed",
        key=lambda user: f"session-changed:{session.pk}:{user.pk}:{session.version}",
        community=session.community,
        text=lambda user: _change_text(session, user, "changed"),
        url=session.get_absolute_url(),
        due_at=session.starts_at,
    )


def reminder_key(*, kind: str, session: Session, user: User) -> str:
    starts_at = session.starts_at.astimezone(UTC)
    return f"reminder:{kind}:{session.pk}:{user.pk}:{starts_at:%Y%m%dT%H%M}"


def reminder_kind_due(session: Session, now: datetime) -> str | None:
    """ "1h" in the last hour before the start, "24h" in the day before that; None after."""
    lead = session.starts_at - now
    if timedelta(0) < lead <= timedelta(hours=1):
        return "1h"
    if timedelta(hours=1) < lead <= timedelta(hours=24):
        return "24h"
    return None


def _day_word(session: Session, user: User, now: datetime) -> str:
    """ "Today" or "Tomorrow" as the recipient's own calendar has it."""
    days = (
        timezone.localdate(session.starts_at, user.zoneinfo)
        - timezone.localdate(now, user.zoneinfo)
    ).days
    return {0: "Today", 1: "Tomorrow"}.get(days, "Coming up")


def reminder_recipients(session: Session, kind: str):
    """Who RSVP'd going or maybe, wants this kind of reminder and has not muted the
    community."""
    return (
        User.objects.filter(
            answered_q(session, GOING_OR_MAYBE),
            memberships__community_id=session.community_id,
            memberships__status=Membership.Status.ACTIVE,
            memberships__muted=False,
            **{f"remind_{kind}": True},
        )
        .distinct()
        .order_by("pk")
    )


def reminders_send_due(*, now: datetime | None = None) -> int:
    """Record every reminder that is due and not yet recorded; returns how many are new.

    Safe to run any number of times, concurrently or after a crash: each reminder's key
    (kind, session, person, scheduled start) is unique in the sent-email record.
    """
    now = now or timezone.now()
    sessions = list(
        Session.objects.due_for_reminders(now, within=timedelta(hours=24))
        # An archived community is quiet: its sessions send no reminders.
        .filter(community__archived=False)
        .select_related("community")
    )
    switches = {
        row.community_id: row
        for row in SessionSettings.objects.filter(
            community_id__in={session.community_id for session in sessions}
        )
    }
    created = 0
    for session in sessions:
        kind = reminder_kind_due(session, now)
        community_settings = switches.get(session.community_id)
        if kind is None or not getattr(community_settings, f"remind_{kind}", True):
            continue
        recipients = {
            reminder_key(kind=kind, session=session, user=user): user
            for user in reminder_recipients(session, kind)
        }
        # One query skips everyone already reminded, so a scan every five minutes does
        # not render (and throw away) the same emails all day long.
        done = set(
            EmailDelivery.objects.filter(key__in=list(recipients)).values_list("key", flat=True)
        )
        for key, user in recipients.items():
            if key in done:
                continue
            _, new = _session_email(
                session=session,
                user=user,
                kind="reminder",
                key=key,
                extra={"reminder_kind": kind, "day_word": _day_word(session, user, now)},
            )
            created += new
    return created


@transaction.atomic
def session_settings_save(*, community, remind_24h: bool, remind_1h: bool) -> SessionSettings:
    """The community's reminder settings: one row, made on the first save (two saves at
    once meet at its unique key, so there is never a second row)."""
    row, _ = SessionSettings.objects.update_or_create(
        community=community, defaults={"remind_24h": remind_24h, "remind_1h": remind_1h}
    )
    return row
