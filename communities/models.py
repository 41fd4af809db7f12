from __future__ import annotations

import operator
import re
import zoneinfo
from datetime import timedelta
from functools import reduce

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Greatest, Left, Lower, StrIndex
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import zone_or_utc
from core.fields import optional_link
from core.looks import DEFAULT_TONE, TONE_CHOICES, validate_emoji
from core.search import CONFIGS, DEFAULT_LANGUAGE, LANGUAGES
from core.text import LINE_MAX, NOTE_MAX, SHORT_TEXT_MAX, TEXT_MAX

LONG_ABSENCE_DAYS = 180
CHECKIN_MESSAGE = (
    "We've missed you! It's been a while since we saw you, and we wanted to say hello. "
    "No pressure at all: here's what's coming up, in case something catches your eye. "
    "Just reply if you'd like to talk."
)


def email_local_part(field: str = "user__email") -> Left:
    """The local part of the email address at `field` (before the "@"), as an expression:
    what the member pickers search and an `@handle` mention names (never the domain)."""
    return Left(field, Greatest(StrIndex(field, Value("@")) - 1, 0))


# --- Organisations (issue 19): an organisation holds communities; its leaders see them ---


DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def validate_email_domain(value: str) -> None:
    """An email domain as people type it after the "@": lower-case labels and dots."""
    if not DOMAIN_RE.match(value or ""):
        raise ValidationError(
            "“%(value)s” is not an email domain (for example: clinics.example.org).",
            params={"value": value},
            code="invalid_domain",
        )


class OrganisationQuerySet(models.QuerySet):
    def with_role(self, user, role: str):
        """The organisations where `user` holds `role` (leader, admin, member)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(roles__user=user, roles__role=role).distinct()

    def led_by(self, user):
        return self.with_role(user, OrganisationRole.Role.LEADER)

    def administered_by(self, user):
        return self.with_role(user, OrganisationRole.Role.ADMIN)

    def default(self) -> Organisation:
        """The site's own organisation (made by the migration that brought organisations):
        communities whose coordinator belongs to no other organisation go here."""
        organisation = self.filter(is_default=True).first()
        if organisation is None:
            organisation, _ = self.get_or_create(
                slug=DEFAULT_ORGANISATION_SLUG,
                defaults={"name": DEFAULT_ORGANISATION_NAME, "is_default": True},
            )
        return organisation


def default_organisation_id() -> int:
    """The default of `Community.organisation`: the site's own organisation."""
    return Organisation.objects.default().pk


DEFAULT_ORGANISATION_SLUG = "default"
DEFAULT_ORGANISATION_NAME = "Everyone on this site"
DEFAULT_ORGANISATION_WORDS = _("Everyone on this site")


def led_organisation_ids(user):
    """The ids of the organisations `user` leads, as a subquery."""
    return OrganisationRole.objects.filter(user=user, role=OrganisationRole.Role.LEADER).values(
        "organisation_id"
    )


class Organisation(models.Model):
    """Holds communities. Its leaders see its communities' dashboards and stories (and no
    other organisation's); its admins (not site staff) manage its leaders, admins and
    settings."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    is_default = models.BooleanField(
        _("the site's own organisation"),
        default=False,
        help_text=_("Communities whose coordinator belongs to no other organisation go here."),
    )
    admins_only_create = models.BooleanField(
        _("only its admins create communities in it"), default=False
    )
    created_at = models.DateTimeField(default=now)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="organisation_one_default",
            )
        ]

    def __str__(self) -> str:
        return str(self.name)

    def save(self, *args, **kwargs):
        # The translated name is never stored: the English one is.
        if isinstance(self.name, Promise):
            self.name = DEFAULT_ORGANISATION_NAME
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("organisations:settings", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values):
        """The site's own organisation keeps its English name in the database and is called
        by it in each reader's language (unless an admin renamed it)."""
        instance = super().from_db(db, field_names, values)
        if instance.__dict__.get("name") == DEFAULT_ORGANISATION_NAME:
            instance.name = DEFAULT_ORGANISATION_WORDS
        return instance


class OrganisationDomain(models.Model):
    """An email domain of an organisation: people with a verified address there belong to
    it (and see its listed communities first in the directory). One organisation each."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253, unique=True, validators=[validate_email_domain])

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class OrganisationRole(models.Model):
    """A person's role in an organisation. A person may hold several (and lead several
    organisations). `User.is_leader` mirrors "leads at least one organisation" so the
    navigation needs no query; communities.organisations keeps it."""

    class Role(models.TextChoices):
        LEADER = "leader", pgettext_lazy("organisation role", "leader")
        ADMIN = "admin", pgettext_lazy("organisation role", "admin")
        MEMBER = "member", pgettext_lazy("organisation role", "member (invited)")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_roles"
    )
    role = models.CharField(max_length=10, choices=Role)
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "role"], name="organisation_role_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} of {self.organisation}"


class CommunityQuerySet(models.QuerySet):
    def in_directory(self, user=None):
        """Open and request-to-join communities, and those open within an organisation
        `user` belongs to: invite-only ones are never listed."""
        listed = models.Q(visibility__in=[Community.Visibility.OPEN, Community.Visibility.REQUEST])
        if user is not None and user.is_authenticated:
            from .organisations import belongs_q

            mine = Organisation.objects.filter(belongs_q(user)).values("pk")
            listed |= models.Q(visibility=Community.Visibility.ORGANISATION, organisation__in=mine)
        return self.filter(listed, archived=False)

    def for_member(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user, memberships__status=Membership.Status.ACTIVE)

    def led_by(self, user):
        """The communities of the organisations `user` leads (no query of its own: a
        subquery)."""
        if not user.is_authenticated or not user.is_leader:
            return self.none()
        return self.filter(organisation__in=led_organisation_ids(user))


class Community(models.Model):
    class Visibility(models.TextChoices):
        OPEN = "open", _("Open to everyone on the site: anyone signed in may join")
        ORGANISATION = "org", _("Open within the organisation: anyone who belongs to it may join")
        REQUEST = "request", _("Request to join: facilitators approve")
        INVITE = "invite", _("Invitation only: not listed in the directory")

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="communities",
        default=default_organisation_id,
    )
    domain = models.TextField(_("what we care about"), max_length=SHORT_TEXT_MAX)
    purpose = models.TextField(max_length=TEXT_MAX, blank=True)
    visibility = models.CharField(max_length=10, choices=Visibility, default=Visibility.OPEN)
    timezone = models.CharField(max_length=64, default="Europe/London")
    # How the community looks in its header and on cards: a colour from the accessible
    # palette (core/looks.py) and, if chosen, one emoji.
    colour = models.CharField(max_length=12, choices=TONE_CHOICES, default=DEFAULT_TONE)
    emoji = models.CharField(max_length=16, blank=True, validators=[validate_emoji])
    # The language its members mostly write in: search stems words by it (core.search).
    language = models.CharField(
        max_length=20,
        choices=LANGUAGES,
        default=DEFAULT_LANGUAGE,
        help_text=_("Search finds other forms of a word (“maps” for “mapping”) in this language."),
    )
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=now)
    # A slug may be changed once; the old one keeps working as a redirect (OldSlug).
    slug_changed = models.BooleanField(default=False)
    # Overrides of the registered signals' default thresholds
    # (engagement.default_thresholds()): {"active": {"sessions_attended": 3}, …}.
    engagement_thresholds = models.JSONField(default=dict, blank=True)
    engagement_window_days = models.PositiveSmallIntegerField(
        _("engagement window (days)"), default=90
    )
    # A step back toward the periphery is suggested only after this long with nothing
    # recorded (one at a time, never in bulk); quiet before that earns a hello (CheckIn).
    long_absence_days = models.PositiveSmallIntegerField(
        _("long absence (days)"), default=LONG_ABSENCE_DAYS
    )
    # The words of the check-in a facilitator sends a quiet member ("worth a hello"); the
    # email adds a greeting, the sessions coming up and the facilitator's name.
    checkin_message = models.TextField(
        _("check-in message"), max_length=NOTE_MAX, default=CHECKIN_MESSAGE
    )

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = _("communities")
        ordering = ["name"]
        constraints = [
            # The search triggers cast it to a text-search configuration: an unknown name
            # would make every write of the community's reflections fail.
            models.CheckConstraint(
                condition=models.Q(language__in=CONFIGS), name="community_language_known"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communities:home", kwargs={"slug": self.slug})

    @property
    def zoneinfo(self) -> zoneinfo.ZoneInfo:
        return zone_or_utc(self.timezone)


class OldSlug(models.Model):
    """A slug a community used before: /c/<old>/… redirects to the current one."""

    slug = models.SlugField(max_length=140, unique=True)
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="old_slugs")
    created_at = models.DateTimeField(default=now)

    def __str__(self) -> str:
        return f"{self.slug} → {self.community.slug}"


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Membership.Status.ACTIVE)

    def named_like(self, query: str):
        """Those whose display name or email local part contains `query` (any case): what
        the member pickers and the members page search. Never the domain, which would
        match everyone at an organisation and tell who is on which mail server."""
        return self.annotate(email_local=email_local_part()).filter(
            Q(user__display_name__icontains=query) | Q(email_local__icontains=query)
        )

    def requested(self):
        return self.filter(status=Membership.Status.REQUESTED)

    def community_ids_of(self, user, *, role: str | None = None):
        """The ids of the communities where `user` is an active member (with at least
        `role`, when given), as a subquery: a visibility rule across every community of a
        person (search) filters by it without a query of its own."""
        memberships = self.active().filter(user=user)
        if role is not None:
            rank = Membership.ROLE_RANK
            memberships = memberships.filter(role__in=[r for r in rank if rank[r] >= rank[role]])
        return memberships.values("community_id")

    def coordinators(self):
        return self.active().filter(role=Membership.Role.COORDINATOR)

    def by_level(self):
        """Core first, then active, then peripheral; by name within a level. A page of a
        long list then carries on where the one before it stopped."""
        rank = models.Case(
            *[models.When(level=level, then=n) for level, n in Membership.LEVEL_RANK.items()],
            output_field=models.IntegerField(),
        )
        return self.order_by(rank.desc(), "user__display_name", "user__email", "pk")

    def level_counts(self) -> dict[str, int]:
        """How many memberships are at each level, in one aggregate query."""
        return self.aggregate(
            **{
                level: models.Count("pk", filter=models.Q(level=level))
                for level in Membership.LEVELS
            }
        )


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", pgettext_lazy("community role", "member")
        FACILITATOR = "facilitator", pgettext_lazy("community role", "facilitator")
        COORDINATOR = "coordinator", pgettext_lazy("community role", "coordinator")

    class Status(models.TextChoices):
        INVITED = "invited", pgettext_lazy("membership status", "invited")
        REQUESTED = "requested", pgettext_lazy("membership status", "requested")
        ACTIVE = "active", pgettext_lazy("membership status", "active")
        LEFT = "left", pgettext_lazy("membership status", "left")

    class Level(models.TextChoices):
        PERIPHERAL = "peripheral", pgettext_lazy("journey level", "peripheral")
        ACTIVE = "active", pgettext_lazy("journey level", "active")
        CORE = "core", pgettext_lazy("journey level", "core")

    # Ranks let the choke point ask "at least a facilitator?" with one comparison.
    ROLE_RANK = {Role.MEMBER: 0, Role.FACILITATOR: 1, Role.COORDINATOR: 2}
    LEVEL_RANK = {Level.PERIPHERAL: 0, Level.ACTIVE: 1, Level.CORE: 2}
    LEVELS = [Level.PERIPHERAL, Level.ACTIVE, Level.CORE]

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=12, choices=Role, default=Role.MEMBER)
    status = models.CharField(max_length=10, choices=Status, default=Status.ACTIVE)
    level = models.CharField(max_length=10, choices=Level, default=Level.PERIPHERAL)
    aspiration = models.CharField(max_length=200, blank=True)
    # Other members see the aspiration only when the person switched this on (facilitators
    # always see it; nobody else may filter by it).
    show_aspiration = models.BooleanField(_("show this to members"), default=False)
    # One line about themselves, shown beside their name on the members page.
    introduction = models.CharField(max_length=LINE_MAX, blank=True)
    # The "first steps here" card on the person's home was put away (None: still shown
    # until every step is done).
    first_steps_dismissed_at = models.DateTimeField(null=True, blank=True)
    # A muted community sends this member no reminders and stays out of their digest.
    muted = models.BooleanField(default=False)
    joined_at = models.DateTimeField(default=now)
    # The start of the member's current quiet spell (nothing recorded over the engagement
    # window, past the grace rules), found by the journeys refresh; None while they are
    # around. A check-in is sent at most once per spell (CheckIn).
    quiet_since = models.DateTimeField(null=True, blank=True)
    # A request to join: the requester's optional note and when they asked.
    request_note = models.TextField(max_length=NOTE_MAX, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    # When the person left (or their request ended). Set by leaving; privacy.retention
    # stamps any other way out on its next daily run and clears it on a rejoin, then
    # clears a left membership's personal words once COPSITE_RETAIN_LEFT_MEMBER_DAYS pass.
    left_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="membership_unique")
        ]
        indexes = [
            models.Index(fields=["community", "status", "level"], name="membership_level_idx")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.community} ({self.role}, {self.level})"

    @classmethod
    def level_beside(cls, level: str, step: int) -> str | None:
        """The level `step` places further in (1) or out (-1) from `level`, or None past
        the core or the periphery."""
        rank = cls.LEVEL_RANK[level] + step
        return cls.LEVELS[rank] if 0 <= rank < len(cls.LEVELS) else None

    @classmethod
    def is_inward_move(cls, from_level: str, to_level: str) -> bool:
        """A move toward the core: the one definition of "inward" (steps, suggestions,
        the digest, the engagement signals and `inward_moves_q` all ask it)."""
        return cls.LEVEL_RANK[to_level] > cls.LEVEL_RANK[from_level]

    @classmethod
    def inward_moves_q(cls, path: str = "") -> models.Q:
        """`is_inward_move` as a condition on the from_level/to_level fields at `path`."""
        return reduce(
            operator.or_,
            (
                models.Q(**{f"{path}from_level": low, f"{path}to_level": high})
                for low in cls.LEVELS
                for high in cls.LEVELS
                if cls.is_inward_move(low, high)
            ),
        )

    # What a member may say about where they'd like to go: offered, never required.
    # The value stored is the English words; the label is in the reader's language.
    ASPIRATIONS = [
        ("I'd like to facilitate", _("I'd like to facilitate")),
        ("I'm happy to mentor", _("I'm happy to mentor")),
        ("I'd welcome a buddy", _("I'd welcome a buddy")),
        ("I'm here to listen for now", _("I'm here to listen for now")),
    ]

    # The two aspirations that opt a member in to mentoring (communities.mentoring).
    MENTOR = "I'm happy to mentor"
    BUDDY = "I'd welcome a buddy"

    @classmethod
    def aspiration_words(cls, value: str) -> str:
        """An aspiration as the reader's language says it (its stored English words when
        it is not one of ASPIRATIONS)."""
        return str(dict(cls.ASPIRATIONS).get(value, value))

    @property
    def aspiration_display(self) -> str:
        return self.aspiration_words(self.aspiration)

    def has_role(self, role: str) -> bool:
        return (
            self.status == self.Status.ACTIVE and self.ROLE_RANK[self.role] >= self.ROLE_RANK[role]
        )

    @property
    def is_facilitator(self) -> bool:
        return self.has_role(self.Role.FACILITATOR)

    @property
    def is_coordinator(self) -> bool:
        return self.has_role(self.Role.COORDINATOR)


class LevelMove:
    """A model with `from_level` and `to_level` (a journey step, a suggested move)."""

    from_level: str
    to_level: str

    @property
    def is_inward(self) -> bool:
        return Membership.is_inward_move(self.from_level, self.to_level)


# How long a step toward the core or a milestone is celebrated on the community home.
CELEBRATED_FOR = timedelta(days=90)


class JourneyStepQuerySet(models.QuerySet):
    def inward(self):
        """Moves toward the core: (peripheral → active|core) or (active → core)."""
        return self.filter(Membership.inward_moves_q())

    def celebrations(self, community, *, limit: int = 8, since=None):
        """Recent inward moves of people still in the community (an instance or an id):
        never outward ones. Recent: since `since`, else over the last CELEBRATED_FOR."""
        return (
            self.inward()
            .filter(membership__community=community, membership__status=Membership.Status.ACTIVE)
            .filter(created_at__gte=since if since is not None else now() - CELEBRATED_FOR)
            .select_related("membership__user")
            .order_by("-created_at")[:limit]
        )


class JourneyStep(LevelMove, models.Model):
    """One move on the journey from the periphery to the core: history, never overwritten."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="steps")
    from_level = models.CharField(max_length=10, choices=Membership.Level)
    to_level = models.CharField(max_length=10, choices=Membership.Level)
    confirmed_by = optional_link(settings.AUTH_USER_MODEL, related_name="+")
    evidence = models.TextField(blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=now, db_index=True)

    objects = JourneyStepQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.membership.user}: {self.from_level} → {self.to_level}"


class InvitationQuerySet(models.QuerySet):
    def live(self):
        """Neither used nor withdrawn. An expired invitation is still live: inviting its
        address again re-sends it with a fresh link rather than making a second one."""
        return self.filter(accepted_at=None, revoked_at=None)

    def live_for(self, target: Community | Organisation, email: str):
        """The address's live invitation to `target`, a community or an organisation."""
        field = "organisation" if isinstance(target, Organisation) else "community"
        return self.live().filter(**{field: target}, email__iexact=email)


class Invitation(models.Model):
    """An invitation by email to join a community, or to belong to an organisation (sent
    by its admins, to people who may have no account yet): a signed, expiring, single-use
    link. It names exactly one of the two. An address has at most one live invitation per
    community (`invitation_one_live`) and per organisation."""

    community = models.ForeignKey(
        Community, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(max_length=NOTE_MAX, blank=True)
    # Re-sending changes the nonce, so every earlier link stops working.
    nonce = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = optional_link(settings.AUTH_USER_MODEL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            # One live invitation per address and community, whatever the letter case,
            # even when a facilitator's double click sends the form twice at once.
            models.UniqueConstraint(
                "community",
                Lower("email"),
                condition=models.Q(accepted_at=None, revoked_at=None),
                name="invitation_one_live",
            ),
            models.UniqueConstraint(
                "organisation",
                Lower("email"),
                condition=models.Q(accepted_at=None, revoked_at=None),
                name="invitation_one_live_per_organisation",
            ),
            models.CheckConstraint(
                condition=models.Q(community__isnull=True) ^ models.Q(organisation__isnull=True),
                name="invitation_to_community_or_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.target}"

    @property
    def target(self) -> Community | Organisation:
        """What the invitation is to: its community, or its organisation."""
        return self.community or self.organisation

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= now():
            return "expired"
        return "outstanding"

    @property
    def is_usable(self) -> bool:
        return self.state == "outstanding"


class MoveSuggestion(LevelMove, models.Model):
    """A move the engagement signals suggest; a facilitator confirms or dismisses it."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("suggestion status", "open")
        CONFIRMED = "confirmed", pgettext_lazy("suggestion status", "confirmed")
        DISMISSED = "dismissed", pgettext_lazy("suggestion status", "dismissed")
        # The evidence no longer suggests it (or the level changed another way).
        STALE = "stale", pgettext_lazy("suggestion status", "no longer suggested")

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="move_suggestions"
    )
    from_level = models.CharField(max_length=10, choices=Membership.Level)
    to_level = models.CharField(max_length=10, choices=Membership.Level)
    evidence = models.TextField(blank=True)
    signals = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    created_at = models.DateTimeField(default=now)
    notified_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = optional_link(settings.AUTH_USER_MODEL, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["membership", "status"], name="suggestion_status_idx")]
        constraints = [
            # One open suggestion per member at a time, even if two refreshes race.
            models.UniqueConstraint(
                fields=["membership"],
                condition=models.Q(status="open"),
                name="suggestion_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership.user}: {self.from_level} → {self.to_level} ({self.status})"


class CheckIn(models.Model):
    """A hello a facilitator sent a quiet member: one per member and quiet spell
    (`checkin_once_per_spell`), its email queued once under the check-in's key.
    `came_back_at` is when the journeys refresh next saw them (attended or contributed)."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="checkins")
    spell_started_at = models.DateTimeField()
    sent_by = optional_link(settings.AUTH_USER_MODEL, related_name="+")
    sent_at = models.DateTimeField(default=now, db_index=True)
    came_back_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "spell_started_at"], name="checkin_once_per_spell"
            )
        ]

    def __str__(self) -> str:
        return f"hello to {self.membership.user} ({self.sent_at:%Y-%m-%d})"


class InvitationOptOut(models.Model):
    """An address that asked never to be invited again, by any community.

    Only a keyed hash of the address is kept (invitations.address_hash: HMAC-SHA256 under
    the site's secret key), so the list answers "is this address on it?" and cannot be read
    back as a list of addresses, even by someone holding a copy of the database."""

    address_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        verbose_name = _("invitation opt-out")

    def __str__(self) -> str:
        return f"opted out {self.created_at:%Y-%m-%d}"


# --- Mentoring: a mentor and a newcomer, paired by a facilitator (both opted in) -----------


class MentoringPairQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_at=None)

    def of_person(self, user):
        return self.filter(models.Q(mentor=user) | models.Q(newcomer=user))


class MentoringPair(models.Model):
    """A mentor and a newcomer of one community, paired by a facilitator. Both said so
    first (their aspiration: "I'm happy to mentor" / "I'd welcome a buddy"). Only the two
    of them and the community's facilitators see the pair (communities.access.pair_for).
    Ending it keeps the row (the figures count pairs active in a period); a newcomer has
    at most one active buddy, so a double-submitted pairing makes one pair."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="pairs")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentoring"
    )
    newcomer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="buddies"
    )
    paired_by = optional_link(settings.AUTH_USER_MODEL, related_name="+")
    started_at = models.DateTimeField(default=now)
    # The shared note: either of the two may write it; the last writer and time are kept.
    note = models.TextField(max_length=NOTE_MAX, blank=True)
    note_by = optional_link(settings.AUTH_USER_MODEL, related_name="+")
    note_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = optional_link(settings.AUTH_USER_MODEL, related_name="+")

    objects = MentoringPairQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "newcomer"],
                condition=models.Q(ended_at=None),
                name="pair_one_active_buddy",
            ),
            models.CheckConstraint(
                condition=~models.Q(mentor=models.F("newcomer")), name="pair_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} mentoring {self.newcomer} in {self.community}"

    def get_absolute_url(self) -> str:
        return reverse("communities:pair", kwargs={"slug": self.community.slug, "pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.ended_at is None

    def includes(self, user) -> bool:
        return user.pk in (self.mentor_id, self.newcomer_id)

    def other(self, user):
        """The other person of the pair, seen from `user` (one of the two)."""
        return self.newcomer if user.pk == self.mentor_id else self.mentor


class PairMeeting(models.Model):
    """A "we met" check-in of a pair: once per pair and day (a double click is one)."""

    pair = models.ForeignKey(MentoringPair, on_delete=models.CASCADE, related_name="meetings")
    met_on = models.DateField()
    by = optional_link(settings.AUTH_USER_MODEL, related_name="+")
    line = models.CharField("a line about it", max_length=LINE_MAX, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-met_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["pair", "met_on"], name="pair_meeting_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.pair} met on {self.met_on}"


class MilestoneQuerySet(models.QuerySet):
    def celebrations_for(self, community, viewer, *, facilitator: bool, limit: int = 8, since=None):
        """Recent milestones of people still in the community, as `viewer` may see them: a
        facilitator every one, anyone else those of their own pair (a mentoring pair is
        between its two people and the facilitators). Community and viewer: instances or
        ids; recent as in JourneyStepQuerySet.celebrations."""
        rows = self.filter(
            membership__community=community,
            membership__status=Membership.Status.ACTIVE,
            created_at__gte=since if since is not None else now() - CELEBRATED_FOR,
        )
        if not facilitator:
            rows = rows.filter(models.Q(membership__user=viewer) | models.Q(pair__mentor=viewer))
        return rows.select_related("membership__user", "pair__mentor").order_by("-created_at")[
            :limit
        ]


class Milestone(models.Model):
    """A moment worth celebrating that is not a level change: milestones sit beside journey
    steps (the newcomer's first session attended with their buddy). Once per `key`."""

    class Kind(models.TextChoices):
        BUDDY_FIRST_SESSION = (
            "buddy_first_session",
            pgettext_lazy("meeting", "first session with their buddy"),
        )

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(max_length=30, choices=Kind)
    pair = optional_link(MentoringPair, related_name="milestones")
    # What it was about, in a few words (the session's title).
    detail = models.CharField(max_length=200, blank=True)
    key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(default=now, db_index=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.membership.user}: {self.get_kind_display()}"
