from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from core.text import LONG_TEXT_MAX, TEXT_MAX


def held_sessions_q(path: str = "") -> Q:
    """The "held session" condition (scheduled or completed) on the session reached by
    `path`, e.g. `held_sessions_q("agendaitem__session__")` from an outcome-item link."""
    return Q(**{f"{path}status__in": Session.HELD})


class SessionQuerySet(models.QuerySet):
    def published(self):
        return self.exclude(status=Session.Status.DRAFT)

    def visible_to(self, community, *, facilitator: bool):
        """The community's sessions a viewer may see: drafts only for its facilitators
        (sessions.access.sessions_for asks this with the viewer's role)."""
        if facilitator:
            return self.filter(community=community)
        return self.filter(community=community).published()

    def held(self):
        """Sessions that take place: scheduled or completed, never a draft or a cancelled
        one. Every figure, map and list of "held sessions" starts here (or, across a
        relation, from `held_sessions_q`)."""
        return self.filter(held_sessions_q())

    def held_between(self, since, until):
        """Sessions held in [since, until): held, and started inside it and before now (a
        figure's period, the alignment map's window)."""
        return self.held().filter(starts_at__gte=since, starts_at__lt=min(until, timezone.now()))

    def past(self):
        return (
            self.held()
            .filter(starts_at__lt=timezone.now() - timedelta(hours=1))
            .order_by("-starts_at")
        )

    def due_for_reminders(self, now, *, within: timedelta):
        """Scheduled sessions starting in (now, now + within]: a range on the
        (status, starts_at) index, so the scan never reads every session."""
        return self.filter(
            status=Session.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + within
        )

    def upcoming(self):
        return self.filter(
            status=Session.Status.SCHEDULED, starts_at__gte=timezone.now() - timedelta(hours=1)
        ).order_by("starts_at")

    def next_of_outer_community(self):
        """Scheduled sessions still ahead of the community `OuterRef("pk")`, soonest first:
        the directory's "next session", asked for through core.plugins."""
        return self.filter(
            community=OuterRef("pk"),
            status=Session.Status.SCHEDULED,
            starts_at__gte=timezone.now(),
        ).order_by("starts_at")

    def for_member(self, user):
        from communities.models import Membership

        return self.filter(
            community__memberships__user=user,
            community__memberships__status=Membership.Status.ACTIVE,
        )


class Session(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "draft"
        SCHEDULED = "scheduled", "scheduled"
        COMPLETED = "completed", "completed"
        CANCELLED = "cancelled", "cancelled"

    # The statuses of a session that takes place (see SessionQuerySet.held).
    HELD = (Status.SCHEDULED, Status.COMPLETED)

    # Where a session is in its life, which its page follows (`stage`): before it (RSVP,
    # agenda, what to prepare), during it (the join link, the agenda's current item),
    # after it (who came, reflect, share work, review rounds, actions).
    BEFORE, DURING, AFTER = "before", "during", "after"

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=LONG_TEXT_MAX, blank=True)
    # Stored in UTC; planned in the community's timezone and shown in the viewer's.
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField(default=60)
    location = models.CharField(max_length=200, blank=True)
    online_url = models.URLField("online link", max_length=500, blank=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="facilitated_sessions", blank=True
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    cancel_reason = models.CharField(max_length=300, blank=True)
    # iCalendar SEQUENCE: increases on every reschedule or cancellation.
    sequence = models.PositiveIntegerField(default=0)
    # Optimistic lock for the planner: an edit based on an older version is refused.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="session_due_idx"),
            models.Index(fields=["community", "starts_at"], name="session_community_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("sessions:detail", kwargs={"slug": self.community.slug, "pk": self.pk})

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    def stage(self, now=None) -> str:
        """BEFORE, DURING or AFTER at `now` (default: now). A completed session is over
        even if it was marked so early; a cancelled or draft one goes by the clock."""
        now = now or timezone.now()
        if self.status == self.Status.COMPLETED or now >= self.ends_at:
            return self.AFTER
        if now >= self.starts_at:
            return self.DURING
        return self.BEFORE

    @cached_property
    def current_stage(self) -> str:
        """The stage once per request: the session page and every panel on it read this,
        so they agree even when the clock ticks past the start while the page is drawn."""
        return self.stage()

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.SCHEDULED)

    @property
    def accepts_rsvps(self) -> bool:
        return self.status == self.Status.SCHEDULED and not self.has_started

    @property
    def can_record_attendance(self) -> bool:
        return self.has_started and self.is_held

    @property
    def is_held(self) -> bool:
        """Scheduled or completed: the instance side of SessionQuerySet.held."""
        return self.status in self.HELD


class AgendaItem(models.Model):
    """A timed part of a session's plan: the "activity" of constructive alignment."""

    class Kind(models.TextChoices):
        ACTIVITY = "activity", "activity"
        REVIEW_ACTIONS = "review_actions", "review our open actions"
        REFLECT = "reflect", "reflect"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    minutes = models.PositiveIntegerField(default=10)
    description = models.TextField(max_length=TEXT_MAX, blank=True)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.ACTIVITY)
    aligned_outcomes = models.ManyToManyField(
        "outcomes.Outcome", related_name="agenda_items", blank=True
    )
    # Optimistic lock for the agenda builder: two facilitators editing one item.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.minutes} min)"


class RSVP(models.Model):
    class Response(models.TextChoices):
        GOING = "going", "going"
        MAYBE = "maybe", "maybe"
        NOT_GOING = "not_going", "not going"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rsvps"
    )
    response = models.CharField(max_length=10, choices=Response)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "RSVP"
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="rsvp_unique")]

    def __str__(self) -> str:
        return f"{self.user} {self.response} {self.session}"


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendances"
    )
    walk_in = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="attendance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} attended {self.session}"


class SessionSettings(models.Model):
    """A community's session preferences. Kept in the sessions app (one row per community,
    created on first use) so the communities app needs no session-specific fields."""

    community = models.OneToOneField(
        "communities.Community", on_delete=models.CASCADE, related_name="session_settings"
    )
    remind_24h = models.BooleanField("send reminders a day before", default=True)
    remind_1h = models.BooleanField("send reminders an hour before", default=True)

    class Meta:
        verbose_name = "session settings"
        verbose_name_plural = "session settings"

    def __str__(self) -> str:
        return f"Session settings of {self.community}"


class SessionTemplateQuerySet(models.QuerySet):
    def of(self, community):
        return self.filter(community=community)


class SessionTemplate(models.Model):
    """A reusable plan: what a session is called, how long it runs and its agenda. "Save as
    template" makes one from a session's plan; a new session (or a series' next occurrence)
    starts from one through services.apply_template. `builtin` names which of the built-in
    templates a row began as (blank for the community's own), so they are given once."""

    # The one placeholder a title pattern may hold: the session's date, in the community's
    # calendar (services.template_title).
    DATE_PLACEHOLDER = "{date}"

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="session_templates"
    )
    name = models.CharField(max_length=200)
    title_pattern = models.CharField(max_length=200, blank=True)
    description = models.TextField(max_length=LONG_TEXT_MAX, blank=True)
    duration_minutes = models.PositiveIntegerField(default=60)
    builtin = models.CharField(max_length=30, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            # One name per community: a double-clicked "Save as template" cannot make two.
            models.UniqueConstraint(fields=["community", "name"], name="template_name_unique"),
            models.UniqueConstraint(
                fields=["community", "builtin"],
                condition=~Q(builtin=""),
                name="template_builtin_once",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TemplateItem(models.Model):
    """One timed part of a template's plan, copied onto a session's agenda as an
    AgendaItem of the same kind."""

    template = models.ForeignKey(SessionTemplate, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    minutes = models.PositiveIntegerField(default=10)
    description = models.TextField(max_length=TEXT_MAX, blank=True)
    kind = models.CharField(
        max_length=20, choices=AgendaItem.Kind, default=AgendaItem.Kind.ACTIVITY
    )
    aligned_outcomes = models.ManyToManyField(
        "outcomes.Outcome", related_name="template_items", blank=True
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.minutes} min)"
