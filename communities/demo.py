"""Demo communities: one open (the main one), one request-to-join, one invitation-only."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.demo import demo_user
from accounts.notifications import notification_record, phrase

from .invitations import VALID_FOR
from .models import (
    CheckIn,
    Community,
    Invitation,
    JourneyStep,
    Membership,
    MentoringPair,
    MoveSuggestion,
    Organisation,
    OrganisationDomain,
    OrganisationRole,
    PairMeeting,
)
from .organisations import grant

MAIN_SLUG = "systems-mapping"
REQUEST_SLUG = "service-design-guild"
INVITE_SLUG = "data-justice-circle"
# Just created by the coordinator: its setup checklist is partly done (what we care about
# and purpose; a first outcome, a first session and invitations still to do).
NEW_SLUG = "neighbourhood-care"

COMMUNITIES = [
    {
        "slug": MAIN_SLUG,
        "colour": "teal",
        "emoji": "🗺️",
        "name": "Systems Mapping Practice",
        "domain": "Making sense of complex systems together, with maps we can argue over.",
        "purpose": "Get better at mapping messy public-service systems, and help each other "
        "use maps to make better decisions.",
        "visibility": Community.Visibility.OPEN,
        "timezone": "Europe/London",
    },
    {
        "slug": REQUEST_SLUG,
        "colour": "rose",
        "emoji": "🧵",
        "name": "Service Design Guild",
        "domain": "Designing public services with the people who use them.",
        "purpose": "Share unfinished work and learn from each other's research.",
        "visibility": Community.Visibility.REQUEST,
        "timezone": "Europe/London",
    },
    {
        "slug": INVITE_SLUG,
        "colour": "blue",
        "emoji": "⚖️",
        "name": "Data Justice Circle",
        "domain": "Responsible, fair use of data and AI in civil society.",
        "purpose": "A small invited circle working through hard cases together.",
        "visibility": Community.Visibility.INVITE,
        "timezone": "America/New_York",
    },
    {
        "slug": NEW_SLUG,
        "colour": "green",
        "emoji": "🏡",
        "name": "Neighbourhood Care Circle",
        "domain": "Looking after each other on our streets: lifts, meals, a knock on the door.",
        "purpose": "Swap what works when neighbours care for neighbours, and avoid burning out.",
        "visibility": Community.Visibility.INVITE,
        "timezone": "Europe/London",
    },
]

# (name, level) of the main community's other members: a living spread of the journey.
MAIN_PEOPLE = [
    ("Ada Okafor", "core"),
    ("Ben Lindqvist", "core"),
    ("Chiara Rossi", "active"),
    ("Dev Patel", "active"),
    ("Elif Yilmaz", "active"),
    ("Farah Haddad", "active"),
    ("Gus Moreno", "active"),
    ("Hana Sato", "peripheral"),
    ("Ivo Novak", "peripheral"),
    ("Jo Mensah", "peripheral"),
    ("Kai Müller", "peripheral"),
    ("Lina Costa", "peripheral"),
    ("Marek Zielinski", "peripheral"),
    ("Nia Brown", "active"),
    ("Omar Aziz", "peripheral"),
    ("Priya Nair", "core"),
    ("Quinn Taylor", "peripheral"),
    ("Rosa Jiménez", "active"),
    ("Sam Carter", "peripheral"),
    ("Tomas Berg", "peripheral"),
]

# Members who read copsite in another language (issue 21): their pages and emails follow.
LANGUAGES = {"Farah Haddad": "fr", "Rosa Jiménez": "es"}

LEVELS = [Membership.Level.PERIPHERAL, Membership.Level.ACTIVE, Membership.Level.CORE]

# Suggestions waiting for the facilitator: (first name, to level, evidence).
SUGGESTIONS = [
    ("hana", "active", "sessions attended: 4, reflections shared: 2 (last 90 days)"),
    ("ivo", "active", "sessions attended: 3 (last 90 days)"),
    ("gus", "core", "sessions facilitated: 2, peer reviews given: 5 (last 90 days)"),
]
ASPIRATIONS = {
    "member@example.com": "I'd like to facilitate",
    "ada@demo.copsite.org": "I'm happy to mentor",
    "chiara@demo.copsite.org": "I'd like to facilitate",
    "sam@demo.copsite.org": "I'm here to listen for now",
    # Mentoring, opt-in on both sides: Ada mentors the newcomer (a pair); Priya offers too,
    # and Omar waits for a buddy (the mentoring page suggests Priya for him).
    "newcomer@example.com": Membership.BUDDY,
    "priya@demo.copsite.org": Membership.MENTOR,
    "omar@demo.copsite.org": Membership.BUDDY,
}
# One-line introductions shown on the members page (the newcomer has yet to say hello:
# the first of their first steps), and Ada and Chiara show their aspiration to members.
INTRODUCTIONS = {
    "coordinator@example.com": "Started this circle after too many maps nobody used.",
    "facilitator@example.com": "Facilitator and systems thinker; ask me about causal loops.",
    "member@example.com": "Policy analyst, learning to map before I decide.",
    "ada@demo.copsite.org": "Public-health mapper in Lagos and London.",
    "chiara@demo.copsite.org": "Designer; I draw the messy middle of services.",
    "dev@demo.copsite.org": "Data person learning to love whiteboards.",
    "priya@demo.copsite.org": "Twelve years of housing policy, still curious.",
}
SHOWN_ASPIRATIONS = ["ada@demo.copsite.org", "chiara@demo.copsite.org"]
INVITED_EMAIL = "river@demo.copsite.org"


def seed(people: dict) -> None:
    communities = {}
    for fields in COMMUNITIES:
        communities[fields["slug"]], _ = Community.objects.get_or_create(
            slug=fields["slug"], defaults=fields
        )
    main = communities[MAIN_SLUG]
    coordinator = people["coordinator@example.com"]
    facilitator = people["facilitator@example.com"]

    join(main, coordinator, role="coordinator", level="core", months_ago=14, by=None)
    join(main, facilitator, role="facilitator", level="core", months_ago=12, by=coordinator)
    join(main, people["member@example.com"], level="active", months_ago=6, by=facilitator)
    join(main, people["newcomer@example.com"], level="peripheral", months_ago=0, by=None)
    for index, (name, level) in enumerate(MAIN_PEOPLE):
        email = name.split()[0].lower() + "@demo.copsite.org"
        person = people.setdefault(email, demo_user(email, name, language=LANGUAGES.get(name, "")))
        join(main, person, level=level, months_ago=1 + index % 11, by=facilitator)

    guild = communities[REQUEST_SLUG]
    join(guild, facilitator, role="coordinator", level="core", months_ago=8, by=None)
    join(guild, people["member@example.com"], level="peripheral", months_ago=2, by=facilitator)
    circle = communities[INVITE_SLUG]
    join(circle, coordinator, role="coordinator", level="core", months_ago=5, by=None)
    join(circle, people["ada@demo.copsite.org"], level="active", months_ago=3, by=coordinator)

    # Created today: its coordinator, and no journey yet.
    Membership.objects.get_or_create(
        community=communities[NEW_SLUG],
        user=coordinator,
        defaults={"role": Membership.Role.COORDINATOR, "level": Membership.Level.CORE},
    )
    seed_journeys(main, guild, circle, people)
    seed_notifications(main, guild, people)
    seed_mentoring(main, people)
    seed_organisations(people)


# A second organisation beside the site's own (which holds every community above): the demo
# leader leads the site's own and sees nothing of this one; Rae leads it.
OTHER_ORGANISATION = {"slug": "riverside-health", "name": "Riverside Health Network"}
OTHER_COMMUNITY = {
    "slug": "clinic-practice-exchange",
    "colour": "plum",
    "emoji": "🩺",
    "name": "Clinic Practice Exchange",
    "domain": "Nurses and health workers across our clinics sharing what works.",
    "purpose": "Learn from each other's hardest weeks.",
    "visibility": Community.Visibility.REQUEST,
    "timezone": "Africa/Nairobi",
}
OTHER_LEADER = ("rae@demo.copsite.org", "Rae Riverside")
OTHER_INVITEE = "kofi@riverside-health.example.org"


def seed_organisations(people) -> None:
    """The default organisation's leader (the demo leader) and admin (the coordinator), and
    a second organisation with its own community, leader and email domain."""
    default = Organisation.objects.default()
    grant(default, people["leader@example.com"], OrganisationRole.Role.LEADER)
    grant(default, people["coordinator@example.com"], OrganisationRole.Role.ADMIN)
    other, _ = Organisation.objects.get_or_create(
        slug=OTHER_ORGANISATION["slug"], defaults={"name": OTHER_ORGANISATION["name"]}
    )
    OrganisationDomain.objects.get_or_create(
        domain="riverside-health.example.org", defaults={"organisation": other}
    )
    community, _ = Community.objects.get_or_create(
        slug=OTHER_COMMUNITY["slug"], defaults={**OTHER_COMMUNITY, "organisation": other}
    )
    email, name = OTHER_LEADER
    rae = people.setdefault(email, demo_user(email, name))
    grant(other, rae, OrganisationRole.Role.LEADER)
    grant(other, rae, OrganisationRole.Role.ADMIN)
    Membership.objects.get_or_create(
        community=community,
        user=rae,
        defaults={"role": Membership.Role.COORDINATOR, "level": Membership.Level.CORE},
    )
    # Rae invited a colleague with no account yet: the invitation is still waiting (made
    # directly: the demo emails nobody).
    sent = timezone.now() - timedelta(days=2)
    Invitation.objects.get_or_create(
        organisation=other,
        email=OTHER_INVITEE,
        accepted_at=None,
        revoked_at=None,
        defaults={"invited_by": rae, "sent_at": sent, "expires_at": sent + VALID_FOR},
    )


def seed_mentoring(main, people) -> None:
    """A mentoring pair in the main community: Ada mentors the newcomer, paired by the
    facilitator two days ago, with a shared note and a "we met" check-in. Both were told
    (recorded only: the demo emails nobody)."""
    mentor, newcomer = people["ada@demo.copsite.org"], people["newcomer@example.com"]
    facilitator = people["facilitator@example.com"]
    now = timezone.now()
    pair, created = MentoringPair.objects.get_or_create(
        community=main,
        newcomer=newcomer,
        ended_at=None,
        defaults={
            "mentor": mentor,
            "paired_by": facilitator,
            "started_at": now - timedelta(days=2),
            "note": "Next: bring one messy map to the clinic and talk it through after.",
            "note_by": mentor,
            "note_at": now - timedelta(days=1),
        },
    )
    if not created:
        return
    PairMeeting.objects.create(
        pair=pair, met_on=(now - timedelta(days=1)).date(), by=newcomer, line="Coffee and maps"
    )
    for person, other in ((mentor, newcomer), (newcomer, mentor)):
        notification_record(
            person,
            "mentoring_paired",
            key=f"pair-made:{pair.pk}:{person.pk}",
            community=main,
            actor=facilitator,
            text=phrase(
                gettext_lazy(
                    "You're paired with %(name)s in %(community)s: you'll be their mentor."
                )
                if person == mentor
                else gettext_lazy(
                    "You're paired with %(name)s in %(community)s: they'll be your buddy."
                ),
                name=other.name,
                community=main.name,
            ),
            url=pair.get_absolute_url(),
            created_at=pair.started_at,
        )


def seed_notifications(main, guild, people) -> None:
    """member@example.com's welcome into the guild and latest step further in, as unread
    notifications (recorded only: the demo emails nobody)."""
    member = people["member@example.com"]
    joined = Membership.objects.filter(community=guild, user=member).first()
    if joined is not None:
        notification_record(
            member,
            "join_decision",
            key=f"join-decision:{joined.pk}:demo",
            community=guild,
            actor=people["facilitator@example.com"],
            text=phrase(
                gettext_lazy("Welcome! Your request to join %(community)s was accepted."),
                community=guild.name,
            ),
            url=guild.get_absolute_url(),
            created_at=joined.joined_at,
        )
    step = (
        JourneyStep.objects.inward()
        .filter(membership__community=main, membership__user=member)
        .order_by("-created_at")
        .first()
    )
    if step is not None:
        notification_record(
            member,
            "journey_celebration",
            key=f"journey-step:{step.pk}",
            community=main,
            actor=step.confirmed_by,
            text=phrase(
                gettext_lazy(
                    "You moved from %(from)s to %(to)s in %(community)s. Thank you for all you "
                    "bring — welcome further in!"
                ),
                **{
                    "from": Membership.Level(step.from_level).label,
                    "to": Membership.Level(step.to_level).label,
                    "community": main.name,
                },
            ),
            url=main.get_absolute_url(),
            created_at=step.created_at,
        )


def seed_journeys(main, guild, circle, people) -> None:
    """A pending request, an outstanding invitation, suggestions and aspirations."""
    now = timezone.now()
    Membership.objects.get_or_create(
        community=guild,
        user=people["newcomer@example.com"],
        defaults={
            "status": Membership.Status.REQUESTED,
            "request_note": "I research how people use council services. Can I learn with you?",
            "requested_at": now - timedelta(days=2),
        },
    )
    Invitation.objects.get_or_create(
        community=circle,
        email=INVITED_EMAIL,
        defaults={
            "invited_by": people["coordinator@example.com"],
            "message": "Your work on fair data would be so welcome here.",
            "expires_at": now + VALID_FOR,
        },
    )
    # An invitation someone used: the invitations page says who joined through it.
    joined_at = now - timedelta(days=3)
    Invitation.objects.get_or_create(
        community=main,
        email="newcomer@example.com",
        defaults={
            "invited_by": people["facilitator@example.com"],
            "message": "Come and map with us on Thursday!",
            "sent_at": joined_at - timedelta(days=1),
            "expires_at": joined_at - timedelta(days=1) + VALID_FOR,
            "accepted_at": joined_at,
            "accepted_by": people["newcomer@example.com"],
        },
    )
    for first_name, to_level, evidence in SUGGESTIONS:
        membership = Membership.objects.get(
            community=main, user=people[f"{first_name}@demo.copsite.org"]
        )
        if not MoveSuggestion.objects.filter(membership=membership).exists():
            MoveSuggestion.objects.create(
                membership=membership,
                from_level=membership.level,
                to_level=to_level,
                evidence=evidence,
                signals={},
                notified_at=now,
            )
    for email, aspiration in ASPIRATIONS.items():
        Membership.objects.filter(community=main, user=people[email], aspiration="").update(
            aspiration=aspiration
        )
    for email, introduction in INTRODUCTIONS.items():
        Membership.objects.filter(community=main, user=people[email], introduction="").update(
            introduction=introduction
        )
    Membership.objects.filter(
        community=main, user__email__in=SHOWN_ASPIRATIONS, show_aspiration=False
    ).update(show_aspiration=True)


def join(community, user, *, level, months_ago, by, role="member") -> Membership:
    """A membership with a journey that reached `level` step by step over the months."""
    joined = timezone.now() - timedelta(days=30 * months_ago + 3)
    membership, created = Membership.objects.get_or_create(
        community=community,
        user=user,
        defaults={"role": role, "level": level, "joined_at": joined},
    )
    if not created:
        return membership
    reached = LEVELS.index(level)
    for step in range(reached):
        JourneyStep.objects.create(
            membership=membership,
            from_level=LEVELS[step],
            to_level=LEVELS[step + 1],
            confirmed_by=by,
            evidence="attended most sessions and shared reflections",
            note="Welcome further in!",
            created_at=joined + (timezone.now() - joined) * (step + 1) / (reached + 1),
        )
    return membership


def seed_quiet_spells(community, facilitator) -> None:
    """The quiet spells the daily journeys refresh would find (members not seen over the
    window, "worth a hello"), begun three weeks ago, and a hello the facilitator sent the
    first of them ten days ago (recorded only: the demo emails nobody). Called by the
    last demo (impact's), once every app's history is in place. Idempotent."""
    from . import engagement, services

    now = timezone.now()
    review = engagement.community_review(community, now=now)
    services.quiet_spells_refresh(community=community, review=review, now=now - timedelta(days=21))
    first = (
        Membership.objects.filter(community=community, quiet_since__isnull=False)
        .order_by("user__display_name")
        .first()
    )
    if first is not None:
        CheckIn.objects.get_or_create(
            membership=first,
            spell_started_at=first.quiet_since,
            defaults={"sent_by": facilitator, "sent_at": now - timedelta(days=10)},
        )
