"""A year of history in the main demo community, so every dashboard chart has a real shape:
past sessions with RSVPs and attendance, shared reflections at every loop level, and two
published impact stories. Runs after every app's demo (impact is last in settings.PLUGIN_APPS) and
relies only on the models, not on other demo modules' content. Idempotent: it returns at
once when its first story exists."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from communities.demo import seed_quiet_spells
from communities.models import Community, Membership
from outcomes.models import ConfidenceRating, Outcome
from reflections.models import Action, Reflection
from sessions.models import RSVP, AgendaItem, Attendance, Session

from .models import ImpactStory

MAIN_SLUG = "systems-mapping"
MONTHS = 12

OUTCOMES = [
    "map complex systems more confidently and consistently",
    "use our maps to make better decisions with the people who run services",
]

STORIES = [
    {
        "author": "member@example.com",
        "title": "The housing map that changed a referral route",
        "what_happened": "At the March mapping circle four of us mapped the referral route "
        "for people leaving hospital without a home, live, on one wall.",
        "what_it_gave_us": "We saw the same form being filled in three times, and we met a "
        "housing officer who knew why.",
        "what_we_did_differently": "The hospital discharge team now sends one shared form, "
        "and we brought the map to their weekly meeting.",
        "what_difference_it_made": "Referrals that took two weeks now take three days; "
        "the discharge team asked us to map the next route with them.",
        "what_we_now_see_differently": "",
    },
    {
        "author": "ada@demo.copsite.org",
        "title": "Asking who is not on the map",
        "what_happened": "A triple-loop reflection after a session asked why our maps never "
        "include the people who use the service.",
        "what_it_gave_us": "A simple habit: every map starts with an empty circle labelled "
        "“who is missing?”.",
        "what_we_did_differently": "We invited two carers to the next three sessions.",
        "what_difference_it_made": "Our maps of respite care found a gap nobody in the "
        "room had seen: evenings.",
        "what_we_now_see_differently": "We now count a map as finished when the people in "
        "it have seen it, not when it looks complete.",
    },
]


def seed(people: dict) -> None:
    main = Community.objects.filter(slug=MAIN_SLUG).first()
    if (
        main is None
        or ImpactStory.objects.filter(community=main, title=STORIES[0]["title"]).exists()
    ):
        return
    rng = random.Random(8)  # A fixed seed: the same demo every time.
    now = timezone.now().replace(hour=17, minute=30, second=0, microsecond=0)
    members = list(
        Membership.objects.active()
        .filter(community=main)
        .select_related("user")
        .order_by("joined_at", "pk")
    )
    users = [m.user for m in members]
    facilitator = people.get("facilitator@example.com") or users[0]
    _seed_year_of_journeys(main, facilitator, now)
    outcomes = []
    for statement in OUTCOMES:
        outcome, _ = Outcome.objects.get_or_create(
            community=main,
            statement=statement,
            defaults={
                "status": Outcome.Status.AGREED,
                "proposed_by": facilitator,
                "agreed_by": facilitator,
                "agreed_at": now - timedelta(days=400),
                "created_at": now - timedelta(days=410),
            },
        )
        outcomes.append(outcome)

    past_sessions = []
    for months_ago in range(MONTHS - 1, -1, -1):
        growth = MONTHS - 1 - months_ago  # 0 a year ago … 11 this month
        for offset, title in ((24, "Mapping circle"), (10, "Map clinic")):
            starts = now - timedelta(days=30 * months_ago + offset)
            if starts >= now:
                continue
            session = Session.objects.create(
                community=main,
                title=f"{title}: {starts:%B %Y}",
                description="Bring a map you are stuck on.",
                starts_at=starts,
                duration_minutes=90,
                location="Room 2, Civic Centre",
                status=Session.Status.COMPLETED,
                created_by=facilitator,
            )
            session.facilitators.add(facilitator)
            item = AgendaItem.objects.create(
                session=session, position=1, title="Live mapping of two real projects", minutes=40
            )
            item.aligned_outcomes.add(outcomes[growth % 2] if growth % 3 else outcomes[0])
            past_sessions.append(session)
            going = rng.sample(users, min(len(users), 9 + growth // 2 + rng.randint(0, 3)))
            maybe = rng.sample([u for u in users if u not in going], 3)
            RSVP.objects.bulk_create(
                [RSVP(session=session, user=u, response=RSVP.Response.GOING) for u in going]
                + [RSVP(session=session, user=u, response=RSVP.Response.MAYBE) for u in maybe]
            )
            came = going[: max(5, len(going) - rng.randint(1, 3))] + maybe[:1]
            Attendance.objects.bulk_create(
                [
                    Attendance(session=session, user=u, recorded_by=facilitator, recorded_at=starts)
                    for u in came
                ]
            )

        # Reflections shared with the community, deepening over the year.
        written = now - timedelta(days=30 * months_ago + 5)
        counts = {
            Reflection.Loop.SINGLE: 9 - growth // 4,
            Reflection.Loop.DOUBLE: 5 + growth // 3,
            Reflection.Loop.TRIPLE: 5 + growth // 4 if growth >= 4 else 0,
            "": 5,
        }
        reflections = []
        # Each loop level in its own words, so a person's list reads like a year of learning.
        titles = {
            Reflection.Loop.SINGLE: "What we'd adjust after the {month} maps",
            Reflection.Loop.DOUBLE: "Are the {month} maps the right thing to make?",
            Reflection.Loop.TRIPLE: "How we decide what to map, after {month}",
            "": "What the {month} maps taught me",
        }
        for loop, count in counts.items():
            for author in rng.sample(users, count):
                reflections.append(
                    Reflection(
                        author=author,
                        community=main,
                        loop_level=loop,
                        title=titles[loop].format(month=f"{written:%B}"),
                        body="We noticed the map changed the conversation.",
                        visibility=Reflection.Visibility.COMMUNITY,
                        created_at=written - timedelta(hours=rng.randint(0, 200)),
                    )
                )
        # Private and facilitator-only reflections: real, never counted on the dashboards.
        for author, visibility, title in zip(
            rng.sample(users, 4),
            [Reflection.Visibility.PRIVATE] * 2 + [Reflection.Visibility.FACILITATORS] * 2,
            ["A note to myself"] * 2 + ["For the facilitators"] * 2,
            strict=True,
        ):
            reflections.append(
                Reflection(
                    author=author,
                    community=main,
                    loop_level=Reflection.Loop.DOUBLE,
                    title=title,
                    body="Not for everyone: only its readers see this.",
                    visibility=visibility,
                    created_at=written,
                )
            )
        Reflection.objects.bulk_create(reflections)

    _seed_loop_closing(main, users, outcomes, rng, now)

    for index, fields in enumerate(STORIES):
        author = people.get(fields["author"])
        if author is None:
            continue
        story = ImpactStory.objects.create(
            community=main,
            author=author,
            status=ImpactStory.Status.PUBLISHED,
            published_at=now - timedelta(days=40 - 30 * index),
            created_at=now - timedelta(days=45 - 30 * index),
            **{k: v for k, v in fields.items() if k != "author"},
        )
        story.sessions.set(past_sessions[-4 - 3 * index : -2 - 3 * index])
        story.outcomes.set([outcomes[index]])

    # With every app's history in place: the members the journeys find quiet ("worth a
    # hello"), one of them already sent a hello by the facilitator.
    seed_quiet_spells(main, facilitator)


# Long-standing members who joined about a year ago and moved inward month by month, so the
# members-by-level chart has every level above the privacy threshold for most of the year.
YEAR_PEOPLE = [
    "Uma Fischer",
    "Vic Adeyemi",
    "Wren Kowalski",
    "Xia Chen",
    "Yara Saleh",
    "Zane Obi",
    "Aiko Tanaka",
    "Bram de Vries",
    "Cleo Martin",
    "Dario Conti",
    "Esme Walsh",
    "Femi Ade",
    "Gil Romero",
    "Hugo Petit",
    "Ines Duarte",
]


# Months after joining when each of YEAR_PEOPLE stepped to active and to core (None: not).
# People step in small cohorts, as they do after a run of sessions, so every level shown is
# above the privacy threshold: six to active at month 2, five more at month 3, five of the
# first six on to core at month 5.
YEAR_STEPS = [(2, 5)] * 5 + [(2, 8)] + [(3, None)] * 5 + [(6, None), (8, None)] + [(None, None)] * 2


def _seed_year_of_journeys(main, facilitator, now) -> None:
    """Fifteen members who joined 12 months ago and moved inward over the year."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password

    from accounts.demo import DEMO_PASSWORD
    from accounts.models import User
    from communities.models import JourneyStep

    password = make_password(DEMO_PASSWORD)  # hashed once for all fifteen
    for index, (name, (to_active, to_core)) in enumerate(zip(YEAR_PEOPLE, YEAR_STEPS, strict=True)):
        email = name.split()[0].lower() + "@demo.copsite.org"
        user, created = User.objects.get_or_create(
            email=email, defaults={"display_name": name, "password": password}
        )
        if created:
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        joined = now - timedelta(days=30 * 12 + 10 + index)
        steps = []
        for months, before, after in (
            (to_active, Membership.Level.PERIPHERAL, Membership.Level.ACTIVE),
            (to_core, Membership.Level.ACTIVE, Membership.Level.CORE),
        ):
            if months is not None:
                steps.append((before, after, joined + timedelta(days=30 * months + 5)))
        membership, created = Membership.objects.get_or_create(
            community=main,
            user=user,
            defaults={
                "level": steps[-1][1] if steps else Membership.Level.PERIPHERAL,
                "joined_at": joined,
            },
        )
        if created:
            JourneyStep.objects.bulk_create(
                JourneyStep(
                    membership=membership,
                    from_level=before,
                    to_level=after,
                    confirmed_by=facilitator,
                    evidence="attended most sessions and shared reflections",
                    created_at=when,
                )
                for before, after, when in steps
            )


def _seed_loop_closing(main, users, outcomes, rng, now) -> None:
    """Actions and confidence ratings over the year."""
    actions, ratings = [], []
    for months_ago in range(MONTHS - 1, -1, -1):
        growth = MONTHS - 1 - months_ago
        opened = now - timedelta(days=30 * months_ago + 20)
        for index in range(3):
            status = ("done", "done", "dropped", "doing")[(growth + index) % 4]
            done = opened + timedelta(days=7 + 3 * index) if status == "done" else None
            if done is not None and done >= now:
                status, done = "doing", None
            actions.append(
                Action(
                    community=main,
                    owner=users[(growth + index) % len(users)],
                    title=f"Try a new mapping habit ({opened:%B}, {index + 1})",
                    loop_level=("single", "double", "triple")[index],
                    status=status,
                    created_at=opened,
                    done_at=done,
                )
            )
        rated = now - timedelta(days=30 * months_ago + 12)
        for outcome in outcomes:
            for person in rng.sample(users, 6):
                ratings.append(
                    ConfidenceRating(
                        user=person,
                        outcome=outcome,
                        rating=min(5, max(1, 2 + growth // 4 + rng.randint(-1, 1))),
                        created_at=rated,
                    )
                )
    Action.objects.bulk_create(actions)
    ConfidenceRating.objects.bulk_create(ratings)
