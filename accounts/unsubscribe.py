"""One-click unsubscribe (RFC 8058) for every list we send: signed, salted per list."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Each list's name as a sentence reads it (with its article: translators keep it whole)
# and the preference fields a one-click unsubscribe switches off.
LISTS: dict[str, tuple[str, dict]] = {
    "digest": (_("the digest"), {"digest": "off"}),
    "reminders": (
        _("session reminders and invitations to reflect"),
        {"remind_24h": False, "remind_1h": False},
    ),
    "reviews": (_("peer-review emails"), {"review_emails": False}),
    "facilitation": (
        _("join-request and journey-move notices"),
        {"notify_facilitation": False},
    ),
    # No field of its own: every notification kind that may be turned off is set to
    # "never" (accounts.notifications.notification_emails_stop).
    "notifications": (_("notification emails"), {}),
}
MAX_AGE = 60 * 60 * 24 * 365


def _signer(list_name: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"copsite.unsubscribe.{list_name}")


def unsubscribe_token(user, list_name: str) -> str:
    return _signer(list_name).sign(str(user.pk))


def user_id_from_token(token: str, list_name: str) -> int | None:
    """The user id the token was made for, or None when tampered with, expired or foreign."""
    if list_name not in LISTS:
        return None
    try:
        return int(_signer(list_name).unsign(token, max_age=MAX_AGE))
    except (signing.BadSignature, ValueError):
        return None


def unsubscribe_url(user, list_name: str) -> str:
    path = reverse(
        "unsubscribe", kwargs={"list_name": list_name, "token": unsubscribe_token(user, list_name)}
    )
    return settings.SITE_URL + path


def list_unsubscribe_headers(user, list_name: str, url: str = "") -> dict[str, str]:
    """Headers for every email of `list_name` to `user`: a URL (POST unsubscribes at once)
    and a mailto, and the RFC 8058 one-click marker. `url` is the person's unsubscribe
    link when the caller has already made it (one signature per email, not two)."""
    url = url or unsubscribe_url(user, list_name)
    sender = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].strip(">").strip()
    return {
        "List-Unsubscribe": f"<{url}>, <mailto:{sender}?subject=unsubscribe-{list_name}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def unsubscribe(user, list_name: str) -> None:
    if list_name == "notifications":
        from .notifications import notification_emails_stop

        notification_emails_stop(user)
        return
    fields = LISTS[list_name][1]
    for name, value in fields.items():
        setattr(user, name, value)
    if fields:
        user.save(update_fields=list(fields))
