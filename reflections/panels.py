"""What the reflections app shows on pages it does not own (core.plugins).

Each panel costs a fixed number of queries, however many rows it shows.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core.compiled import Compiled
from core.plugins import Panel
from sessions.selectors import going_or_came_ids

from . import voices
from .anonymity import conceal, facilitating
from .facilitation import facilitation_panel
from .models import Action, Reflection, Response
from .selectors import themes_for, thread_context

PANEL_ROWS = 5


# The session page's open actions: at most this many.
SESSION_ACTIONS = 20


def _session_actions_query(community_id: int, today: date, previous_id=None, *, first: bool):
    """`session_panel`'s actions: the community's open ones, overdue first; with `first`,
    those committed to at the session `previous_id` before them."""
    rows = (
        Action.objects.filter(community_id=community_id)
        .open()
        .select_related("owner")
        .overdue_first(today)
    )
    return rows.from_session_first(previous_id if first else None)[:SESSION_ACTIONS]


# Compiled once per shape (core.compiled): the session page asks it on every request.
_session_actions = Compiled(
    _session_actions_query,
    stand_ins_for=lambda *, first: (-20_181_424, date(1900, 1, 5), -20_181_425)[
        : 3 if first else 2
    ],
)


def session_panel(request, access, session) -> Panel | None:
    """The community's open actions for a session's page. The page shows them once: under
    its agenda's "Review our open actions" step when the plan has one (the page takes
    `actions` and sets `actions_in_agenda`), else as this panel's one collapsed list. After
    the session the panel also asks what we'll do differently. Members only: an open
    community's published sessions are public to signed-in people, and a leader may pass
    by, but what the community said it would do is its own. One query."""
    if not access.is_member:
        return None
    # In a series, what we committed to at the previous session comes first (one more
    # query, only then), then the older open ones.
    previous = session.previous_occurrence()
    today = timezone.localdate()
    if previous is None:
        actions = _session_actions.run(session.community_id, today, first=False)
    else:
        actions = _session_actions.run(session.community_id, today, previous.pk, first=True)
    # Each action's community is the session's, already loaded: no join, no copy per row.
    community_field = Action._meta.get_field("community")
    for action in actions:
        community_field.set_cached_value(action, session.community)
    return Panel(
        "reflections/includes/session_panel.html",
        {
            "session": session,
            "community": session.community,
            "actions": actions,
            "previous": previous,
            "after": session.current_stage == session.AFTER and session.is_held,
        },
        order=5,
    )


def _my_actions(user_id: int, today: date):
    """The home panel's two lists of the person's actions in the communities where they
    are an active member: the open ones (overdue first, at most 10) and the done ones
    with no follow-up written yet (the latest 3)."""
    mine = Action.objects.for_member(user_id).filter(owner_id=user_id)
    # The owner is the viewer: not joined (the panel never names them).
    open_actions = mine.open().select_related("community").overdue_first(today)[:10]
    follow_up_written = Reflection.objects.filter(follow_up_of=OuterRef("pk"), author_id=user_id)
    awaiting = (
        mine.filter(status=Action.Status.DONE)
        .exclude(Exists(follow_up_written))
        .select_related("community")
        .overdue_first(today)  # the same columns as the open ones, as a UNION needs
        .order_by("-done_at")[:3]
    )
    return open_actions, awaiting


def _my_actions_union(user_id: int, today: date):
    """Both lists in one query (UNION ALL of the two, each ordered and cut on its own)."""
    open_actions, awaiting = _my_actions(user_id, today)
    return open_actions.union(awaiting, all=True)


# Built and compiled once (core.compiled): on the home page, every signed-in person's.
_my_actions_compiled = Compiled(_my_actions_union, -20_181_223, date(1900, 1, 3))


def home_panel(request) -> Panel:
    """My open actions across my communities, overdue first; done ones awaiting a follow-up."""
    # The two lists are told apart by status and put back in their own orders here.
    today = timezone.localdate()
    if connection.features.supports_slicing_ordering_in_compound:
        rows = _my_actions_compiled.run(request.user.pk, today)
    else:  # SQLite (the embedded default) cuts no part of a UNION: two queries there.
        open_actions, awaiting = _my_actions(request.user.pk, today)
        rows = [*open_actions, *awaiting]
    open_actions = sorted(
        (row for row in rows if row.status != Action.Status.DONE),
        key=lambda row: (
            row.overdue_rank,
            row.due_date is None,
            row.due_date or date.min,
            row.created_at,
        ),
    )
    # Newest done first; PostgreSQL puts an unknown date first in a descending order.
    awaiting = sorted(
        (row for row in rows if row.status == Action.Status.DONE),
        key=lambda row: (row.done_at is None, row.done_at or datetime.min.replace(tzinfo=UTC)),
        reverse=True,
    )
    recent = list(
        Reflection.objects.filter(author=request.user)
        .select_related("community")
        .order_by("-created_at", "-pk")[:3]
    )
    return Panel(
        "reflections/includes/home_panel.html",
        {"actions": open_actions, "awaiting_follow_up": awaiting, "recent": recent},
        order=40,
    )


def _recent_query(community_id: int, user_id: int, *, facilitator: bool):
    """Reflection.objects.visible_to, narrowed to what the viewer is known to be on the
    community home (an active member of it, a facilitator or not): its community
    reflections, and of the hidden ones only their own unless they facilitate."""
    recent = Reflection.objects.filter(
        community_id=community_id, visibility=Reflection.Visibility.COMMUNITY
    )
    if not facilitator:
        recent = recent.filter(Q(author_id=user_id) | Q(hidden_at__isnull=True))
    return recent.select_related("author").order_by("-created_at", "-pk")[:PANEL_ROWS]


# Compiled once per shape (core.compiled): a facilitator's query names no viewer.
_recent = Compiled(
    _recent_query,
    -20_181_304,
    -20_181_305,
    required_for=lambda *, facilitator: {0} if facilitator else {0, 1},
)


def community_panel(request, access) -> Panel | None:
    """Recent community-visible reflections, titles and short plain excerpts. Nothing for
    people who are not members (the community home is public to them)."""
    if not access.is_member:
        return None
    community = access.community
    recent = conceal(
        _recent.run(community.pk, request.user.pk, facilitator=access.is_facilitator),
        request.user,
        facilitating(access),
    )
    # Their community is the page's: not joined again.
    in_community = Reflection._meta.get_field("community")
    for reflection in recent:
        in_community.set_cached_value(reflection, community)
    reflections = [(reflection, reflection.short_excerpt(160)) for reflection in recent]
    return Panel(
        "reflections/includes/community_panel.html",
        {"community": community, "reflections": reflections},
        order=40,
    )


def session_responses_panel(request, access, session) -> Panel | None:
    """The conversation about a session: its responses ("Yes, and…") and the form to add
    one. Members only (the rule of reflections.access): a visitor of an open community's
    public session page and a leader passing by see none of it. One query."""
    if not access.is_member:
        return None
    return Panel(
        "reflections/includes/responses_panel.html",
        thread_context(access, request.user, Response.Kind.SESSION, session),
        order=80,
    )


def work_panel(request, access, work) -> Panel | None:
    """The conversation about a piece of shared work, on its page. One query."""
    if not access.is_member:
        return None
    return Panel(
        "reflections/includes/responses_panel.html",
        thread_context(access, request.user, Response.Kind.WORK, work),
        order=80,
    )


def session_themes_panel(request, access, session) -> Panel | None:
    """After a held session: the themes gathered from it, to +1, and for facilitators
    "Group into a theme" and "Make this an action". Members only (themes are members'
    words). Two queries with themes, one without."""
    if not access.is_member or not session.is_held or session.current_stage != session.AFTER:
        return None
    return Panel(
        "reflections/includes/themes_panel.html",
        {
            "session": session,
            "community": session.community,
            "themes": themes_for(access, request.user, session),
        },
        order=6,
    )


# The session page gets three panels from this app: the open actions, the themes gathered
# after it, and the conversation.
def community_voices_panel(request, access) -> Panel | None:
    """Quiet voices (reflections.voices), for the community's facilitators only: never a
    member, a leader passing by or a visitor. One query."""
    if not access.is_facilitator:
        return None
    people = voices.quiet_voices(access.community)
    if not people:
        return None
    return Panel(
        "reflections/includes/quiet_voices_panel.html",
        {
            "community": access.community,
            "people": people,
            "last": voices.LAST_SESSIONS,
            "session": None,
        },
        order=60,
    )


def session_voices_panel(request, access, session) -> Panel | None:
    """The quiet voices among the people going to (or who came to) this session, for the
    community's facilitators only. Two queries, one when nobody is going: the session's
    people first, then the quiet voices among those ids. (As one query, with the people as
    subqueries, PostgreSQL spent longer planning it than running it, even for a session
    nobody had answered yet.)"""
    if not access.is_facilitator or session.status == session.Status.CANCELLED:
        return None
    people_ids = going_or_came_ids(session)
    if not people_ids:
        return None
    people = voices.quiet_voices(access.community, among=Q(user_id__in=people_ids))
    if not people:
        return None
    return Panel(
        "reflections/includes/quiet_voices_panel.html",
        {
            "community": access.community,
            "people": people,
            "last": voices.LAST_SESSIONS,
            "session": session,
        },
        order=70,
    )


# After a session, its facilitators also get their own facilitation reflection.
PANELS = {
    "session_panel": [
        session_panel,
        session_themes_panel,
        session_responses_panel,
        session_voices_panel,
        facilitation_panel,
    ],
    "community_panel": [community_panel, community_voices_panel],
}
