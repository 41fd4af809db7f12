from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.addresses import community_object_url
from core.fields import optional_link
from core.text import LONG_TEXT_COLUMN_MAX, LONG_TEXT_MAX, TEXT_MAX

from .markdown import excerpt

# A clear limit for a reflection's Markdown body: long enough for a real essay, short
# enough that rendering, previews and exports stay quick.
BODY_MAX_CHARS = LONG_TEXT_MAX
# The plain-text excerpt kept beside the body for lists (see Reflection.excerpt).
EXCERPT_CHARS = 200

# The fields a person writes in a reflection (reflection_save copies these; an autosaved
# draft keeps the same ones as the form names them, see forms.DRAFT_FIELDS).
REFLECTION_FIELDS = (
    "title",
    "loop_level",
    "body",
    "session",
    "outcome",
    "follow_up_of",
    "visibility",
    "answers",
)

# The prompts offered for each loop level: (key, question). Answers are optional.
PROMPTS = {
    "single": [
        ("intended", _("What was supposed to happen?")),
        ("happened", _("What actually happened?")),
        ("difference", _("Why was there a difference?")),
        ("keep_adjust", _("What will we keep, and what will we adjust next time?")),
    ],
    "double": [
        ("assumption", _("Which assumption does this make you question?")),
        ("instead", _("What might we do instead?")),
    ],
    "triple": [
        (
            "rethink",
            _(
                "Which value, principle or way we decide and govern ourselves does this "
                "make us rethink?"
            ),
        ),
    ],
}
# A facilitator's own reflection on a session they facilitated (reflections.facilitation):
# private, its answers marked with FACILITATION_MARK so it is found again.
FACILITATION_PROMPTS = [
    ("helped_room", _("What helped the room?")),
    ("unheard", _("Whose voice didn't we hear?")),
    ("try_next", _("What would I try next time?")),
]
FACILITATION_MARK = ("kind", "facilitation")
PROMPT_QUESTIONS = {
    key: question
    for prompts in [*PROMPTS.values(), FACILITATION_PROMPTS]
    for key, question in prompts
}


def _active_communities(user, *, facilitators_only: bool = False):
    """The ids of the communities where `user` is an active member (or facilitator and up),
    as a subquery: visibility costs no extra query (Membership.objects.community_ids_of)."""
    from communities.models import Membership

    role = Membership.Role.FACILITATOR if facilitators_only else None
    return Membership.objects.community_ids_of(user, role=role)


class LoopWords:
    """A loop level's words for what carries one (a reflection, an action, or a theme
    annotated with its reflections' level): the term ("double loop") and the everyday
    words ("questioning what we do"), in the active language."""

    @property
    def loop_name(self) -> str:
        return str(LOOP_NAMES.get(getattr(self, "loop_level", ""), ""))

    @property
    def loop_plain(self) -> str:
        return str(LOOP_PLAIN.get(getattr(self, "loop_level", ""), ""))


class ReflectionQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        # bulk_create skips save(): fill the stored excerpt here too, so seeded and
        # imported reflections show one like any other.
        objs = list(objs)
        for reflection in objs:
            reflection.fill_excerpt()
        return super().bulk_create(objs, *args, **kwargs)

    def visible_to(self, user, community=None, *, among=None):
        """The ONE place that decides who may read a reflection.

        - the author always sees their own;
        - `community`: every active member of the reflection's community;
        - `facilitators`: the community's active facilitators and coordinators;
        - `private`: nobody else.
        A community reflection a facilitator hid (moderation) stays visible to its author
        and the facilitators only.
        Being a leader grants nothing here: leaders never read reflection text.
        `among` (core.search.Among): the user's communities, already read as ids (search);
        otherwise the rule reads their memberships in subqueries.
        """
        if not user.is_authenticated:
            return self.none()
        queryset = self if community is None else self.filter(community=community)
        if among is None:
            member = Q(community__in=_active_communities(user))
            facilitating = Q(community__in=_active_communities(user, facilitators_only=True))
        else:
            member, facilitating = among.member_q(), among.facilitating_q()
        return queryset.filter(
            Q(author=user)
            | Q(visibility=Reflection.Visibility.COMMUNITY, hidden_at__isnull=True) & member
            | Q(
                visibility__in=[
                    Reflection.Visibility.FACILITATORS,
                    Reflection.Visibility.COMMUNITY,
                ]
            )
            & facilitating
        )

    def shared(self):
        """Reflections shared with others: the ones engagement signals may count."""
        return self.filter(
            visibility__in=[Reflection.Visibility.FACILITATORS, Reflection.Visibility.COMMUNITY]
        )

    def search(self, text: str):
        text = text.strip()
        if not text:
            return self
        return self.filter(Q(title__icontains=text) | Q(body__icontains=text))


class Reflection(LoopWords, models.Model):
    class Loop(models.TextChoices):
        SINGLE = "single", _("single loop: did we do things right?")
        DOUBLE = "double", _("double loop: are we doing the right things?")
        TRIPLE = "triple", _("triple loop: how do we decide what is right?")

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("only me")
        FACILITATORS = "facilitators", _("me and the community's facilitators")
        COMMUNITY = "community", _("everyone in the community")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="reflections"
    )
    session = optional_link("cop_sessions.Session", related_name="reflections")
    outcome = optional_link("outcomes.Outcome", related_name="reflections")
    # A follow-up reflection ("did it make a difference?") on an action that was done.
    follow_up_of = optional_link(
        "reflections.Action", related_name="follow_ups", verbose_name=_("follow-up of action")
    )
    # The confidence rating given with this reflection, if any: the reflection points down
    # to the outcomes app's rating, never the rating up to the reflection.
    confidence_rating = models.OneToOneField(
        "outcomes.ConfidenceRating",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reflection",
    )
    # Blank means "not sure yet": a loop level is offered, never required.
    loop_level = models.CharField(max_length=10, choices=Loop, blank=True)
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=LONG_TEXT_COLUMN_MAX, blank=True)
    # Answers to the level's prompts: {prompt key: text}; only answered prompts are kept.
    answers = models.JSONField(default=dict, blank=True)
    # The body as plain text, whitespace collapsed and truncated: derived on every save, so
    # a list shows it without rendering Markdown for each reflection on the page.
    excerpt = models.CharField(max_length=EXCERPT_CHARS, blank=True, editable=False)
    visibility = models.CharField(max_length=12, choices=Visibility, default=Visibility.COMMUNITY)
    # Shared "with the community, without my name": members see "a member", facilitators
    # and the author see who wrote it, leaders neither (reflections.anonymity). Chosen when
    # it is written and never changed afterwards: it can be deleted, not unmasked.
    anonymous = models.BooleanField(_("without my name"), default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Moderation: a facilitator hid this community reflection, with a reason its author sees.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.CharField(max_length=300, blank=True)

    objects = ReflectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["community", "visibility", "-created_at"], name="reflection_list_idx"
            ),
            models.Index(fields=["author", "-created_at"], name="reflection_author_idx"),
            # A community's list, newest first, in exactly the list's order: PostgreSQL
            # walks it and stops after one page, checking each row's visibility on the way
            # (the OR of the visibility rules cannot use reflection_list_idx in order).
            models.Index(fields=["community", "-created_at", "-id"], name="reflection_recent_idx"),
            # Has this person shared anything here since then (reflections.voices, one look
            # per person who keeps coming): without the community, every reflection of
            # theirs anywhere was read to find one.
            models.Index(
                fields=["author", "community", "-created_at"], name="reflection_author_comm_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None:
            self.fill_excerpt()
        elif "body" in update_fields:
            self.fill_excerpt()
            kwargs["update_fields"] = {*update_fields, "excerpt"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return community_object_url("reflections:detail", self.community.slug, self.pk)

    def fill_excerpt(self) -> None:
        self.excerpt = excerpt(self.body, EXCERPT_CHARS)

    def short_excerpt(self, chars: int) -> str:
        """The stored excerpt cut to `chars` (at most EXCERPT_CHARS): the same text as
        excerpt(body, chars), without rendering the Markdown again."""
        return Truncator(self.excerpt).chars(chars)

    @property
    def answered_prompts(self) -> list[tuple[str, str]]:
        """(question, answer) for each answered prompt, in the order the form asks them."""
        return [
            (question, self.answers[key])
            for key, question in PROMPT_QUESTIONS.items()
            if self.answers.get(key)
        ]

    @property
    def visibility_sentence(self) -> str:
        if self.anonymous:
            return gettext(
                "Everyone in this community will see it, without your name; the facilitators "
                "will still see it's you."
            )
        return str(VISIBILITY_SENTENCES[self.visibility])

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


# The loop levels in everyday words, shown beside the terms wherever a level is (issue 14):
# people who never met Argyris still recognise what kind of learning they did.
LOOP_PLAIN = {
    "single": _("adjusting how we do it"),
    "double": _("questioning what we do"),
    "triple": _("rethinking how we decide"),
}
# The terms themselves, as a row shows them ("single loop").
LOOP_NAMES = {
    "single": _("single loop"),
    "double": _("double loop"),
    "triple": _("triple loop"),
}


# An action's origin, as its page says it: one whole phrase per level.
LOOP_ORIGINS = {
    "single": _("came from a single-loop reflection"),
    "double": _("came from a double-loop reflection"),
    "triple": _("came from a triple-loop reflection"),
}


VISIBILITY_SENTENCES = {
    Reflection.Visibility.PRIVATE: _("Only you will see it."),
    Reflection.Visibility.FACILITATORS: _(
        "You and this community's facilitators and coordinators will see it."
    ),
    Reflection.Visibility.COMMUNITY: _("Everyone in this community will see it."),
}


class ReflectionRead(models.Model):
    """Someone opened the page of someone else's reflection: the one record of reading,
    kept for the "read two recent reflections" first step. One row per person and
    reflection (a second visit changes nothing)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflection_reads"
    )
    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "reflection"], name="reflection_read_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} read {self.reflection_id}"


class ReflectionDraft(models.Model):
    """What someone has typed into a reflection form and not yet saved: autosaved so a
    closed tab loses nothing. Drafts are never listed, counted or shown to anyone else."""

    # "<author id>:<community id>:<reflection id or 'new'>": one draft per form.
    key = models.CharField(max_length=100, unique=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflection_drafts"
    )
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    reflection = models.ForeignKey(
        Reflection, null=True, blank=True, on_delete=models.CASCADE, related_name="drafts"
    )
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"draft {self.key}"

    @staticmethod
    def key_for(author, community, reflection=None) -> str:
        return f"{author.pk}:{community.pk}:{reflection.pk if reflection else 'new'}"


class ActionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=[Action.Status.PROPOSED, Action.Status.DOING])

    def for_member(self, user):
        """Actions in the communities where `user` (a user, or a user's id: a query
        compiled once, reflections.panels) is an active member."""
        if not isinstance(user, int) and not user.is_authenticated:
            return self.none()
        return self.filter(community__in=_active_communities(user))

    def from_session_first(self, session_id: int | None):
        """Keep the order, but put the actions committed to at `session_id` first (the
        previous session of a series, reviewed at the next one's opening); each carries
        `from_last_time`."""
        if session_id is None:
            return self
        return self.annotate(
            from_last_time=models.Case(
                models.When(session_id=session_id, then=models.Value(True)),
                default=models.Value(False),
            )
        ).order_by("-from_last_time", *self.query.order_by)

    def overdue_first(self, today=None):
        """Overdue first, then by due date (undated last), then oldest first. Overdue means
        due before `today` (by default, today where the viewer is)."""
        today = today or timezone.localdate()
        return self.annotate(
            overdue_rank=models.Case(
                models.When(due_date__lt=today, then=models.Value(0)),
                default=models.Value(1),
            )
        ).order_by("overdue_rank", models.F("due_date").asc(nulls_last=True), "created_at")


class Action(LoopWords, models.Model):
    """The loop closing: a change the community commits to because of reflections."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("action status", "proposed")
        DOING = "doing", pgettext_lazy("action status", "doing")
        DONE = "done", pgettext_lazy("action status", "done")
        DROPPED = "dropped", pgettext_lazy("action status", "dropped")

    OPEN = (Status.PROPOSED, Status.DOING)

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(_("what we'll do differently"), max_length=200)
    description = models.TextField(max_length=TEXT_MAX, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="owned_actions"
    )
    due_date = models.DateField(null=True, blank=True)
    loop_level = models.CharField(
        _("loop level it came from"), max_length=10, choices=Reflection.Loop, blank=True
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PROPOSED)
    # Why it was dropped (required then), or a line on how it went.
    status_note = models.CharField(_("why"), max_length=300, blank=True)
    reflections = models.ManyToManyField(Reflection, related_name="actions", blank=True)
    session = optional_link("cop_sessions.Session", related_name="actions")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    done_at = models.DateTimeField(null=True, blank=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["community", "status"], name="action_status_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reflections:action", kwargs={"slug": self.community.slug, "pk": self.pk})

    @property
    def loop_origin(self) -> str:
        """Where it came from, as one phrase ("came from a double-loop reflection")."""
        return str(LOOP_ORIGINS.get(self.loop_level, ""))

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < timezone.localdate()


# --- Responses ("Yes, and…") and moderation -------------------------------------------------

# A response is a conversation, not an essay: the same limit as a review's answer or a reply.
RESPONSE_MAX_CHARS = TEXT_MAX


class ResponseQuerySet(models.QuerySet):
    def shown(self):
        """Not hidden by a facilitator: what counts, signals and digests may count."""
        return self.filter(hidden_at__isnull=True)


class Response(models.Model):
    """ "Yes, and…": an answer to exactly one reflection, piece of shared work or session.

    Who may read it is decided once, in reflections.access (`response_audience_q`): exactly
    the audience of what it answers. One level of replies: a reply's `parent` is a response
    to the same thing that is not itself a reply. A facilitator may hide one that breaks the
    community's norms (`hidden_at`, with a reason its author sees)."""

    class Kind(models.TextChoices):
        REFLECTION = "reflection", _("reflection")
        WORK = "work", _("shared work")
        SESSION = "session", pgettext_lazy("meeting", "session")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="responses"
    )
    reflection = models.ForeignKey(
        Reflection, null=True, blank=True, on_delete=models.CASCADE, related_name="responses"
    )
    work = models.ForeignKey(
        "reviews.SharedWork",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="responses",
    )
    session = models.ForeignKey(
        "cop_sessions.Session",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="responses",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="responses"
    )
    body = models.TextField(max_length=RESPONSE_MAX_CHARS)
    # Posted without the author's name: as for a reflection (reflections.anonymity), fixed
    # when it is posted.
    anonymous = models.BooleanField(_("without my name"), default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hidden_reason = models.CharField(max_length=300, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(reflection__isnull=False, work__isnull=True, session__isnull=True)
                    | Q(reflection__isnull=True, work__isnull=False, session__isnull=True)
                    | Q(reflection__isnull=True, work__isnull=True, session__isnull=False)
                ),
                name="response_answers_exactly_one",
            )
        ]
        indexes = [
            models.Index(fields=["community", "-created_at"], name="response_recent_idx"),
            models.Index(fields=["author", "-created_at"], name="response_author_idx"),
        ]

    def __str__(self) -> str:
        return f"response {self.pk} by {self.author_id}"

    def get_absolute_url(self) -> str:
        return f"{self.target.get_absolute_url()}#response-{self.pk}"

    @property
    def kind(self) -> str:
        if self.reflection_id:
            return self.Kind.REFLECTION
        if self.work_id:
            return self.Kind.WORK
        return self.Kind.SESSION

    @property
    def target(self):
        return self.reflection or self.work or self.session

    @property
    def target_id(self) -> int:
        return self.reflection_id or self.work_id or self.session_id

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class Flag(models.Model):
    """A member asks the community's facilitators to look at a response or a reflection.
    Open until a facilitator resolves it (hiding what was flagged, or not)."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="flags"
    )
    response = models.ForeignKey(
        Response, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    reflection = models.ForeignKey(
        Reflection, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags_raised"
    )
    note = models.CharField(_("what concerns you"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(response__isnull=False, reflection__isnull=True)
                    | Q(response__isnull=True, reflection__isnull=False)
                ),
                name="flag_on_exactly_one",
            ),
            # One open flag per person and thing: a second click changes nothing.
            models.UniqueConstraint(
                fields=["flagged_by", "response"],
                condition=Q(resolved_at__isnull=True, response__isnull=False),
                name="flag_open_response_once",
            ),
            models.UniqueConstraint(
                fields=["flagged_by", "reflection"],
                condition=Q(resolved_at__isnull=True, reflection__isnull=False),
                name="flag_open_reflection_once",
            ),
        ]

    def __str__(self) -> str:
        return f"flag {self.pk}"

    @property
    def content(self):
        return self.response or self.reflection


class ModerationEntry(models.Model):
    """The moderation log: who did what to which response or reflection, when and why.
    Rows outlive what they are about (the ids stay; the links go to null)."""

    class Act(models.TextChoices):
        FLAGGED = "flagged", pgettext_lazy("moderation", "flagged")
        HIDDEN = "hidden", pgettext_lazy("moderation", "hidden")
        SHOWN = "shown", pgettext_lazy("moderation", "shown again")
        RESOLVED = "resolved", pgettext_lazy("moderation", "flag resolved")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="moderation_log"
    )
    act = models.CharField(max_length=10, choices=Act)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    response = models.ForeignKey(
        Response, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reflection = models.ForeignKey(
        Reflection, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.act} by {self.by_id} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def sentence(self) -> str:
        """The log's line for it, one whole sentence in the reader's language: who did
        what to which kind of content (and why, when a reason was given). Reads `by`."""
        about = "response" if self.response_id else "reflection" if self.reflection_id else ""
        done = MODERATION_SENTENCES[self.act, about]
        who = self.by.name if self.by_id else gettext("someone who has left")
        said = str(done) % {"who": who}
        if self.reason:
            return gettext("%(done)s: %(reason)s") % {"done": said, "reason": self.reason}
        return said


# The moderation log's lines: (act, what it was about: "" once deleted) → one sentence.
MODERATION_SENTENCES = {
    ("flagged", "response"): _("%(who)s flagged a response"),
    ("flagged", "reflection"): _("%(who)s flagged a reflection"),
    ("flagged", ""): _("%(who)s flagged something since deleted"),
    ("hidden", "response"): _("%(who)s hid a response"),
    ("hidden", "reflection"): _("%(who)s hid a reflection"),
    ("hidden", ""): _("%(who)s hid something since deleted"),
    ("shown", "response"): _("%(who)s showed a response again"),
    ("shown", "reflection"): _("%(who)s showed a reflection again"),
    ("shown", ""): _("%(who)s showed again something since deleted"),
    ("resolved", "response"): _("%(who)s resolved a flag on a response"),
    ("resolved", "reflection"): _("%(who)s resolved a flag on a reflection"),
    ("resolved", ""): _("%(who)s resolved a flag on something since deleted"),
}


# --- Themes: converging on action -------------------------------------------------------------

# A theme is a short statement, the length of an action's title (it may become one).
THEME_STATEMENT_MAX = 200
# The loop levels, shallowest first: a theme keeps the deepest of its reflections'.
LOOP_ORDER = [Reflection.Loop.SINGLE, Reflection.Loop.DOUBLE, Reflection.Loop.TRIPLE]


class Theme(LoopWords, models.Model):
    """A shared insight a facilitator gathers from several reflections and responses shared
    with the community (reflections.access `groupable_reflections` / `groupable_responses`);
    members "+1" the ones that matter to them; one step makes it an action. Its loop level
    is the deepest of its reflections', computed with the list (selectors.themes_for)."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="themes"
    )
    session = optional_link("cop_sessions.Session", related_name="themes")
    statement = models.CharField(_("the theme, in a line"), max_length=THEME_STATEMENT_MAX)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    reflections = models.ManyToManyField(Reflection, related_name="themes", blank=True)
    responses = models.ManyToManyField(Response, related_name="themes", blank=True)
    action = models.OneToOneField(
        Action, null=True, blank=True, on_delete=models.SET_NULL, related_name="theme"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["community", "-created_at"], name="theme_recent_idx")]

    def __str__(self) -> str:
        return self.statement

    def get_absolute_url(self) -> str:
        return reverse("reflections:themes", kwargs={"slug": self.community.slug}) + (
            f"#theme-{self.pk}"
        )


class ThemeVote(models.Model):
    """A member's "+1" on a theme: one per person and theme, taken back by voting again.
    Counts are shown; who voted is not."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="theme_votes"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["theme", "user"], name="theme_vote_once")]

    def __str__(self) -> str:
        return f"vote on {self.theme_id} by {self.user_id}"


class Mention(models.Model):
    """`person` was mentioned (`@…`) in a reflection, a response, an action or a reply to a
    peer review, and could read it when it was saved (reflections.mentions). Exactly one of
    the four links is set. A row is never removed when the mention is edited out: it is the
    memory that `person` was told, so writing them back in does not tell them twice."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="mentions"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reflection = models.ForeignKey(
        Reflection, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    response = models.ForeignKey(
        Response, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    review_reply = models.ForeignKey(
        "reviews.ReviewReply",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mentions",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=[name, "person"], name=f"mention_once_per_{name}")
            for name in ("reflection", "response", "action", "review_reply")
        ]
        indexes = [models.Index(fields=["person", "-created_at"], name="mention_person_idx")]

    def __str__(self) -> str:
        return f"mention of {self.person_id}"

    @property
    def about(self):
        """What the mention is in."""
        return self.reflection or self.response or self.action or self.review_reply
