from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.html import format_html
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.forms import keep_saved_timezone, timezone_choices, timezone_widget
from accounts.models import User
from core.looks import PALETTE, tone_for
from core.text import LINE_MAX, NOTE_MAX

from . import engagement
from .invitations import opted_out
from .models import (
    CHECKIN_MESSAGE,
    DEFAULT_ORGANISATION_NAME,
    DEFAULT_ORGANISATION_WORDS,
    Community,
    Invitation,
    Membership,
    Organisation,
    OrganisationDomain,
    OrganisationRole,
    validate_email_domain,
)
from .pickers import FindsMembers, MemberField, pickers_bind
from .services import slug_taken

MAX_INVITES = 50
EMAIL_MAX_LENGTH = Invitation._meta.get_field("email").max_length


def tone_choices():
    """The palette as radio choices, each label led by a swatch of its colour (decorative:
    the colour's name is the label)."""
    return [
        (key, format_html('<span class="swatch tone-{}" aria-hidden="true"></span> {}', key, label))
        for key, (label, _) in PALETTE.items()
    ]


class CommunityForm(forms.ModelForm):
    colour = forms.ChoiceField(
        choices=tone_choices,
        widget=forms.RadioSelect(attrs={"class": "tone-choices"}),
        required=False,
        help_text=_(
            "Shown in the community's header and on its cards. Leave it, and one "
            "is picked from the name."
        ),
    )
    timezone = forms.ChoiceField(
        choices=timezone_choices,
        help_text=_("Sessions are planned in this timezone."),
        widget=timezone_widget(),
    )

    class Meta:
        model = Community
        fields = ["name", "domain", "purpose", "visibility", "colour", "emoji", "timezone"]
        labels = {
            "name": _("Name"),
            "domain": _("What we care about (domain)"),
            "purpose": _("Purpose"),
            "visibility": _("Visibility"),
            "colour": _("Colour"),
            "emoji": _("An emoji (optional)"),
            "timezone": _("Timezone"),
            "language": _("Language"),
        }
        help_texts = {
            "emoji": _("One emoji beside the community's name, such as 🌱 or 🧭."),
            "domain": _("A sentence or two on the shared domain that brings people together."),
            "purpose": _("What the community is for, right now. You can change it any time."),
        }
        error_messages = {"emoji": {"max_length": _("Choose one emoji, or leave this empty.")}}
        widgets = {
            "visibility": forms.RadioSelect,
            "emoji": forms.TextInput(attrs={"class": "emoji-input", "autocomplete": "off"}),
        }

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(_("Give the community a name."))
        return name

    def clean_colour(self):
        # Not chosen: the community keeps the colour it has, or a new one gets its name's.
        colour = self.cleaned_data.get("colour")
        if colour:
            return colour
        if self.instance.pk:
            return self.instance.colour
        return tone_for(self.cleaned_data.get("name", ""))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            keep_saved_timezone(self, self.instance.timezone)
        elif not self.is_bound:
            # A new community: nobody chose a zone yet, so the device's own may be chosen.
            self.fields["timezone"].widget.attrs["data-device-zone"] = "choose"


WITHIN_DEFAULT = _(
    "“Open within the organisation” needs an organisation of its own: %(name)s is everyone "
    "on this site. Choose “Open to everyone on the site”, or another organisation."
)


def _offer_within_organisation(form, organisations: list[Organisation]) -> None:
    """Offer "open within the organisation" only where it means something: not when the
    only organisations are the site's own (everyone on the site), unless it is already
    the community's visibility (then it stays, and the help says so)."""
    if any(not organisation.is_default for organisation in organisations):
        return
    field = form.fields["visibility"]
    if form.instance.visibility == Community.Visibility.ORGANISATION:
        field.help_text = _(
            "This community is in the site's own organisation, which is everyone on this "
            "site: “open within the organisation” works like “open to everyone”."
        )
        return
    field.choices = [c for c in field.choices if c[0] != Community.Visibility.ORGANISATION]


class NewCommunityForm(CommunityForm):
    """A new community, in one of the organisations its creator belongs to (and may create
    communities in). With one such organisation the choice is made for them."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=None,
        widget=forms.RadioSelect,
        help_text=_("Its leaders will see this community's dashboard and stories."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from .organisations import may_create_in

        self.choices = list(may_create_in(user))
        field = self.fields["organisation"]
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in self.choices])
        if len(self.choices) <= 1:
            field.widget = forms.HiddenInput()
        self.order_fields(["organisation"])
        _offer_within_organisation(self, self.choices)

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation")
        within = cleaned.get("visibility") == Community.Visibility.ORGANISATION
        if within and organisation is not None and organisation.is_default:
            self.add_error("visibility", WITHIN_DEFAULT % {"name": organisation.name})
        return cleaned

    def clean_organisation(self):
        chosen = self.cleaned_data.get("organisation")
        if chosen is not None:
            return chosen
        if len(self.choices) == 1:
            return self.choices[0]
        if not self.choices:
            # The field is hidden: the whole form says why.
            self.add_error(
                None,
                _("Only an organisation's admins may create communities in it: ask one of them."),
            )
            return None
        raise ValidationError(_("Choose the organisation the community belongs to."))


class CommunitySettingsForm(CommunityForm):
    slug = forms.SlugField(
        label=_("Web address"),
        max_length=140,
        help_text=_("Shown after /c/ in links. It can be changed once; old links keep working."),
    )

    class Meta(CommunityForm.Meta):
        fields = ["name", "slug", "domain", "purpose", "visibility", "colour", "emoji"]
        fields += ["timezone", "language", "engagement_window_days", "long_absence_days"]
        fields += ["checkin_message"]
        help_texts = {
            **CommunityForm.Meta.help_texts,
            "engagement_window_days": _("How far back the journey suggestions look."),
            "long_absence_days": _(
                "A step back toward the periphery is suggested only after this many days "
                "with nothing recorded, one person at a time."
            ),
            "checkin_message": _(
                "What a facilitator's hello to a quiet member says. The email adds a "
                "greeting, the next sessions and the facilitator's name. Left empty, it "
                "goes back to the built-in words."
            ),
        }
        widgets = {
            **CommunityForm.Meta.widgets,
            "checkin_message": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colour"].help_text = _("Shown in the community's header and on its cards.")
        _offer_within_organisation(self, [self.instance.organisation])
        if self.instance.slug_changed:
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = _("The web address has been changed once already.")
        self.fields["engagement_window_days"].min_value = 7
        self.fields["engagement_window_days"].max_value = 365
        self.fields["engagement_window_days"].widget.attrs.update(min=7, max=365)
        self.fields["long_absence_days"].required = False
        self.fields["checkin_message"].required = False
        self.fields["long_absence_days"].min_value = 30
        self.fields["long_absence_days"].max_value = 730
        self.fields["long_absence_days"].widget.attrs.update(min=30, max=730)
        thresholds = engagement.thresholds_for(self.instance)
        for level in ("active", "core"):
            for name in engagement.signal_names():
                self.fields[f"threshold_{level}_{name}"] = forms.IntegerField(
                    label=gettext("%(level)s: %(signal)s")
                    % {
                        "level": capfirst(Membership.Level(level).label),
                        "signal": engagement.signal_label(name),
                    },
                    min_value=0,
                    max_value=1000,
                    initial=thresholds[level][name],
                    help_text=_("0 leaves this out."),
                )

    def clean_slug(self):
        slug = self.cleaned_data["slug"].lower()
        if slug != self.instance.slug and slug_taken(slug, exclude=self.instance):
            raise ValidationError(_("That web address is taken or reserved; try another."))
        return slug

    def clean_engagement_window_days(self):
        days = self.cleaned_data["engagement_window_days"]
        if not 7 <= days <= 365:
            raise ValidationError(_("Choose between 7 and 365 days."))
        return days

    def clean_long_absence_days(self):
        days = self.cleaned_data["long_absence_days"]
        if days is None:  # left empty: as it was
            return self.instance.long_absence_days
        if not 30 <= days <= 730:
            raise ValidationError(_("Choose between 30 and 730 days."))
        return days

    def clean_checkin_message(self):
        # Left empty: the built-in words.
        return self.cleaned_data["checkin_message"].strip() or CHECKIN_MESSAGE

    def threshold_fields(self):
        return [self[name] for name in self.fields if name.startswith("threshold_")]

    def main_fields(self):
        return [self[name] for name in self.fields if not name.startswith("threshold_")]

    def save(self, commit=True):
        community = super().save(commit=False)
        community.engagement_thresholds = {
            level: {
                name: self.cleaned_data[f"threshold_{level}_{name}"]
                for name in engagement.signal_names()
            }
            for level in ("active", "core")
        }
        return community


class JoinRequestForm(forms.Form):
    note = forms.CharField(
        label=_("A note for the facilitators (optional)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What draws you to this community? Anything helps, nothing is required."),
    )


class InvitationForm(forms.Form):
    emails = forms.CharField(
        label=_("Email addresses"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or many, separated by commas, spaces or new lines."),
    )
    message = forms.CharField(
        label=_("A personal note (optional)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_emails(self):
        """The valid addresses (deduplicated); the invalid ones are kept to be reported,
        and the form is only invalid when nothing valid is left."""
        words = [w for w in re.split(r"[\s,;]+", self.cleaned_data["emails"]) if w]
        valid, self.invalid = [], []
        for word in words:
            try:
                validate_email(word)
            except ValidationError:
                self.invalid.append(word)
                continue
            if len(word) > EMAIL_MAX_LENGTH:
                # Valid by the RFC's grammar, but longer than an address can be stored.
                self.invalid.append(word)
                continue
            if word.lower() not in {v.lower() for v in valid}:
                valid.append(word)
        if len(valid) > MAX_INVITES:
            raise ValidationError(
                _("Invite at most %(count)s people at a time.") % {"count": MAX_INVITES}
            )
        unwilling = opted_out(valid)
        if unwilling:
            # Said on the field, and nothing goes out: the facilitator removes them and
            # sends the rest.
            names = [v for v in valid if v.strip().lower() in unwilling]
            rest = _("Remove them to invite the others.") if len(names) < len(valid) else ""
            said = gettext("%(names)s asked us not to send them invitations, so we won't.") % {
                "names": get_text_list(names, gettext("and"))
            }
            raise ValidationError(f"{said} {rest}".strip())
        if not valid:
            raise ValidationError(
                _("None of these look like email addresses: %(words)s")
                % {"words": ", ".join(self.invalid)}
                if self.invalid
                else _("Enter at least one email address.")
            )
        return valid


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class MoveForm(FindsMembers, forms.Form):
    """A manual move, chosen by a facilitator, with a note on why. The person is found by
    name with a picker (never a select of every member of a large community); a link from
    the members page (`member`) arrives with them chosen."""

    person = MemberField(purpose="move", label=_("Who moves?"))
    to_level = forms.ChoiceField(label=_("Move to"), choices=Membership.Level.choices)
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why now? The member can read this on their journey."),
    )

    def __init__(self, *args, community, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        pickers_bind(self, community)
        if member is not None:
            self.fields["person"].initial = member.user_id

    def clean(self):
        data = super().clean()
        person, to_level = data.get("person"), data.get("to_level")
        if person is not None:
            data["membership"] = Membership.objects.active().get(
                community=self.community, user=person
            )
            if to_level and data["membership"].level == to_level:
                self.add_error(
                    "to_level",
                    pgettext("journey level", "%(name)s is already %(level)s.")
                    % {"name": person.name, "level": Membership.Level(to_level).label},
                )
        return data


class AboutMeForm(forms.Form):
    """What I tell the community about myself, on my journey page."""

    introduction = forms.CharField(
        label=_("Say hello in one line"),
        max_length=LINE_MAX,
        required=False,
        help_text=_(
            "Shown beside your name on the members page, e.g. "
            "“Nurse in Leeds, here to learn about running huddles.”"
        ),
    )
    aspiration = forms.ChoiceField(
        label=_("Where would you like to go from here?"),
        choices=[("", _("I'd rather not say")), *Membership.ASPIRATIONS],
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Facilitators see this, so they can offer you the right next step."),
    )
    show_aspiration = forms.BooleanField(
        label=_("Show this to members too"),
        required=False,
        help_text=_(
            "Off: only facilitators see it. On: it appears beside your name for everyone here."
        ),
    )

    def clean_introduction(self) -> str:
        # One line: a pasted line break becomes a space.
        return " ".join(self.cleaned_data["introduction"].split())


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("all levels")), *Membership.Level.choices]
    )
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("all roles")), *Membership.Role.choices]
    )
    aspiration = forms.ChoiceField(
        label=_("Aspiration"),
        required=False,
        choices=[("", pgettext_lazy("aspiration", "any")), *Membership.ASPIRATIONS],
    )

    def __init__(self, *args, facilitator: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Levels are between a person and the facilitators, and aspirations are shown to
        # others only by choice: only facilitators may filter by either. For everyone else
        # the fields are absent, and a hand-made ?level= or ?aspiration= is ignored.
        if not facilitator:
            del self.fields["level"]
            del self.fields["aspiration"]


class PairForm(FindsMembers, forms.Form):
    """A facilitator pairs a mentor with a newcomer, each found with a picker. Whether both
    opted in is the service's to say (services.pair_create), as a field error here."""

    mentor = MemberField(
        purpose="mentor",
        label=_("Mentor"),
        help_text=_("Someone who said “I'm happy to mentor”."),
    )
    newcomer = MemberField(
        purpose="buddy",
        label=_("Newcomer"),
        help_text=_("Someone who said “I'd welcome a buddy”."),
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        pickers_bind(self, community)

    def clean(self):
        data = super().clean()
        mentor, newcomer = data.get("mentor"), data.get("newcomer")
        if mentor is not None and newcomer is not None and mentor.pk == newcomer.pk:
            self.add_error(
                "newcomer", _("Choose two different people: someone can't be their own buddy.")
            )
        return data


class PairNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Our note"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you'd like to try, questions for next time: both of you can edit it."),
    )


class PairMeetingForm(forms.Form):
    met_on = forms.DateField(
        label=_("We met on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    line = forms.CharField(
        label=_("A line about it (optional)"),
        max_length=LINE_MAX,
        required=False,
    )

    def clean_line(self) -> str:
        return " ".join(self.cleaned_data["line"].split())


# --- Organisations (issue 19) ------------------------------------------------------------


class OrganisationSettingsForm(forms.ModelForm):
    """An organisation's own settings, for its admins: its name, email domains (one a line)
    and who may create communities in it."""

    domains = forms.CharField(
        label=_("Email domains"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One a line, such as clinics.example.org. People with a verified address "
            "there belong to the organisation and see its communities first in the directory."
        ),
    )

    class Meta:
        model = Organisation
        fields = ["name", "admins_only_create"]
        labels = {"name": _("Name")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["domains"] = "\n".join(
                self.instance.domains.values_list("domain", flat=True)
            )

    def clean_name(self) -> str:
        # The site's own organisation shown by its name in the admin's language: saved
        # unchanged, it keeps its English name (read in each reader's language).
        name = self.cleaned_data["name"]
        if name == str(DEFAULT_ORGANISATION_WORDS):
            return DEFAULT_ORGANISATION_NAME
        return name

    def clean_domains(self) -> list[str]:
        domains, errors = [], []
        for line in self.cleaned_data["domains"].splitlines():
            domain = line.strip().lower().lstrip("@")
            if not domain or domain in domains:
                continue
            try:
                validate_email_domain(domain)
            except ValidationError as error:
                errors.extend(error.messages)
                continue
            domains.append(domain)
        taken = OrganisationDomain.objects.filter(domain__in=domains).exclude(
            organisation=self.instance
        )
        errors += [
            _("%(domain)s belongs to another organisation.") % {"domain": d.domain} for d in taken
        ]
        if errors:
            raise ValidationError(errors)
        return domains


class OrganisationPersonForm(forms.Form):
    """Give someone with an account a role in the organisation."""

    email = forms.EmailField(label=_("Their email address"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"), choices=OrganisationRole.Role.choices, initial="leader"
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        self.person = User.objects.filter(email__iexact=email).first()
        if self.person is None:
            raise ValidationError(
                _(
                    "Nobody has an account with this address yet: invite them by email below, "
                    "and make them a leader or admin once they have accepted."
                )
            )
        return email
