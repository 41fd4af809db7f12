from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class OutcomeQuerySet(models.QuerySet):
    def agreed(self):
        return self.filter(status=Outcome.Status.AGREED)


class Outcome(models.Model):
    """What a community wants to be able to do: "We want to be able to …"."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "proposed"
        AGREED = "agreed", "agreed"
        RETIRED = "retired", "retired"

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="outcomes"
    )
    statement = models.CharField(
        max_length=300, help_text="Finish the sentence: “We want to be able to …”"
    )
    why = models.TextField("why it matters", max_length=2000, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
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


def _work_upload_to(instance: SharedWork, filename: str) -> str:
    # A random folder per file: names never collide and are never guessable from the id.
    return f"work/{instance.community_id}/{uuid.uuid4().hex}/{filename[-100:]}"


class SharedWork(models.Model):
    """Something an attendee made or tried in a session, shared so peers can look at it."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="shared_work"
    )
    session = models.ForeignKey(
        "cop_sessions.Session", on_delete=models.CASCADE, related_name="shared_work"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shared_work"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=4000, blank=True)
    link = models.URLField(max_length=500, blank=True)
    # Stored under MEDIA_ROOT but never served from a public URL: `work_file` checks access.
    file = models.FileField(upload_to=_work_upload_to, max_length=300, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    file_type = models.CharField(max_length=120, blank=True)
    file_size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["community", "created_at"], name="work_community_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("outcomes:work", kwargs={"slug": self.community.slug, "pk": self.pk})


class ReviewRound(models.Model):
    """A facilitator's invitation to look at a session's shared work through the prompts of
    one or more agreed outcomes: the "assessment" of the alignment triple, never a test."""

    class Status(models.TextChoices):
        OPEN = "open", "open"
        CLOSED = "closed", "closed"

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="review_rounds"
    )
    session = models.ForeignKey(
        "cop_sessions.Session", on_delete=models.CASCADE, related_name="review_rounds"
    )
    outcomes = models.ManyToManyField(Outcome, related_name="review_rounds")
    # The rubric as it stood when the round opened: [{"outcome": id, "prompt": text}, …].
    # Later edits to an outcome's prompts never change what reviewers were asked.
    prompts = models.JSONField(default=list)
    reviewers_per_work = models.PositiveSmallIntegerField(default=2)
    # Anonymous: authors never see who reviewed them; facilitators still do (to nudge).
    anonymous = models.BooleanField(default=False)
    due_on = models.DateField()
    status = models.CharField(max_length=8, choices=Status, default=Status.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Review round for {self.session}"

    def get_absolute_url(self) -> str:
        return reverse("outcomes:round", kwargs={"slug": self.community.slug, "pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class PeerReviewQuerySet(models.QuerySet):
    def waiting(self):
        """Allocated or drafted, in an open round: what a reviewer still has to do."""
        return self.filter(
            status__in=[PeerReview.Status.ALLOCATED, PeerReview.Status.DRAFT],
            round__status=ReviewRound.Status.OPEN,
        )

    def submitted(self):
        return self.filter(status=PeerReview.Status.SUBMITTED)

    def overdue(self, today):
        return self.waiting().filter(round__due_on__lt=today)


class PeerReview(models.Model):
    """One peer's reflective look at one piece of work: prose per prompt and, if they wish,
    a stage. No numbers, no pass or fail."""

    class Status(models.TextChoices):
        ALLOCATED = "allocated", "waiting"
        DRAFT = "draft", "draft saved"
        SUBMITTED = "submitted", "shared"
        DECLINED = "declined", "declined"

    class Stage(models.TextChoices):
        EMERGING = "emerging", "emerging"
        DEVELOPING = "developing", "developing"
        CONFIDENT = "confident", "confident"
        EXTENDING = "extending", "extending"

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="reviews")
    work = models.ForeignKey(SharedWork, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="peer_reviews"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.ALLOCATED)
    # One answer per prompt of the round, in its order: [{"works": …, "deeper": …}, …].
    answers = models.JSONField(default=list, blank=True)
    stage = models.CharField(max_length=10, choices=Stage, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    declined_at = models.DateTimeField(null=True, blank=True)

    objects = PeerReviewQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["work", "reviewer"], name="review_once_per_work"),
        ]
        indexes = [models.Index(fields=["reviewer", "status"], name="review_reviewer_idx")]

    def __str__(self) -> str:
        return f"Review of {self.work_id} by {self.reviewer_id}"

    def get_absolute_url(self) -> str:
        return reverse("outcomes:review", kwargs={"slug": self.round.community.slug, "pk": self.pk})

    def pairs(self) -> list[dict]:
        """The round's prompts with this review's answers beside them."""
        answers = self.answers or []
        rows = []
        for index, prompt in enumerate(self.round.prompts):
            answer = answers[index] if index < len(answers) else {}
            rows.append(
                {
                    "prompt": prompt["prompt"],
                    "works": answer.get("works", ""),
                    "deeper": answer.get("deeper", ""),
                }
            )
        return rows


class ReviewReply(models.Model):
    """The author's thanks or response to a review they received."""

    review = models.OneToOneField(PeerReview, on_delete=models.CASCADE, related_name="reply")
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Reply to review {self.review_id}"
