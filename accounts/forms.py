from __future__ import annotations

import zoneinfo
from functools import cache

from allauth.account.forms import LoginForm, SignupForm
from django import forms

from .models import User
from .services import PROFILE_FIELDS


@cache
def timezone_choices() -> list[tuple[str, str]]:
    names = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})
    return [(name, name.replace("_", " ")) for name in names]


HOURS = [(hour, f"{hour:02d}:00") for hour in range(24)]


class ProfileForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        choices=timezone_choices,
        help_text="Session times, reminders and digests use this timezone.",
    )
    digest_hour = forms.TypedChoiceField(
        label="Digest hour", choices=HOURS, coerce=int, help_text="In your own timezone."
    )

    class Meta:
        model = User
        fields = list(PROFILE_FIELDS)
        labels = {"digest": "Digest email", "digest_weekday": "Digest day (weekly digest)"}
        help_texts = {
            "review_emails": "Also a short note when an author replies to a review you wrote.",
            "remind_1h": "With both reminders off, you also get no thank-you email inviting "
            "you to reflect after a session you came to.",
        }

    PROFILE = ("display_name", "timezone")

    def groups(self):
        """[(legend, [bound fields])]: who you are, then what we send you."""
        return [
            ("Profile", [self[name] for name in self.PROFILE]),
            (
                "Notifications",
                [self[name] for name in self.Meta.fields if name not in self.PROFILE],
            ),
        ]


class AccountLoginForm(LoginForm):
    """allauth's log-in form in copsite's words."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # allauth puts a "Forgot your password?" link in the help text; the page has one.
        self.fields["password"].help_text = ""
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me logged in on this device"


class AccountSignupForm(SignupForm):
    """allauth's sign-up form in copsite's words: the password rules as one plain line."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = (
            "At least 8 characters, not a common password, not only numbers, and not too "
            "close to your email address."
        )
        if "password2" in self.fields:
            self.fields["password2"].label = "Password again"
