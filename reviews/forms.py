"""Forms of shared work and peer review: validation and field-level errors only."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communities.pickers import FindsMembers, MemberField
from core.text import TEXT_MAX
from outcomes.models import Outcome

from .models import PeerReview
from .services import MAX_UPLOAD_BYTES
from .uploads import ALLOWED_DESCRIPTION, sniff


def _upload_help() -> str:
    return gettext("Up to 10 MB: %(types)s.") % {"types": ALLOWED_DESCRIPTION}


# --- shared work ---------------------------------------------------------------------------


class WorkForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=_("Description"),
        help_text=_("What is it, and what would you like peers to look at?"),
    )
    link = forms.URLField(
        label=_("Link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("A link to the work."),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=lazy(_upload_help, str)(),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            megabytes = upload.size / (1024 * 1024)
            raise forms.ValidationError(
                gettext(
                    "This file is %(size)s MB and the limit is 10 MB. "
                    "Could you share a smaller version, or a link to it instead?"
                )
                % {"size": number_format(megabytes, 1)}
            )
        sniffed = sniff(upload)
        if sniffed is None:
            raise forms.ValidationError(
                gettext(
                    "We couldn't recognise this file as one we can keep safely "
                    "(%(types)s), whatever its name says. A link to it works too."
                )
                % {"types": ALLOWED_DESCRIPTION}
            )
        # What we store and later serve it as: its real type, never the browser's guess.
        upload.content_type = sniffed.content_type
        return upload

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (
            cleaned.get("link") or cleaned.get("file") or cleaned.get("description", "").strip()
        ):
            raise forms.ValidationError(
                gettext(
                    "Add a link, a file or a few words of description, so peers have "
                    "something to look at."
                )
            )
        return cleaned


# --- review rounds and reviews -------------------------------------------------------------


class RoundForm(forms.Form):
    outcomes = forms.ModelMultipleChoiceField(
        label=_("Which outcomes' prompts should reviewers use?"),
        queryset=Outcome.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one agreed outcome.")},
    )
    reviewers_per_work = forms.IntegerField(
        label=_("Reviewers for each piece of work"), min_value=1, max_value=5, initial=2
    )
    anonymous = forms.TypedChoiceField(
        label=_("Do authors see who reviewed them?"),
        choices=[
            ("named", _("Named — authors see who reviewed their work")),
            ("anonymous", _("Anonymous — authors don't see names; facilitators still do")),
        ],
        coerce=lambda value: value == "anonymous",
        initial="named",
        widget=forms.RadioSelect,
    )
    due_on = forms.DateField(
        label=_("Reviews hoped for by"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    planned = forms.TypedChoiceField(
        label=_("When are reviewers asked?"),
        choices=[
            ("now", _("Now — the automatic allocation asks them at once")),
            ("planned", _("After I've looked at who reviews what (and adjusted it by hand)")),
        ],
        coerce=lambda value: value == "planned",
        initial="now",
        required=False,
        empty_value=False,
        widget=forms.RadioSelect,
    )
    auto_reassign = forms.BooleanField(
        label=_(
            "Two days after the due date, offer each missing review to someone who has "
            "finished theirs"
        ),
        required=False,
        initial=True,
        help_text=_(
            "They are asked and may decline. Reminders at half the time and on the due "
            "date are sent either way."
        ),
    )
    holds_reviews = forms.BooleanField(
        label=_("Facilitators read reviews before authors do"),
        required=False,
        help_text=_(
            "For a new community or sensitive work: shared reviews wait for a "
            "facilitator, who may ask for a rephrase, then releases them to their authors."
        ),
    )
    self_review = forms.BooleanField(
        label=_("Invite authors to a self-review first"),
        required=False,
        help_text=_(
            "Before reading their peers' reviews, authors may answer the prompts about "
            "their own work (one click skips it), then see their view beside their peers'."
        ),
    )

    def __init__(self, *args, community, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["outcomes"].queryset = Outcome.objects.filter(
            community=community, status=Outcome.Status.AGREED
        ).order_by("statement")
        self.fields["due_on"].initial = today + timedelta(days=7)

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < self.today:
            raise forms.ValidationError(_("Choose today or a later date."))
        return due_on


class ReviewForm(forms.Form):
    """One "what works" and one "what could go deeper" per prompt, and an optional stage."""

    stage = forms.ChoiceField(
        label=_("Where would you place this work? (optional)"),
        choices=[("", _("I'd rather not say")), *PeerReview.Stage.choices],
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, review: PeerReview, **kwargs):
        kwargs.setdefault("initial", {})
        for index, pair in enumerate(review.pairs()):
            kwargs["initial"].setdefault(f"works_{index}", pair["works"])
            kwargs["initial"].setdefault(f"deeper_{index}", pair["deeper"])
        kwargs["initial"].setdefault("stage", review.stage)
        super().__init__(*args, **kwargs)
        stage = self.fields.pop("stage")
        self.prompts = []
        for index, pair in enumerate(review.pairs()):
            works = forms.CharField(
                label=_("What works"),
                required=False,
                max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            deeper = forms.CharField(
                label=_("What could go deeper"),
                required=False,
                max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"works_{index}"] = works
            self.fields[f"deeper_{index}"] = deeper
            self.prompts.append((pair["prompt"], f"works_{index}", f"deeper_{index}"))
        self.fields["stage"] = stage

    def prompt_fields(self):
        return [(prompt, self[works], self[deeper]) for prompt, works, deeper in self.prompts]

    def answers(self) -> list[dict]:
        return [
            {"works": self.cleaned_data[works].strip(), "deeper": self.cleaned_data[deeper].strip()}
            for _, works, deeper in self.prompts
        ]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "data-mentions": ""}),
        help_text=_("A thank-you, or a response to what they noticed."),
        error_messages={"required": _("Write a few words before sending your reply.")},
    )


# --- the facilitator's actions on a round ---------------------------------------------------


class ReviewerForm(FindsMembers, forms.Form):
    """Reassign a review or add a reviewer: an attendee found with the member picker, or
    (reassigning) nobody chosen for the fairest attendee."""

    person = MemberField(
        purpose="reviewer",
        label=_("Who should review it?"),
        error_messages={"required": _("Choose someone who attended the session.")},
    )

    def __init__(self, *args, optional: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if optional:
            self.fields["person"].required = False
            self.fields["person"].help_text = gettext(
                "Leave this empty to ask the attendee with the fewest reviews in the round "
                "(never the author or anyone already reviewing it)."
            )


class ExtendForm(forms.Form):
    due_on = forms.DateField(
        label=_("New due date"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    def __init__(self, *args, round_, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.round, self.today = round_, today
        self.fields["due_on"].initial = max(round_.due_on, today) + timedelta(days=3)

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < self.today:
            raise forms.ValidationError(_("That date has passed: choose today or a later date."))
        if due_on <= self.round.due_on:
            raise forms.ValidationError(_("Choose a date after the current due date to extend it."))
        return due_on


class HelpfulForm(forms.Form):
    note = forms.CharField(
        label=_("A line of thanks (optional)"),
        max_length=300,
        required=False,
        help_text=_(
            "Only the reviewer sees this. Nobody else is told, and nothing is counted "
            "about either of you."
        ),
    )


class RephraseForm(forms.Form):
    note = forms.CharField(
        label=_("A note for the reviewer"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What to look at again, kindly put. Only the reviewer reads it."),
        error_messages={"required": _("Write a short note, so the reviewer knows what to change.")},
    )


class ExampleForm(ReviewForm):
    """The round's calibration example: a piece of work and the example review of it."""

    title = forms.CharField(label=_("Title of the example work"), max_length=200)
    description = forms.CharField(
        label=_("The example work"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Describe or paste it: reviewers practise on this before their real review."),
    )
    link = forms.URLField(
        label=_("Link (optional)"), max_length=500, required=False, assume_scheme="https"
    )
