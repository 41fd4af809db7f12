"""Demo reflections and actions for the main community: every loop level and visibility,
actions in every status (one past its date) and a done action with its follow-up; and
conversations: responses and replies ("Yes, and…"), one response hidden by a facilitator
with its reason, and one open flag for the facilitators; and converging on action: two
themes gathered from the latest held session's reflections and responses, with "+1"s,
one of them made an action; and a voice without a name (issue 18): a triple-loop
reflection shared with the community without its author's name, with a response and an
anonymous reply (member@example.com sees "a member"; facilitator@example.com sees Ben)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.notifications import notification_record, phrase
from communities.mentions import mentioned_ids, written
from communities.models import Community
from outcomes.models import ConfidenceRating, Outcome
from sessions.models import Session

from .models import (
    Action,
    Flag,
    Mention,
    ModerationEntry,
    Reflection,
    ReflectionRead,
    Response,
)

MAIN_SLUG = "systems-mapping"
MARKER = "We map to argue, not to decorate"

REFLECTIONS = [
    # (key, author email, loop level, visibility, days ago, title, body, answers)
    (
        "double",
        "member@example.com",
        "double",
        "community",
        20,
        MARKER,
        "We keep polishing maps before anyone has **argued** with them.\n\n"
        "- The pretty version took two hours\n- Nobody changed their mind because of it\n\n"
        "Maybe the map is a *conversation starter*, not a deliverable. "
        "See [Donella Meadows on leverage points](https://donellameadows.org/archives/"
        "leverage-points-places-to-intervene-in-a-system/).",
        {
            "assumption": "That a finished-looking map is more useful than a rough one.",
            "instead": "Bring rough sketches and spend the time on disagreement.",
        },
    ),
    (
        "single",
        "ada@demo.copsite.org",
        "single",
        "community",
        18,
        "Timeboxing the live mapping worked",
        "Forty minutes was right for two projects. We ran over on the second because "
        "we started late.\n\n> Start on time, even with half the room.",
        {
            "intended": "Map two real projects in 40 minutes.",
            "happened": "We mapped one well and rushed the other.",
            "difference": "We started ten minutes late waiting for people.",
            "keep_adjust": "Keep the timebox; start on time.",
        },
    ),
    (
        "triple",
        "ben@demo.copsite.org",
        "triple",
        "community",
        12,
        "Who decides what counts as a good map?",
        "We have been letting the most confident voice decide. I would like us to agree "
        "**how** we decide — maybe the person whose system it is should have the last word.",
        {"rethink": "How we decide together: confidence is not the same as insight."},
    ),
    (
        "facilitators",
        "chiara@demo.copsite.org",
        "single",
        "facilitators",
        9,
        "I felt lost in the breakout",
        "Hard to say in the room: the breakout instructions were unclear to me.",
        {},
    ),
    (
        "private",
        "member@example.com",
        "",
        "private",
        5,
        "Notes to self after the last session",
        "I talk too quickly when I present a map. Try pausing after each loop.",
        {},
    ),
]

ACTIONS = [
    # (key, title, owner email, status, loop, due in days, note, from reflection keys)
    (
        "rough",
        "Bring rough sketches, not finished maps",
        "member@example.com",
        "doing",
        "double",
        10,
        "",
        ["double"],
    ),
    (
        "decide",
        "Agree how we decide what makes a good map",
        "coordinator@example.com",
        "proposed",
        "triple",
        21,
        "",
        ["triple"],
    ),
    (
        "breakout",
        "Write breakout instructions on a card",
        "member@example.com",
        "proposed",
        "single",
        -4,
        "",
        ["facilitators"],
    ),
    (
        "on-time",
        "Start on time, even with half the room",
        "facilitator@example.com",
        "done",
        "single",
        -10,
        "We started on time three sessions running.",
        ["single"],
    ),
    (
        "newsletter",
        "Send a monthly newsletter",
        "ada@demo.copsite.org",
        "dropped",
        "",
        None,
        "Nobody would read it: the digest already does this.",
        [],
    ),
]


RESPONSES = [
    # (key, on reflection key, reply to response key, author email, days ago, body)
    (
        "ada-rough",
        "double",
        None,
        "ada@demo.copsite.org",
        19,
        "Yes, and… in Lagos we started bringing **deliberately ugly** maps. People argued "
        "with them within minutes — nobody wants to argue with something that looks finished.",
    ),
    (
        "mina-reply",
        "double",
        "ada-rough",
        "member@example.com",
        18,
        "That is exactly it. Could you bring one of your ugly ones next time?",
    ),
    (
        "ben-rough",
        "double",
        None,
        "ben@demo.copsite.org",
        17,
        "It makes me think of my own practice, @member: I polish because I am nervous about being "
        "wrong in front of people. A rough map says *this is a question*.",
    ),
    (
        "sam-decide",
        "triple",
        None,
        "sam@demo.copsite.org",
        11,
        "Whoever talks loudest decides, obviously. Some people here should just listen more.",
    ),
    (
        "chiara-decide",
        "triple",
        None,
        "chiara@demo.copsite.org",
        10,
        "Yes, and… in service design we give the last word to the people who live with the "
        "system. Could we try that for one session?",
    ),
    (
        "mina-decide",
        "triple",
        "chiara-decide",
        "member@example.com",
        9,
        "I'd like that. Maybe the owner of the map closes the discussion each time.",
    ),
    (
        "dev-timebox",
        "single",
        None,
        "dev@demo.copsite.org",
        16,
        "Yes, and… a visible timer on the screen helped us too: nobody had to be the bad cop.",
    ),
]
HIDDEN_REASON = (
    "Our norm is to build on each other, not to tell people to be quiet. Sam, happy to talk."
)


def _seed_conversations(people: dict, community, reflections: dict, now) -> dict[str, Response]:
    """Responses and replies on the main community's reflections, one hidden with its
    reason, and one open flag (facilitator@example.com sees it on the Flags page)."""
    responses: dict[str, Response] = {}
    for key, on, reply_to, email, days, body in RESPONSES:
        if email not in people:
            continue
        # A typed "@member" becomes a written mention of member@example.com (their email's
        # local part), recorded as the services would, without sending the demo an email.
        body = written(community, body).text
        responses[key] = Response.objects.create(
            community=community,
            reflection=reflections[on],
            parent=responses.get(reply_to) if reply_to else None,
            author=people[email],
            body=body,
            created_at=now - timedelta(days=days),
        )
        Mention.objects.bulk_create(
            Mention(
                community=community,
                person_id=pk,
                by=people[email],
                response=responses[key],
                created_at=now - timedelta(days=days),
            )
            for pk in mentioned_ids(body)
            if pk != people[email].pk
        )
    facilitator = people["facilitator@example.com"]
    hidden = responses.get("sam-decide")
    if hidden is not None:
        hidden.hidden_at = now - timedelta(days=10)
        hidden.hidden_by = facilitator
        hidden.hidden_reason = HIDDEN_REASON
        hidden.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        ModerationEntry.objects.create(
            community=community,
            act=ModerationEntry.Act.HIDDEN,
            by=facilitator,
            response=hidden,
            reason=HIDDEN_REASON,
            at=hidden.hidden_at,
        )
    flagged = responses.get("dev-timebox")
    if flagged is not None:
        note = "Probably fine — but is 'bad cop' kind to whoever keeps time?"
        Flag.objects.create(
            community=community,
            response=flagged,
            flagged_by=people["newcomer@example.com"],
            note=note,
            created_at=now - timedelta(days=1),
        )
        ModerationEntry.objects.create(
            community=community,
            act=ModerationEntry.Act.FLAGGED,
            by=people["newcomer@example.com"],
            response=flagged,
            reason=note,
            at=now - timedelta(days=1),
        )
    return responses


THEMES = [
    # (statement, reflection keys, response keys, who gave it a +1, owner if made an action)
    (
        "Rough maps start better conversations than polished ones",
        ["double", "single"],
        ["ada-rough", "ben-rough"],
        [
            "member@example.com",
            "ada@demo.copsite.org",
            "ben@demo.copsite.org",
            "chiara@demo.copsite.org",
        ],
        None,
    ),
    (
        "Decide together what makes a good map, before we start drawing",
        ["triple", "double"],
        ["chiara-decide"],
        ["member@example.com", "chiara@demo.copsite.org"],
        "ben@demo.copsite.org",
    ),
]


def _seed_themes(people: dict, community, session, reflections: dict, responses: dict) -> None:
    """Two themes gathered by the facilitator from the held session's shared reflections
    and responses, +1'd by members; the second made an action (on the next session's
    "Review our open actions"). Through the services, so the demo obeys the same rules."""
    from . import services

    facilitator = people["facilitator@example.com"]
    for statement, reflection_keys, response_keys, voters, owner in THEMES:
        theme = services.theme_create(
            community=community,
            created_by=facilitator,
            statement=statement,
            reflections=[reflections[key] for key in reflection_keys],
            responses=[responses[key] for key in response_keys if key in responses],
            session=session,
        )
        for email in voters:
            if email in people:
                services.theme_vote_toggle(theme=theme, user=people[email])
        if owner in people:
            services.theme_to_action(
                theme=theme,
                created_by=facilitator,
                owner=people[owner],
                due_date=timezone.localdate() + timedelta(days=21),
            )


def seed(people: dict) -> None:
    community = Community.objects.filter(slug=MAIN_SLUG).first()
    if community is None or Reflection.objects.filter(community=community, title=MARKER).exists():
        return
    now = timezone.now()
    session = (
        Session.objects.published()
        .filter(community=community, starts_at__lt=now)
        .order_by("-starts_at")
        .first()
    )
    outcome = Outcome.objects.filter(community=community).first()
    reflections = {}
    for key, email, level, visibility, days, title, body, answers in REFLECTIONS:
        reflections[key] = Reflection.objects.create(
            author=people[email],
            community=community,
            session=session,
            outcome=outcome if key == "double" else None,
            loop_level=level,
            visibility=visibility,
            title=title,
            body=body,
            answers=answers,
            created_at=now - timedelta(days=days),
        )
    if outcome is not None:
        # The rating given with the double-loop reflection: the reflection points to it.
        reflections["double"].confidence_rating = ConfidenceRating.objects.create(
            user=people["member@example.com"], outcome=outcome, rating=3
        )
        reflections["double"].save(update_fields=["confidence_rating"])
    responses = _seed_conversations(people, community, reflections, now)
    _seed_themes(people, community, session, reflections, responses)
    # The newcomer has read one reflection of the two their first steps suggest.
    ReflectionRead.objects.create(
        user=people["newcomer@example.com"], reflection=reflections["double"]
    )
    today = timezone.localdate()
    actions = {}
    for key, title, email, status, level, due_in, note, sources in ACTIONS:
        actions[key] = action = Action.objects.create(
            community=community,
            title=title,
            owner=people[email],
            status=status,
            loop_level=level,
            due_date=today + timedelta(days=due_in) if due_in is not None else None,
            status_note=note,
            session=session,
            created_by=people["facilitator@example.com"],
            created_at=now - timedelta(days=8),
            done_at=now - timedelta(days=3) if status == Action.Status.DONE else None,
        )
        action.reflections.set([reflections[source] for source in sources])
        if email == "member@example.com":
            # An unread notification for the member (recorded only: the demo emails nobody).
            notification_record(
                people[email],
                "action_assigned",
                key=f"action-owner:{action.pk}:{action.owner_id}",
                community=community,
                actor=action.created_by,
                text=phrase(
                    gettext_lazy("%(name)s asked you to take on an action: “%(title)s”."),
                    name=action.created_by.name,
                    title=title,
                ),
                url=action.get_absolute_url(),
                created_at=action.created_at,
            )
    Reflection.objects.create(
        author=people["facilitator@example.com"],
        community=community,
        follow_up_of=actions["on-time"],
        loop_level="single",
        visibility="community",
        title="Did it make a difference? Starting on time",
        body="Yes: latecomers now join a session already **in motion**, and nobody has "
        "complained. We got back about ten minutes each time.",
        answers={"happened": "Three sessions started on the minute."},
        created_at=now - timedelta(days=2),
    )
    _series_loop(community, people, now)
    _seed_without_name(people, community, session, now)


ANONYMOUS_TITLE = "Are our experts too sure to be questioned?"


def _seed_without_name(people: dict, community, session, now) -> None:
    """A reflection shared "with the community, without my name" (Ben's), a named
    response from the member, and a reply posted without its author's name (Chiara's)."""
    author = people.get("ben@demo.copsite.org")
    if author is None:
        return
    reflection = Reflection.objects.create(
        author=author,
        community=community,
        session=session,
        loop_level="triple",
        visibility="community",
        anonymous=True,
        title=ANONYMOUS_TITLE,
        body="When the people who know the most speak first, the rest of us agree and stop "
        "thinking. I don't want to say this with my name on it, but I think we defer too "
        "much: could the newest voices open the next discussion?",
        answers={"rethink": "Who speaks first, and so who decides, without anyone choosing."},
        created_at=now - timedelta(days=4),
    )
    response = Response.objects.create(
        community=community,
        reflection=reflection,
        author=people["member@example.com"],
        body="Yes, and… I notice it too. A round where everyone speaks once might help.",
        created_at=now - timedelta(days=3),
    )
    if "chiara@demo.copsite.org" in people:
        Response.objects.create(
            community=community,
            reflection=reflection,
            parent=response,
            author=people["chiara@demo.copsite.org"],
            anonymous=True,
            body="I have stayed quiet for that reason more than once.",
            created_at=now - timedelta(days=2),
        )


def _series_loop(community, people, now) -> None:
    """The lunchtime series (sessions/demo.py): a reflection on its latest held session
    and the action it led to, which the series' next session opens by reviewing."""
    held = (
        Session.objects.filter(community=community, series__isnull=False)
        .held()
        .filter(starts_at__lt=now)
        .order_by("-starts_at")
        .first()
    )
    if held is None:
        return
    reflection = Reflection.objects.create(
        author=people["member@example.com"],
        community=community,
        session=held,
        loop_level="single",
        visibility="community",
        title="Swapping maps with a stranger",
        body="Explaining my map to someone outside my team showed me the **jargon** in it.",
        answers={"keep_adjust": "Keep the swap; add a minute to rewrite one label."},
        created_at=held.starts_at + timedelta(hours=3),
    )
    action = Action.objects.create(
        community=community,
        title="Rewrite one jargon label before each swap",
        owner=people["member@example.com"],
        status=Action.Status.PROPOSED,
        loop_level="single",
        session=held,
        created_by=people["facilitator@example.com"],
        created_at=held.starts_at + timedelta(hours=4),
    )
    action.reflections.set([reflection])
