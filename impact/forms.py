from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communities.models import Community
from core.templatetags.dates import when
from outcomes.models import Outcome
from reflections.models import Action
from sessions.models import Session

from .models import ImpactStory


class SessionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} ({when(timezone.localtime(obj.starts_at))})"


class OutcomeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return gettext("We want to be able to %(statement)s") % {"statement": obj.statement}


class ActionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} ({obj.get_status_display()})"


class ImpactStoryForm(forms.ModelForm):
    """The guided value-creation story: only "what happened" is required; each later step
    is offered, never forced. Sessions and outcomes come from the story's own community."""

    sessions = SessionChoiceField(
        queryset=Session.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Sessions it draws on"),
    )
    outcomes = OutcomeChoiceField(
        queryset=Outcome.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Outcomes it speaks to"),
    )
    actions = ActionChoiceField(
        queryset=Action.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Actions it came from or led to"),
    )

    class Meta:
        model = ImpactStory
        fields = [
            "title",
            "what_happened",
            "what_it_gave_us",
            "what_we_did_differently",
            "what_difference_it_made",
            "what_we_now_see_differently",
            "sessions",
            "outcomes",
            "actions",
        ]
        labels = {"title": _("Title")}
        widgets = {
            name: forms.Textarea(attrs={"rows": 4}) for name in fields if name.startswith("what_")
        }

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        # The last two years of the community's held sessions: enough to tell a story
        # about, and a bounded list to choose from.
        since = timezone.now() - timedelta(days=730)
        self.fields["sessions"].queryset = (
            Session.objects.filter(community=community, starts_at__gte=since)
            .exclude(status__in=[Session.Status.DRAFT, Session.Status.CANCELLED])
            .order_by("-starts_at")
        )
        self.fields["outcomes"].queryset = Outcome.objects.agreed().filter(community=community)
        self.fields["actions"].queryset = Action.objects.filter(community=community).order_by(
            "-created_at"
        )


class OutcomeFilterField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.community.name}: {obj.statement}"


class StoryFilterForm(forms.Form):
    """Filters for /stories/, limited to what the person may already see."""

    community = forms.ModelChoiceField(
        queryset=Community.objects.none(),
        required=False,
        to_field_name="slug",
        label=_("Community"),
        empty_label=_("every community"),
    )
    outcome = OutcomeFilterField(
        queryset=Outcome.objects.none(),
        required=False,
        label=_("Outcome"),
        empty_label=_("every outcome"),
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.fields["outcome"].queryset = (
            Outcome.objects.filter(community__in=communities)
            .exclude(status=Outcome.Status.PROPOSED)
            .select_related("community")
            .order_by("community__name", "statement")
        )
