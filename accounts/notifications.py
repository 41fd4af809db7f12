"""In-site notifications: one service every app calls, and each person's email choices.

An app registers its kinds in core.plugins (`register_notification_kind`, in its
AppConfig.ready()) and, when something happens, calls `notify(...)` inside its own
transaction. `notify` records the notification once under its key and, by the person's
choice for that kind:
- "immediately": queues the email now, through the exactly-once EmailDelivery path
  (recorded with the notification, sent after commit): the app's own email when it passes
  one (`email=`), else a short generic one;
- "digest": leaves it for the digest's "notifications" section (`digest_sections`);
- "never": the notification waits in the site and nothing is emailed.

Kinds that may not be turned off are emailed immediately whatever the person chose.

The stored text is written in the recipient's language, never the sender's: `text` is a
callable of the recipient (`phrase(_("… %(title)s …"), title=…)`, or a lambda calling
gettext) or a lazy string, evaluated inside `speaking(recipient)` as the row is made
(`written_for`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import groupby
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from core.plugins import notification_kind, notification_kinds

from .languages import for_person, speaking
from .mail import email_render_and_enqueue
from .models import Notification, NotificationPreference, User
from .unsubscribe import list_unsubscribe_headers, unsubscribe_url

if TYPE_CHECKING:
    from .digest import Section

IMMEDIATELY, DIGEST, NEVER = (
    NotificationPreference.Email.IMMEDIATELY,
    NotificationPreference.Email.DIGEST,
    NotificationPreference.Email.NEVER,
)
# Something with a date this close (a session changed for tomorrow, an action due the day
# after) is emailed at once to whoever has not chosen otherwise for its kind: a weekly
# digest would tell them too late.
SOON = timedelta(hours=48)
TEXT_LIMIT = Notification._meta.get_field("text").max_length

# A notification's text: one callable of the recipient (called in their language), or a
# string (a lazy one is written in the recipient's language).
Text = Callable[[User], str] | str


def phrase(message: Any, /, **params: Any) -> Callable[[User], str]:
    """A notification's text, written later in each recipient's language: `message` a lazy
    translation (gettext_lazy, ngettext_lazy, pgettext_lazy) with named placeholders,
    `params` their values, each a string, a lazy string or a callable of no arguments
    (`functools.partial(byline, response)`), written in the same language. The values are
    bound now: safe to build in a loop."""

    def written(person: User) -> str:
        values = {
            name: str(value() if callable(value) else value) for name, value in params.items()
        }
        return str(message) % values if values else str(message)

    return written


def written_for(text: Text, person: User) -> str:
    """`text` as `person` reads it: evaluated in their language, cut to what the list
    shows."""
    with speaking(person):
        return str(text(person) if callable(text) else text)[:TEXT_LIMIT]


# --- choices ------------------------------------------------------------------------------


def chosen(user: User) -> dict[str, str]:
    """The kinds `user` has chosen for (kind → choice): one query."""
    return dict(NotificationPreference.objects.filter(user=user).values_list("kind", "email"))


def email_choice(user: User, kind: str, *, due_at: datetime | None = None) -> str:
    """What happens to the email of a `kind` notification to `user` (one query): a locked
    kind is always "immediately"; an unregistered one is never emailed."""
    registered = notification_kind(kind)
    if registered is None:
        return NEVER
    if not registered.may_turn_off:
        return IMMEDIATELY
    choice = (
        NotificationPreference.objects.filter(user=user, kind=kind)
        .values_list("email", flat=True)
        .first()
    )
    if choice is not None:
        return choice
    if (
        registered.default_email == DIGEST
        and due_at is not None
        and due_at - timezone.now() <= SOON
    ):
        return IMMEDIATELY
    return registered.default_email


@transaction.atomic
def notification_choices_save(*, user: User, choices: dict[str, str]) -> None:
    """Record `user`'s email choice for each kind in `choices` (kinds that may be turned
    off only: a locked kind has no choice to keep)."""
    for kind in notification_kinds():
        if not kind.may_turn_off or kind.key not in choices:
            continue
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind.key, defaults={"email": choices[kind.key]}
        )


def notification_emails_stop(user: User) -> None:
    """One-click unsubscribe from notification emails: every kind that may be turned off
    is set to "never" (the notifications still wait in the site)."""
    notification_choices_save(user=user, choices={kind.key: NEVER for kind in notification_kinds()})


# --- notify -------------------------------------------------------------------------------


def _record(
    *, recipient: User, community: Any, text: Text, **fields: Any
) -> tuple[Notification, bool]:
    """Insert the notification, or find the one already made under its key (a double-fired
    event, a retried task, or a racing worker whose insert won). The community is kept as
    its id and name (accounts sits below communities), the text written in the recipient's
    language and cut to what the list shows."""
    fields.update(
        recipient=recipient,
        community_id=getattr(community, "pk", None),
        community_name=getattr(community, "name", "")[:200],
        text=written_for(text, recipient),
    )
    try:
        with transaction.atomic():
            notification = Notification.objects.create(**fields)
    except IntegrityError:
        return Notification.objects.get(key=fields["key"]), False
    User.objects.filter(pk=fields["recipient"].pk).update(
        unread_notifications=F("unread_notifications") + 1
    )
    return notification, True


@transaction.atomic
def notification_record(
    recipient: User,
    kind: str,
    *,
    key: str,
    text: Text,
    url: str,
    community: Any = None,
    actor: User | None = None,
    created_at: datetime | None = None,
) -> Notification:
    """Record a notification without emailing anyone: the demo's history (seed_demo sends
    nothing). Once per key, like `notify`."""
    notification, _ = _record(
        recipient=recipient,
        key=key,
        kind=kind,
        community=community,
        actor=actor,
        text=text,
        url=url,
        created_at=created_at or timezone.now(),
    )
    return notification


@transaction.atomic
def notify(
    recipient: User,
    kind: str,
    *,
    key: str,
    text: Text,
    url: str,
    community: Any = None,
    actor: User | None = None,
    email: Callable[[], Any] | None = None,
    due_at: datetime | None = None,
) -> Notification:
    """Tell `recipient` of something in the site, exactly once per `key`.

    `text` is what the list shows (one line, written for the recipient in their language:
    a callable of the recipient or a lazy string, see `written_for`), `url` the path
    opening it leads to, `community` the community it belongs to (None for the site as a
    whole). `email`, if given, queues the app's own email for this event (it must record
    it under its own unique key, as every email here does); it is called only when the
    recipient's choice for `kind` is "immediately", and again on a repeat call, where its
    key makes it send nothing twice (so an email lost before its record was written is
    still sent by a retry). `due_at`: when the news has a date, for the 48-hour rule.
    """
    at_once = email_choice(recipient, kind, due_at=due_at) == IMMEDIATELY
    notification, _ = _record(
        recipient=recipient,
        key=key,
        kind=kind,
        community=community,
        actor=actor,
        text=text,
        url=url,
        # Told at once: the digest does not tell it again.
        emailed=at_once,
    )
    if at_once:
        if email is not None:
            email()
        else:
            _generic_email(notification, recipient)
    return notification


def _choices_of(people: list[User], kind: str, *, due_at: datetime | None = None) -> dict:
    """`email_choice` for each of `people` at once (one query, none for a locked kind)."""
    registered = notification_kind(kind)
    if registered is None:
        return dict.fromkeys((p.pk for p in people), NEVER)
    if not registered.may_turn_off:
        return dict.fromkeys((p.pk for p in people), IMMEDIATELY)
    made = dict(
        NotificationPreference.objects.filter(user__in=people, kind=kind).values_list(
            "user_id", "email"
        )
    )
    default = registered.default_email
    if default == DIGEST and due_at is not None and due_at - timezone.now() <= SOON:
        default = IMMEDIATELY
    return {p.pk: made.get(p.pk, default) for p in people}


def recount_unread(user_ids) -> None:
    """Set each person's unread count from their notifications (one statement): exact
    whatever raced, since it counts rather than adds."""
    unread = (
        Notification.objects.filter(recipient_id=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    User.objects.filter(pk__in=list(user_ids)).update(
        unread_notifications=Coalesce(Subquery(unread), Value(0))
    )


@transaction.atomic
def notify_many(
    recipients,
    kind: str,
    *,
    key: Callable[[User], str],
    text: Text,
    url: str,
    community: Any = None,
    actor: User | None = None,
    email: Callable[[User], Any] | None = None,
    due_at: datetime | None = None,
) -> list[Notification]:
    """`notify` for many people at once, in a bounded number of queries however many they
    are (their choices, the keys already there, one insert, one recount), plus the email of
    each person told at once. `key(person)` and `text(person)` (or one text for all) as in
    `notify` (each written in that person's language; a text that is not a callable is
    written once per language); `email(person)` queues the app's own email, else the
    generic one. Exactly
    once per key, like `notify`: a repeat call finds the rows and makes none again, and
    (like `notify`) queues the emails again, which their own keys send once."""
    people = list({person.pk: person for person in recipients}.values())
    if not people:
        return []
    choices = _choices_of(people, kind, due_at=due_at)
    keys = {person.pk: key(person) for person in people}
    now = timezone.now()
    if callable(text):
        texts = {person.pk: written_for(text, person) for person in people}
    else:
        in_language: dict[str, str] = {}
        texts = {}
        for person in people:
            language = for_person(person)
            if language not in in_language:
                in_language[language] = written_for(text, person)
            texts[person.pk] = in_language[language]
    rows = [
        Notification(
            recipient=person,
            key=keys[person.pk],
            kind=kind,
            community_id=getattr(community, "pk", None),
            community_name=getattr(community, "name", "")[:200],
            actor=actor,
            text=texts[person.pk],
            url=url,
            created_at=now,
            emailed=choices[person.pk] == IMMEDIATELY,
        )
        for person in people
    ]
    # A key already there (a double-fired event, a retry, a racing worker) is left as it is.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    recount_unread(keys)
    made = {n.key: n for n in Notification.objects.filter(key__in=keys.values())}
    for person in people:
        notification = made.get(keys[person.pk])
        if notification is None or not notification.emailed:
            continue
        if email is not None:
            email(person)
        else:
            _generic_email(notification, person)
    return [made[keys[p.pk]] for p in people if keys[p.pk] in made]


@transaction.atomic
def notifications_withdraw(*, user_id: int, community_id: int) -> int:
    """Someone left a community: its notifications are no longer theirs to see or count
    (what they point at is members' only). Returns how many were taken away."""
    removed, _ = Notification.objects.filter(
        recipient_id=user_id, community_id=community_id
    ).delete()
    if removed:
        recount_unread([user_id])
    return removed


def _generic_email(notification: Notification, recipient: User) -> None:
    """The short email of a kind that has no email of its own."""
    email_render_and_enqueue(
        key=f"notification:{notification.key}",
        kind="accounts:notification",
        template_prefix="accounts/email/notification",
        context={
            "recipient": recipient,
            "notification": notification,
            "url": settings.SITE_URL + notification.url,
            "settings_url": settings.SITE_URL + reverse("settings") + "#notification-emails",
            "unsubscribe_url": unsubscribe_url(recipient, "notifications"),
        },
        to_email=recipient.email,
        recipient=recipient,
        headers=list_unsubscribe_headers(recipient, "notifications"),
    )


# --- reading them -------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> None:
    """Mark one notification read (idempotent: a second open changes nothing)."""
    changed = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if changed:
        User.objects.filter(pk=notification.recipient_id, unread_notifications__gt=0).update(
            unread_notifications=F("unread_notifications") - 1
        )


@transaction.atomic
def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of `user` read; returns how many changed."""
    changed = Notification.objects.filter(recipient=user).unread().update(read_at=timezone.now())
    if changed:
        # Less what changed, not zero: one made meanwhile by another transaction, not yet
        # visible here, stays counted.
        User.objects.filter(pk=user.pk).update(
            unread_notifications=Greatest(F("unread_notifications") - changed, Value(0))
        )
    return changed


def group_by_community(notifications) -> list[dict]:
    """A page of notifications (newest first) as groups, one per community, in the order
    of each group's newest: [{"name", "community_id", "notifications"}]."""
    groups: dict[Any, dict] = {}
    for notification in notifications:
        group = groups.setdefault(
            notification.community_id,
            {
                "community_id": notification.community_id,
                "name": notification.community_name or gettext("Across copsite"),
                "notifications": [],
            },
        )
        group["notifications"].append(notification)
    return list(groups.values())


# --- the digest's section -----------------------------------------------------------------


def digest_sections(people, periods, now) -> dict[int, list[Section]]:
    """The digest's "notifications" section: each person's unread notifications of the
    period whose kind they get "in my digest" (by choice or by default), except kinds
    another section already carries. One query for the whole batch."""
    from .digest import Item, Section

    kinds = [kind for kind in notification_kinds() if kind.may_turn_off]
    if not people or not kinds:
        return {}
    default_digest = {kind.key for kind in kinds if kind.default_email == DIGEST}
    listed = {kind.key for kind in kinds if not kind.digest_elsewhere}
    since = min((period.start for period in periods.values()), default=now)
    rows = (
        Notification.objects.filter(
            recipient__in=people,
            kind__in=listed,
            read_at__isnull=True,
            emailed=False,
            created_at__gte=since,
            created_at__lt=now,
        )
        .annotate(
            choice=Subquery(
                NotificationPreference.objects.filter(
                    user_id=OuterRef("recipient_id"), kind=OuterRef("kind")
                ).values("email")[:1]
            )
        )
        .order_by("recipient_id", "community_name", "created_at")
    )
    result: dict[int, list[Section]] = defaultdict(list)
    # Built in the readers' language (accounts.digest.sections_for): its words once.
    title, in_community = gettext("For you"), gettext("%(community)s: %(text)s")
    for recipient_id, notifications in groupby(rows, key=lambda row: row.recipient_id):
        period = periods[recipient_id]
        items = [
            Item(
                text=(
                    in_community % {"community": row.community_name, "text": row.text}
                    if row.community_name
                    else row.text
                ),
                url=settings.SITE_URL + row.url,
            )
            for row in notifications
            if period.start <= row.created_at < period.end
            and (row.choice == DIGEST or (row.choice is None and row.kind in default_digest))
        ]
        if items:
            result[recipient_id].append(Section("notifications", title, items, order=5))
    return result
