"""Forms of the planner, the agenda builder, RSVPs, attendance and cancellation.

Times are typed in the community's timezone (a session belongs to a place and its clock);
forms turn them into aware datetimes and never send anything.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import dateformat, timezone
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from communities.pickers import FindsMembers, MembersField, pickers_bind
from core.text import NOTE_MAX
from outcomes.models import Outcome

from .models import (
    RSVP,
    AgendaItem,
    PulseAnswer,
    Session,
    SessionSettings,
    SessionTemplate,
    TemplateItem,
)
from .recurrence import MAX_OCCURRENCES, Ends, Frequency, RuleError, expand, rule_for

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]
# How far ahead a session may be planned. Beyond this a typo (year 2206) is likelier than a
# plan, and times near year 9999 could not even be given an end or a reminder.
PLAN_AHEAD = timedelta(days=5 * 366)


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock time without a timezone: the form decides which zone it belongs to."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", LOCAL_FORMATS)
        super().__init__(**kwargs)

    def to_python(self, value):
        # Parsed under UTC, which has no gaps or overlaps, then made naive again; the
        # community's zone is applied in the form's clean with our own DST messages.
        with timezone.override(UTC):
            result = super().to_python(value)
        return result.replace(tzinfo=None) if result else result


def localize(naive: datetime, tz: zoneinfo.ZoneInfo) -> datetime:
    """Attach `tz` to a wall-clock time.

    A time skipped when clocks go forward does not exist: ValidationError. A time that
    happens twice when clocks go back is read as the first occurrence (fold=0, still summer
    time): the documented choice, named in the field's help text.
    """
    aware = naive.replace(tzinfo=tz, fold=0)
    try:
        round_trip = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    except OverflowError:
        # Year 1 east of Greenwich or year 9999 west of it has no UTC instant.
        raise ValidationError(
            _("Please pick a date in the coming years."), code="out_of_range"
        ) from None
    if round_trip != naive:
        raise ValidationError(
            _(
                "%(time)s on %(day)s does not exist in %(zone)s: the clocks go forward then. "
                "Please pick a time an hour later or earlier."
            ),
            code="nonexistent_time",
            params={
                "time": naive.strftime("%H:%M"),
                "day": dateformat.format(naive, DAY_FORMATS.get(get_language(), "d F Y")),
                "zone": tz.key,
            },
        )
    return aware


MINUTES_IN_A_DAY = 24 * 60


def minutes_within_a_day(minutes: int | None, *, too_short: str, too_long: str) -> int:
    """A length in minutes from one minute to a day (a session's, an agenda item's);
    `too_long` is a sentence with %(minutes)s, the most a day holds."""
    if minutes is None or minutes < 1:
        raise ValidationError(too_short)
    if minutes > MINUTES_IN_A_DAY:
        raise ValidationError(too_long % {"minutes": MINUTES_IN_A_DAY})
    return minutes


# "09 March 2026" as each language writes a day in a sentence.
DAY_FORMATS = {"es": r"d \d\e F \d\e Y"}

SESSION_TOO_SHORT = _("A session needs a length of at least one minute.")
SESSION_TOO_LONG = _("A session can last at most a day (%(minutes)s minutes).")
ITEM_TOO_SHORT = _("An agenda item needs at least one minute.")
ITEM_TOO_LONG = _("An agenda item can last at most a day (%(minutes)s minutes).")

SCOPES = [
    ("this", pgettext_lazy("meeting", "this session only")),
    ("following", pgettext_lazy("meeting", "this and the following sessions")),
    ("future", pgettext_lazy("meeting", "every session still ahead")),
]


class SessionForm(FindsMembers, forms.ModelForm):
    starts_local = LocalDateTimeField(label=_("Starts at"))
    # Plain integers: clean_duration_minutes gives one kind message for zero and below.
    duration_minutes = forms.IntegerField(label=_("Length (minutes)"), initial=60)
    online_url = forms.URLField(
        label=_("Online link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Only members of the community see it."),
    )
    facilitators = MembersField(purpose="cofacilitator", label=_("Co-facilitators"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    field_order = [
        "title",
        "description",
        "starts_local",
        "duration_minutes",
        "location",
        "online_url",
        "facilitators",
    ]

    class Meta:
        model = Session
        fields = ["title", "description", "duration_minutes", "location", "online_url"]
        labels = {"title": _("Title"), "description": _("Description"), "location": _("Location")}
        help_texts = {"description": _("Markdown is welcome: *emphasis*, lists, links.")}

    def __init__(self, *args, community, user, template=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        if template is not None:
            # Planned from a template: its length and description to start from, and an
            # empty title means the template's title for the chosen date.
            self.initial.setdefault("duration_minutes", template.duration_minutes)
            self.initial.setdefault("description", template.description)
            self.fields["title"].required = False
            pattern = template.title_pattern or template.name
            if SessionTemplate.DATE_PLACEHOLDER in template.title_pattern:
                self.fields["title"].help_text = gettext(
                    "Leave it empty to use “%(pattern)s”, with {date} as the session's date."
                ) % {"pattern": pattern}
            else:
                self.fields["title"].help_text = gettext("Leave it empty to use “%(pattern)s”.") % {
                    "pattern": pattern
                }
        tz = community.zoneinfo
        if user.zoneinfo.key != tz.key:
            self.fields["starts_local"].help_text = gettext(
                "In the community's time (%(zone)s). On the night the clocks go back, a time "
                "that happens twice means the first one. Your own timezone is %(yours)s."
            ) % {"zone": tz.key, "yours": user.zoneinfo.key}
            # static/js/sessions.js shows the typed time in the facilitator's own zone.
            self.fields["starts_local"].widget.attrs.update(
                {"data-community-tz": tz.key, "data-user-tz": user.zoneinfo.key}
            )
        else:
            self.fields["starts_local"].help_text = gettext(
                "In the community's time (%(zone)s). On the night the clocks go back, a time "
                "that happens twice means the first one."
            ) % {"zone": tz.key}
        pickers_bind(self, community)
        if self.instance.pk:
            self.initial.setdefault(
                "starts_local", timezone.localtime(self.instance.starts_at, tz).replace(tzinfo=None)
            )
            self.initial.setdefault("version", self.instance.version)
            self.initial.setdefault(
                "facilitators", list(self.instance.facilitators.values_list("pk", flat=True))
            )
        if self.instance.pk and self.instance.series_id and not self.instance.has_started:
            # A session of a series: the change is for it alone, or for the series too.
            self.fields["scope"] = forms.ChoiceField(
                label=_("Apply the changes to"),
                choices=SCOPES,
                initial="this",
                widget=forms.RadioSelect,
                help_text=_("Sessions that have begun are never changed."),
            )
            self.fields["series_version"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False
            )
            self.initial.setdefault("series_version", self.instance.series.version)

    def clean_duration_minutes(self):
        return minutes_within_a_day(
            self.cleaned_data["duration_minutes"],
            too_short=SESSION_TOO_SHORT,
            too_long=SESSION_TOO_LONG,
        )

    def clean_starts_local(self):
        starts_at = localize(self.cleaned_data["starts_local"], self.community.zoneinfo)
        if self.instance.pk and starts_at == self.instance.starts_at:
            return starts_at
        if starts_at < timezone.now():
            raise ValidationError(_("That time has already passed. Please pick a time ahead."))
        if starts_at > timezone.now() + PLAN_AHEAD:
            raise ValidationError(
                _("That is more than five years ahead. Please check the year."), code="too_far"
            )
        return starts_at

    def session_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["starts_at"] = self.cleaned_data["starts_local"]
        data["facilitators"] = list(self.cleaned_data["facilitators"])
        return data


def repeat_fields(*, required: bool) -> dict[str, forms.Field]:
    """The fields of a repeat rule: how often, and how it ends."""
    choices = list(Frequency.choices)
    if not required:
        choices = [("", _("does not repeat")), *choices]
    return {
        "repeat": forms.ChoiceField(label=_("Repeats"), choices=choices, required=required),
        "ends": forms.ChoiceField(
            label=_("Ends"),
            choices=Ends.choices,
            initial=Ends.AFTER,
            required=False,
            widget=forms.RadioSelect,
        ),
        "until": forms.DateField(
            label=_("Last date"),
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            help_text=_("When it ends on a date: the last day a session may fall on."),
        ),
        "count": forms.IntegerField(
            label=_("Number of sessions"),
            required=False,
            initial=6,
            help_text=_("When it ends after a number of sessions: 1 to %(most)s.")
            % {"most": MAX_OCCURRENCES},
        ),
    }


def clean_repeat(form: forms.Form, starts_at, tz, *, time_field: str | None) -> dict | None:
    """Check a repeat rule against the first session's start; add field errors to `form`.

    Returns the series to make ({frequency, until, count}), or None when it does not
    repeat or has errors. The whole rule is expanded here, so a series that would be
    refused (no session, more than 200, a time missing on some date) never gets saved.
    """
    data = form.cleaned_data
    frequency = data.get("repeat")
    if not frequency or starts_at is None:
        return None
    ends = data.get("ends") or Ends.AFTER
    until = data.get("until") if ends == Ends.ON else None
    count = data.get("count") if ends == Ends.AFTER else None
    if ends == Ends.ON and until is None:
        form.add_error("until", _("Please give the last date, or choose another ending."))
        return None
    if ends == Ends.AFTER and count is None:
        form.add_error("count", _("Please say how many sessions, or choose another ending."))
        return None
    local = starts_at.astimezone(tz).replace(tzinfo=None)
    try:
        expand(rule=rule_for(frequency, local.date()), start=local, tz=tz, until=until, count=count)
    except RuleError as refusal:
        field = {"frequency": "repeat"}.get(refusal.field, refusal.field)
        if field == "until" and ends == Ends.AFTER:
            field = "count"
        if field == "starts_local":
            field = time_field
        form.add_error(field if field in form.fields else None, refusal.message)
        return None
    return {"frequency": frequency, "until": until, "count": count}


class NewSessionForm(SessionForm):
    """The planner's first form: a session, and optionally a series it starts."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(repeat_fields(required=False))

    def clean(self):
        cleaned = super().clean()
        self.repeat = clean_repeat(
            self,
            cleaned.get("starts_local"),
            self.community.zoneinfo,
            time_field="starts_local",
        )
        return cleaned


class RepeatForm(forms.Form):
    """Turn a session into a series: the rule starts at the session's own time."""

    def __init__(self, *args, session: Session, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.fields.update(repeat_fields(required=True))

    def clean(self):
        cleaned = super().clean()
        self.repeat = clean_repeat(
            self, self.session.starts_at, self.session.community.zoneinfo, time_field=None
        )
        return cleaned


class AgendaItemForm(forms.ModelForm):
    aligned_outcomes = forms.ModelMultipleChoiceField(
        label=_("Serves these outcomes"),
        queryset=Outcome.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Optional: which of the community's agreed outcomes this activity serves."),
    )
    minutes = forms.IntegerField(label=_("Minutes"), initial=10)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AgendaItem
        fields = ["title", "minutes", "description", "aligned_outcomes"]
        labels = {
            "title": _("Item title"),
            "minutes": _("Minutes"),
            "description": _("What happens"),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this community's agreed outcomes: another community's id is "not a valid choice".
        self.fields["aligned_outcomes"].queryset = Outcome.objects.filter(
            community=community, status=Outcome.Status.AGREED
        ).order_by("statement")
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)

    def clean_minutes(self):
        return minutes_within_a_day(
            self.cleaned_data["minutes"],
            too_short=ITEM_TOO_SHORT,
            too_long=ITEM_TOO_LONG,
        )


class RSVPForm(forms.Form):
    response = forms.ChoiceField(choices=RSVP.Response.choices)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it cancelled?"),
        max_length=300,
        help_text=_("Everyone who said they'd come reads this in their cancellation notice."),
    )


class AttendanceForm(FindsMembers, forms.Form):
    """Who came: the page lists the people who said going or maybe as checkboxes named
    `attendees`, and the picker finds walk-ins among the other members (`rsvped` are the
    ones already listed, so the picker leaves them out)."""

    attendees = MembersField(
        purpose="attendance",
        label=_("Find someone who came"),
        required=False,
        help_text=_("Someone came who hadn't said so? Find them by name and tick them."),
    )
    complete = forms.BooleanField(
        label=_("Mark the session as held (attendees are invited to reflect)"), required=False
    )

    def __init__(self, *args, community, rsvped=(), **kwargs):
        super().__init__(*args, **kwargs)
        pickers_bind(self, community, attendees=rsvped)


class SessionSettingsForm(forms.ModelForm):
    class Meta:
        model = SessionSettings
        fields = ["remind_24h", "remind_1h"]
        labels = {
            "remind_24h": _("Send reminders a day before"),
            "remind_1h": _("Send reminders an hour before"),
        }


TITLE_PATTERN_HELP = _(
    "What sessions planned from it are called. Write {date} where the session's date "
    "goes: “Show and tell, {date}” becomes “Show and tell, 6 Dec 2026”. Empty: the name."
)


class TemplateSaveForm(forms.ModelForm):
    """ "Save as template" on a session's plan: a name for the library and a title pattern."""

    class Meta:
        model = SessionTemplate
        fields = ["name", "title_pattern"]
        labels = {
            "name": _("Template name"),
            "title_pattern": pgettext_lazy("meeting", "Title of sessions from it"),
        }
        help_texts = {
            "name": _("How it is listed in your community's template library."),
            "title_pattern": TITLE_PATTERN_HELP,
        }

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        taken = SessionTemplate.objects.of(self.community).filter(name=name)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(
                _("Your community already has a template of that name. Please pick another.")
            )
        return name


class TemplateForm(TemplateSaveForm):
    """The library's edit of a template: its name, title pattern, description and length."""

    duration_minutes = forms.IntegerField(label=_("Length (minutes)"))

    class Meta(TemplateSaveForm.Meta):
        fields = ["name", "title_pattern", "description", "duration_minutes"]
        labels = {**TemplateSaveForm.Meta.labels, "description": _("Description")}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean_duration_minutes(self):
        return minutes_within_a_day(
            self.cleaned_data["duration_minutes"],
            too_short=SESSION_TOO_SHORT,
            too_long=SESSION_TOO_LONG,
        )


class TemplateItemForm(forms.Form):
    """One item in the library's item editor: its words and minutes (its kind and aligned
    outcomes stay as saved). `item` is the row it edits, empty for a new one."""

    item = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Item title"), max_length=200)
    minutes = forms.IntegerField(label=_("Minutes"))
    description = forms.CharField(
        label=_("What happens"),
        max_length=TemplateItem._meta.get_field("description").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, items: dict[int, TemplateItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items

    def clean_item(self) -> TemplateItem | None:
        """Only this template's items (loaded once for every row, not one query a row):
        another template's id, or one deleted meanwhile, is refused."""
        pk = self.cleaned_data["item"]
        if pk is None:
            return None
        if pk not in self.items:
            raise forms.ValidationError(
                _("This item is no longer in the template. Please reload the page.")
            )
        return self.items[pk]

    def clean_minutes(self):
        return minutes_within_a_day(
            self.cleaned_data["minutes"],
            too_short=ITEM_TOO_SHORT,
            too_long=ITEM_TOO_LONG,
        )


class BaseTemplateItemFormSet(forms.BaseFormSet):
    def __init__(self, *args, template, items=None, **kwargs):
        self.template = template
        if items is None:
            items = template.items.all()
        super().__init__(*args, form_kwargs={"items": {i.pk: i for i in items}}, **kwargs)

    def items(self) -> list[dict]:
        """The kept items in their new order ("Order" numbers, ties by place), for
        services.template_update. Django's ordered_forms already leaves out the rows
        marked "Delete" and a blank extra row."""
        return [
            {name: form.cleaned_data[name] for name in ("item", "title", "minutes", "description")}
            for form in self.ordered_forms
        ]


TemplateItemFormSet = forms.formset_factory(
    TemplateItemForm,
    formset=BaseTemplateItemFormSet,
    extra=1,
    can_order=True,
    can_delete=True,
    max_num=60,
    validate_max=True,
    absolute_max=100,
)


class PulseForm(forms.Form):
    face = forms.TypedChoiceField(
        label=_("How was this session for you?"),
        choices=PulseAnswer.Face.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose one of the four faces."),
            "invalid_choice": _("Please choose one of the four faces."),
        },
    )
    better = forms.CharField(
        label=_("What would make the next one better?"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional. Nobody sees who wrote it."),
    )
