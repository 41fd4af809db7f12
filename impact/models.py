"""Impact stories (issue 8): short value-creation stories after Wenger-Trayner's cycles.

Stories began in the reflections app and moved here (issue 13) without moving their rows:
the model keeps the table it was created with, and its many-to-many tables, whose names
Django derives from the model's table, keep theirs too (see migrations/0001_initial.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImpactStoryQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ImpactStory.Status.PUBLISHED)

    def visible_to(self, user):
        """Published stories of the person's communities (and of every community of the
        organisations they lead), and the person's own drafts. Nobody else ever sees a
        draft; a leader never sees another organisation's stories."""
        from communities.models import Membership, led_organisation_ids

        if not user.is_authenticated:
            return self.none()
        mine = models.Q(author=user)
        member_of = Membership.objects.active().filter(user=user).values("community_id")
        theirs = models.Q(community_id__in=member_of)
        if user.is_leader:
            theirs |= models.Q(community__organisation__in=led_organisation_ids(user))
        return self.filter(mine | (models.Q(status=ImpactStory.Status.PUBLISHED) & theirs))


class ImpactStory(models.Model):
    """A short value-creation story after Wenger-Trayner's cycles: immediate, potential,
    applied, realized and reframing value. Only the first step is required."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft: only you can see it")
        PUBLISHED = "published", _("published to the community and leaders")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="impact_stories"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="impact_stories"
    )
    title = models.CharField(max_length=200)
    what_happened = models.TextField(
        _("what happened"),
        max_length=4000,
        help_text=_("The moment itself: who met, what was said."),
    )
    what_it_gave_us = models.TextField(
        _("what it gave us"),
        max_length=4000,
        blank=True,
        help_text=_("An idea, a contact, a tool, confidence: what we could now use."),
    )
    what_we_did_differently = models.TextField(
        _("what we did differently"),
        max_length=4000,
        blank=True,
        help_text=_("Where we actually used it in our work."),
    )
    what_difference_it_made = models.TextField(
        _("what difference it made"),
        max_length=4000,
        blank=True,
        help_text=_("What changed for the people we work for, or for us."),
    )
    what_we_now_see_differently = models.TextField(
        _("what we now see differently"),
        max_length=4000,
        blank=True,
        help_text=_("How it changed what we count as success, or how we decide."),
    )
    sessions = models.ManyToManyField(
        "cop_sessions.Session", related_name="impact_stories", blank=True
    )
    outcomes = models.ManyToManyField("outcomes.Outcome", related_name="impact_stories", blank=True)
    actions = models.ManyToManyField(
        "reflections.Action", related_name="impact_stories", blank=True
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ImpactStoryQuerySet.as_manager()

    class Meta:
        # The table (and with it the sessions/outcomes/actions link tables) keeps the name it
        # had in the reflections app, so moving the model copied no row.
        db_table = "reflections_impactstory"
        ordering = ["-published_at", "-created_at"]
        verbose_name_plural = "impact stories"
        indexes = [
            models.Index(fields=["community", "status", "-published_at"], name="story_list_idx")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("dashboard:story_detail", kwargs={"pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    STEPS = [
        ("what_happened", _("What happened"), _("immediate value")),
        ("what_it_gave_us", _("What it gave us"), _("potential value")),
        ("what_we_did_differently", _("What we did differently"), _("applied value")),
        ("what_difference_it_made", _("What difference it made"), _("realized value")),
        ("what_we_now_see_differently", _("What we now see differently"), _("reframing value")),
    ]

    def steps(self) -> list[tuple[str, str, str]]:
        """(heading, cycle, text) of each step the author wrote, in the cycle's order."""
        return [
            (heading, cycle, getattr(self, name))
            for name, heading, cycle in self.STEPS
            if getattr(self, name)
        ]


class StoredFigures(models.Model):
    """One community's figures about people over a window of whole months that have
    ended (`impact.figures.windows`): a closed month's figures change only when a write
    touches it, so they are computed once and kept here, recomputed every night for the
    preset periods' windows (`impact.tasks.store_window_figures`) and removed whenever a
    write may touch a closed month of the community (`impact.signals`), to be computed
    again when next asked. `data` is the pickled frozen figures (plain data, our own
    bytes); rows of another `version` are never read."""

    class Kind(models.TextChoices):
        PEOPLE = "people", "the headline's figures about people"
        MONTHS = "months", "the dashboard's charts over whole months"
        COUNTS = "counts", "a period's counts resting on people, the period in ended months"
        HEAD = "head", "a running period's counts resting on people, its days in ended months"
        SERIES = "series", "a running period's sessions and reflections by ended month"

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind)
    start = models.DateField()
    end = models.DateField()
    version = models.PositiveSmallIntegerField()
    data = models.BinaryField()
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "kind", "start", "end"], name="stored_figures_one_per_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.start}–{self.end} of community {self.community_id}"
