from __future__ import annotations

import re
import zoneinfo
from functools import cache
from importlib import resources
from pathlib import Path

from allauth.account.forms import (
    AddEmailForm,
    ChangePasswordForm,
    LoginForm,
    ReauthenticateForm,
    ResetPasswordForm,
    ResetPasswordKeyForm,
    SetPasswordForm,
    SignupForm,
)
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as MfaBaseReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.plugins import notification_kinds

from . import languages
from .models import User
from .services import PROFILE_FIELDS

# The short list first in every timezone select: where copsite's health programmes,
# teachers and humanitarian teams mostly are. Every name here is canonical.
COMMON_TIMEZONES = (
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Africa/Johannesburg",
    "Asia/Kolkata",
    "Asia/Manila",
    "America/New_York",
    "America/Mexico_City",
    "America/Bogota",
    "America/Sao_Paulo",
    "Pacific/Auckland",
)
# Used only where no zone.tab can be found: an Area/City name in one of the tz database's
# geographic areas ("Etc/GMT+5", "US/Eastern", "W-SU", "Zulu", "posixrules" all fail it).
AREA_CITY = re.compile(
    r"^(Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific)/[A-Z]"
)


def _zone_tab() -> str:
    """The tz database's zone.tab (one line per canonical zone people pick from), from
    the tzdata package (a dependency of icalendar) or the system's zoneinfo directory."""
    try:
        return (resources.files("tzdata.zoneinfo") / "zone.tab").read_text()
    except (ModuleNotFoundError, OSError):
        for directory in zoneinfo.TZPATH:
            path = Path(directory) / "zone.tab"
            if path.is_file():
                return path.read_text()
    return ""


@cache
def canonical_timezones() -> frozenset[str]:
    """The zones offered: zone.tab's Area/City names that this Python can load, and UTC.
    Legacy aliases (W-SU, Zulu, GB, US/*, Etc/*, Asia/Calcutta…) are left out."""
    available = zoneinfo.available_timezones()
    lines = (line.split("\t") for line in _zone_tab().splitlines() if not line.startswith("#"))
    names = {fields[2] for fields in lines if len(fields) > 2}
    if not names:
        names = {name for name in available if AREA_CITY.match(name)}
    return frozenset(names & available | {"UTC"})


def _option(name: str) -> tuple[str, str]:
    return (name, name.replace("_", " "))


@cache
def _offered() -> tuple:
    common = [_option(name) for name in COMMON_TIMEZONES if name in canonical_timezones()]
    everything = [_option(name) for name in sorted(canonical_timezones())]
    return ((_("Common"), common), (_("All zones"), everything))


def timezone_choices(keep: str = "") -> list:
    """Common zones, then all canonical zones. `keep` is the value already saved: when it is
    a loadable zone no longer offered (a legacy alias), it stays first, so it shows selected
    and saving the form unchanged never fails."""
    choices = list(_offered())
    if keep and keep not in canonical_timezones() and keep in zoneinfo.available_timezones():
        label = gettext("%(zone)s (saved)") % {"zone": keep.replace("_", " ")}
        choices.insert(0, (keep, label))
    return choices


def timezone_widget() -> forms.Select:
    """The select static/js/site.js improves: it moves the device's own zone to the top,
    marked "(this device)". Where data-device-zone is "choose" (a form on which nothing was
    chosen yet) it also selects it, as long as the field still holds the value the page
    came with; "offer" never changes the selection."""
    return forms.Select(attrs={"data-device-zone": "offer"})


def keep_saved_timezone(form: forms.BaseForm, saved: str, name: str = "timezone") -> None:
    """Offer the saved value even when it is a legacy alias we no longer list."""
    form.fields[name].choices = timezone_choices(keep=saved)


HOURS = [(hour, f"{hour:02d}:00") for hour in range(24)]


class ProfileForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        choices=timezone_choices,
        widget=timezone_widget(),
        help_text=_("Session times, reminders and digests use this timezone."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=languages.choices,
        required=False,
        help_text=_("For these pages and every email we send you."),
    )
    digest_hour = forms.TypedChoiceField(
        label=_("Digest hour"), choices=HOURS, coerce=int, help_text=_("In your own timezone.")
    )

    class Meta:
        model = User
        fields = list(PROFILE_FIELDS)
        labels = {
            "display_name": _("Display name"),
            "digest": _("Digest email"),
            "digest_weekday": _("Digest day (weekly digest)"),
        }
        help_texts = {
            "review_emails": _("Also a short note when an author replies to a review you wrote."),
            "remind_1h": _(
                "With both reminders off, you also get no thank-you email inviting "
                "you to reflect after a session you came to."
            ),
        }

    PROFILE = ("display_name", "timezone", "language")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep_saved_timezone(self, self.instance.timezone)

    def groups(self):
        """[(legend, [bound fields])]: who you are, then what we send you."""
        return [
            (gettext("Profile"), [self[name] for name in self.PROFILE]),
            (
                gettext("Notifications"),
                [self[name] for name in self.Meta.fields if name not in self.PROFILE],
            ),
        ]


# The rules for a new password as one plain line (allauth lists each validator's help as
# HTML).
RULES_LINE = _(
    "At least 8 characters, not a common password, not only numbers, and not too close to "
    "your email address."
)


def in_our_words(form: forms.BaseForm, labels: dict[str, str], help_texts: dict[str, str]) -> None:
    """Relabel allauth's fields in copsite's words ("Current password", not "Current
    Password"), without allauth's placeholders that repeat the label."""
    for name, label in labels.items():
        if name in form.fields:
            form.fields[name].label = label
            form.fields[name].widget.attrs.pop("placeholder", None)
    for name, text in help_texts.items():
        if name in form.fields:
            form.fields[name].help_text = text


# Names a browser may give for a zone: letters, digits, "_", "+", "-", in "/"-parts.
ZONE_NAME = re.compile(r"^[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+)*$")


def _zone_file(name: str) -> bytes:
    """The compiled tz file for a loadable zone name, looked up where zoneinfo looks: the
    system's zoneinfo directories, then the tzdata package. b"" where neither has it."""
    for directory in zoneinfo.TZPATH:
        path = Path(directory) / name
        if path.is_file():
            return path.read_bytes()
    try:
        return (resources.files("tzdata.zoneinfo") / name).read_bytes()
    except (ModuleNotFoundError, OSError):
        return b""


@cache
def _canonical_by_file() -> dict[bytes, str]:
    """Each canonical zone's tz file → its name. A legacy alias (W-SU, Asia/Calcutta) is a
    link in the tz database: its file is the very file of the zone it stands for. Where two
    canonical zones share a file, the common one (else the first by name) is named."""
    names = [*COMMON_TIMEZONES, *sorted(canonical_timezones())]
    found: dict[bytes, str] = {}
    for name in names:
        if name in canonical_timezones():
            found.setdefault(_zone_file(name), name)
    found.pop(b"", None)
    return found


@cache
def _loadable() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def canonical_zone(name: object) -> str:
    """The canonical zone a browser's timezone name stands for, or "" when it names none.

    A canonical name is itself; a legacy alias is the zone it links to (Chromium still
    says "Asia/Calcutta" for Asia/Kolkata; "W-SU" is Europe/Moscow); anything else (an
    unknown or malformed name, a fixed offset like Etc/GMT+5) is "". Never raises."""
    if not isinstance(name, str) or len(name) > 64 or not ZONE_NAME.match(name):
        return ""
    if name in canonical_timezones():
        return name
    if name not in _loadable():
        return ""
    return _canonical_by_file().get(_zone_file(name), "")


class DeviceZoneField(forms.Field):
    """A hidden field static/js/site.js fills with the browser's timezone. It never fails:
    it cleans to the canonical zone the value stands for, or "" (whatever was sent: no
    value, a garbled one, a NUL byte)."""

    widget = forms.HiddenInput(attrs={"data-device-zone-field": ""})

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def clean(self, value) -> str:
        return canonical_zone(value)


class NotificationChoicesForm(forms.Form):
    """Each kind of notification's email choice (core.plugins' registry): at once, in my
    digest, or not at all. Kinds that may not be turned off have no field; the page lists
    them with the reason (`locked`)."""

    def __init__(self, *args, chosen: dict[str, str], **kwargs):
        kwargs.setdefault("label_suffix", "")
        # Prefixed: the settings page's other form has fields of its own ("digest"…).
        kwargs.setdefault("prefix", "notify")
        super().__init__(*args, **kwargs)
        self.locked = []
        for kind in notification_kinds():
            if not kind.may_turn_off:
                self.locked.append(kind)
                continue
            self.fields[kind.key] = forms.ChoiceField(
                label=kind.label,
                choices=kind.choices,
                initial=chosen.get(kind.key, kind.default_email),
                help_text=kind.hint,
            )


class AccountLoginForm(LoginForm):
    """allauth's log-in form in copsite's words."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # allauth puts a "Forgot your password?" link in the help text; the page has one.
        in_our_words(
            self,
            {
                "login": _("Email"),
                "password": _("Password"),
                "remember": _("Keep me logged in on this device"),
            },
            {"password": ""},
        )


class AccountSignupForm(SignupForm):
    """allauth's sign-up form in copsite's words: a name to be greeted and shown by
    (optional: without it the greeting names nobody, and settings ask for it), the
    password rules as one plain line, and the device's timezone, filled in by
    static/js/site.js. A zone the server doesn't know is quietly ignored (the site's
    default applies), never an error on a field nobody sees."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=80,
        required=False,
        help_text=_("Optional: how others in your communities see you. You can change it later."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    timezone = DeviceZoneField()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        in_our_words(
            self,
            {"email": _("Email"), "password1": _("Password"), "password2": _("Password again")},
            {"password1": RULES_LINE},
        )
        self.order_fields(["display_name", "email"])


class AccountAddEmailForm(AddEmailForm):
    """The address to change to, on the email page."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        in_our_words(self, {"email": _("New email address")}, {})


class AccountChangePasswordForm(ChangePasswordForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # The page links "Forgot your current password?" itself.
        in_our_words(
            self,
            {
                "oldpassword": _("Current password"),
                "password1": _("New password"),
                "password2": _("New password again"),
            },
            {"oldpassword": "", "password1": RULES_LINE},
        )


class AccountSetPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        in_our_words(
            self,
            {"password1": _("Password"), "password2": _("Password again")},
            {"password1": RULES_LINE},
        )


class AccountReauthenticateForm(ReauthenticateForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        in_our_words(self, {"password": _("Your password")}, {"password": ""})


class AccountResetPasswordForm(ResetPasswordForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        in_our_words(self, {"email": _("Email")}, {})


class AccountResetPasswordKeyForm(ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        in_our_words(
            self,
            {"password1": _("New password"), "password2": _("New password again")},
            {"password1": RULES_LINE},
        )


CODE_HINT = _("The 6 digits your authenticator app shows now, or one of your recovery codes.")


class CodeInOurWords:
    """A two-step form's code field, labelled and explained in copsite's words."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        in_our_words(self, {"code": _("Code")}, {"code": CODE_HINT})


class MfaAuthenticateForm(CodeInOurWords, AuthenticateForm):
    """The second step at sign-in, in copsite's words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update({"inputmode": "numeric", "autofocus": True})


class MfaReauthenticateForm(CodeInOurWords, MfaBaseReauthenticateForm):
    pass


class MfaActivateTotpForm(ActivateTOTPForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        in_our_words(
            self,
            {"code": _("Code from the app")},
            {"code": _("The 6 digits the app shows for this site, to check it is set up.")},
        )
        self.fields["code"].widget.attrs.update({"inputmode": "numeric"})
