"""`make bench`: seed a large site into a separate database and time the main pages.

Run as `python -m tools.bench [--quick] [--reuse] [--pages search,home]`. Uses PostgreSQL
(database `<name>_bench` beside DATABASE_URL's database `<name>`, so two checkouts sharing
one server never drop each other's bench; `<name>_bench_quick` for --quick) when
DATABASE_URL is set, else SQLite at var/bench.sqlite3 (var/bench_quick.sqlite3). Prints
a table and writes var/bench.json (var/ is COPSITE_VAR_DIR when set):
{"scale": {what: how many seeded}, "pages": {name: {"median_ms", "floor_ms", "floor_ratio",
"queries"}}, "floor_ms", "digests_10k_s", "reminder_scan_ms", "reminder_sessions_due",
"reminders_recorded", "reminder_ms_per_session", "reminder_ms_per_reminder"}; each page's
floor is timed in alternation with it. The dashboards keep their figures in the cache, so for them
"median_ms" and "queries" are warm (figures cached) and "cold_ms", "cold_floor_ms",
"cold_ratio" and "cold_queries" time the request that computes them (cache entry removed),
and "custom_ms", "custom_floor_ms", "custom_ratio" and "custom_queries" the first request
for a custom period (a period of the person's own, nothing of it kept yet).

`--reuse` keeps a bench database that an earlier run of the same scale seeded (PostgreSQL
only; it seeds afresh when there is none) and `--pages` times only the pages named; with
`--pages` the digests and the reminder scan are skipped (null in bench.json). Both are for
measuring one page again and again; a full `make bench` seeds afresh.

`--scale N` seeds N times the data (`--quick` too: N times its twentieth) into a database
of its own (`<name>_bench<N>`, `var/bench<N>.sqlite3`): N organisations of scale 1's
number of communities, the leader leading the first (as many communities on their
portfolio as at scale 1), and the main community, the one the pages show, holding the same
share of all history as at scale 1, so N times as much. It times that, then takes scale
1's figures from var/bench.json when a run of the same commit (a clean checkout) and size
wrote them, else times scale 1 too, and prints both side by side: each page's ratio to the
floor at 1 and at N (warm; cold and custom too for the dashboards), how much it grew and whether
that is within RATIO_GROWTH, and the cost of one digest against DIGEST_GROWTH.
bench.json then holds scale 1's figures at the top as above, plus
{"scales": {"1": {...}, "N": {...}}, "comparison": {"pages": {page: {"warm"|"cold"|"custom":
{"1", "N", "growth", "met"}}}, "digest_ms": {...}, "reminder_ms_per_session": {...}}}.
Each scale's figures also give "seed_s" (seeding time, null when reused), "digest_ms"
(one digest), "digest_first_ms" (one of the first day's: each member's first digest, what
the scales compare) and "commit".
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
# The same folder settings.VAR_DIR uses, readable before Django is set up.
VAR_DIR = Path(os.environ.get("COPSITE_VAR_DIR") or ROOT / "var")
SCALE = {
    "communities": 20,
    "members": 2_000,
    "sessions": 1_000,
    "rsvps": 20_000,
    "reflections": 50_000,
    "reviews": 10_000,
}
QUICK_SCALE = {key: max(1, value // 20) for key, value in SCALE.items()}
# What `--scale N` compares against: each page's ratio to the floor at N within this many
# times its ratio at scale 1, and the cost of one digest within DIGEST_GROWTH times.
RATIO_GROWTH = 1.3
DIGEST_GROWTH = 1.2
# What bench_reminder_scan reports (all null when `--pages` skips it).
REMINDER_KEYS = (
    "reminder_scan_ms",
    "reminder_sessions_due",
    "reminders_recorded",
    "reminder_ms_per_session",
    "reminder_ms_per_reminder",
)


def scaled(scale: dict[str, int], multiple: int) -> dict[str, int]:
    """`scale` times `multiple`: `multiple` organisations, each of scale 1's communities."""
    return {key: value * multiple for key, value in scale.items()}


# Paired requests per page (page, floor, page, …): the figures are their medians. A page
# costs a few milliseconds, so one request the machine delays moves a median of 15 by a
# tenth of the floor; 41 keep a page's ratio steady from run to run. `--quick` (the
# harness test) checks the harness, not the figures: it takes fewer.
REPEAT = 41
COLD_REPEAT = 9
QUICK_REPEAT = 15
QUICK_COLD_REPEAT = 5


def bench_purpose(multiple: int = 1, *, quick: bool = False) -> str:
    """`bench` at scale 1, `bench5` at scale 5, `bench_quick` / `bench5_quick` for `--quick`:
    each size keeps a database of its own, so `--reuse` can keep them all and a quick run
    (the harness test's) never reseeds the full-size one."""
    name = "bench" if multiple == 1 else f"bench{multiple}"
    return f"{name}_quick" if quick else name


def bench_database_url(*, reuse: bool = False, multiple: int = 1, quick: bool = False) -> str:
    """The bench database's URL, created empty; with `reuse`, an existing one is kept
    (PostgreSQL only: `seeded_scale` then tells whether it was seeded, and at what scale)."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        name = scratch_database_name(url, bench_purpose(multiple, quick=quick))
        admin = urlunsplit(parts._replace(path="/postgres"))
        import psycopg
        from psycopg import sql

        dsn = admin.replace("postgres://", "postgresql://", 1)
        with psycopg.connect(dsn, autocommit=True) as server:
            exists = server.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if not (reuse and exists):
                server.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
                server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return urlunsplit(parts._replace(path=f"/{name}"))
    path = VAR_DIR / f"{bench_purpose(multiple, quick=quick)}.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    if reuse:
        return f"sqlite:///{path}"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def scratch_database_name(url: str, purpose: str) -> str:
    """`<db>_<purpose>` for DATABASE_URL's database `<db>`: each checkout's throwaway
    database is its own, so one engineer's run never drops another's mid-flight."""
    base = urlsplit(url).path.lstrip("/") or "copsite"
    return f"{base}_{purpose}"


def setup_django(*, reuse: bool = False, multiple: int = 1, quick: bool = False) -> None:
    os.environ["DATABASE_URL"] = bench_database_url(reuse=reuse, multiple=multiple, quick=quick)
    os.environ["DJANGO_SETTINGS_MODULE"] = "copsite.settings"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ["DJANGO_LOG_LEVEL"] = "ERROR"
    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "tools.bench_urls"
    # Each scale's cached figures apart from the other's (and from the site's): the same
    # primary keys name different rows in each bench database.
    settings.CACHES["default"]["KEY_PREFIX"] = urlsplit(os.environ["DATABASE_URL"]).path.strip("/")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from copsite.celery import app

    app.conf.task_always_eager = True


class Spread:
    """Where `seed` puts each piece of history at scale `multiple`: the main community
    (the first) always holds the same share of it as at scale 1 (a twentieth at full size),
    so its history grows `multiple`-fold, and the rest is spread evenly over the others.
    At scale 1 the choices are exactly those of a uniform spread."""

    def __init__(self, rng: random.Random, communities: list, multiple: int) -> None:
        self.rng, self.communities, self.multiple = rng, communities, multiple
        self.main, self.others = communities[0], communities[1:]
        self.base = max(1, len(communities) // multiple)  # communities at scale 1

    def pick(self):
        """A community for one piece of history."""
        if self.multiple == 1:
            return self.rng.choice(self.communities)
        if not self.others or self.rng.random() < 1 / self.base:
            return self.main
        return self.rng.choice(self.others)

    def nth(self, i: int):
        """The community of the `i`th of a run of sessions (round-robin at scale 1)."""
        if self.multiple == 1:
            return self.communities[i % len(self.communities)]
        if not self.others or i % self.base == 0:
            return self.main
        return self.others[(i - i // self.base - 1) % len(self.others)]


def seed(scale: dict[str, int], multiple: int = 1) -> dict:
    """Bulk-insert a year of life: returns the people and objects the pages are timed with.

    At scale `multiple` the communities sit in `multiple` organisations of scale 1's
    number of communities each; the leader leads the first, the main community's."""
    from django.contrib.auth.hashers import make_password
    from django.db.models import QuerySet
    from django.utils import timezone

    from accounts.models import User
    from communities.models import Community, JourneyStep, Membership, Organisation
    from communities.organisations import grant
    from reflections.models import Reflection
    from sessions.models import RSVP, Attendance, Session

    rng = random.Random(42)
    now = timezone.now()
    password = make_password("practice-together")
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Organisation {k}", slug=f"organisation-{k}") for k in range(multiple)
    )
    per_organisation = max(1, scale["communities"] // multiple)
    communities = Community.objects.bulk_create(
        (
            Community(
                name=f"Community {i}",
                slug=f"community-{i}",
                domain="Practice together.",
                organisation=organisations[min(i // per_organisation, multiple - 1)],
            )
            for i in range(scale["communities"])
        ),
        batch_size=2000,
    )
    spread = Spread(rng, communities, multiple)
    users = User.objects.bulk_create(
        (
            User(
                email=f"person{i}@bench.example.org",
                display_name=f"Person {i}",
                password=password,
                timezone="UTC",
                digest="daily",
                digest_hour=8,
                calendar_token=f"bench-token-{i}",
            )
            for i in range(scale["members"])
        ),
        batch_size=2000,
    )
    leader = User.objects.create(
        email="leader@bench.example.org",
        password=password,
        is_leader=True,
        timezone="UTC",
        calendar_token="bench-leader",  # noqa: S106 -- a feed token in throwaway bench data.
    )
    grant(organisations[0], leader, "leader")
    levels = ["peripheral", "active", "core"]
    memberships = []
    for index, user in enumerate(users):
        homes = {index % len(communities)} | {rng.randrange(len(communities))}
        for community_index in sorted(homes):
            # Person i facilitates community i: one facilitator per community.
            role = "facilitator" if index == community_index else "member"
            level = levels[rng.randrange(3)]
            joined_at = now - timedelta(days=rng.randrange(400))
            if role == "facilitator":
                # Each has run their community for a year: the pages timed as the main
                # community's facilitator show the same panels at every scale (a recent
                # joining adds the "first steps here" card to home).
                joined_at = now - timedelta(days=365)
            memberships.append(
                Membership(
                    community=communities[community_index],
                    user=user,
                    role=role,
                    level=level,
                    joined_at=joined_at,
                )
            )
    memberships = Membership.objects.bulk_create(memberships, batch_size=2000)
    JourneyStep.objects.bulk_create(
        (
            JourneyStep(
                membership=m,
                from_level="peripheral",
                to_level=m.level,
                created_at=now - timedelta(days=rng.randrange(365)),
            )
            for m in memberships
            if m.level != "peripheral"
        ),
        batch_size=2000,
    )
    by_community: dict[int, list[int]] = {}
    for m in memberships:
        by_community.setdefault(m.community_id, []).append(m.user_id)
    sessions = Session.objects.bulk_create(
        (
            Session(
                community=spread.nth(i),
                title=f"Session {i}",
                starts_at=now + timedelta(days=rng.randrange(-365, 60), hours=rng.randrange(24)),
                status="scheduled",
            )
            for i in range(scale["sessions"])
        ),
        batch_size=2000,
    )
    Session.objects.filter(starts_at__lt=now).update(status="completed")
    # A weekly series of 50 sessions in each community (the sessions list stays bounded).
    from sessions.services import series_create

    for index, community in enumerate(communities):
        first = Session.objects.create(
            community=community,
            title=f"Weekly chat {index}",
            starts_at=now + timedelta(days=1, hours=index % 24),
            status="scheduled",
        )
        series_create(session=first, user=users[index], frequency="weekly", until=None, count=50)
    rsvps, attendance, seen = [], [], set()
    while len(rsvps) < scale["rsvps"]:
        session = sessions[rng.randrange(len(sessions))]
        user_id = rng.choice(by_community[session.community_id])
        if (session.pk, user_id) in seen:
            continue
        seen.add((session.pk, user_id))
        rsvps.append(RSVP(session=session, user_id=user_id, response="going"))
        if session.starts_at < now:
            attendance.append(Attendance(session=session, user_id=user_id))
    RSVP.objects.bulk_create(rsvps, batch_size=2000)
    Attendance.objects.bulk_create(attendance, batch_size=2000)
    visibilities = ["community", "community", "facilitators", "private"]
    # Every seeded reflection has the same body: its excerpt is rendered once here, and the
    # rows go in through the plain bulk_create (Reflection's own renders each body's
    # Markdown again, half of the seeding time).
    body = "What we noticed, and **why** it matters. " * 5
    sample = Reflection(body=body)
    sample.fill_excerpt()
    QuerySet.bulk_create(
        Reflection.objects.all(),
        (
            Reflection(
                author_id=rng.choice(users).pk,
                community_id=spread.pick().pk,
                title=f"Reflection {i}",
                body=body,
                excerpt=sample.excerpt,
                loop_level=rng.choice(["", "single", "double", "triple"]),
                visibility=rng.choice(visibilities),
                created_at=now - timedelta(days=rng.randrange(365)),
            )
            for i in range(scale["reflections"])
        ),
        batch_size=5000,
    )
    main = communities[0]
    facilitator = Membership.objects.get(community=main, role="facilitator").user
    upcoming = Session.objects.filter(community=main).order_by("-starts_at").first()
    seed_notifications(scale, rng, now, main, facilitator)
    outcome, reviews = seed_peer_review(
        scale, rng, now, communities, by_community, facilitator, multiple
    )
    seed_agendas(rng)
    return {
        "community": main,
        "facilitator": facilitator,
        "leader": leader,
        "session": upcoming,
        "outcome": outcome,
        "reviews": reviews,
        "users": users,
    }


def seed_notifications(scale, rng, now, community, user) -> None:
    """A year of notifications for the person the pages are timed as, a tenth unread."""
    from accounts.models import Notification

    Notification.objects.bulk_create(
        (
            Notification(
                recipient=user,
                key=f"bench:{i}",
                kind="response",
                community_id=community.pk,
                community_name=community.name,
                text=f"Person {i} responded to your reflection",
                url=f"/c/{community.slug}/reflections/",
                created_at=now - timedelta(minutes=rng.randrange(365 * 24 * 60)),
                read_at=None if i % 10 == 0 else now,
            )
            for i in range(scale["reviews"] // 20)
        ),
        batch_size=2000,
    )


REVIEW_PROMPTS = [
    "What works well here, and why?",
    "What could go deeper next time?",
    "What would you try if this were yours?",
]
# Rounds on sessions held within this many days are still open; older ones are closed.
OPEN_FOR_DAYS = 30


def seed_peer_review(scale, rng, now, communities, by_community, facilitator, multiple=1):
    """Agreed outcomes with prompts, members' confidence against them, and on held sessions
    with attendance: shared work by about half the attendees and a review round asking two
    other attendees to review each piece, until `scale["reviews"]` reviews exist. Closed
    rounds are mostly shared; open (recent) ones mix waiting, drafted and shared reviews.

    The main community's facilitator attends its held sessions, so the reviews page timed
    as them shows their own work, its reviews and reviews waiting for them.
    Returns (an agreed outcome of the main community, the number of reviews seeded)."""
    from outcomes.models import ConfidenceRating, Outcome
    from reviews.models import PeerReview, ReviewRound, SharedWork
    from sessions.models import Attendance, Session

    outcomes = Outcome.objects.bulk_create(
        Outcome(
            community=community,
            statement=f"practise craft {k} of community {c}",
            why="We would like a shared way of doing this.",
            status="agreed" if k < 3 else "proposed",
            proposed_by_id=rng.choice(by_community[community.pk]),
            agreed_by_id=facilitator.pk if k < 3 else None,
            agreed_at=now - timedelta(days=rng.randrange(300, 365)) if k < 3 else None,
            review_prompts=REVIEW_PROMPTS if k < 3 else [],
            created_at=now - timedelta(days=rng.randrange(365, 400)),
        )
        for c, community in enumerate(communities)
        for k in range(4)
    )
    agreed: dict[int, list] = {}
    for outcome in outcomes:
        if outcome.status == "agreed":
            agreed.setdefault(outcome.community_id, []).append(outcome)
    main = communities[0]
    confidences = []
    for outcome in (o for group in agreed.values() for o in group):
        people = by_community[outcome.community_id]
        for user_id in rng.sample(people, min(30, len(people))):
            # The main community's confidence history grows with the scale too.
            times = rng.randrange(1, 4) * (multiple if outcome.community_id == main.pk else 1)
            for _ in range(times):
                confidences.append(
                    ConfidenceRating(
                        user_id=user_id,
                        outcome=outcome,
                        rating=rng.randrange(1, 6),
                        created_at=now - timedelta(days=rng.randrange(300)),
                    )
                )
    ConfidenceRating.objects.bulk_create(confidences, batch_size=5000)

    held = list(
        Session.objects.filter(status="completed")
        .order_by("starts_at", "pk")
        .values_list("pk", "community_id", "starts_at")
    )
    present = set(
        Attendance.objects.filter(session__community=main, user=facilitator).values_list(
            "session_id", flat=True
        )
    )
    Attendance.objects.bulk_create(
        Attendance(session_id=pk, user=facilitator)
        for pk, community_id, _ in held
        if community_id == main.pk and pk not in present
    )
    attendees: dict[int, list[int]] = {}
    for session_id, user_id in Attendance.objects.order_by("session_id", "user_id").values_list(
        "session_id", "user_id"
    ):
        attendees.setdefault(session_id, []).append(user_id)

    target = scale["reviews"]
    rounds, through, works, planned = [], [], [], []
    stages = ["", "emerging", "developing", "confident", "extending"]
    # Newest first, so the recent (open) rounds are always among those seeded.
    for session_id, community_id, starts_at in reversed(held):
        if len(planned) >= target:
            break
        people = attendees.get(session_id, [])
        if len(people) < 3:
            continue
        outcome = rng.choice(agreed[community_id])
        opened = starts_at + timedelta(days=2)
        is_open = now - starts_at < timedelta(days=OPEN_FOR_DAYS)
        round_index = len(rounds)
        rounds.append(
            ReviewRound(
                community_id=community_id,
                session_id=session_id,
                prompts=[{"outcome": outcome.pk, "prompt": p} for p in outcome.review_prompts],
                reviewers_per_work=2,
                anonymous=rng.random() < 0.3,
                due_on=(opened + timedelta(days=14)).date(),
                status="open" if is_open else "closed",
                opened_by=facilitator,
                created_at=opened,
                closed_at=None if is_open else opened + timedelta(days=16),
            )
        )
        through.append((round_index, outcome.pk))
        authors = rng.sample(people, max(1, len(people) // 2))
        for author_id in authors:
            if len(planned) >= target:
                break
            work_index = len(works)
            works.append(
                SharedWork(
                    community_id=community_id,
                    session_id=session_id,
                    author_id=author_id,
                    title=f"What I tried in session {session_id}",
                    description="A first attempt, shared to see it through others' eyes.",
                    link=f"https://example.org/work/{session_id}/{author_id}",
                    created_at=starts_at + timedelta(days=1),
                )
            )
            others = [p for p in people if p != author_id]
            for reviewer_id in rng.sample(others, min(2, len(others))):
                if len(planned) >= target:
                    break
                roll = rng.random()
                if is_open:
                    status = "submitted" if roll < 0.4 else "draft" if roll < 0.6 else "allocated"
                else:
                    status = "submitted" if roll < 0.85 else "allocated"
                planned.append((round_index, work_index, reviewer_id, status, opened))
    rounds = ReviewRound.objects.bulk_create(rounds, batch_size=2000)
    ReviewRound.outcomes.through.objects.bulk_create(
        (
            ReviewRound.outcomes.through(reviewround_id=rounds[r].pk, outcome_id=o)
            for r, o in through
        ),
        batch_size=2000,
    )
    works = SharedWork.objects.bulk_create(works, batch_size=2000)
    answer = {
        "works": "The loop at the centre is clear, and the way it was tested.",
        "deeper": "Who else would see this differently? Ask them next time.",
    }
    reviews = []
    for round_index, work_index, reviewer_id, status, opened in planned:
        written = opened + timedelta(days=rng.randrange(1, 14), hours=rng.randrange(24))
        reviews.append(
            PeerReview(
                round=rounds[round_index],
                work=works[work_index],
                reviewer_id=reviewer_id,
                status=status,
                answers=[] if status == "allocated" else [answer] * len(REVIEW_PROMPTS),
                stage="" if status == "allocated" else rng.choice(stages),
                created_at=opened,
                updated_at=opened if status == "allocated" else written,
                submitted_at=written if status == "submitted" else None,
            )
        )
    PeerReview.objects.bulk_create(reviews, batch_size=2000)
    return agreed[main.pk][0], len(reviews)


def seed_agendas(rng) -> None:
    """Every session's plan: a check-in round, an activity and a moment to reflect; seven
    activities in ten aligned to one of the community's agreed outcomes (what the alignment
    map, the outcome page and the dashboards' alignment coverage read)."""
    from outcomes.models import Outcome
    from sessions.models import AgendaItem, Session

    agreed: dict[int, list[int]] = {}
    for pk, community_id in Outcome.objects.filter(status="agreed").values_list(
        "pk", "community_id"
    ):
        agreed.setdefault(community_id, []).append(pk)
    plan = [
        ("Check-in round", 10, AgendaItem.Kind.ROUND),
        ("Try the practice in pairs", 30, AgendaItem.Kind.ACTIVITY),
        ("What did we notice?", 15, AgendaItem.Kind.REFLECT),
    ]
    items, aligned = [], []
    for session_id, community_id in Session.objects.order_by("pk").values_list(
        "pk", "community_id"
    ):
        for position, (title, minutes, kind) in enumerate(plan):
            if kind == AgendaItem.Kind.ACTIVITY and rng.random() < 0.7:
                aligned.append((len(items), rng.choice(agreed[community_id])))
            items.append(
                AgendaItem(
                    session_id=session_id,
                    position=position,
                    title=title,
                    minutes=minutes,
                    kind=kind,
                )
            )
    items = AgendaItem.objects.bulk_create(items, batch_size=5000)
    AgendaItem.aligned_outcomes.through.objects.bulk_create(
        (
            AgendaItem.aligned_outcomes.through(agendaitem_id=items[i].pk, outcome_id=o)
            for i, o in aligned
        ),
        batch_size=5000,
    )


def analyze() -> None:
    """Bring the bulk-loaded tables to the state autovacuum keeps a live site in, before
    anything is timed: the planner's statistics (timed straight after seeding, PostgreSQL
    would still believe the new tables empty and choose nested loops a site in use never
    sees), the visibility map (a site's rows are nearly all marked visible to every
    transaction, so a count of a community's members reads its index alone; never
    vacuumed, every such count reads each row's page too, and more pages the more history
    the site holds), and each GIN index's pending list moved into the index proper (left
    pending, a search reads every seeded row's entry from the list, and the planner,
    seeing that, scans whole tables instead of the index). `VACUUM ANALYZE` does all three
    on PostgreSQL; SQLite only keeps statistics."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


SEEDED_TABLE = "_bench_seeded"


def mark_seeded(seeded: dict) -> None:
    """Record in the bench database itself what was seeded, once seeding and ANALYZE are
    done: a run cut short leaves no mark, so `--reuse` never times a half-seeded site."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {SEEDED_TABLE} (seeded text NOT NULL)")
        cursor.execute(f"DELETE FROM {SEEDED_TABLE}")  # noqa: S608 -- a constant name.
        cursor.execute(f"INSERT INTO {SEEDED_TABLE} VALUES (%s)", [json.dumps(seeded)])  # noqa: S608


def seeded_scale() -> dict | None:
    """What an earlier run seeded in this database (`mark_seeded`), or None."""
    from django.db import connection

    if SEEDED_TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seeded FROM {SEEDED_TABLE}")  # noqa: S608 -- a constant name.
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def seeded_site() -> dict:
    """The people and objects `seed` returned, found again in a seeded database."""
    from accounts.models import User
    from communities.models import Community, Membership
    from outcomes.models import Outcome
    from reviews.models import PeerReview
    from sessions.models import Session

    main = Community.objects.get(slug="community-0")
    return {
        "community": main,
        "facilitator": Membership.objects.get(community=main, role="facilitator").user,
        "leader": User.objects.get(email="leader@bench.example.org"),
        "session": Session.objects.filter(community=main).order_by("-starts_at").first(),
        "outcome": Outcome.objects.filter(community=main, status="agreed").order_by("pk").first(),
        "reviews": PeerReview.objects.count(),
        "users": list(
            User.objects.filter(
                email__startswith="person", email__endswith="@bench.example.org"
            ).order_by("pk")
        ),
    }


def page_urls(site: dict) -> dict[str, str]:
    """The main pages whose URL names exist; a page an app has not built yet is left out."""
    from django.urls import NoReverseMatch, reverse

    slug = site["community"].slug
    wanted = {
        "home": ("home", {}),
        "directory": ("communities:directory", {}),
        "community_home": ("communities:home", {"slug": slug}),
        "members": ("communities:members", {"slug": slug}),
        "journeys": ("communities:journeys", {"slug": slug}),
        "sessions": ("sessions:list", {"slug": slug}),
        "session_detail": ("sessions:detail", {"slug": slug, "pk": site["session"].pk}),
        "outcomes": ("outcomes:list", {"slug": slug}),
        "outcome": (
            "outcomes:outcome",
            {"slug": slug, "pk": getattr(site.get("outcome"), "pk", None)},
        ),
        "alignment": ("reviews:alignment", {"slug": slug}),
        "reviews": ("reviews:reviews", {"slug": slug}),
        "reflections": ("reflections:list", {"slug": slug}),
        "actions": ("reflections:actions", {"slug": slug}),
        "community_dashboard": ("dashboard:community", {"slug": slug}),
        "portfolio": ("dashboard:portfolio", {}),
        "search": ("search:results", {}),
        "notifications": ("notifications", {}),
        "series": (
            "sessions:series",
            {"slug": slug, "pk": _latest_pk(site, "cop_sessions.Series")},
        ),
        "round": ("reviews:round", {"slug": slug, "pk": _latest_pk(site, "reviews.ReviewRound")}),
    }
    urls = {}
    for page, (name, kwargs) in wanted.items():
        if None in kwargs.values():
            print(f"  (skipped {page}: nothing seeded to show on it)")
            continue
        try:
            urls[page] = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            print(f"  (skipped {page}: no URL named {name} yet)")
    if "search" in urls:
        # A word every seeded reflection holds: the worst case, where every visible
        # reflection matches and is ranked before the first page is cut.
        urls["search"] += "?q=noticed"
    return urls


def _latest_pk(site: dict, model: str) -> int | None:
    """The main community's newest `model` (app_label.Model), None if there is none."""
    from django.apps import apps

    try:
        found = apps.get_model(model).objects.filter(community=site["community"])
    except LookupError:
        return None
    return found.order_by("-pk").values_list("pk", flat=True).first()


FLOOR_URL = "/_bench/floor/"


def time_page(
    client, url: str, floor_client=None, *, repeat: int = REPEAT
) -> tuple[float, float, int]:
    """Median server time of `url` and of the floor page, timed in alternation.

    Each request of the page is paired with a request of the floor page, so a machine
    shared with other work slows both alike and the ratio stays fair; a floor timed once
    at the start would make every later page look slower when the load rises.
    Returns (page median ms, floor median ms, the page's query count).
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    floor_client = floor_client or client
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        floor_client.get(FLOOR_URL)
    timings, floors = [], []
    for _ in range(repeat):
        for target, who, samples in ((url, client, timings), (FLOOR_URL, floor_client, floors)):
            started = time.perf_counter()
            who.get(target)
            samples.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(timings), statistics.median(floors), len(queries)


def dashboard_cache_keys(site: dict) -> dict[str, str]:
    """The cache entries the timed dashboards read (the default period, as the views see
    it), so a cold request can be had by removing just them: never `cache.clear()`, which
    would empty a Redis shared with other work."""
    from impact import snapshot
    from impact.access import portfolio_communities
    from impact.periods import DEFAULT_PRESET, PRESETS, Period

    period = Period.last(PRESETS[DEFAULT_PRESET])
    # The leader's portfolio: the communities of the one organisation they lead.
    ids = [community.pk for community in portfolio_communities(site["leader"])]
    return {
        "community_dashboard": snapshot.community_key(site["community"].pk, period),
        "portfolio": snapshot.portfolio_key(ids, period),
    }


def time_cold(
    client, url: str, key: str, floor_client, *, repeat: int = COLD_REPEAT
) -> tuple[float, float, int]:
    """Median server time of `url` with its cached figures removed before each request (the
    first request after they expire or change period), the floor in alternation, and the
    cold query count. One untimed cold request first, as `time_page` warms up too."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from impact import snapshot

    snapshot.forget(key)
    assert client.get(url).status_code == 200, url
    timings, floors = [], []
    for _ in range(repeat):
        snapshot.forget(key)
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        floor_client.get(FLOOR_URL)
        floors.append((time.perf_counter() - started) * 1000)
    snapshot.forget(key)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(timings), statistics.median(floors), len(queries)


def custom_periods(count: int) -> list:
    """`count` custom periods a person might pick on a dashboard, none the same: each
    ending today and beginning some 13 months before, so that it is still running, began
    in an ended month, and covers whole months that no preset covers (the costliest to
    compute the first time: nothing of it is ever kept by the nightly task)."""
    from django.utils import timezone

    from impact.periods import Period

    today = timezone.now().date()
    return [Period(today - timedelta(days=400 + k), today) for k in range(1, count + 1)]


def forget_custom(page: str, site: dict, period) -> None:
    """What a dashboard keeps of a custom period: its cached figures, and the figures kept
    in the database for the period, the one before, and the whole months both cover
    (`impact.figures.windows`). After this, asking for the period is asking the first time."""
    from impact import snapshot
    from impact.access import portfolio_communities
    from impact.figures.headlines import windows_for
    from impact.models import StoredFigures

    if page == "portfolio":
        ids = [community.pk for community in portfolio_communities(site["leader"])]
        snapshot.forget(snapshot.portfolio_key(ids, period))
    else:
        snapshot.forget(snapshot.community_key(site["community"].pk, period))
    for part in (period, period.previous(), *windows_for(period)):
        if part is not None:
            StoredFigures.objects.filter(start=part.start, end=part.end).delete()


def time_custom(
    client, url: str, page: str, site: dict, floor_client, *, repeat: int = COLD_REPEAT
) -> tuple[float, float, int]:
    """Median server time of `url` for a custom period asked the first time (each request
    another period, what is kept of it forgotten just before: `forget_custom`), the floor
    in alternation, and the query count of one such request. One untimed request first."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def ask(period):
        forget_custom(page, site, period)
        started = time.perf_counter()
        assert client.get(f"{url}?{period.query()}").status_code == 200, url
        return (time.perf_counter() - started) * 1000

    first, *periods, last = custom_periods(repeat + 2)
    ask(first)
    timings, floors = [], []
    for period in periods:
        timings.append(ask(period))
        started = time.perf_counter()
        floor_client.get(FLOOR_URL)
        floors.append((time.perf_counter() - started) * 1000)
    forget_custom(page, site, last)
    with CaptureQueriesContext(connection) as queries:
        client.get(f"{url}?{last.query()}")
    return statistics.median(timings), statistics.median(floors), len(queries)


def bench_digests(site: dict, count: int) -> tuple[float, float, float]:
    """Build and send `count` digests (daily, over consecutive days) to the locmem backend.
    Returns (seconds for 10,000 at this pace, milliseconds per digest, milliseconds per
    digest of the first day). The first day's are each member's first digest, which looks
    back further than the next days' (a day each): at scale 1 the 10,000 are five days of
    2,000 members, at scale 5 one day of 10,000, so scales compare first days."""
    from datetime import UTC, datetime

    from django.core import mail

    from accounts.digest import digest_send_due
    from accounts.models import EmailDelivery

    # Each digest is sent once per period: on a database an earlier run (`--reuse`) sent
    # them on, forget those so this run builds and sends them again.
    EmailDelivery.objects.filter(kind="digest").delete()
    mail.outbox = []
    members = len(site["users"])
    days = max(1, -(-count // members))
    start = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0)
    started = time.perf_counter()
    first_ms = None
    for day in range(days):
        digest_send_due(now=start + timedelta(days=day))
        if first_ms is None:
            first_ms = (time.perf_counter() - started) * 1000 / max(1, len(mail.outbox))
    elapsed = time.perf_counter() - started
    sent = max(1, len(mail.outbox))
    print(f"  digests sent: {len(mail.outbox)} in {elapsed:.1f} s")
    return elapsed * 10_000 / sent, elapsed * 1000 / sent, first_ms


def bench_reminder_scan() -> dict:
    """One reminder scan, with what it had to do: its cost should follow the sessions due
    (and the reminders they send), never the size of the site, so it is also given per
    session due."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import EmailDelivery
    from sessions.models import Session
    from sessions.services import reminders_send_due

    # Reminders are sent once each: forget an earlier run's (`--reuse`).
    EmailDelivery.objects.filter(kind="session_reminder").delete()
    now = timezone.now()
    due = (
        Session.objects.due_for_reminders(now, within=timedelta(hours=24))
        .filter(community__archived=False)
        .count()
    )
    started = time.perf_counter()
    recorded = reminders_send_due(now=now)
    ms = (time.perf_counter() - started) * 1000
    return {
        "reminder_scan_ms": round(ms, 2),
        "reminder_sessions_due": due,
        "reminders_recorded": recorded,
        "reminder_ms_per_session": round(ms / due, 2) if due else None,
        # What each session due costs is mostly its reminders (each rendered, recorded
        # and sent): this one should stay level across scales.
        "reminder_ms_per_reminder": round(ms / recorded, 2) if recorded else None,
    }


def source_version() -> str | None:
    """The commit this checkout is at, None when unknown or when files have changed since
    (figures from such a run are never reused as scale 1's)."""
    import shutil
    import subprocess

    git = shutil.which("git")
    if git is None:
        return None
    try:
        head = subprocess.run(
            [git, "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        changed = subprocess.run(
            [git, "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return None if changed else head


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a twentieth of the scale")
    parser.add_argument(
        "--scale",
        type=int,
        default=1,
        metavar="N",
        help="N times the data (N organisations; the leader's and the main community's "
        "share as at 1), then compared side by side with scale 1",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the bench database an earlier run seeded at this scale (PostgreSQL)",
    )
    parser.add_argument(
        "--pages",
        type=lambda value: [page.strip() for page in value.split(",") if page.strip()],
        help="time only these pages (comma-separated names), skipping digests and reminders",
    )
    args = parser.parse_args(argv)
    if args.scale < 1:
        parser.error("--scale is a whole number from 1")
    return args


def bench(args: argparse.Namespace) -> dict:
    """Seed (or reuse) the site at `args.scale` and time it: the figures of one scale."""
    multiple = args.scale
    scale = scaled(QUICK_SCALE if args.quick else SCALE, multiple)
    setup_django(reuse=args.reuse, multiple=multiple, quick=args.quick)
    from django.core.management import call_command
    from django.test import Client

    print(f"Database: {os.environ['DATABASE_URL']}")
    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    started = time.perf_counter()
    seeded = seeded_scale() if args.reuse else None
    seed_s = None
    if seeded is not None and {k: v for k, v in seeded.items() if k != "reviews"} == {
        k: v for k, v in scale.items() if k != "reviews"
    }:
        site = seeded_site()
        print(f"Reusing the database seeded with {seeded}")
    else:
        if seeded is not None:
            sys.exit("The bench database was seeded at another scale: run without --reuse.")
        site = seed(scale, multiple)
        analyze()
        # What was actually seeded: fewer reviews than asked if the held sessions ran short.
        seeded = {**scale, "reviews": site["reviews"]}
        mark_seeded(seeded)
        seed_s = round(time.perf_counter() - started, 1)
        print(f"Seeded {seeded} in {seed_s} s")

    client = Client()
    client.force_login(site["facilitator"])
    leader = Client()
    leader.force_login(site["leader"])
    repeat, cold_repeat = (QUICK_REPEAT, QUICK_COLD_REPEAT) if args.quick else (REPEAT, COLD_REPEAT)
    _floor_ms, _same, floor_queries = time_page(client, FLOOR_URL, repeat=repeat)
    pages, floors = {}, []
    cold_keys = dashboard_cache_keys(site)
    urls = page_urls(site)
    if args.pages:
        unknown = set(args.pages) - set(urls)
        if unknown:
            sys.exit(f"No such page: {', '.join(sorted(unknown))} (pages: {', '.join(urls)})")
        urls = {page: url for page, url in urls.items() if page in args.pages}
    for page, url in urls.items():
        who = leader if page == "portfolio" else client
        cold = custom = None
        if page in cold_keys:
            cold = time_cold(who, url, cold_keys[page], client, repeat=cold_repeat)
            custom = time_custom(who, url, page, site, client, repeat=cold_repeat)
        median_ms, page_floor_ms, queries = time_page(who, url, client, repeat=repeat)
        floors.append(page_floor_ms)
        pages[page] = {
            "median_ms": round(median_ms, 2),
            "floor_ms": round(page_floor_ms, 2),
            "floor_ratio": round(median_ms / page_floor_ms, 2),
            "queries": queries,
        }
        for kind, timed in (("cold", cold), ("custom", custom)):
            if timed is not None:
                ms, floor_ms, count = timed
                pages[page] |= {
                    f"{kind}_ms": round(ms, 2),
                    f"{kind}_floor_ms": round(floor_ms, 2),
                    f"{kind}_ratio": round(ms / floor_ms, 2),
                    f"{kind}_queries": count,
                }
    digests = None if args.pages else bench_digests(site, 10_000 if not args.quick else 500)
    return {
        "scale": seeded,
        "multiple": multiple,
        "quick": args.quick,
        "commit": source_version(),
        "seed_s": seed_s,
        "floor_ms": round(statistics.median(floors), 2),
        "floor_queries": floor_queries,
        "pages": pages,
        "digests_10k_s": None if digests is None else round(digests[0], 2),
        "digest_ms": None if digests is None else round(digests[1], 3),
        "digest_first_ms": None if digests is None else round(digests[2], 3),
        **(dict.fromkeys(REMINDER_KEYS) if args.pages else bench_reminder_scan()),
    }


def print_figures(result: dict) -> None:
    floor_ms, floor_queries = result["floor_ms"], result["floor_queries"]
    print(
        f"\n{'page':<22}{'median ms':>11}{'floor ms':>10}{'× floor':>9}{'queries':>9}"
        f"{'cold ms':>10}{'cold ×':>8}{'cold q':>8}"
    )
    print(f"{'(floor)':<22}{floor_ms:>11.2f}{floor_ms:>10.2f}{1:>9.2f}{floor_queries:>9}")
    for page, row in result["pages"].items():
        cold = (
            f"{row['cold_ms']:>10.2f}{row['cold_ratio']:>8.2f}{row['cold_queries']:>8}"
            if "cold_ms" in row
            else ""
        )
        print(
            f"{page:<22}{row['median_ms']:>11.2f}{row['floor_ms']:>10.2f}"
            f"{row['floor_ratio']:>9.2f}{row['queries']:>9}{cold}"
        )
    print("(dashboards: median and queries with the figures cached; cold: computing them)")
    for page, row in result["pages"].items():
        if "custom_ms" in row:
            print(
                f"{page.replace('_dashboard', '') + ' custom':<22}{row['custom_ms']:>11.2f}"
                f"{row['custom_floor_ms']:>10.2f}{row['custom_ratio']:>9.2f}"
                f"{row['custom_queries']:>9}"
            )
    if any("custom_ms" in row for row in result["pages"].values()):
        print("(custom: a period of the person's own, computed the first time; each another)")
    if result["digests_10k_s"] is None:
        print("\n(--pages: digests and the reminder scan not timed)")
    else:
        print(
            f"\n10,000 digests: {result['digests_10k_s']} s (target ≤ 20 s);"
            f" {result['digest_ms']} ms a digest ({result['digest_first_ms']} ms each of the"
            " first day's)"
        )
        due = result.get("reminder_sessions_due")
        per_session = result.get("reminder_ms_per_session")
        print(
            f"Reminder scan over the whole site: {result['reminder_scan_ms']} ms;"
            f" {due} sessions due, {result.get('reminders_recorded')} reminders recorded"
            + (f", {per_session} ms a session due" if per_session is not None else "")
            + (
                f", {result['reminder_ms_per_reminder']} ms a reminder"
                if result.get("reminder_ms_per_reminder") is not None
                else ""
            )
        )


def compare(base: dict, scaled_result: dict) -> dict:
    """Each page's ratio to the floor at scale 1 and at N (warm, and cold for the
    dashboards), how much it grew, and whether that is within RATIO_GROWTH; the same for
    the cost of one digest against DIGEST_GROWTH."""
    multiple = str(scaled_result["multiple"])
    pages = {}
    for page, row in scaled_result["pages"].items():
        before = base["pages"].get(page)
        if before is None:
            continue
        for kind, key in (
            ("warm", "floor_ratio"),
            ("cold", "cold_ratio"),
            ("custom", "custom_ratio"),
        ):
            if key in row and key in before:
                growth = row[key] / before[key]
                pages.setdefault(page, {})[kind] = {
                    "1": before[key],
                    multiple: row[key],
                    "growth": round(growth, 2),
                    "met": growth <= RATIO_GROWTH,
                }
    comparison: dict = {"pages": pages, "ratio_growth_target": RATIO_GROWTH}
    # Each member's first digest at both scales (see bench_digests); an older bench.json
    # without it compares the averages.
    key = "digest_first_ms" if base.get("digest_first_ms") else "digest_ms"
    if base.get(key) and scaled_result.get(key):
        growth = scaled_result[key] / base[key]
        comparison["digest_ms"] = {
            "1": base[key],
            multiple: scaled_result[key],
            "growth": round(growth, 2),
            "met": growth <= DIGEST_GROWTH,
            "target": DIGEST_GROWTH,
        }
    if base.get("reminder_ms_per_session") and scaled_result.get("reminder_ms_per_session"):
        # Shown, not judged: how many reminders each session due sends varies with the
        # seeded answers, but a cost per session that grew with the site would show here.
        comparison["reminder_ms_per_session"] = {
            "1": base["reminder_ms_per_session"],
            multiple: scaled_result["reminder_ms_per_session"],
            "due": {
                "1": base["reminder_sessions_due"],
                multiple: scaled_result["reminder_sessions_due"],
            },
        }
    return comparison


def print_comparison(comparison: dict, multiple: int) -> None:
    n = str(multiple)
    print(f"\nScale 1 and scale {n} side by side (× floor; met when it grew ≤ {RATIO_GROWTH}×)")
    print(f"{'page':<30}{'at 1':>8}{'at ' + n:>8}{'grew':>8}  met")
    for page, kinds in comparison["pages"].items():
        for kind, row in kinds.items():
            name = page if kind == "warm" else f"{page} ({kind})"
            print(
                f"{name:<30}{row['1']:>8.2f}{row[n]:>8.2f}{row['growth']:>8.2f}"
                f"  {'met' if row['met'] else 'NOT met'}"
            )
    digest = comparison.get("digest_ms")
    if digest:
        print(
            f"{'one first digest (ms)':<30}{digest['1']:>8.3f}{digest[n]:>8.3f}"
            f"{digest['growth']:>8.2f}"
            f"  {'met' if digest['met'] else 'NOT met'} (target ≤ {DIGEST_GROWTH}×)"
        )
    reminders = comparison.get("reminder_ms_per_session")
    if reminders:
        print(
            f"{'reminders (ms a session due)':<30}{reminders['1']:>8.2f}{reminders[n]:>8.2f}"
            f"{reminders[n] / reminders['1']:>8.2f}"
            f"  ({reminders['due']['1']} and {reminders['due'][n]} sessions due)"
        )


def scale_one(args: argparse.Namespace, environ: dict, out: Path) -> dict:
    """Scale 1's figures to compare with: those `out` holds when a run of this same code
    (a clean checkout at the same commit) at the same size wrote them, else a fresh run of
    `tools.bench` at scale 1 (in a process of its own: another database)."""
    wanted = set(args.pages or ())
    try:
        stored = json.loads(out.read_text()).get("scales", {}).get("1")
    except (OSError, ValueError):
        stored = None
    if (
        stored
        and stored.get("commit")
        and stored["commit"] == source_version()
        and stored.get("quick") == args.quick
        and wanted <= set(stored["pages"])
        and (args.pages or stored.get("digest_ms"))
    ):
        print(f"\nScale 1: the figures in {out} (commit {stored['commit'][:10]})")
        return stored
    print("\nScale 1: timing it now")
    import subprocess

    command = [sys.executable, "-m", "tools.bench"]
    command += ["--quick"] * args.quick + ["--reuse"] * args.reuse
    if args.pages:
        command += ["--pages", ",".join(args.pages)]
    subprocess.run(command, cwd=ROOT, env=environ, check=True)
    return json.loads(out.read_text())["scales"]["1"]


def main(argv=None) -> int:
    args = parse_args(argv)
    environ = dict(os.environ)  # before setup_django points DATABASE_URL at the bench
    out = VAR_DIR / "bench.json"
    result = bench(args)
    print_figures(result)
    if args.scale == 1:
        figures = {**result, "scales": {"1": result}}
    else:
        base = scale_one(args, environ, out)
        comparison = compare(base, result)
        print(f"\nScale {args.scale}:")
        print_figures(result)
        print_comparison(comparison, args.scale)
        # Scale 1's figures stay at the top, where the README and the tests read them.
        figures = {
            **base,
            "scales": {"1": base, str(args.scale): result},
            "comparison": comparison,
        }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2))
    print(f"Wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
