from __future__ import annotations

import secrets
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from core.fields import optional_link


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


def zone_or_utc(name: str) -> zoneinfo.ZoneInfo:
    """The named timezone, or UTC when the stored name is unusable: unknown, blank, not
    normalised, or a tz database directory such as "Europe" (which raises OSError)."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        return zoneinfo.ZoneInfo("UTC")


def default_timezone() -> str:
    return settings.COPSITE_DEFAULT_TIMEZONE


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class User(AbstractUser):
    """A person. Logs in with their email address; no usernames anywhere."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        max_length=80, blank=True, help_text=_("How others in your communities see you.")
    )
    timezone = models.CharField(max_length=64, default=default_timezone)
    # One of settings.LANGUAGES' codes, or blank for "as my browser asks" (its
    # Accept-Language). The site's pages and every email to the person use it
    # (accounts.languages).
    language = models.CharField(max_length=16, blank=True, default="")
    is_leader = models.BooleanField(
        "leader",
        default=False,
        help_text="Leaders see impact dashboards across all communities; never private text.",
    )
    # Mirrors "administers at least one organisation" (communities.organisations keeps it),
    # so the header offers the organisations' page at no query.
    is_organisation_admin = models.BooleanField("organisation admin", default=False, editable=False)
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    # How many of the person's in-site notifications are unread, kept by
    # accounts.notifications with every write that changes it (an increment with each new
    # notification, a decrement by what each "mark read" changed): the header shows it on
    # every page from the user row the request has already loaded, at no query.
    unread_notifications = models.PositiveIntegerField(default=0, editable=False)

    # Notification preferences (SPEC §3): apply at once, checked when each email is due.
    class Digest(models.TextChoices):
        OFF = "off", _("no digest")
        DAILY = "daily", _("daily")
        WEEKLY = "weekly", _("weekly")

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    digest = models.CharField(max_length=6, choices=Digest, default=Digest.WEEKLY)
    digest_weekday = models.PositiveSmallIntegerField(
        _("digest day"), choices=Weekday, default=Weekday.MONDAY
    )
    digest_hour = models.PositiveSmallIntegerField(
        _("digest hour"), default=8, help_text=_("In your own timezone, 0–23.")
    )
    remind_24h = models.BooleanField(_("remind me a day before a session"), default=True)
    remind_1h = models.BooleanField(_("remind me an hour before a session"), default=True)
    review_emails = models.BooleanField(
        _("email me about peer reviews (new ones for me, and a nudge when one is overdue)"),
        default=True,
    )
    notify_facilitation = models.BooleanField(
        _("tell me when someone asks to join, or a journey move is suggested"),
        default=True,
        help_text=_(
            "Only in communities you facilitate or coordinate. The requests and "
            "suggestions wait on their pages either way."
        ),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["display_name", "email"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_from(self.display_name, self.email)

    @staticmethod
    def name_from(display_name: str, email: str) -> str:
        """The name a person goes by: for lists that read these two columns only."""
        return display_name or email.split("@", 1)[0]

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name

    @property
    def zoneinfo(self) -> zoneinfo.ZoneInfo:
        """The person's timezone; a stored name that no longer exists falls back to UTC."""
        return zone_or_utc(self.timezone)


class EmailDeliveryQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status__in=[EmailDelivery.Status.QUEUED, EmailDelivery.Status.FAILED])


class EmailDelivery(models.Model):
    """One email we mean to send, recorded before it is sent.

    `key` is unique: whoever creates the row first owns the message (a reminder's key names
    the person, session, kind and start), so a second scheduler run, a retried task or a
    racing worker finds the row already there and sends nothing.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed (will retry)")
        GAVE_UP = "gave_up", _("gave up")
        # Not sent, and never retried: the address is on the suppression list.
        SUPPRESSED = "suppressed", _("not sent (address suppressed)")

    key = models.CharField(max_length=255, unique=True)
    kind = models.CharField(max_length=40, db_index=True)
    recipient = optional_link(settings.AUTH_USER_MODEL, related_name="email_deliveries")
    to_email = models.EmailField()
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    attachments = models.JSONField(
        default=list, blank=True, help_text="[{filename, content, mimetype}] of text files."
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Set with the claim: a worker claims a whole batch in one UPDATE, then reads back
    # exactly the rows it won by this token.
    claim_token = models.CharField(max_length=32, blank=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = EmailDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = _("email deliveries")
        indexes = [models.Index(fields=["status", "created_at"], name="emaildelivery_status_idx")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to_email} ({self.status})"


class EmailSuppressionQuerySet(models.QuerySet):
    def for_address(self, address: str):
        return self.filter(address=normalized_address(address))


def normalized_address(address: str) -> str:
    """How the suppression list keys an address: mailboxes are not told apart by case."""
    return address.strip().lower()


class EmailSuppression(models.Model):
    """An address we no longer send to: the email service told us (through its tracking
    webhook, accounts/bounces.py) that mail to it bounced for good, was refused, or was
    marked as spam. Its owner clears it by confirming the address again."""

    class Reason(models.TextChoices):
        BOUNCED = "bounced", _("bounced")
        REJECTED = "rejected", _("refused by the email service")
        COMPLAINED = "complained", _("marked as spam")

    address = models.EmailField(unique=True, help_text="Lower-cased.")
    reason = models.CharField(max_length=12, choices=Reason)
    esp_name = models.CharField("email service", max_length=40, blank=True)
    event_id = models.CharField(max_length=255, blank=True)
    description = models.TextField(
        blank=True, help_text="What the email service said (its description and reply)."
    )
    occurred_at = models.DateTimeField(
        null=True, blank=True, help_text="When the email service saw it."
    )
    created_at = models.DateTimeField(default=now)

    objects = EmailSuppressionQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.address} ({self.reason})"

    @property
    def since(self):
        return self.occurred_at or self.created_at


class SubmissionToken(models.Model):
    """A create form's one-time token, claimed by the POST that used it.

    Each create form carries a fresh random token (`{% submission_token %}`). The first POST
    with it inserts this row in the same transaction as the object it creates, and records
    where it sent the person; a double click or a retried POST with the same token finds
    the row (waiting for the first to commit, when they race) and gets the same answer
    without creating anything. Rows older than a day are pruned.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submission_tokens"
    )
    token = models.CharField(max_length=64)
    path = models.CharField(max_length=255)
    # What was posted (a hash): the same token with other content is a new submission, e.g.
    # a form reopened with the back button, changed and sent again.
    digest = models.CharField(max_length=64, blank=True)
    result_url = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="submission_token_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.path} → {self.result_url or '…'}"


class NotificationQuerySet(models.QuerySet):
    def for_recipient(self, user):
        """A person's own notifications, newest first: nobody else's, ever."""
        return self.filter(recipient=user).order_by("-created_at", "-pk")

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something in the site a person should know of (a reply, a decision, a change).

    What the list shows is stored when it is made (`text`, `url`, the community's name), so
    the list reads one table and no row costs a query. `key` is unique: an event fired
    twice, or a task retried, finds its notification already there. The community is kept
    by id and name rather than as a foreign key: accounts sits below communities.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(max_length=255, unique=True)
    kind = models.CharField(max_length=40)
    community_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    community_name = models.CharField(max_length=200, blank=True)
    actor = optional_link(settings.AUTH_USER_MODEL, related_name="+")
    text = models.CharField(max_length=300)
    # A path on this site (e.g. "/c/riverside/reflections/7/"), where opening it leads.
    url = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Emailed at once (by choice, by a locked kind or the 48-hour rule): the digest's
    # notifications section leaves it out.
    emailed = models.BooleanField(default=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(
                fields=["recipient", "-created_at", "-id"], name="notification_recipient_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_id}: {self.text[:40]}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """A person's email choice for one kind of notification (core.plugins' registry).
    No row: the kind's default."""

    class Email(models.TextChoices):
        IMMEDIATELY = "immediately", _("Email me at once")
        DIGEST = "digest", _("In my digest")
        NEVER = "never", _("Don't email me")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_choices"
    )
    kind = models.CharField(max_length=40)
    email = models.CharField(max_length=12, choices=Email)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_choice_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.email}"
