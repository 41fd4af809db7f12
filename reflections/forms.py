from __future__ import annotations

from django import forms
from django.utils.text import Truncator, capfirst, format_lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from communities.pickers import FindsMembers, MemberField, pickers_bind
from core.text import TEXT_MAX
from core.widgets import QuickModelChoiceField
from outcomes.models import Outcome
from sessions.models import Session

from .anonymity import GUESSABLE_BELOW
from .models import (
    BODY_MAX_CHARS,
    PROMPTS,
    REFLECTION_FIELDS,
    RESPONSE_MAX_CHARS,
    THEME_STATEMENT_MAX,
    VISIBILITY_SENTENCES,
    Action,
    Reflection,
    Response,
    Theme,
)

LOOP_CHOICES = [
    ("", _("Not sure yet — you can choose later, or never.")),
    (
        Reflection.Loop.SINGLE,
        _("Single loop — did we do things right? Adjusting how we do what we already do."),
    ),
    (
        Reflection.Loop.DOUBLE,
        _(
            "Double loop — are we doing the right things? Questioning an assumption "
            "behind what we do."
        ),
    ),
    (
        Reflection.Loop.TRIPLE,
        _(
            "Triple loop — how do we decide what is right? Rethinking a value, a principle or "
            "how we govern ourselves."
        ),
    ),
]
VISIBILITY_CHOICES = [
    (value, format_lazy("{} — {}", capfirst(label), VISIBILITY_SENTENCES[value]))
    for value, label in Reflection.Visibility.choices
]
# "With the community, without my name": a choice of the form, saved as visibility
# `community` with `anonymous` set (reflections.anonymity). Offered on a new reflection only.
WITHOUT_NAME = "without_name"
WITHOUT_NAME_CHOICE = (
    WITHOUT_NAME,
    _(
        "With the community, without my name — members will see “a member”. Facilitators "
        "will still see it's you."
    ),
)
GUESS_WARNING = format_lazy(
    _(
        "This community has fewer than {count} members: without your name, people may "
        "still guess it's you."
    ),
    count=GUESSABLE_BELOW,
)


def guess_warning(access) -> str:
    """The warning beside "without my name" in a community of fewer than GUESSABLE_BELOW
    active members (CommunityAccess.is_small: no query), else ""."""
    return GUESS_WARNING if access.is_small else ""


CONFIDENCE_CHOICES = [
    ("", _("Rather not say")),
    ("1", _("1 — just starting")),
    ("2", "2"),
    ("3", _("3 — getting there")),
    ("4", "4"),
    ("5", _("5 — confident")),
]


def prompt_field_name(key: str) -> str:
    return f"prompt_{key}"


# What an autosaved draft keeps, as the form names it: the reflection's fields with its
# answers as one field per prompt, and the confidence rating given with it.
DRAFT_FIELDS = [
    *(name for name in REFLECTION_FIELDS if name != "answers"),
    "confidence",
    *[prompt_field_name(key) for prompts in PROMPTS.values() for key, _ in prompts],
]


class ReflectionForm(forms.ModelForm):
    """A reflection: title, an optional loop level with its prompts, a Markdown body and
    who will see it. Session, outcome and follow-up action come from this community only."""

    loop_level = forms.ChoiceField(
        label=_("How deep does this go?"),
        choices=LOOP_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=_("Your reflection"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "data-mentions": ""}),
        help_text=format_lazy(
            _(
                "Markdown works: **bold**, _italic_, lists, [links](https://example.org). "
                "@ and a name mentions someone who can read it. Up to {count} characters."
            ),
            count=f"{BODY_MAX_CHARS:,}",
        ),
    )
    visibility = forms.ChoiceField(
        label=_("Who will see it?"),
        choices=VISIBILITY_CHOICES,
        initial=Reflection.Visibility.COMMUNITY,
        widget=forms.RadioSelect,
    )
    confidence = forms.TypedChoiceField(
        label=_("How confident do you feel about the linked outcome now?"),
        choices=CONFIDENCE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_(
            "Only you and the community's facilitators see your rating. It is for "
            "noticing your own progress, never a grade."
        ),
    )

    class Meta:
        model = Reflection
        fields = ["title", "loop_level", "body", "session", "outcome", "follow_up_of", "visibility"]
        widgets = {"follow_up_of": forms.HiddenInput}
        labels = {
            "title": _("Title"),
            "session": _("Session it is about"),
            "outcome": _("Outcome it is about"),
        }

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["session"].queryset = (
            Session.objects.filter(community=community).published().order_by("-starts_at")
        )
        self.fields["session"].empty_label = gettext("No particular session")
        self.fields["outcome"].queryset = Outcome.objects.filter(community=community).exclude(
            status=Outcome.Status.RETIRED
        )
        self.fields["outcome"].empty_label = gettext("No particular outcome")
        self.fields["follow_up_of"].queryset = Action.objects.filter(community=community)
        for field_name in ("session", "outcome", "follow_up_of"):
            self.fields[field_name].error_messages["invalid_choice"] = gettext(
                "Choose one from this community."
            )
        self.fields["body"].max_length = BODY_MAX_CHARS
        self.fields["title"].widget.attrs["maxlength"] = 200
        # Every level's prompts, all optional; the template groups them by level.
        answers = self.instance.answers if self.instance.pk else {}
        for prompts in PROMPTS.values():
            for key, question in prompts:
                self.fields[prompt_field_name(key)] = forms.CharField(
                    label=question,
                    required=False,
                    max_length=TEXT_MAX,
                    initial=answers.get(key, ""),
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
        if self.instance.pk and self.instance.confidence_rating is not None:
            self.fields["confidence"].initial = str(self.instance.confidence_rating.rating)
        visibility = self.fields["visibility"]
        if self.instance.pk is None:
            # Anonymity is chosen once, when the reflection is first shared.
            visibility.choices = [*VISIBILITY_CHOICES, WITHOUT_NAME_CHOICE]
        elif self.instance.anonymous:
            # Fixed once shared: it can be deleted, never unmasked (a tampered POST is
            # ignored, as a disabled field's value always is).
            visibility.choices = [WITHOUT_NAME_CHOICE]
            self.initial["visibility"] = WITHOUT_NAME
            visibility.disabled = True
            visibility.help_text = gettext(
                "Shared with the community without your name. That stays as it is; you can "
                "delete the reflection, but not put your name on it or take it off."
            )

    @property
    def offers_without_name(self) -> bool:
        return self.instance.pk is None

    def _post_clean(self):
        # The form's "without my name" is the model's community visibility with `anonymous`
        # (never changed on an existing reflection: its own value stays).
        chosen = self.cleaned_data.get("visibility")
        if self.instance.pk is None:
            self.cleaned_data["anonymous"] = chosen == WITHOUT_NAME
        else:
            self.cleaned_data["anonymous"] = self.instance.anonymous
        if chosen == WITHOUT_NAME or (self.instance.pk and self.instance.anonymous):
            self.cleaned_data["visibility"] = Reflection.Visibility.COMMUNITY
        super()._post_clean()

    def prompt_groups(self):
        """[(level value, level label, [bound fields])] for the template."""
        labels = dict(LOOP_CHOICES)
        return [
            (level, labels[level], [self[prompt_field_name(key)] for key, _ in prompts])
            for level, prompts in PROMPTS.items()
        ]

    def clean_body(self):
        body = self.cleaned_data["body"]
        if len(body) > BODY_MAX_CHARS:
            raise forms.ValidationError(
                gettext(
                    "Please keep a reflection under %(max)s characters; this one has "
                    "%(count)s. Nothing is lost: shorten it here, or split it in two."
                )
                % {"max": f"{BODY_MAX_CHARS:,}", "count": f"{len(body):,}"}
            )
        return body

    def clean(self):
        cleaned = super().clean()
        answers = {
            key: cleaned.get(prompt_field_name(key), "").strip()
            for prompts in PROMPTS.values()
            for key, _ in prompts
            if cleaned.get(prompt_field_name(key), "").strip()
        }
        cleaned["answers"] = answers
        if not cleaned.get("body", "").strip() and not answers and "body" not in self.errors:
            self.add_error("body", gettext("Write a few words here, or answer one of the prompts."))
        if cleaned.get("confidence") and not cleaned.get("outcome"):
            self.add_error("confidence", gettext("Choose the outcome this rating is about, above."))
        return cleaned


class ActionForm(FindsMembers, forms.ModelForm):
    """An action: what we'll do differently, who carries it (found with a picker, not
    chosen from a list of every member), by when, and why (which reflections or session
    it came from)."""

    owner = MemberField(
        purpose="owner",
        label=_("Who carries it?"),
        error_messages={
            "invalid_choice": _("Choose someone who is an active member of this community."),
            "required": _("Choose who carries this action."),
        },
    )

    class Meta:
        model = Action
        fields = [
            "title",
            "description",
            "owner",
            "due_date",
            "loop_level",
            "reflections",
            "session",
        ]
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "reflections": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4, "data-mentions": ""}),
        }
        labels = {
            "description": _("Description"),
            "due_date": _("Due date"),
            "reflections": _("The reflections it comes from"),
            "session": pgettext_lazy("meeting", "Session"),
        }
        help_texts = {"due_date": _("Optional. Open actions show on the next session's page.")}

    def __init__(self, *args, community, user, preselected=(), **kwargs):
        super().__init__(*args, **kwargs)
        pickers_bind(self, community)
        sessions = Session.objects.filter(community=community).published().order_by("-starts_at")
        self.fields["session"].queryset = sessions
        self.fields["session"].empty_label = gettext("No particular session")
        self.fields["session"].error_messages["invalid_choice"] = gettext(
            "Choose a session of this community."
        )
        not_sure = ("", gettext("Not sure yet"))
        self.fields["loop_level"].choices = [not_sure, *Reflection.Loop.choices]
        visible = Reflection.objects.visible_to(user, community)
        field = self.fields["reflections"]
        field.queryset = visible
        field.error_messages["invalid_choice"] = gettext(
            "Choose reflections you can see in this community."
        )
        # Validation accepts any reflection the person may see; the page offers only the
        # ones this action starts from plus the ten most recent, so it stays short.
        chosen = list(preselected)
        if self.instance.pk:
            # Only the linked reflections this person may see: never another's private title.
            chosen += list(visible.filter(actions=self.instance))
        offered = {r.pk: r for r in chosen}
        for reflection in visible.only("pk", "title")[:10]:
            offered.setdefault(reflection.pk, reflection)
        field.choices = [(pk, r.title) for pk, r in offered.items()]


class ActionStatusForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["status", "status_note"]
        labels = {"status": _("Status"), "status_note": _("A line on why (needed when dropping)")}

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("status") == Action.Status.DROPPED
            and not cleaned.get("status_note", "").strip()
        ):
            self.add_error(
                "status_note",
                gettext("Say in a line why it is dropped, so the community remembers."),
            )
        return cleaned


class ReflectionFilterForm(forms.Form):
    q = forms.CharField(label=_("Words in the title or text"), required=False, max_length=200)
    loop_level = forms.ChoiceField(
        label=_("Loop level"),
        required=False,
        choices=[("", _("Any level")), *Reflection.Loop.choices, ("none", _("Not sure yet"))],
    )
    # Quick fields: these list every session and member of the community, built from the
    # label's columns only and written in Python (see core.widgets).
    session = QuickModelChoiceField(
        queryset=Session.objects.none(),
        required=False,
        label_fields=("title",),
        label_from_values=str,
    )
    outcome = QuickModelChoiceField(
        queryset=Outcome.objects.none(),
        required=False,
        label_fields=("statement",),
        label_from_values=lambda statement: str(Outcome(statement=statement)),
    )
    # Found by name with a picker: the page never lists every member of the community.
    author = MemberField(purpose="author", required=False, label=_("Author"))

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = (
            Session.objects.filter(community=community).published().order_by("-starts_at")
        )
        self.fields["session"].empty_label = gettext("Any session")
        self.fields["outcome"].queryset = Outcome.objects.filter(community=community)
        self.fields["outcome"].empty_label = gettext("Any outcome")
        pickers_bind(self, community)

    def apply(self, queryset, *, user=None, sees_anonymous: bool = False):
        """The reflections matching the valid filters; invalid ones are simply ignored.
        Filtering by an author leaves out what they shared without their name, unless the
        viewer is that author or may know anonymous authors (`sees_anonymous`: a
        facilitator; reflections.anonymity)."""
        if not self.is_bound:
            return queryset
        self.is_valid()
        data = self.cleaned_data  # the valid filters only
        if data.get("loop_level") == "none":
            queryset = queryset.filter(loop_level="")
        elif data.get("loop_level"):
            queryset = queryset.filter(loop_level=data["loop_level"])
        for name in ("session", "outcome", "author"):
            if data.get(name) is not None:
                queryset = queryset.filter(**{name: data[name]})
        author = data.get("author")
        if author is not None and not sees_anonymous and getattr(user, "pk", None) != author.pk:
            queryset = queryset.filter(anonymous=False)
        return queryset.search(data.get("q", ""))


# --- Responses and moderation ---------------------------------------------------------------

RESPONSE_PROMPT = _("Yes, and… what does this make you think of in your own practice?")
RESPONSE_EMPTY = _("Write a few words first — what does it make you think of?")


class ResponseForm(forms.Form):
    """A response or a reply: Markdown, sanitised on render like a reflection."""

    body = forms.CharField(
        label=RESPONSE_PROMPT,
        max_length=RESPONSE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4, "data-mentions": ""}),
        help_text=_(
            "Build on it: an example, a question, what you would try. Markdown works, "
            "and @ and a name mentions someone."
        ),
        error_messages={
            "required": RESPONSE_EMPTY,
            "max_length": format_lazy(
                _(
                    "That is a lot for a response: please keep it under {count} characters "
                    "(a reflection of your own holds more)."
                ),
                count=f"{RESPONSE_MAX_CHARS:,}",
            ),
        },
    )

    anonymous = forms.BooleanField(
        label=_("Post it without my name"),
        required=False,
        help_text=_("Members will see “a member”. Facilitators will still see it's you."),
    )

    def __init__(
        self,
        *args,
        prefix_id: str = "response",
        reply_to: str = "",
        offer_anonymous: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        # Each form on a page has its own ids (a reply form under every response), and a
        # reply form its own label, so each field is found by its name alone.
        self.auto_id = f"id_{prefix_id}_%s"
        if reply_to:
            self.fields["body"].label = gettext("Your reply to %(name)s") % {"name": reply_to}
            self.fields["body"].help_text = gettext("Markdown works.")
        if not offer_anonymous:
            # Editing: whether it shows the author's name was fixed when it was posted.
            del self.fields["anonymous"]

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(RESPONSE_EMPTY)
        return body


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why hide it? Its author will see this."),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say which of the community's norms it breaks.")},
    )


class FlagForm(forms.Form):
    note = forms.CharField(
        label=_("What concerns you? (optional, only facilitators see it)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


THEME_HELP = _("A short statement of the insight these share, in the community's words.")
THEME_REQUIRED = _("Write the theme in a line.")


class ThemeEditForm(forms.ModelForm):
    """A facilitator rewords a theme (what it gathers stays as grouped)."""

    class Meta:
        model = Theme
        fields = ["statement"]
        help_texts = {"statement": THEME_HELP}
        error_messages = {"statement": {"required": THEME_REQUIRED}}


class ThemeForm(forms.Form):
    """A facilitator groups reflections and responses shared with the community into a
    theme. Only groupable ones are offered (reflections.access), of the session when there
    is one, else the most recent; anything else sent is a field error here and refused
    again by services.theme_create."""

    statement = forms.CharField(
        label=_("The theme, in a line"),
        max_length=THEME_STATEMENT_MAX,
        help_text=THEME_HELP,
        error_messages={"required": THEME_REQUIRED},
    )
    reflections = forms.ModelMultipleChoiceField(
        label=_("Reflections it gathers"),
        queryset=Reflection.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose reflections shared with the whole community.")},
    )
    responses = forms.ModelMultipleChoiceField(
        label=_("Responses it gathers"),
        queryset=Response.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose responses shared with the whole community.")},
    )

    # Without a session, the most recent of each are offered: a page, not an archive.
    OFFERED = 40

    def __init__(self, *args, reflections, responses, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reflections"].queryset = reflections
        self.fields["responses"].queryset = responses
        recent_reflections = reflections.order_by("-created_at", "-pk")
        recent_responses = responses.order_by("-created_at", "-pk")
        if session is None:
            recent_reflections = recent_reflections[: self.OFFERED]
            recent_responses = recent_responses[: self.OFFERED]
        self.fields["reflections"].choices = [
            (r.pk, f"{r.title} — {r.short_excerpt(100)}" if r.excerpt else r.title)
            for r in recent_reflections.only("pk", "title", "excerpt")
        ]
        self.fields["responses"].choices = [
            (r.pk, Truncator(" ".join(r.body.split())).chars(120))
            for r in recent_responses.only("pk", "body")
        ]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("reflections") and not cleaned.get("responses"):
            raise forms.ValidationError(
                gettext("Choose at least one reflection or response it gathers.")
            )
        return cleaned


class ThemeActionForm(FindsMembers, forms.Form):
    """Make a theme an action: who carries it and, if you like, by when."""

    owner = MemberField(
        purpose="owner",
        label=_("Who carries it?"),
        error_messages={
            "invalid_choice": _("Choose someone who is an active member of this community."),
            "required": _("Choose who carries this action."),
        },
    )
    due_date = forms.DateField(
        label=_("By when (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Open actions show on the next session's page."),
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        pickers_bind(self, community)
