"""The sessions' steps in communities' checklists (core.plugins): RSVP to a session (a
new member's first steps) and plan a first session (a new community's setup)."""

from __future__ import annotations

from core.plugins import (
    memberships_who_have,
    memberships_whose_community_has,
    register_first_step,
    register_setup_step,
)

from .models import RSVP, Session


def _rsvped(memberships) -> set[int]:
    """Answered an RSVP to any session of the community (going, maybe or not): one query."""
    return memberships_who_have(
        memberships, RSVP.objects.all(), person="user_id", community="session__community_id"
    )


def _planned(memberships) -> set[int]:
    """The community has a session, even a draft: one query."""
    return memberships_whose_community_has(memberships, Session.objects.all())


def register() -> None:
    register_first_step(
        "rsvp",
        "RSVP to the next session",
        20,
        done=_rsvped,
        url_name="sessions:list",
        hint="Going, maybe or not this time: any answer helps the facilitators plan.",
    )
    register_setup_step(
        "session",
        "Plan a first session",
        40,
        done=_planned,
        url_name="sessions:new",
        hint="A date, a place or a link, and an agenda to start from.",
    )
