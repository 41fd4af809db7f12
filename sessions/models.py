from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.compiled import Compiled, stand_in_moment
from core.templatetags.dates import STYLES
from core.text import LONG_TEXT_MAX, TEXT_MAX

# A session is under way for an hour after it starts: still upcoming, not yet past.
UNDER_WAY = timedelta(hours=1)


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

    def visible_in_communities_of(self, user):
        """The same rule as `visible_to`, over every community `user` is an active member of
        at once (search): published sessions, and drafts where they facilitate."""
        from communities.models import Membership

        if not user.is_authenticated:
            return self.none()
        member_of = Membership.objects.community_ids_of(user)
        facilitating = Membership.objects.community_ids_of(user, role=Membership.Role.FACILITATOR)
        return self.filter(
            Q(community__in=member_of) & ~Q(status=Session.Status.DRAFT)
            | Q(community__in=facilitating)
        )

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
        return self.held().filter(starts_at__lt=timezone.now() - UNDER_WAY).order_by("-starts_at")

    def due_for_reminders(self, now, *, within: timedelta):
        """Scheduled sessions starting in (now, now + within]: a range on the
        (status, starts_at) index, so the scan never reads every session."""
        return self.filter(
            status=Session.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + within
        )

    def upcoming(self):
        """Scheduled sessions that have not started, or started within the hour (under
        way: still shown)."""
        return self.upcoming_since(timezone.now() - UNDER_WAY)

    def upcoming_since(self, since):
        """Scheduled sessions starting at or after `since`, soonest first (`upcoming` with
        the moment given: a compiled query's stand-in)."""
        return self.filter(status=Session.Status.SCHEDULED, starts_at__gte=since).order_by(
            "starts_at"
        )

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
        DRAFT = "draft", _("draft")
        SCHEDULED = "scheduled", _("scheduled")
        COMPLETED = "completed", _("completed")
        CANCELLED = "cancelled", _("cancelled")

    # The statuses of a session that takes place (see SessionQuerySet.held).
    HELD = (Status.SCHEDULED, Status.COMPLETED)

    # Where a session is in its life, which its page follows (`stage`): before it (RSVP,
    # agenda, what to prepare), during it (the join link, the agenda's current item),
    # after it (who came, reflect, share work, review rounds, actions).
    BEFORE, DURING, AFTER = "before", "during", "after"

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="sessions"
    )
    # An occurrence of a series; `recurrence_id` is the start its rule gave it (its
    # iCalendar RECURRENCE-ID), which stays when the occurrence is moved. A skipped
    # occurrence is a cancelled one (its note is the cancel reason): an EXDATE.
    series = models.ForeignKey(
        "Series", null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    recurrence_id = models.DateTimeField(null=True, blank=True)
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
        constraints = [
            # One session per occurrence of a series: making occurrences twice (beat and a
            # request at once) adds nothing the second time.
            models.UniqueConstraint(
                fields=["series", "recurrence_id"], name="session_one_per_occurrence"
            )
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

    def previous_occurrence(self) -> Session | None:
        """The series' session held just before this one (None outside a series): where
        the actions reviewed at this one's opening were committed to."""
        if self.series_id is None or self.recurrence_id is None:
            return None
        found = _previous_occurrence.run(self.series_id, self.recurrence_id)
        return found[0] if found else None

    def next_occurrence(self) -> Session | None:
        """The series' next scheduled session after this one (None outside a series)."""
        if self.series_id is None:
            return None
        return (
            Session.objects.filter(
                series_id=self.series_id,
                status=Session.Status.SCHEDULED,
                starts_at__gt=self.starts_at,
            )
            .order_by("starts_at")
            .first()
        )


# Compiled once (core.compiled): the session page's actions panel asks it on every
# request of a session in a series. Stand-ins: a series id and a moment.
_previous_occurrence = Compiled(
    lambda series_id, recurrence_id: (
        Session.objects.held()
        .filter(series_id=series_id, recurrence_id__lt=recurrence_id)
        .order_by("-recurrence_id")[:1]
    ),
    -20_181_419,
    stand_in_moment(4),
)


class AgendaItem(models.Model):
    """A timed part of a session's plan: the "activity" of constructive alignment."""

    class Kind(models.TextChoices):
        ACTIVITY = "activity", _("activity")
        REVIEW_ACTIONS = "review_actions", _("review our open actions")
        REFLECT = "reflect", _("reflect")
        # Speaking turns: everyone in the room speaks once, in one shuffled order.
        ROUND = "round", pgettext_lazy("speaking turns", "round (everyone speaks once)")

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
    # A round's speaking order: the seed its shuffle starts from, so everyone in the room
    # sees the same order (selectors.round_order). A facilitator's "shuffle again" stores a
    # new one; marking the session held clears it. Only the seed is kept, never who spoke.
    round_seed = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.minutes} min)"

    @property
    def is_round(self) -> bool:
        return self.kind == self.Kind.ROUND


class PulseAnswer(models.Model):
    """One attendee's answer to a held session's pulse: how it was (four faces) and what
    would make the next one better. Anonymous to everyone: the row holds no link to the
    person, only `respondent`, a keyed hash (HMAC with the site's secret) of the session
    and the person, which lets the same person change their answer and keeps a second
    answer from being made, yet names nobody and differs from session to session, so
    answers cannot be joined across sessions either (services.pulse_respondent)."""

    class Face(models.IntegerChoices):
        HARD = 1, _("Hard going")
        MIXED = 2, _("Mixed")
        GOOD = 3, _("Good")
        GREAT = 4, _("Great")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="pulse_answers")
    respondent = models.CharField(max_length=64, editable=False)
    face = models.PositiveSmallIntegerField(choices=Face)
    better = models.TextField(
        "what would make the next one better", max_length=TEXT_MAX, blank=True
    )
    # No timestamp: when an answer was given could match it to the moment someone was
    # seen on the page. Figures date an answer by its session.

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "respondent"], name="pulse_one_per_person"),
            models.CheckConstraint(condition=Q(face__gte=1, face__lte=4), name="pulse_face_range"),
        ]

    def __str__(self) -> str:
        return f"Pulse answer on {self.session}"

    @staticmethod
    def respondent_for(session_id: int, user_id: int) -> str:
        """The keyed hash standing for a person on one session's pulse. Keyed with the
        site's secret: without it, nobody can tell whose it is by hashing every member's
        id. (Rotating DJANGO_SECRET_KEY lets a person answer once more afterwards.)"""
        return salted_hmac(
            "copsite.pulse.respondent", f"{session_id}:{user_id}", algorithm="sha256"
        ).hexdigest()


# The pulse's four faces, each always shown with its words beside it (a face alone says
# nothing to a screen reader, and means different things to different people).
PULSE_FACES = {
    PulseAnswer.Face.HARD: "😟",
    PulseAnswer.Face.MIXED: "😐",
    PulseAnswer.Face.GOOD: "🙂",
    PulseAnswer.Face.GREAT: "😄",
}


class RSVP(models.Model):
    class Response(models.TextChoices):
        GOING = "going", _("going")
        MAYBE = "maybe", _("maybe")
        NOT_GOING = "not_going", _("not going")

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


class SeriesRSVP(models.Model):
    """One answer for a whole series ("going to all"); an occurrence's own RSVP overrides
    it (sessions.selectors has the one rule for the answer that counts)."""

    series = models.ForeignKey("Series", on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="series_rsvps"
    )
    response = models.CharField(max_length=10, choices=RSVP.Response)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "series RSVP"
        constraints = [
            models.UniqueConstraint(fields=["series", "user"], name="series_rsvp_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.response} {self.series}"


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


# The one placeholder a title pattern may hold (a template's or a series'): the session's
# date in the community's calendar.
DATE_PLACEHOLDER = "{date}"


def title_date(starts_at, tz) -> str:
    """The day `starts_at` falls on in `tz`, as a title shows it: "6 Dec 2026"."""
    return dateformat.format(timezone.localtime(starts_at, tz), STYLES["date"])


def title_for(pattern: str, starts_at, tz) -> str:
    """`pattern` with "{date}" replaced by the day of `starts_at` (any other braces stay),
    cut to the length a session's title may have."""
    title = pattern.replace(DATE_PLACEHOLDER, title_date(starts_at, tz))
    return title[: Session._meta.get_field("title").max_length]


class SessionTemplate(models.Model):
    """A reusable plan: what a session is called, how long it runs and its agenda. "Save as
    template" makes one from a session's plan; a new session (or a series' next occurrence)
    starts from one through services.apply_template. `builtin` names which of the built-in
    templates a row began as (blank for the community's own), so they are given once."""

    DATE_PLACEHOLDER = DATE_PLACEHOLDER

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


class Series(models.Model):
    """A rhythm of sessions: an RFC 5545 rule in a timezone, each occurrence a real Session.

    The rule is kept as RRULE text without its end (`rule`, e.g. "FREQ=WEEKLY;INTERVAL=2;
    BYDAY=WE"); the end is `until` (a local date, inclusive) or `count`, or neither
    (open-ended: occurrences are made a rolling few months ahead by beat). The first
    occurrence starts at `start_date` + `start_time`, a wall-clock time in `time_zone`, and
    every occurrence keeps that wall-clock time across daylight-saving changes.
    """

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="series"
    )
    title = models.CharField(max_length=200)
    # When the first session's title held its own date ("Show and tell, 6 Dec 2026", as a
    # template's "{date}" makes), the title with "{date}" in its place: each occurrence
    # is then called by its own date. Blank: every occurrence is called `title`.
    title_pattern = models.CharField(max_length=200, blank=True)
    rule = models.CharField("recurrence rule", max_length=200)
    start_date = models.DateField()
    start_time = models.TimeField()
    time_zone = models.CharField(max_length=64)
    duration_minutes = models.PositiveIntegerField(default=60)
    location = models.CharField(max_length=200, blank=True)
    online_url = models.URLField("online link", max_length=500, blank=True)
    until = models.DateField(null=True, blank=True)
    count = models.PositiveIntegerField(null=True, blank=True)
    # iCalendar UID of the whole series: stable; a "this and following" split makes a
    # new series with a new UID.
    uid = models.CharField(max_length=100, unique=True)
    # iCalendar SEQUENCE: grows with every change of the series or of one occurrence.
    sequence = models.PositiveIntegerField(default=0)
    # Optimistic lock for series edits: an edit based on an older version is refused.
    version = models.PositiveIntegerField(default=1)
    # Occurrences are made once the series is published (its first session is).
    is_live = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "series"
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(count__isnull=True),
                name="series_one_end",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("sessions:series", kwargs={"slug": self.community.slug, "pk": self.pk})

    @property
    def zoneinfo(self):
        from accounts.models import zone_or_utc

        return zone_or_utc(self.time_zone)

    @staticmethod
    def pattern_of(title: str, starts_at, tz) -> str:
        """The title pattern of a series whose first session is `title` at `starts_at`."""
        day = title_date(starts_at, tz)
        return title.replace(day, DATE_PLACEHOLDER) if day in title else ""

    def title_on(self, starts_at) -> str:
        """What the occurrence at `starts_at` is called."""
        if not self.title_pattern:
            return self.title
        return title_for(self.title_pattern, starts_at, self.zoneinfo)

    @property
    def calendar_title(self) -> str:
        """The whole series' name in a calendar: its title, without a date that is only
        the first occurrence's ("Show and tell", not "Show and tell, 6 Dec 2026")."""
        if not self.title_pattern:
            return self.title
        return self.title_pattern.replace(DATE_PLACEHOLDER, "").strip(" ,:;-–—·") or self.title

    @property
    def is_open_ended(self) -> bool:
        return self.until is None and self.count is None

    @property
    def rhythm(self) -> str:
        """ "every 2 weeks on Wednesday, 18:00 (Europe/London)"."""
        from .recurrence import describe

        return gettext("%(rhythm)s, %(time)s (%(zone)s)") % {
            "rhythm": describe(self.rule, self.start_date),
            "time": f"{self.start_time:%H:%M}",
            "zone": self.time_zone,
        }


class CoFacilitation(models.Model):
    """An invitation to co-facilitate a session (a series' next occurrence), from one of
    its facilitators to an active member: accepted, they join its facilitators; declined,
    nothing changes. One per person and session; the person is told once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for an answer")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="cofacilitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cofacilitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="cofacilitation_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} invited to co-facilitate {self.session}"
