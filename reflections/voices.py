"""Quiet voices: members who keep coming to sessions but have shared nothing (a reflection,
a response, a piece of work, a peer review) since the first of their last N sessions
(among the community's latest HORIZON_SESSIONS held sessions).

Only facilitators ever see them, as a short list with kind suggestions on the community
and session pages (reflections.panels); no dashboard names anyone. This module lives in
reflections because it reads what members share here and in the apps below (reviews,
sessions). One query, however many members: a window function finds each person's
Nth-latest session, NOT EXISTS drops whoever shared something since its start, and the
database sorts and cuts the list, so only the people named leave it. The community
panel's query is compiled once (`_community_rows`, core.compiled).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.db.models import Case, CharField, Exists, F, Max, OuterRef, Value, When, Window
from django.db.models.functions import Coalesce, Collate, Left, NullIf, RowNumber, StrIndex
from django.utils import timezone

from accounts.models import User
from communities.models import Membership
from core.compiled import Compiled, stand_in_moment
from reviews.models import PeerReview, SharedWork
from sessions.models import Attendance, Session, held_sessions_q

from .models import Reflection, Response

# How many of a person's latest sessions they came to without sharing anything.
LAST_SESSIONS = 3
# At most this many people are named at once.
VOICES_ROWS = 12
# The community's latest held sessions looked at: a person's pattern of coming shows in
# them (about six months of weekly sessions), and the panel costs the same however long,
# or however dense, the community's history (ranking every attendance record ever made
# grew with it: 4.7 ms at the bench's scale, five times that at five times the history).
HORIZON_SESSIONS = 24


def sort_name(path: str = ""):
    """The `User.name` (display name, else the email's local part) of the user at `path`
    as SQL, compared code point by code point as Python compares strings."""
    email = F(f"{path}email")
    local = Case(
        When(**{f"{path}email__contains": "@"}, then=Left(email, StrIndex(email, Value("@")) - 1)),
        default=email,
        output_field=CharField(),
    )
    name = Coalesce(NullIf(F(f"{path}display_name"), Value("")), local, output_field=CharField())
    return Collate(name, "C") if connection.vendor == "postgresql" else name


def quiet_voices(
    community, *, last: int = LAST_SESSIONS, among=None, limit: int = VOICES_ROWS
) -> list:
    """The community's members (not its facilitators) who came to at least `last` of its
    latest HORIZON_SESSIONS held sessions, the latest within the engagement window, and
    shared nothing since the start of the `last`-th latest: their users, longest-standing
    first (then by name). `among` (a condition on the attendance's `user`) narrows it to
    the people of one session."""
    now = timezone.now()
    since = now - timedelta(days=community.engagement_window_days or 90)
    if among is not None:
        return _users(_quiet_rows(community.pk, now, since, last=last, among=among, limit=limit))
    return _users(_community_rows.run(community.pk, now, since, last=last, limit=limit))


# The people are read with the attendance row that names them (their columns, in this
# order), and made Users as Django makes them from a query's rows: none of their fields
# needs converting from what the database driver gives.
USER_FIELDS = [field.attname for field in User._meta.concrete_fields]


def _users(rows) -> list:
    return [User.from_db(User.objects.db, USER_FIELDS, row) for row in rows]


def _quiet_rows(community_id: int, now, since, *, last: int, among=None, limit: int):
    """The query of `quiet_voices`, over plain values (see `_community_rows`): the USER_FIELDS of
    the people named, in order."""
    members = Membership.objects.active().filter(
        community_id=community_id, role=Membership.Role.MEMBER
    )
    horizon = (
        Session.objects.filter(held_sessions_q(), community_id=community_id, starts_at__lt=now)
        .order_by("-starts_at", "-id")
        .values("id")[:HORIZON_SESSIONS]
    )
    attendance = Attendance.objects.filter(
        session_id__in=horizon, user__in=members.values("user_id")
    )
    if among is not None:
        # Before the window: it runs per person, so narrowing the people first changes no
        # one's rank, and PostgreSQL ranks the few people's rows instead of everyone's.
        attendance = attendance.filter(among)
    attendance = attendance.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("user_id")],
            order_by=[F("session__starts_at").desc(), F("session_id").desc()],
        ),
        latest=Window(Max("session__starts_at"), partition_by=[F("user_id")]),
    ).filter(rank=last, latest__gte=since)
    # The window runs over narrow rows (ids and start times); only the row it picks per
    # person is joined to its session, checked for anything shared since that session
    # started, and, for the few named, to its person. The four kinds of sharing are one
    # NOT EXISTS over their UNION ALL: as four, PostgreSQL weighed each as a join of its
    # own, and planning the query took longer than running it (on a request's new
    # connection the panel took 20-21 ms at the bench's scale, as one 12-15 ms).
    person, started = OuterRef("user_id"), OuterRef("session__starts_at")
    reflections, responses, works, reviews = (
        Reflection.objects.shared().filter(
            community_id=community_id, author=person, created_at__gte=started
        ),
        Response.objects.filter(community_id=community_id, author=person, created_at__gte=started),
        SharedWork.objects.filter(
            community_id=community_id, author=person, created_at__gte=started
        ),
        PeerReview.objects.submitted().filter(
            round__community_id=community_id, reviewer=person, submitted_at__gte=started
        ),
    )
    shared = (
        reflections.order_by()
        .values("pk")
        .union(*(rows.order_by().values("pk") for rows in (responses, works, reviews)), all=True)
    )
    quiet = Attendance.objects.filter(pk__in=attendance.order_by().values("pk")).exclude(
        Exists(shared)
    )
    # Ordered and cut on the attendance rows, each joined to its person by their key: a
    # query over users instead had PostgreSQL hash every user and every session.
    return (
        quiet.annotate(sort_name=sort_name("user__"))
        .order_by("session__starts_at", "sort_name", "user_id")
        .values_list(*[f"user__{name}" for name in USER_FIELDS])[:limit]
    )


# Building the query (a window, the NOT EXISTS, the name) is most of its time in Python:
# for the community's panel, whose query differs only in the community and the time, it is
# compiled once over these stand-ins and run with the real values in their places
# (core.compiled; where the database adapts the times, it is built each time).
_community_rows = Compiled(
    _quiet_rows,
    -20_181_220,
    stand_in_moment(1),
    stand_in_moment(0),
)
