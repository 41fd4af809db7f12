"""Quiet voices: members who keep coming to sessions but have shared nothing (a reflection,
a response, a piece of work, a peer review) since the first of their last N sessions.

Only facilitators ever see them, as a short list with kind suggestions on the community
and session pages (reflections.panels); no dashboard names anyone. This module lives in
reflections because it reads what members share here and in the apps below (reviews,
sessions). One query, however many members: a window function finds each person's
Nth-latest session, NOT EXISTS drops whoever shared something since its start, and the
database sorts and cuts the list, so only the people named leave it.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.db.models import Case, CharField, Exists, F, Max, OuterRef, Value, When, Window
from django.db.models.functions import Coalesce, Collate, Left, NullIf, RowNumber, StrIndex
from django.utils import timezone

from communities.models import Membership
from reviews.models import PeerReview, SharedWork
from sessions.models import Attendance, held_sessions_q

from .models import Reflection, Response

# How many of a person's latest sessions they came to without sharing anything.
LAST_SESSIONS = 3
# At most this many people are named at once.
VOICES_ROWS = 12


def sort_name():
    """The attendance's user's `User.name` (display name, else the email's local part) as
    SQL, compared code point by code point as Python compares strings."""
    email = F("user__email")
    local = Case(
        When(user__email__contains="@", then=Left(email, StrIndex(email, Value("@")) - 1)),
        default=email,
        output_field=CharField(),
    )
    name = Coalesce(NullIf(F("user__display_name"), Value("")), local, output_field=CharField())
    return Collate(name, "C") if connection.vendor == "postgresql" else name


def quiet_voices(
    community, *, last: int = LAST_SESSIONS, among=None, limit: int = VOICES_ROWS
) -> list:
    """The community's members (not its facilitators) who came to at least `last` held
    sessions, the latest within the engagement window, and shared nothing since the start
    of the `last`-th latest: their users, longest-standing first (then by name). `among`
    (a condition on the attendance's `user`) narrows it to the people of one session."""
    now = timezone.now()
    window = timedelta(days=community.engagement_window_days or 90)
    members = Membership.objects.active().filter(community=community, role=Membership.Role.MEMBER)
    attendance = (
        Attendance.objects.filter(
            session__community=community,
            session__starts_at__lt=now,
            user__in=members.values("user_id"),
        )
        .filter(held_sessions_q("session__"))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("user_id")],
                order_by=[F("session__starts_at").desc(), F("session_id").desc()],
            ),
            latest=Window(Max("session__starts_at"), partition_by=[F("user_id")]),
        )
        .filter(rank=last, latest__gte=now - window)
    )
    if among is not None:
        attendance = attendance.filter(among)
    # The window runs over narrow rows (ids and start times); only the row it picks per
    # person is joined to its session, checked for anything shared since that session
    # started, and, for the few named, to its person.
    person, since = OuterRef("user_id"), OuterRef("session__starts_at")
    shared = (
        Reflection.objects.shared().filter(
            community=community, author=person, created_at__gte=since
        ),
        Response.objects.filter(community=community, author=person, created_at__gte=since),
        SharedWork.objects.filter(community=community, author=person, created_at__gte=since),
        PeerReview.objects.submitted().filter(
            round__community=community, reviewer=person, submitted_at__gte=since
        ),
    )
    quiet = Attendance.objects.filter(pk__in=attendance.order_by().values("pk"))
    for rows in shared:
        quiet = quiet.exclude(Exists(rows.order_by()))
    quiet = (
        quiet.annotate(sort_name=sort_name())
        .select_related("user")
        .order_by("session__starts_at", "sort_name", "user_id")[:limit]
    )
    return [row.user for row in quiet]
