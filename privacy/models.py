from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.transactions import after_commit

# How long a ready export may be downloaded (the README's promise and the page's words):
# the retention setting COPSITE_RETAIN_EXPORT_DAYS (7 by default), read once at start.
EXPORT_DAYS = settings.COPSITE_RETAIN_EXPORT_DAYS
EXPORT_LIFETIME = timedelta(days=EXPORT_DAYS)
# A build still pending after this long was lost (a broker down when it was asked for):
# the page offers to ask again, which queues it again.
EXPORT_STALE_AFTER = timedelta(minutes=30)


def _export_upload_to(instance: Export, filename: str) -> str:
    # A random folder per export: never guessable, never served from a public URL (the
    # download view checks who asks; nothing maps MEDIA_ROOT to a URL).
    return f"exports/{uuid.uuid4().hex}/{filename[-100:]}"


class ExportQuerySet(models.QuerySet):
    def current(self, *, now=None):
        """Exports that may still be downloaded: ready and not past their 7 days."""
        return self.filter(status=Export.Status.READY, expires_at__gt=now or timezone.now())

    def of_person(self, user):
        return self.filter(kind=Export.Kind.PERSON, requested_by=user)

    def of_community(self, community):
        return self.filter(kind=Export.Kind.COMMUNITY, community=community)


class Export(models.Model):
    """A zip of a person's own words and doings (kind "person"), or of a community's shared
    record for its coordinators (kind "community"). Built by a worker (privacy.tasks), then
    downloadable for EXPORT_DAYS through privacy.views.export_download and deleted with its
    file by privacy.exports.delete_expired_exports."""

    class Kind(models.TextChoices):
        PERSON = "person", _("my data")
        COMMUNITY = "community", _("a community's record")

    class Status(models.TextChoices):
        PENDING = "pending", _("being prepared")
        READY = "ready", _("ready")
        FAILED = "failed", _("could not be made")

    kind = models.CharField(max_length=10, choices=Kind)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports"
    )
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="exports",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    file = models.FileField(upload_to=_export_upload_to, max_length=300, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The "ready" email's exactly-once key (accounts.mail) is made from this.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    objects = ExportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Asking twice (a double click, two tabs, two coordinators at once) while one
            # is being prepared gives that one: at most one pending export per person…
            models.UniqueConstraint(
                fields=["requested_by"],
                condition=Q(status="pending", kind="person"),
                name="export_one_pending_per_person",
            ),
            # …and per community, whichever of its coordinators asked.
            models.UniqueConstraint(
                fields=["community"],
                condition=Q(status="pending", kind="community"),
                name="export_one_pending_per_community",
            ),
            models.CheckConstraint(
                condition=Q(kind="person", community__isnull=True)
                | Q(kind="community", community__isnull=False),
                name="export_community_only_for_community_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} export {self.pk} ({self.status})"

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def is_stale(self, now=None) -> bool:
        return (
            self.status == self.Status.PENDING
            and self.created_at <= (now or timezone.now()) - EXPORT_STALE_AFTER
        )

    def state(self, now=None) -> str:
        """What the page says: "pending", "ready", "expired" or "failed"."""
        if self.status == self.Status.READY and self.is_expired(now):
            return "expired"
        return self.status

    @property
    def filename(self) -> str:
        stamp = timezone.localtime(self.ready_at or self.created_at).strftime("%Y-%m-%d")
        if self.kind == self.Kind.COMMUNITY and self.community is not None:
            return f"copsite-{self.community.slug}-{stamp}.zip"
        return f"copsite-my-data-{stamp}.zip"


@receiver(post_delete, sender=Export, dispatch_uid="privacy-export-file")
def _export_file_goes_with_it(sender, instance: Export, **kwargs) -> None:
    """An export's file goes once its row's deletion commits: past its 7 days, replaced by
    a newer one, or with its person's account (a cascade)."""
    if instance.file.name:
        after_commit(instance.file.storage.delete, instance.file.name)
