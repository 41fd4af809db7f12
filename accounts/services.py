"""Every write of the accounts app that a page makes: a person's own settings."""

from __future__ import annotations

from django.db import transaction

from .models import User

PROFILE_FIELDS = (
    "display_name",
    "timezone",
    "language",
    "digest",
    "digest_weekday",
    "digest_hour",
    "remind_24h",
    "remind_1h",
    "review_emails",
    "notify_facilitation",
)


@transaction.atomic
def profile_update(*, user: User, data: dict) -> User:
    """Save the settings page's choices (only the fields it offers)."""
    for name in PROFILE_FIELDS:
        setattr(user, name, data[name])
    user.save(update_fields=list(PROFILE_FIELDS))
    return user


def language_choose(*, user: User, language: str) -> User:
    """Save the footer switcher's choice as the person's preference (a supported code)."""
    user.language = language
    user.save(update_fields=["language"])
    return user
