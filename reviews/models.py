"""Peer review: work shared from a session, the rounds that look at it through agreed
outcomes, the reviews peers write and the authors' replies.

These models moved here from `outcomes`; each keeps its table (`db_table`) so that the
move copied no row, and `SharedWork.file` keeps its upload path so stored files stay
where they are.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from core.text import TEXT_MAX


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
    description = models.TextField(max_length=TEXT_MAX, blank=True)
    link = models.URLField(max_length=500, blank=True)
    # Stored under MEDIA_ROOT but never served from a public URL: `work_file` checks access.
    file = models.FileField(upload_to=_work_upload_to, max_length=300, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    file_type = models.CharField(max_length=120, blank=True)
    file_size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        db_table = "outcomes_sharedwork"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["community", "created_at"], name="work_community_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reviews:work", kwargs={"slug": self.community.slug, "pk": self.pk})


class ReviewRound(models.Model):
    """A facilitator's invitation to look at a session's shared work through the prompts of
    one or more agreed outcomes: the "assessment" of the alignment triple, never a test."""

    class Status(models.TextChoices):
        # Planned: the facilitator adjusts who reviews what before anyone is asked.
        PLANNED = "planned", pgettext_lazy("review round status", "planned")
        OPEN = "open", pgettext_lazy("review round status", "open")
        CLOSED = "closed", pgettext_lazy("review round status", "closed")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="review_rounds"
    )
    session = models.ForeignKey(
        "cop_sessions.Session", on_delete=models.CASCADE, related_name="review_rounds"
    )
    outcomes = models.ManyToManyField(
        "outcomes.Outcome", related_name="review_rounds", db_table="outcomes_reviewround_outcomes"
    )
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
    # When reviewers were asked (None while planned; rounds older than this field: created_at).
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The cadence's last step: two days after the due date, each missing review is offered
    # to an attendee who has finished theirs. A facilitator may turn it off per round.
    auto_reassign = models.BooleanField(default=True)
    # Release step: shared reviews wait for a facilitator, who may ask for a rephrase,
    # then releases them (all or one); the author sees nothing of a held review before.
    holds_reviews = models.BooleanField(default=False)
    # Self-review first: authors are invited to answer the prompts about their own work
    # before they read their peers' reviews (always skippable).
    self_review = models.BooleanField(default=False)

    class Meta:
        db_table = "outcomes_reviewround"
        ordering = ["-created_at"]
        indexes = [
            # The reviews page's rounds, newest first, a page at a time from a named round
            # (core.paging.KeysetPage): read in this order, never sorted whole.
            models.Index(fields=["community", "-created_at", "-id"], name="round_list_idx"),
        ]

    def __str__(self) -> str:
        return f"Review round for {self.session}"

    def get_absolute_url(self) -> str:
        return reverse("reviews:round", kwargs={"slug": self.community.slug, "pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_planned(self) -> bool:
        return self.status == self.Status.PLANNED

    @property
    def started_at(self):
        return self.opened_at or self.created_at


class PeerReviewQuerySet(models.QuerySet):
    def waiting(self):
        """Allocated or drafted, in an open round: what a reviewer still has to do."""
        return self.filter(
            status__in=[PeerReview.Status.ALLOCATED, PeerReview.Status.DRAFT],
            round__status=ReviewRound.Status.OPEN,
        )

    def submitted(self):
        return self.filter(status=PeerReview.Status.SUBMITTED)

    def live(self):
        """The reviews a piece of work counts on: shared, or still to come from someone
        who was not replaced (a reassigned reviewer's late review is welcome, once shared)."""
        return self.filter(live_q())

    def waiting_on(self):
        """Waiting, and not replaced: the reviews the cadence reminds and may reassign."""
        return self.waiting().filter(reassigned_at__isnull=True)

    def released(self):
        """Shared reviews their work's author may read: in a round without a release
        step at once, in one with it once a facilitator released them."""
        return self.submitted().filter(
            models.Q(round__holds_reviews=False) | models.Q(released_at__isnull=False)
        )

    def held(self):
        """Shared reviews waiting for a facilitator's release (facilitators see them)."""
        return self.submitted().filter(round__holds_reviews=True, released_at__isnull=True)

    def overdue(self, today):
        return self.waiting().filter(round__due_on__lt=today)


class PeerReview(models.Model):
    """One peer's reflective look at one piece of work: prose per prompt and, if they wish,
    a stage. No numbers, no pass or fail."""

    class Status(models.TextChoices):
        ALLOCATED = "allocated", pgettext_lazy("review status", "waiting")
        DRAFT = "draft", pgettext_lazy("review status", "draft saved")
        SUBMITTED = "submitted", pgettext_lazy("review status", "shared")
        DECLINED = "declined", pgettext_lazy("review status", "declined")

    class Stage(models.TextChoices):
        EMERGING = "emerging", pgettext_lazy("review stage", "emerging")
        DEVELOPING = "developing", pgettext_lazy("review stage", "developing")
        CONFIDENT = "confident", pgettext_lazy("review stage", "confident")
        EXTENDING = "extending", pgettext_lazy("review stage", "extending")

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
    # A facilitator's own review ("Review it myself"): marked as such wherever it shows.
    by_facilitator = models.BooleanField(default=False)
    # Reassignment: the review this one replaces (at most one replacement per review — two
    # facilitators reassigning at once never ask two people), and when this one was
    # replaced. A replaced reviewer keeps their draft and may still share it.
    reassigned_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replacement"
    )
    reassigned_at = models.DateTimeField(null=True, blank=True)
    # Asked by the cadence's automatic step (the person may decline, like anyone asked).
    automatic = models.BooleanField(default=False)
    # "Was this helpful?": the author tells the reviewer privately, with an optional line.
    # Never counted per person; only the community's share is shown (at 5+ reviews).
    helpful_at = models.DateTimeField(null=True, blank=True)
    helpful_note = models.CharField(max_length=300, blank=True)
    # In a round with a release step: when a facilitator passed it on to the author.
    released_at = models.DateTimeField(null=True, blank=True)

    objects = PeerReviewQuerySet.as_manager()

    class Meta:
        db_table = "outcomes_peerreview"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["work", "reviewer"], name="review_once_per_work"),
        ]
        indexes = [models.Index(fields=["reviewer", "status"], name="review_reviewer_idx")]

    def __str__(self) -> str:
        return f"Review of {self.work_id} by {self.reviewer_id}"

    def get_absolute_url(self) -> str:
        return reverse("reviews:review", kwargs={"slug": self.round.community.slug, "pk": self.pk})

    @property
    def is_held(self) -> bool:
        return self.round.holds_reviews and self.released_at is None

    def pairs(self) -> list[dict]:
        """The round's prompts with this review's answers beside them."""
        return answer_pairs(self.round.prompts, self.answers)


def answer_pairs(prompts: list[dict], answers: list[dict] | None) -> list[dict]:
    """`prompts` ([{"prompt": …}, …]) with `answers` ([{"works", "deeper"}, …]) beside them."""
    answers = answers or []
    rows = []
    for index, prompt in enumerate(prompts):
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
    body = models.TextField(max_length=TEXT_MAX)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "outcomes_reviewreply"

    def __str__(self) -> str:
        return f"Reply to review {self.review_id}"


def live_q(prefix: str = "") -> models.Q:
    """`PeerReviewQuerySet.live()` as a Q, through `prefix` (for Count filters)."""
    S = PeerReview.Status
    return models.Q(**{f"{prefix}status": S.SUBMITTED}) | models.Q(
        **{f"{prefix}status__in": [S.ALLOCATED, S.DRAFT], f"{prefix}reassigned_at": None}
    )


class RephraseRequest(models.Model):
    """A facilitator's request that a held review be rephrased before its release, with a
    note for the reviewer (who is told once); the review goes back to a draft."""

    review = models.ForeignKey(PeerReview, on_delete=models.CASCADE, related_name="rephrasings")
    note = models.TextField(max_length=TEXT_MAX)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Rephrase request for review {self.review_id}"


class Reflection(models.TextChoices):
    WRITTEN = "written", pgettext_lazy("own review", "written")
    SKIPPED = "skipped", pgettext_lazy("own review", "skipped")


class SelfReview(models.Model):
    """An author's own look at their work through a round's prompts, before reading their
    peers' reviews; `skipped` when they chose not to (one click)."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="self_reviews")
    work = models.ForeignKey(SharedWork, on_delete=models.CASCADE, related_name="self_reviews")
    status = models.CharField(max_length=8, choices=Reflection.choices)
    answers = models.JSONField(default=list, blank=True)
    stage = models.CharField(max_length=10, choices=PeerReview.Stage, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "work"], name="self_review_once"),
        ]

    def __str__(self) -> str:
        return f"Self-review of {self.work_id} in round {self.round_id}"

    def pairs(self) -> list[dict]:
        return answer_pairs(self.round.prompts, self.answers)


class CalibrationExample(models.Model):
    """A facilitator's example piece of work with an example review, for reviewers new to
    the round's outcomes to practise on first. Nothing is scored."""

    round = models.OneToOneField(ReviewRound, on_delete=models.CASCADE, related_name="example")
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=TEXT_MAX)
    link = models.URLField(max_length=500, blank=True)
    # The example review: one answer per prompt of the round, like PeerReview.answers.
    answers = models.JSONField(default=list)
    stage = models.CharField(max_length=10, choices=PeerReview.Stage, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.title

    def pairs(self) -> list[dict]:
        return answer_pairs(self.round.prompts, self.answers)


class PracticeReview(models.Model):
    """A reviewer's short practice review of a round's example (or their one-click skip)."""

    example = models.ForeignKey(
        CalibrationExample, on_delete=models.CASCADE, related_name="practice_reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_reviews"
    )
    status = models.CharField(max_length=8, choices=Reflection.choices)
    answers = models.JSONField(default=list, blank=True)
    stage = models.CharField(max_length=10, choices=PeerReview.Stage, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["example", "reviewer"], name="practice_once"),
        ]

    def __str__(self) -> str:
        return f"Practice review by {self.reviewer_id}"

    def pairs(self) -> list[dict]:
        return answer_pairs(self.example.round.prompts, self.answers)
