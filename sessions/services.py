"""Writes of the sessions app: planning, lifecycle, RSVPs, attendance, reminders.

Every email is recorded through accounts.mail under a key naming the session, the person
and what changed (sequence or scheduled start), so it is sent exactly once.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Prefetch, Q
from django.utils import dateformat, timezone

from accounts.mail import Attachment, email_render_and_enqueue
from accounts.models import EmailDelivery, User
from accounts.unsubscribe import list_unsubscribe_headers
from communities.models import Membership
from core.templatetags.dates import STYLES
from outcomes.models import Outcome

from .builtin_templates import BUILTIN_TEMPLATES
from .calendar import session_ics
from .emails import reflect_url, session_email_context
from .models import (
    RSVP,
    AgendaItem,
    Attendance,
    Session,
    SessionSettings,
    SessionTemplate,
    TemplateItem,
)

REMINDER_KINDS = ("24h", "1h")
GOING_OR_MAYBE = (RSVP.Response.GOING, RSVP.Response.MAYBE)
BOOKENDS = {
    AgendaItem.Kind.REVIEW_ACTIONS: ("Review our open actions", 10),
    AgendaItem.Kind.REFLECT: ("Reflect", 10),
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


def session_create(*, community, user: User, data: dict) -> Session:
    data = dict(data)
    facilitators = data.pop("facilitators", [])
    with transaction.atomic():
        session = Session.objects.create(
            community=community, created_by=user, status=Session.Status.DRAFT, **data
        )
        session.facilitators.set({user, *facilitators})
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
    updates = {**data, "version": F("version") + 1, "updated_at": timezone.now()}
    if rescheduled:
        updates["sequence"] = F("sequence") + 1
    with transaction.atomic():
        # The version in the WHERE clause is the optimistic lock: one writer wins.
        changed = Session.objects.filter(pk=session.pk, version=version).update(**updates)
        if not changed:
            raise SessionConflict(Session.objects.get(pk=session.pk))
        session.refresh_from_db()
        if facilitators is not None:
            session.facilitators.set(facilitators)
        if rescheduled:
            _notify_rsvps(session, kind="rescheduled", responses=list(RSVP.Response.values))
    return session


def session_publish(*, session: Session) -> Session:
    if session.status != Session.Status.DRAFT:
        raise SessionStateError("Only a draft can be published.")
    if session.has_started:
        raise SessionStateError("This session's time has passed; please choose a new time first.")
    Session.objects.filter(pk=session.pk).update(
        status=Session.Status.SCHEDULED, version=F("version") + 1, updated_at=timezone.now()
    )
    session.refresh_from_db()
    return session


def session_cancel(*, session: Session, reason: str) -> Session:
    if not session.is_editable:
        raise SessionStateError("This session is already held or cancelled.")
    was_published = session.status == Session.Status.SCHEDULED
    with transaction.atomic():
        Session.objects.filter(pk=session.pk).update(
            status=Session.Status.CANCELLED,
            cancel_reason=reason,
            sequence=F("sequence") + 1,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        session.refresh_from_db()
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


# --- templates ------------------------------------------------------------------------


class TemplateNameTaken(Exception):
    """The community already has a template of that name."""


def template_title(template: SessionTemplate, starts_at: datetime, tz) -> str:
    """The title a session planned from `template` on `starts_at` gets: its title pattern
    (or else its name) with "{date}" replaced by the day in the community's calendar
    (`tz`), e.g. "Show and tell, 6 Dec 2026". Any other braces stay as they are."""
    pattern = template.title_pattern or template.name
    day = dateformat.format(timezone.localtime(starts_at, tz), STYLES["date"])
    title = pattern.replace(SessionTemplate.DATE_PLACEHOLDER, day)
    return title[: Session._meta.get_field("title").max_length]


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
    *, community, user: User, template: SessionTemplate, data: dict
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
        session = session_create(community=community, user=user, data=data)
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
        raise SessionStateError("This session is cancelled, so it takes no RSVPs.")
    if session.has_started or session.status != Session.Status.SCHEDULED:
        raise SessionStateError("This session has already started, so it takes no RSVPs.")
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
        raise SessionStateError("Attendance can be recorded once the session has started.")
    wanted = {user.pk for user in attendees}
    rsvped = set(
        session.rsvps.filter(response__in=GOING_OR_MAYBE).values_list("user_id", flat=True)
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
            session.refresh_from_db()
        if session.status == Session.Status.COMPLETED:
            # Held: everyone who came is invited to reflect, once each, including a
            # walk-in added when the list is corrected later.
            reflect_invitations_send(session=session, user_ids=wanted)
    return session


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
    sent = 0
    for key, user in users.items():
        if key in done:
            continue
        with timezone.override(user.zoneinfo):
            _, created = email_render_and_enqueue(
                key=key,
                kind="session_reflect",
                template_prefix="sessions/email/reflect",
                context=session_email_context(session, user, reflect_url=reflect_link),
                to_email=user.email,
                recipient=user,
                headers=list_unsubscribe_headers(user, "reminders"),
            )
        sent += created
    return sent


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
        rsvps__session=session,
        rsvps__response__in=responses,
        memberships__community_id=session.community_id,
        memberships__status=Membership.Status.ACTIVE,
    )
    sent = 0
    for user in users:
        _, created = _session_email(
            session=session,
            user=user,
            kind=kind,
            key=f"session-{kind}:{session.pk}:{user.pk}:{session.sequence}",
        )
        sent += created
    return sent


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
            rsvps__session=session,
            rsvps__response__in=GOING_OR_MAYBE,
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
