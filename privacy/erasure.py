"""Leaving copsite: `erase_person` deletes a person's account the way /settings/delete/
promises, in one transaction.

The person's User row is kept, emptied: every foreign key to it (an attendance, a review
written for someone else, what they chose to leave with the community) stays sane and
shows "a former member", with no address, no password, no sign-in method and no email
ever again. Per app, each app's own models are used; a last sweep then replaces any
trace of the address or the name left in any text column of any table (another person's
email that named them, a notification, a mention written into someone's reply).

Exactly-once email: an EmailDelivery row is kept with its address replaced by a keyed
hash and its content emptied; its key is kept as it is. Keys are built from ids only
(`reminder:24h:<session>:<person>:<start>`, `digest:<person>:…`), never from an address
or a name, so keeping them keeps every "already sent" answer exact: a scheduler that runs
again finds its row and sends nothing — and the person, inactive, in no community, with
every email choice off, is no longer anyone's recipient anyway.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Count, F, Func, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Left, Replace
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    EmailDelivery,
    EmailSuppression,
    Notification,
    NotificationPreference,
    SubmissionToken,
    User,
    new_calendar_token,
)
from communities.models import (
    Community,
    Invitation,
    JourneyStep,
    Membership,
    MentoringPair,
    Milestone,
    MoveSuggestion,
    OrganisationRole,
    PairMeeting,
)
from core.transactions import after_commit
from impact.models import ImpactStory
from outcomes.models import ConfidenceRating
from reflections.models import (
    Action,
    Mention,
    Reflection,
    ReflectionDraft,
    ReflectionRead,
    Response,
)
from reviews.models import PeerReview, PracticeReview, ReviewReply, SharedWork
from sessions.models import RSVP, CoFacilitation, PulseAnswer, SeriesRSVP, Session

from .exports import exports_withdraw

FORMER_MEMBER = "a former member"
"""What a deleted person is called wherever something of theirs stays."""

ERASED_DOMAIN = "erased.invalid"
"""Addresses standing for a deleted person end here: `.invalid` can never be delivered."""


@dataclass(frozen=True)
class Keepable:
    key: str
    label: str
    help: str


KEEPABLE: tuple[Keepable, ...] = (
    Keepable(
        "reflections",
        _("Reflections I shared with a community"),
        _("Those shared with everyone in a community, with or without your name."),
    ),
    Keepable(
        "responses",
        _("My responses and replies"),
        _(
            "Your “yes, and…” answers to reflections, shared work and sessions. "
            "Deleting one takes the replies under it too."
        ),
    ),
    Keepable(
        "work",
        _("Work I shared for peer review"),
        _("With the peer reviews it received and its files."),
    ),
    Keepable(
        "actions",
        _("Actions I own"),
        _("What a community agreed to do differently, with you as its owner."),
    ),
    Keepable("stories", _("Impact stories I wrote"), _("Told in a community's stories.")),
)
KEEPABLE_KEYS = frozenset(k.key for k in KEEPABLE)


class ErasureRefused(Exception):
    """The account cannot be deleted yet (the person is some community's last
    coordinator): the message says what to do first."""

    def __init__(self, message: str, communities: list[Community]):
        super().__init__(message)
        self.communities = communities


def last_coordinator_of(user: User) -> list[Community]:
    """The communities `user` is the only active coordinator of, by name (one query):
    each needs another coordinator before the account can go."""
    others = Membership.objects.coordinators().exclude(user=user).values("community_id")
    return [
        m.community
        for m in Membership.objects.coordinators()
        .filter(user=user)
        .exclude(community_id__in=others)
        .select_related("community")
        .order_by("community__name")
    ]


def erased_address(email: str) -> str:
    """A keyed hash of an address, as an address that can never be delivered: unique per
    person (so unique columns stay unique), telling nobody without the site's secret."""
    digest = salted_hmac("copsite.privacy.erased", email.strip().lower(), algorithm="sha256")
    return f"{digest.hexdigest()[:24]}@{ERASED_DOMAIN}"


@transaction.atomic
def erase_person(user: User, keep: set[str] | frozenset[str] = frozenset()) -> bool:
    """Delete `user`'s account: what is theirs alone goes; what they shared with a
    community goes or stays under "a former member", per kind in `keep` (KEEPABLE's keys);
    reviews they wrote stay for their authors. Refused (ErasureRefused) while they are a
    community's last coordinator. Returns False when the account was already deleted (a
    second submit, or two at once: the row lock makes the second wait, then find it)."""
    keep = set(keep) & KEEPABLE_KEYS
    person = User.objects.select_for_update().filter(pk=user.pk).first()
    if person is None or _is_erased(person):
        return False
    blocking = last_coordinator_of(person)
    if blocking:
        names = ", ".join(c.name for c in blocking)
        raise ErasureRefused(
            gettext(
                "You are the only coordinator of %(names)s: appoint another coordinator "
                "there first, then come back."
            )
            % {"names": names},
            blocking,
        )
    now = timezone.now()
    email, name, handle = person.email, person.display_name, person.email.split("@", 1)[0]
    placeholder = erased_address(email)

    # Their exports (ready, failed or still building) go with their zips once this
    # commits; a build running meanwhile finds its export gone and returns quietly
    # (privacy.exports.export_build). Community exports they asked for stay with the
    # community's coordinators, no longer naming them.
    exports_withdraw(person)

    _erase_email(person, placeholder)
    _erase_notifications(person)
    _erase_mentions_of(person)
    _erase_reflections(person, keep)
    _erase_reviews(person, keep)
    _erase_sessions(person, now)
    _erase_outcomes(person)
    _erase_stories_and_actions(person, keep)
    _erase_communities(person, email, now)
    _erase_sign_in(person)

    person.email = placeholder
    person.display_name = FORMER_MEMBER
    person.is_active = False
    person.is_staff = False
    person.is_superuser = False
    person.is_leader = False
    person.set_unusable_password()
    person.calendar_token = new_calendar_token()
    person.last_login = None
    person.digest = User.Digest.OFF
    person.remind_24h = person.remind_1h = False
    person.review_emails = person.notify_facilitation = False
    person.unread_notifications = 0
    person.save()
    person.groups.clear()
    person.user_permissions.clear()

    words = [Needle(email, placeholder), Needle(email.lower(), placeholder)]
    if name:
        words += [Needle(name, FORMER_MEMBER, word=True)]
        if escape(name) != name:
            words += [Needle(escape(name), FORMER_MEMBER, word=True)]
    else:
        # Without a display name the handle was the name everybody saw.
        words += [Needle(handle, FORMER_MEMBER, word=True)]
    words += [Needle(f"@{handle}", f"@{FORMER_MEMBER}", word=True)]
    _sweep_text(words, skip={User})
    return True


def _is_erased(person: User) -> bool:
    return not person.is_active and person.email.endswith("@" + ERASED_DOMAIN)


# --- per app ------------------------------------------------------------------------------


def _erase_email(person: User, placeholder: str) -> None:
    """Email stops at once: what waits is cancelled; every record keeps its key (see the
    module's note) and loses the address and the content."""
    mine = EmailDelivery.objects.filter(Q(recipient=person) | Q(to_email__iexact=person.email))
    mine.filter(
        status__in=[
            EmailDelivery.Status.QUEUED,
            EmailDelivery.Status.FAILED,
            EmailDelivery.Status.SENDING,
        ]
    ).update(status=EmailDelivery.Status.GAVE_UP, last_error="cancelled: the account was deleted")
    mine.update(
        to_email=placeholder,
        subject="",
        body_text="",
        body_html="",
        headers={},
        attachments=[],
        claim_token="",
    )
    # The suppression list names the address itself (the email service said it bounced):
    # it goes with the person, and the address leaves with it.
    EmailSuppression.objects.for_address(person.email).delete()


def _erase_notifications(person: User) -> None:
    """Notifications for the person, and those about them (they acted) in anyone's list,
    go; the others' unread counts are counted again."""
    Notification.objects.filter(recipient=person).delete()
    about = Notification.objects.filter(actor=person)
    told = set(about.values_list("recipient_id", flat=True))
    about.delete()
    if told:
        unread = (
            Notification.objects.filter(recipient_id=OuterRef("pk"), read_at__isnull=True)
            .order_by()
            .values("recipient_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        User.objects.filter(pk__in=told).update(
            unread_notifications=Coalesce(Subquery(unread), Value(0))
        )
    NotificationPreference.objects.filter(user=person).delete()


def _erase_mentions_of(person: User) -> None:
    """Where others mentioned the person (`@[Name](id)`, communities.mentions), the
    written name becomes "a former member", whatever name it was written with (the id
    then points at the emptied row); the Mention rows go. One UPDATE per kind of text."""
    pattern = rf"@\[[^\]\[]*\]\({person.pk}\)"
    former = f"@[{FORMER_MEMBER}]({person.pk})"
    mentioned = Mention.objects.filter(person=person)
    for model, field, link in (
        (Reflection, "body", "reflection_id"),
        (Response, "body", "response_id"),
        (Action, "description", "action_id"),
        (ReviewReply, "body", "review_reply_id"),
    ):
        model.objects.filter(pk__in=mentioned.values(link)).update(
            **{
                field: Func(
                    F(field),
                    Value(pattern),
                    Value(former),
                    Value("g"),
                    function="REGEXP_REPLACE",
                    output_field=models.TextField(),
                )
            }
        )
    mentioned.delete()


def _erase_reflections(person: User, keep: set[str]) -> None:
    ReflectionDraft.objects.filter(author=person).delete()
    ReflectionRead.objects.filter(user=person).delete()
    shared = Q(visibility=Reflection.Visibility.COMMUNITY)
    Reflection.objects.filter(author=person).exclude(shared).delete()
    if "reflections" not in keep:
        Reflection.objects.filter(shared, author=person).delete()
    if "responses" not in keep:
        Response.objects.filter(author=person).delete()


def _erase_reviews(person: User, keep: set[str]) -> None:
    """Reviews given stay for the people who asked for them (the reviewer shown as "a
    former member"); one not yet written is declined; practice ones go."""
    PeerReview.objects.filter(
        reviewer=person, status__in=[PeerReview.Status.ALLOCATED, PeerReview.Status.DRAFT]
    ).update(status=PeerReview.Status.DECLINED, declined_at=timezone.now(), answers=[])
    PracticeReview.objects.filter(reviewer=person).delete()
    if "work" not in keep:
        for work in SharedWork.objects.filter(author=person):
            stored = work.file.name if work.file else ""
            storage = work.file.storage if work.file else None
            work.delete()
            if stored:
                after_commit(storage.delete, stored)


def _erase_sessions(person: User, now) -> None:
    """Attendance stays (a session's figures); answers to come, pulse answers and
    invitations to facilitate go."""
    RSVP.objects.filter(user=person, session__starts_at__gte=now).delete()
    SeriesRSVP.objects.filter(user=person).delete()
    CoFacilitation.objects.filter(user=person).exclude(
        status=CoFacilitation.Status.ACCEPTED
    ).delete()
    Session.facilitators.through.objects.filter(user=person, session__starts_at__gte=now).delete()
    # A pulse answer carries a keyed hash of (session, person), never the person: the hash
    # is computed for every session of every community they were in.
    session_ids = Session.objects.filter(community__memberships__user=person).values_list(
        "pk", flat=True
    )
    respondents = [PulseAnswer.respondent_for(pk, person.pk) for pk in session_ids]
    if respondents:
        PulseAnswer.objects.filter(respondent__in=respondents).delete()


def _erase_outcomes(person: User) -> None:
    ConfidenceRating.objects.filter(user=person).delete()


def _erase_stories_and_actions(person: User, keep: set[str]) -> None:
    if "stories" not in keep:
        ImpactStory.objects.filter(author=person).delete()
    if "actions" not in keep:
        Action.objects.filter(owner=person).delete()


def _erase_communities(person: User, email: str, now) -> None:
    """Memberships end (kept, emptied: a community's past figures still count them);
    what the person said about themselves goes; buddy pairs end."""
    memberships = Membership.objects.filter(user=person)
    JourneyStep.objects.filter(membership__in=memberships).update(evidence="", note="")
    MoveSuggestion.objects.filter(membership__in=memberships).delete()
    Milestone.objects.filter(membership__in=memberships).update(detail="")
    memberships.exclude(status=Membership.Status.LEFT).update(
        status=Membership.Status.LEFT, left_at=now, quiet_since=None
    )
    memberships.update(aspiration="", introduction="", request_note="", show_aspiration=False)
    pairs = MentoringPair.objects.filter(Q(mentor=person) | Q(newcomer=person))
    pairs.filter(ended_at=None).update(ended_at=now, ended_by=person)
    pairs.update(note="")
    PairMeeting.objects.filter(by=person).update(line="")
    Invitation.objects.filter(email__iexact=email).delete()
    OrganisationRole.objects.filter(user=person).delete()


def _erase_sign_in(person: User) -> None:
    """Every way in goes: addresses, connected accounts (with their tokens), two-step
    sign-in, pending create-form tokens, and the admin's log of and by the person."""
    EmailAddress.objects.filter(user=person).delete()
    SocialAccount.objects.filter(user=person).delete()
    Authenticator.objects.filter(user=person).delete()
    SubmissionToken.objects.filter(user=person).delete()
    LogEntry.objects.filter(
        Q(user=person)
        | Q(content_type=ContentType.objects.get_for_model(User), object_id=str(person.pk))
    ).delete()


# --- the sweep ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Needle:
    """Text to replace everywhere. A name is replaced as a whole word only ("Sam" leaves
    "Samples" alone); an address wherever it appears."""

    text: str
    replacement: str
    word: bool = False

    def within_json(self) -> Needle:
        """The same needle as a JSON document's text holds it (quotes, backslashes escaped)."""
        return Needle(
            json.dumps(self.text, ensure_ascii=False)[1:-1],
            json.dumps(self.replacement, ensure_ascii=False)[1:-1],
            self.word,
        )

    def found_in(self, column: str) -> Q:
        if self.word:
            return Q(**{f"{column}__regex": self.pattern})
        return Q(**{f"{column}__contains": self.text})

    def replace(self, expression):
        if self.word:
            return Func(
                expression,
                Value(self.pattern),
                Value(self.replacement.replace("\\", "\\\\")),
                Value("g"),
                function="REGEXP_REPLACE",
                output_field=models.TextField(),
            )
        return Replace(expression, Value(self.text), Value(self.replacement))

    @property
    def pattern(self) -> str:
        # PostgreSQL's regular expressions: a word character on neither side.
        return rf"(?<!\w){re.escape(self.text)}(?!\w)"


def _text_columns(model) -> tuple[list[models.Field], list[models.Field]]:
    text, json_ = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.choices:
            continue
        if isinstance(field, (models.CharField, models.TextField)):
            text.append(field)
        elif isinstance(field, models.JSONField):
            json_.append(field)
    return text, json_


def _sweep_text(needles: list[Needle], *, skip: set) -> None:
    """Replace each needle in every text and JSON column of every table, in one UPDATE
    per table that holds one (a deletion is rare: a scan of each table is its fair price
    for "nothing left behind")."""
    needles = [n for n in needles if n.text]
    for model in apps.get_models():
        if model in skip or model._meta.proxy or not model._meta.managed:
            continue
        text, json_ = _text_columns(model)
        if not text and not json_:
            continue
        queryset = model._default_manager.all()
        where = Q()
        updates = {}
        for field in text:
            expression = F(field.attname)
            for needle in needles:
                where |= needle.found_in(field.attname)
                expression = needle.replace(expression)
            if isinstance(field, models.CharField) and field.max_length:
                expression = Left(expression, field.max_length)
            updates[field.attname] = expression
        for field in json_:
            alias = f"_privacy_{field.attname}"
            queryset = queryset.alias(**{alias: Cast(field.attname, models.TextField())})
            expression = Cast(field.attname, models.TextField())
            for needle in needles:
                needle = needle.within_json()
                where |= needle.found_in(alias)
                expression = needle.replace(expression)
            updates[field.attname] = Cast(expression, models.JSONField())
        queryset.filter(where).update(**updates)
