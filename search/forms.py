from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.plugins import search_providers
from core.search import QUERY_MAX
from core.widgets import QuickSelect
from reflections.models import Reflection

from .selectors import NO_LEVEL


class SearchForm(forms.Form):
    """What to look for, and the filters. An unknown kind, community or level is a field
    error (the form keeps what was typed), never a 500 and never a silent wider search."""

    q = forms.CharField(
        label=_("Search for"),
        required=False,
        max_length=QUERY_MAX,
        error_messages={
            "max_length": f"A search works best with a few words: up to {QUERY_MAX} characters."
        },
    )
    # QuickSelect: the same markup as Django's select, without a template per option.
    community = forms.ChoiceField(label=_("Community"), required=False, widget=QuickSelect)
    kind = forms.ChoiceField(label=_("Kind"), required=False, widget=QuickSelect)
    # The same choices as the reflections filter (reflections.forms.ReflectionFilterForm):
    # its "Search everything" button sends its loop level here, "Not sure yet" included.
    loop_level = forms.ChoiceField(
        label=_("Loop level"),
        required=False,
        choices=[("", _("Any level")), *Reflection.Loop.choices, (NO_LEVEL, _("Not sure yet"))],
        widget=QuickSelect,
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.communities = {community.slug: community for community in communities}
        self.fields["community"].choices = [
            ("", gettext("All my communities")),
            *((c.slug, c.name) for c in communities),
        ]
        self.fields["kind"].choices = [
            ("", gettext("Everything")),
            *((kind, provider.label) for kind, provider in search_providers().items()),
        ]

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", gettext("“To” comes on or after “From”."))
        return data

    @property
    def filtered(self) -> bool:
        return any(self.cleaned_data.get(name) for name in self.fields if name != "q")
