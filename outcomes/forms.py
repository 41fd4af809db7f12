from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DEFAULT_PROMPTS, Outcome


class ProposeForm(forms.ModelForm):
    class Meta:
        model = Outcome
        fields = ["statement", "why"]
        labels = {"statement": _("We want to be able to …"), "why": _("Why it matters to us")}
        widgets = {"why": forms.Textarea(attrs={"rows": 3})}


class AgreeForm(forms.ModelForm):
    """A facilitator agrees (or edits) an outcome and the prompts a peer reviewer uses."""

    prompts = forms.CharField(
        label=_("Review prompts"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What should a peer look for? One prompt per line, 2 to 5 of them."),
    )

    class Meta:
        model = Outcome
        fields = ["statement", "why"]
        labels = {"statement": _("We want to be able to …"), "why": _("Why it matters to us")}
        widgets = {"why": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prompts"].initial = "\n".join(self.instance.review_prompts or DEFAULT_PROMPTS)

    def clean_prompts(self) -> list[str]:
        prompts = [line.strip() for line in self.cleaned_data["prompts"].splitlines()]
        prompts = [p for p in prompts if p]
        if not 2 <= len(prompts) <= 5:
            raise forms.ValidationError(_("Please give between 2 and 5 prompts, one per line."))
        if any(len(p) > 300 for p in prompts):
            raise forms.ValidationError(_("Keep each prompt under 300 characters."))
        return prompts


# --- outcome progress ----------------------------------------------------------------------

CONFIDENCE_CHOICES = [
    (1, _("1 — just starting")),
    (2, _("2 — finding my feet")),
    (3, _("3 — getting there")),
    (4, _("4 — fairly confident")),
    (5, _("5 — confident, could help others")),
]


class ConfidenceForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How confident do you feel about this today?"),
        choices=CONFIDENCE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a number from 1 to 5.")},
    )
    note = forms.CharField(
        label=_("A note for yourself (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only you and the community's facilitators see your ratings and notes."),
    )
