"""Reads of RSVPs: the one rule for the answer that counts.

A person may answer a whole series once ("going to all", a SeriesRSVP) and answer any one
occurrence on its own (an RSVP), which overrides the series answer for that occurrence.
Every page, count, reminder and notice asks here, so they all agree; sessions made later
and moved ones follow the series answer with nothing copied.
"""

from __future__ import annotations

import random
from collections import Counter as CounterType
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    CharField,
    Count,
    Expression,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from accounts.models import User
from core.compiled import Compiled
from core.privacy import THRESHOLD, average_figure, people_figure
from outcomes.models import Outcome

from .models import RSVP, AgendaItem, Attendance, PulseAnswer, SeriesRSVP, Session

# What a session card reads (sessions.templatetags.session_tags.session_card) of a session
# and its series (the rhythm): a list of 50 cards loads these columns and no others. A
# field a card starts to read goes here, or each card costs a query (the query-count tests
# of the sessions list, at 1 and many rows, say so).
CARD_FIELDS = (
    "community",
    "series",
    "title",
    "starts_at",
    "duration_minutes",
    "status",
    "series__rule",
    "series__start_date",
    "series__start_time",
    "series__time_zone",
)


class _RowSubquery(Expression):
    """A correlated subquery written once as SQL over the row's own columns: the rule of
    the answer that counts, asked of every card of a list of 50. The ORM's Subquery of
    the same rule is resolved, relabelled and compiled afresh on every request (most of
    what a list's query costs in Python); this compiles its two columns and nothing else.
    `sql` names the row's session id `{pk}` and its series id `{series}`."""

    def __init__(self, sql: str, params, output_field):
        super().__init__(output_field=output_field)
        self.sql, self.params = sql, tuple(params)
        self.columns = [F("pk"), F("series_id")]

    def get_source_expressions(self):
        return self.columns

    def set_source_expressions(self, exprs):
        self.columns = list(exprs)

    def as_sql(self, compiler, connection):
        (pk, _), (series, _) = (compiler.compile(column) for column in self.columns)
        return "(" + self.sql.format(pk=pk, series=series) + ")", self.params


def _table(model, *fields: str) -> tuple[str, ...]:
    quote = connection.ops.quote_name
    return (
        quote(model._meta.db_table),
        *(quote(model._meta.get_field(field).column) for field in fields),
    )


def with_my_rsvp(queryset: QuerySet, user) -> QuerySet:
    """Annotate `my_rsvp`: the viewer's own answer to the session, else to its series."""
    rsvp, session, rsvp_user, response = _table(RSVP, "session", "user", "response")
    series_rsvp, series, series_user, series_response = _table(
        SeriesRSVP, "series", "user", "response"
    )
    # Identifiers from the models' own names; every value is a parameter.
    sql = (
        f"COALESCE((SELECT own.{response} FROM {rsvp} own"  # noqa: S608
        f" WHERE own.{session} = {{pk}} AND own.{rsvp_user} = %s LIMIT 1),"
        f" (SELECT all_.{series_response} FROM {series_rsvp} all_"
        f" WHERE all_.{series} = {{series}} AND all_.{series_user} = %s LIMIT 1))"
    )
    return queryset.annotate(my_rsvp=_RowSubquery(sql, [user.pk, user.pk], CharField()))


def with_going_count(queryset: QuerySet, response: str = RSVP.Response.GOING) -> QuerySet:
    """Annotate `going`: how many people's answer that counts is `response` (their own, or
    their series answer where they have none of their own). Two subqueries per row, so the
    cost does not grow with the number of people."""
    rsvp, session, rsvp_user, rsvp_response = _table(RSVP, "session", "user", "response")
    series_rsvp, series, series_user, series_response = _table(
        SeriesRSVP, "series", "user", "response"
    )
    # Identifiers from the models' own names; every value is a parameter.
    sql = (
        f"(SELECT COUNT(*) FROM {rsvp} own"  # noqa: S608
        f" WHERE own.{session} = {{pk}} AND own.{rsvp_response} = %s)"
        f" + (SELECT COUNT(*) FROM {series_rsvp} all_"
        f" WHERE all_.{series} = {{series}} AND all_.{series_response} = %s"
        f" AND NOT EXISTS (SELECT 1 FROM {rsvp} other"
        f" WHERE other.{session} = {{pk}} AND other.{rsvp_user} = all_.{series_user}))"
    )
    return queryset.annotate(
        going=_RowSubquery(sql, [str(response), str(response)], IntegerField())
    )


def attended_count():
    """How many came to each session of the rows it annotates (`attended`), as
    a subquery per row: a page's other figures are then not grouped by attendance rows."""
    counted = (
        Attendance.objects.filter(session=OuterRef("pk"))
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def answered_q(session: Session, responses: Iterable[str]) -> Q:
    """A condition on users: their answer that counts for `session` is in `responses`.

    One `IN` over the union of the session's own answers and its series' (where the
    person gave none of their own), so PostgreSQL starts from those few answers and
    reads each person by key; two `IN`s joined by OR made it read every user of the site
    (the reminder scan grew with the site, not with the sessions due)."""
    return _answered_q(session.pk, session.series_id, list(responses))


def _answered_q(session_id: int, series_id: int | None, responses: list[str]) -> Q:
    """`answered_q` from the session's and its series' ids (None: in no series)."""
    own = RSVP.objects.filter(session=session_id)
    answered = own.filter(response__in=responses).values("user_id")
    if series_id is not None:
        answered = answered.union(
            SeriesRSVP.objects.filter(series_id=series_id, response__in=responses)
            .exclude(user_id__in=own.values("user_id"))
            .values("user_id"),
            all=True,
        )
    return Q(pk__in=answered)


def _going_or_came(session_id: int, series_id: int | None = None, *, in_series: bool):
    going = User.objects.filter(_answered_q(session_id, series_id, [RSVP.Response.GOING]))
    came = Attendance.objects.filter(session=session_id).values_list("user_id")
    # Unordered: SQLite refuses an ORDER BY (the models' default) inside a UNION.
    return going.order_by().values_list("pk").union(came.order_by())


# Compiled once (core.compiled): stand-ins for the session's and its series' ids.
_going_or_came_ids = Compiled(
    _going_or_came,
    stand_ins_for=lambda *, in_series: (-20_181_413, -20_181_414)[: 2 if in_series else 1],
)


def going_or_came_ids(session: Session) -> list[int]:
    """The ids of the people going to `session` (their answer that counts: `answered_q`)
    or recorded as having come, in order: one query."""
    in_series = session.series_id is not None
    values = (session.pk, session.series_id) if in_series else (session.pk,)
    return sorted({row[0] for row in _going_or_came_ids.run(*values, in_series=in_series)})


# A session's agenda and the agreed outcomes its items serve, compiled once (core.compiled):
# the session page reads them on every request. Stand-in: the session's id.
_agenda_items = Compiled(
    lambda session_id: AgendaItem.objects.filter(session_id=session_id).order_by("position", "pk"),
    -20_181_415,
)
_served = Compiled(
    lambda session_id: (
        Outcome.objects.filter(agenda_items__session_id=session_id)
        .annotate(served_by=F("agenda_items__id"))
        .order_by("statement", "pk")
    ),
    -20_181_416,
)


def agenda_of(session: Session) -> list[AgendaItem]:
    """The session's agenda items in the planner's order, each with `serves`: the outcomes
    aligned to it, by statement. Two queries (none for the outcomes without an item)."""
    items = _agenda_items.run(session.pk)
    serves: dict[int, list[Outcome]] = {item.pk: [] for item in items}
    if items:
        for outcome in _served.run(session.pk):
            serves[outcome.served_by].append(outcome)
    for item in items:
        item.serves = serves[item.pk]
    return items


def people_answering(session: Session, responses: Iterable[str]) -> QuerySet:
    """The people whose answer that counts for `session` is in `responses`, each annotated
    with it as `answer`: one query (the attendance page's starting list)."""
    own = RSVP.objects.filter(session=session, user=OuterRef("pk")).values("response")[:1]
    answer = Subquery(own)
    if session.series_id is not None:
        by_series = SeriesRSVP.objects.filter(
            series_id=session.series_id, user=OuterRef("pk")
        ).values("response")[:1]
        answer = Coalesce(Subquery(own), Subquery(by_series))
    return User.objects.filter(answered_q(session, responses)).annotate(answer=answer)


def responses_for(session: Session, users=None) -> dict[int, str]:
    """{user id: answer that counts} for the session (one query, two in a series)."""
    own = RSVP.objects.filter(session=session)
    if users is not None:
        own = own.filter(user__in=users)
    answers = dict(own.values_list("user_id", "response"))
    if session.series_id is not None:
        by_series = SeriesRSVP.objects.filter(series_id=session.series_id)
        if users is not None:
            by_series = by_series.filter(user__in=users)
        for user_id, response in by_series.values_list("user_id", "response"):
            answers.setdefault(user_id, response)
    return answers


def rsvp_people(session: Session) -> list[tuple[User, str]]:
    """Everyone's answer that counts, with the person, by name: the session page's lists."""
    own = list(session.rsvps.select_related("user"))
    people = {rsvp.user_id: (rsvp.user, rsvp.response) for rsvp in own}
    if session.series_id is not None:
        for rsvp in SeriesRSVP.objects.filter(series_id=session.series_id).select_related("user"):
            people.setdefault(rsvp.user_id, (rsvp.user, rsvp.response))
    return sorted(people.values(), key=lambda pair: (pair[0].display_name, pair[0].pk))


def answers_for(sessions: list[Session], users) -> dict[tuple[int, int], str]:
    """{(session id, user id): answer that counts} for many sessions and people in two
    queries (the digest's "You said")."""
    answers = {
        (session_id, user_id): response
        for session_id, user_id, response in RSVP.objects.filter(
            session__in=sessions, user__in=users
        ).values_list("session_id", "user_id", "response")
    }
    series_ids = {session.series_id for session in sessions if session.series_id}
    if series_ids:
        by_series: dict[int, list[tuple[int, str]]] = {}
        for series_id, user_id, response in SeriesRSVP.objects.filter(
            series_id__in=series_ids, user__in=users
        ).values_list("series_id", "user_id", "response"):
            by_series.setdefault(series_id, []).append((user_id, response))
        for session in sessions:
            for user_id, response in by_series.get(session.series_id, []):
                answers.setdefault((session.pk, user_id), response)
    return answers


def next_session_all_going(community, users) -> Session | None:
    """The community's next published session that every one of `users` answered "going"
    to (the answer that counts: their own, else their series answer): one query. A
    mentoring pair's page shows it."""
    sessions = Session.objects.filter(community=community).published().upcoming()
    for n, user in enumerate(users):
        own = RSVP.objects.filter(session=OuterRef("pk"), user=user).values("response")[:1]
        by_series = SeriesRSVP.objects.filter(series=OuterRef("series_id"), user=user).values(
            "response"
        )[:1]
        sessions = sessions.alias(
            **{f"answer_{n}": Coalesce(Subquery(own), Subquery(by_series))}
        ).filter(**{f"answer_{n}": RSVP.Response.GOING})
    return sessions.first()


def coming_up(community, limit: int = 3) -> list[Session]:
    """The community's next scheduled sessions still ahead, soonest first (one query):
    what a check-in to a quiet member lists (core.plugins.register_coming_up)."""
    from django.utils import timezone

    return list(
        Session.objects.filter(
            community=community,
            status=Session.Status.SCHEDULED,
            starts_at__gte=timezone.now(),
        ).order_by("starts_at")[:limit]
    )


# --- rounds: speaking turns ---------------------------------------------------------


def round_people(session: Session, going: list[User]) -> tuple[list[User], bool]:
    """Who a round's order holds, and whether they are who attended: once attendance is
    recorded, the people who came; before, the people whose answer that counts is going
    (`going`, already read for the page). One query, for the attendance."""
    attended = [
        attendance.user for attendance in session.attendances.select_related("user").order_by("pk")
    ]
    return (attended, True) if attended else (list(going), False)


def round_order(item, people: list[User]) -> list[User]:
    """`people` in the item's shuffled order: the same for everyone who opens the page, as
    it starts from the item's stored seed (its id until a facilitator shuffles again).
    Drawn fresh from the seed on every request; nothing records who spoke."""
    seed = item.round_seed if item.round_seed is not None else item.pk
    ordered = sorted(people, key=lambda person: person.pk)
    random.Random(seed).shuffle(ordered)
    return ordered


# --- the pulse after a session ------------------------------------------------------


@dataclass(frozen=True)
class PulseSummary:
    """What facilitators see of a session's (or a group of sessions') pulse: nothing but
    "fewer than 5" until at least 5 people answered (core.privacy), then how many chose
    each face and what they wrote, in an order that says nothing about who or when."""

    answered: int
    faces: tuple[tuple[int, str, int], ...] = ()  # (face, label, how many)
    texts: tuple[str, ...] = ()
    average: float | None = None

    @property
    def shown(self) -> bool:
        return self.answered >= THRESHOLD

    @property
    def answered_figure(self) -> int | None:
        """How many answered, or None ("fewer than 5") for 1–4."""
        return people_figure(self.answered)


def _summary(faces: list[int], texts: list[str]) -> PulseSummary:
    if len(faces) < THRESHOLD:
        return PulseSummary(answered=len(faces))
    counted = CounterType(faces)
    return PulseSummary(
        answered=len(faces),
        faces=tuple((face, label, counted[face]) for face, label in PulseAnswer.Face.choices),
        # Alphabetical: the order of the rows could otherwise follow who answered first.
        texts=tuple(sorted(text for text in texts if text.strip())),
        average=average_figure(sum(faces) / len(faces), len(faces)),
    )


def pulse_summary(session: Session) -> PulseSummary:
    """A session's pulse for its facilitators: one query, whatever the number of answers."""
    rows = list(PulseAnswer.objects.filter(session=session).values_list("face", "better"))
    return _summary([face for face, _ in rows], [text for _, text in rows])


def my_pulse(session: Session, user) -> PulseAnswer | None:
    """The viewer's own answer (to show it back and let them change it), found by the keyed
    hash that stands for them on this session."""
    return PulseAnswer.objects.filter(
        session=session, respondent=PulseAnswer.respondent_for(session.pk, user.pk)
    ).first()


def series_pulse(series) -> list[tuple[Session, PulseSummary]]:
    """The series' held sessions (newest first, at most 20) with each one's pulse: two
    queries, however many sessions and answers."""
    sessions = list(
        Session.objects.filter(series=series, status=Session.Status.COMPLETED).order_by(
            "-starts_at"
        )[:20]
    )
    by_session: dict[int, list[tuple[int, str]]] = {}
    for session_id, face, text in PulseAnswer.objects.filter(session__in=sessions).values_list(
        "session_id", "face", "better"
    ):
        by_session.setdefault(session_id, []).append((face, text))
    return [
        (
            session,
            _summary(
                [face for face, _ in by_session.get(session.pk, [])],
                [text for _, text in by_session.get(session.pk, [])],
            ),
        )
        for session in sessions
    ]
