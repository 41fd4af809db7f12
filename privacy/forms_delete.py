"""The delete-my-account form (its own module: privacy/forms.py is the export's)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .erasure import KEEPABLE


class DeleteAccountForm(forms.Form):
    """Per kind of shared words: keep it under "a former member", or delete it. Nothing is
    pre-chosen for the person; both answers are fine. `confirm` is the second step."""

    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in KEEPABLE:
            self.fields[f"keep_{kind.key}"] = forms.TypedChoiceField(
                label=kind.label,
                help_text=kind.help,
                choices=[
                    ("keep", _("Keep it, with my name replaced by “a former member”")),
                    ("delete", _("Delete it")),
                ],
                widget=forms.RadioSelect,
                initial="keep",
            )

    def keep(self) -> set[str]:
        return {k.key for k in KEEPABLE if self.cleaned_data.get(f"keep_{k.key}") == "keep"}

    def choices(self) -> list[tuple[str, bool]]:
        """(label, kept) per kind, for the confirmation step."""
        kept = self.keep()
        return [(k.label, k.key in kept) for k in KEEPABLE]

    def kind_fields(self):
        return [self[f"keep_{k.key}"] for k in KEEPABLE]
