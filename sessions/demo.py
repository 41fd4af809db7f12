"""Demo sessions in the main community: some held (with attendance), one within the next
day (so the reminders fire when `make run` starts), later ones with agendas, a draft and a
cancelled one, and the first activities aligned to outcomes' demo mapping outcome (outcomes'
demo runs before this one). Templates: every demo community has the built-in ones, and the
main community one of its own, saved from a held session, with a coming session planned from
it. Idempotent: nothing happens when the demo sessions and templates exist."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from communities.models import Community, Membership
from outcomes.demo import MAPPING
from outcomes.models import Outcome

from .models import RSVP, AgendaItem, Attendance, PulseAnswer, SeriesRSVP, Session
from .services import (
    agenda_round_add,
    builtin_templates_create,
    pulse_answer,
    reflect_invitations_send,
    series_create,
    series_extend,
    session_from_template,
    session_publish,
    session_update,
    template_save_from_session,
)

MAIN_SLUG = "systems-mapping"
MARKER = "Mapping clinic"  # every demo session's title starts with a known word set
OWN_TEMPLATE = "Our mapping clinic"  # the main community's template saved from a session
SERIES_TITLE = "Lunchtime map swap"


def _at(community, days: int, hour: int) -> datetime:
    day = timezone.localdate(timezone.now(), community.zoneinfo) + timedelta(days=days)
    return datetime.combine(day, time(hour, 0), tzinfo=community.zoneinfo)


def seed(people: dict) -> None:
    # The demo's communities are made directly, not through community_create, so they are
    # given the built-in templates here, as a new community would have them.
    for community in Community.objects.filter(session_templates__isnull=True).order_by("pk"):
        builtin_templates_create(community=community)
    community = Community.objects.filter(slug=MAIN_SLUG).first()
    if community is None:
        return
    if not community.sessions.filter(title__startswith=MARKER).exists():
        _sessions(community, people)
    _templates(community, people["facilitator@example.com"])
    _voices(community)


def _templates(community, facilitator) -> None:
    """The main community's own template, saved from a real held session (its agenda
    aligned to the mapping outcome), and a coming session planned from it and published.
    Idempotent by the template's name."""
    if community.session_templates.filter(name=OWN_TEMPLATE).exists():
        return
    source = community.sessions.filter(title=f"{MARKER}: causal loops").first()
    if source is None:
        return
    template = template_save_from_session(
        session=source, user=facilitator, name=OWN_TEMPLATE, title_pattern=f"{MARKER}: {{date}}"
    )
    planned = session_from_template(
        community=community,
        user=facilitator,
        template=template,
        data={
            "starts_at": _at(community, 21, 18),
            "duration_minutes": template.duration_minutes,
            "location": "Room 2, Civic Centre",
            "online_url": "https://meet.example.org/systems-mapping",
        },
    )
    session_publish(session=planned)


def _sessions(community, people: dict) -> None:
    facilitator = people["facilitator@example.com"]
    coordinator = people["coordinator@example.com"]
    member = people["member@example.com"]
    members = list(
        community.memberships.filter(status=Membership.Status.ACTIVE)
        .select_related("user")
        .order_by("user__email")
    )
    others = [m.user for m in members if m.user not in (facilitator, coordinator, member)]

    def make(title, starts_at, status, **fields):
        session = Session.objects.create(
            community=community,
            title=f"{MARKER}: {title}",
            starts_at=starts_at,
            duration_minutes=fields.pop("duration", 90),
            status=status,
            created_by=facilitator,
            location=fields.pop("location", "Room 2, Civic Centre"),
            online_url=fields.pop("online_url", "https://meet.example.org/systems-mapping"),
            description=fields.pop(
                "description",
                "Bring a map you're **stuck on**. We'll look at it together.",
            ),
            **fields,
        )
        session.facilitators.set([facilitator])
        return session

    def agenda(session, *activities):
        items = [("Review our open actions", 10, AgendaItem.Kind.REVIEW_ACTIONS)]
        items += [(title, minutes, AgendaItem.Kind.ACTIVITY) for title, minutes in activities]
        items.append(("Reflect", 15, AgendaItem.Kind.REFLECT))
        for position, (title, minutes, kind) in enumerate(items):
            AgendaItem.objects.create(
                session=session, position=position, title=title, minutes=minutes, kind=kind
            )

    # Held sessions, with attendance: a spread so the engagement signals have something.
    for weeks, title in (
        (10, "feedback in the room"),
        (8, "causal loops"),
        (6, "stakeholder maps"),
        (4, "leverage points"),
        (2, "reading a map aloud"),
    ):
        session = make(title, _at(community, -7 * weeks, 18), Session.Status.COMPLETED)
        agenda(session, ("Live mapping of two real projects", 40), ("Swap and critique", 20))
        came = [facilitator, member, *others[weeks : weeks + 6]]
        for person in came:
            RSVP.objects.create(session=session, user=person, response=RSVP.Response.GOING)
            Attendance.objects.create(session=session, user=person, recorded_by=facilitator)
    # Someone came to the latest one without saying so: a walk-in, whom its attendance page
    # shows chosen in the walk-ins picker (below the people who said they'd come).
    if len(others) > weeks + 6:
        walk_in = others[weeks + 6]
        Attendance.objects.create(
            session=session, user=walk_in, recorded_by=facilitator, walk_in=True
        )
        came.append(walk_in)
    # The latest held session was completed the way a facilitator does it, so everyone who
    # came has an invitation to reflect waiting in var/mail/.
    reflect_invitations_send(session=session, user_ids={person.pk for person in came})

    # Starting within the next 24 hours, so member@example.com is reminded on `make run`.
    # At a time people meet (09:00, 13:00 or 18:00 in the community's zone), the first one
    # at least two hours ahead: never a clinic at two in the morning, whenever seeded.
    ahead = timezone.now() + timedelta(hours=2)
    soon_at = min(
        at for days in (0, 1) for hour in (9, 13, 18) if (at := _at(community, days, hour)) > ahead
    )
    soon = make("boundaries and edges", soon_at, Session.Status.SCHEDULED)
    agenda(soon, ("Where does our system end?", 40), ("Pairs: redraw one boundary", 20))
    for person, response in [(member, "going"), (facilitator, "going")] + [
        (person, "maybe" if index % 3 == 0 else "going") for index, person in enumerate(others[:8])
    ]:
        RSVP.objects.create(session=soon, user=person, response=response)

    # Under way as the demo is seeded (it began twenty minutes before), so the session page
    # shows its "during" stage: the join link, and the agenda with the item happening now.
    running = make(
        "drop-in map swap",
        timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=20),
        Session.Status.SCHEDULED,
        location="Online only",
        description="Bring any map, swap it with someone, and **listen** to how they read it.",
    )
    agenda(running, ("Swap maps in pairs", 30), ("What did your partner see?", 20))
    for person in [member, facilitator, *others[8:12]]:
        RSVP.objects.create(session=running, user=person, response=RSVP.Response.GOING)

    later = make("maps for decisions", _at(community, 14, 18), Session.Status.SCHEDULED)
    agenda(later, ("A decision a map changed", 30), ("Draft a decision map", 30))
    RSVP.objects.create(session=later, user=member, response=RSVP.Response.MAYBE)
    much_later = make("mapping with residents", _at(community, 28, 18), Session.Status.SCHEDULED)
    agenda(much_later, ("Guest: co-mapping with residents", 45))

    make("open studio", _at(community, 42, 18), Session.Status.DRAFT)
    cancelled = make(
        "tools show-and-tell",
        _at(community, 10, 12),
        Session.Status.CANCELLED,
        cancel_reason="Half of us are at the regional conference; we'll move it to spring.",
        sequence=1,
    )
    RSVP.objects.create(session=cancelled, user=member, response=RSVP.Response.GOING)
    _align(community)
    _series(community, facilitator, member, others, agenda)


def _series(community, facilitator, member, others, agenda) -> None:
    """A fortnightly lunchtime series at 13:00 in the community's time: five held sessions
    with attendance (the oldest ten weeks back), one skipped two days ago, then the coming
    ones — a rhythm of 24 that runs across a clock change whenever it is seeded — with
    one moved by a day. member@example.com is going to all, but not the moved one."""
    first = Session.objects.create(
        community=community,
        title=SERIES_TITLE,
        starts_at=_at(community, -72, 13),
        duration_minutes=60,
        status=Session.Status.SCHEDULED,
        created_by=facilitator,
        online_url="https://meet.example.org/systems-mapping",
        description="Bring one map, swap it with someone, and say what you see in theirs.",
    )
    first.facilitators.set([facilitator])
    agenda(first, ("Swap maps in pairs", 30))
    series = series_create(
        session=first, user=facilitator, frequency="2weeks", until=None, count=24
    )
    # The demo starts in the past: make the series' earlier sessions too.
    series_extend(series=series, now=first.starts_at)
    sessions = list(series.sessions.order_by("starts_at"))
    now = timezone.now()
    held = [session for session in sessions if session.starts_at < now]
    for index, session in enumerate(held[:-1]):
        came = [facilitator, member, *others[index : index + 4]]
        Attendance.objects.bulk_create(
            [Attendance(session=session, user=person, recorded_by=facilitator) for person in came]
        )
        Session.objects.filter(pk=session.pk).update(status=Session.Status.COMPLETED)
    skipped = held[-1]
    Session.objects.filter(pk=skipped.pk).update(
        status=Session.Status.CANCELLED, cancel_reason="Lunch moved for the all-staff day."
    )
    SeriesRSVP.objects.create(series=series, user=member, response=RSVP.Response.GOING)
    moved = sessions[len(held) + 1]
    session_update(
        session=moved,
        user=facilitator,
        data={
            "title": moved.title,
            "description": moved.description,
            "starts_at": moved.starts_at + timedelta(days=1),
            "duration_minutes": moved.duration_minutes,
            "location": moved.location,
            "online_url": moved.online_url,
        },
        version=moved.version,
    )
    RSVP.objects.create(session=moved, user=member, response=RSVP.Response.NOT_GOING)


def _align(community) -> None:
    """Align the first activity of each published session that has one to the mapping
    outcome; the rest stay unaligned, a gentle question on the alignment map, and the
    other agreed outcome stays waiting for an activity."""
    mapping = Outcome.objects.filter(community=community, statement=MAPPING).first()
    if mapping is None:
        return
    items = (
        AgendaItem.objects.filter(session__community=community, kind=AgendaItem.Kind.ACTIVITY)
        .exclude(session__status__in=[Session.Status.DRAFT, Session.Status.CANCELLED])
        .order_by("session__starts_at", "position")
    )
    for item in items[:3]:
        item.aligned_outcomes.add(mapping)


# What people said after the demo's held sessions: (face, what would make it better).
PULSE_WORDS = [
    (4, "More time on the second project; it was just getting good."),
    (3, "A shorter opening round."),
    (4, ""),
    (2, "I couldn't see the shared screen well from the back."),
    (3, "Send the maps a day ahead so we can look first."),
    (4, "Keep the pairs: I said more than I usually do."),
    (1, "Too many voices at once in the swap."),
    (3, ""),
]


def _voices(community) -> None:
    """Every voice: a round (speaking turns) on the next session and the one under way,
    and pulse answers on the held sessions — 5 or more on most, so their facilitators see
    the pulse, and 3 on the latest clinic, so the privacy floor shows. Idempotent."""
    if not AgendaItem.objects.filter(
        session__community=community, kind=AgendaItem.Kind.ROUND
    ).exists():
        for title in ("boundaries and edges", "drop-in map swap"):
            session = community.sessions.filter(title=f"{MARKER}: {title}").first()
            if session is not None:
                agenda_round_add(session=session)
    if PulseAnswer.objects.filter(session__community=community).exists():
        return
    held = community.sessions.filter(status=Session.Status.COMPLETED).order_by("-starts_at")
    latest_clinic = held.filter(title__startswith=MARKER).first()
    for session in held:
        came = [a.user for a in session.attendances.select_related("user").order_by("user__email")]
        count = 3 if session == latest_clinic else len(came) - 1
        for index, person in enumerate(came[:count]):
            face, better = PULSE_WORDS[(index + session.pk) % len(PULSE_WORDS)]
            pulse_answer(session=session, user=person, face=face, better=better)
