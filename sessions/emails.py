"""The sessions app's email contexts in one module: the reminders, updates, cancellations
and the invitation to reflect (services) and the digest's session links all build their
links and context here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse

from core.plugins import link_for

if TYPE_CHECKING:
    from accounts.models import User

    from .models import Session


def session_url(session: Session) -> str:
    """The session's page, as an absolute link for an email."""
    return settings.SITE_URL + session.get_absolute_url()


def reflect_url(session: Session) -> str:
    """Where to write a reflection on the session, as an absolute link (the page the
    reflections app registers for "reflect"; empty when none does)."""
    path = link_for("reflect", session.community.slug, session=session.pk)
    return f"{settings.SITE_URL}{path}" if path else ""


def session_email_context(session: Session, user: User, **extra) -> dict:
    """What every email about a session to `user` is given: the session, its community,
    the recipient, both timezones, the session's and the settings' links, plus `extra`."""
    return {
        "session": session,
        "community": session.community,
        "recipient": user,
        "user_tz": user.zoneinfo.key,
        "community_tz": session.community.zoneinfo.key,
        "session_url": session_url(session),
        "settings_url": settings.SITE_URL + reverse("settings"),
        **extra,
    }


def pulse_links(session: Session) -> list[dict]:
    """The pulse's four faces as links to the session page, each preselecting its face
    there (a link only preselects; the person saves with a press, so a link scanner saves
    nothing)."""
    from .models import PULSE_FACES, PulseAnswer

    return [
        {
            "face": PULSE_FACES[value],
            "label": label,
            "url": f"{session_url(session)}?pulse={value}#pulse-box",
        }
        for value, label in PulseAnswer.Face.choices
    ]
