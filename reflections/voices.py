"""Quiet voices: members who keep coming to sessions but have shared nothing (a reflection,
a response, a piece of work, a peer review) since the first of their last N sessions.

Only facilitators ever see them, as a short list with kind suggestions on the community
and session pages (reflections.panels); no dashboard names anyone. This module lives in
reflections because it reads what members share here and in the apps below (reviews,
sessions). Five queries, however many members: one for the attendance (a window function
finds each person's Nth-latest session) and one per kind of contribution.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F, Max, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from communities.models import Membership
from reviews.models import PeerReview, SharedWork
from sessions.models import Attendance, held_sessions_q

from .models import Reflection, Response

# How many of a person's latest sessions they came to without sharing anything.
LAST_SESSIONS = 3
# At most this many people are named at once.
VOICES_ROWS = 12


def quiet_voices(
    community, *, last: int = LAST_SESSIONS, among=None, limit: int = VOICES_ROWS
) -> list:
    """The community's members (not its facilitators) who came to at least `last` held
    sessions, the latest within the engagement window, and shared nothing since the start
    of the `last`-th latest: their users, longest-standing first. `among` (a condition on
    the attendance's `user`) narrows it to the people of one session."""
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
    # The window runs over narrow rows (ids and start times) and only the rows it picks
    # are joined to their people and sessions, in the same query: ranking the rows with
    # every column of both sorted a facilitator's community home's widest rows.
    picked = Attendance.objects.filter(pk__in=attendance.order_by().values("pk"))
    since = {
        row.user_id: (row.session.starts_at, row.user)
        for row in picked.select_related("user", "session").order_by()
    }
    if not since:
        return []
    people = list(since)
    earliest = min(start for start, _user in since.values())
    last_shared: dict[int, object] = {}
    for rows in (
        Reflection.objects.shared()
        .filter(community=community, author__in=people, created_at__gte=earliest)
        .values_list("author_id")
        .annotate(at=Max("created_at")),
        Response.objects.filter(community=community, author__in=people, created_at__gte=earliest)
        .values_list("author_id")
        .annotate(at=Max("created_at")),
        SharedWork.objects.filter(community=community, author__in=people, created_at__gte=earliest)
        .values_list("author_id")
        .annotate(at=Max("created_at")),
        PeerReview.objects.submitted()
        .filter(round__community=community, reviewer__in=people, submitted_at__gte=earliest)
        .values_list("reviewer_id")
        .annotate(at=Max("submitted_at")),
    ):
        for user_id, at in rows.order_by():
            if user_id not in last_shared or at > last_shared[user_id]:
                last_shared[user_id] = at
    quiet = [
        (start, user)
        for user_id, (start, user) in since.items()
        if last_shared.get(user_id) is None or last_shared[user_id] < start
    ]
    quiet.sort(key=lambda pair: (pair[0], pair[1].name))
    return [user for _start, user in quiet[:limit]]
