from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.fields import optional_link
from core.text import SHORT_TEXT_MAX


class OutcomeQuerySet(models.QuerySet):
    def agreed(self):
        return self.filter(status=Outcome.Status.AGREED)


class Outcome(models.Model):
    """What a community wants to be able to do: "We want to be able to …"."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("outcome", "proposed")
        AGREED = "agreed", pgettext_lazy("outcome", "agreed")
        RETIRED = "retired", pgettext_lazy("outcome", "retired")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="outcomes"
    )
    statement = models.CharField(
        max_length=300, help_text=_("Finish the sentence: “We want to be able to …”")
    )
    why = models.TextField(_("why it matters"), max_length=SHORT_TEXT_MAX, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreed_by = optional_link(settings.AUTH_USER_MODEL, related_name="+")
    agreed_at = models.DateTimeField(null=True, blank=True)
    # What a peer should look for: the rubric of this outcome's peer reviews (2–5 prompts).
    review_prompts = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        ordering = ["status", "statement"]
        indexes = [models.Index(fields=["community", "status"], name="outcome_status_idx")]

    def __str__(self) -> str:
        return f"We want to be able to {self.statement}"

    def get_absolute_url(self) -> str:
        return reverse("outcomes:outcome", kwargs={"slug": self.community.slug, "pk": self.pk})


DEFAULT_PROMPTS = [
    "What works well here, and why?",
    "What could go deeper next time?",
    "What would you try if this were yours?",
]


class Endorsement(models.Model):
    """A member saying "yes, I want this too" to a proposed or agreed outcome."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="endorsements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["outcome", "user"], name="endorsement_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} endorses {self.outcome_id}"


class OutcomeRevision(models.Model):
    """Earlier wording of an outcome, kept when a facilitator edits it."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="revisions")
    statement = models.CharField(max_length=300)
    why = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.statement


class ConfidenceRating(models.Model):
    """A member's self-rated confidence (1–5) against an outcome, given from the outcome
    page or while writing a reflection.

    Private to the member and the community's facilitators (leaders see aggregates only,
    through core.privacy's floor). A reflection that records a rating points down to it
    (`Reflection.confidence_rating`), so this model knows nothing of reflections. The
    table keeps the name it had when the model lived in reflections, so no row moved.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outcome_confidences"
    )
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="confidences")
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        db_table = "reflections_reflectionconfidence"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.rating}/5 on {self.outcome_id}"
