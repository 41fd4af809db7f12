"""The sessions' steps in communities' checklists (core.plugins): RSVP to a session (a
new member's first steps) and plan a first session (a new community's setup)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.plugins import (
    memberships_in,
    memberships_whose_community_has,
    register_first_step,
    register_setup_step,
)

from .models import RSVP, SeriesRSVP, Session


def _rsvped(memberships) -> set[int]:
    """Answered an RSVP to any session of the community, or to a whole series of it (going,
    maybe or not): one query (a UNION of both answers)."""
    people = {m.user_id for m in memberships}
    communities = {m.community_id for m in memberships}
    own = RSVP.objects.filter(user_id__in=people, session__community_id__in=communities)
    by_series = SeriesRSVP.objects.filter(user_id__in=people, series__community_id__in=communities)
    # No ORDER BY (a model's default) inside the UNION: SQLite refuses one.
    pairs = (
        own.values_list("user_id", "session__community_id")
        .order_by()
        .union(by_series.values_list("user_id", "series__community_id").order_by())
    )
    return memberships_in(memberships, set(pairs))


def _planned(memberships) -> set[int]:
    """The community has a session, even a draft: one query."""
    return memberships_whose_community_has(memberships, Session.objects.all())


def register() -> None:
    register_first_step(
        "rsvp",
        pgettext_lazy("meeting", "RSVP to the next session"),
        20,
        done=_rsvped,
        url_name="sessions:list",
        hint=_("Going, maybe or not this time: any answer helps the facilitators plan."),
    )
    register_setup_step(
        "session",
        pgettext_lazy("meeting", "Plan a first session"),
        40,
        done=_planned,
        url_name="sessions:new",
        hint=_("A date, a place or a link, and an agenda to start from."),
    )
