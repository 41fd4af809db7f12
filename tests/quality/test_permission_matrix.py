"""Every URL pattern × every role, against a declared expectation table.

The resolver is enumerated, so a new URL without an entry in EXPECT fails this test.
Arguments are filled from objects in two communities: "A" (where the roles belong) and
"B" (another community, open to nobody here but its own member). The roles are the cast's
people (tests/people.py) wherever the cast has one: see `Site`."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from accounts.unsubscribe import unsubscribe_token
from communities.invitations import opt_out_token
from communities.models import Community, Organisation, OrganisationRole
from communities.organisations import grant
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "stranger",
    "peripheral",
    "core",
    "facilitator",
    "coordinator",
    "leader",
    "leader_b",
    "org_admin",
    "other",
    "staff",
]


@dataclass
class Case:
    """How to call one URL and what each role should get (status code of a GET)."""

    kwargs: object  # callable(site) -> dict, or a dict
    expect: dict[str, int]
    query: str = ""
    skip_csrf: bool = False
    notes: str = ""
    # For POST-only URLs: what each role gets from an empty POST (each on a fresh site).
    post: dict[str, int] | None = None
    # Arguments naming another community's object under community A: 404 for everyone.
    cross: object = None


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int) -> dict[str, int]:
    return {**everyone(status), "anonymous": 302}


PUBLIC = everyone(200)
SIGNED_IN = signed_in(200)
POST_ONLY = signed_in(405)
MEMBER_RANK = {"peripheral": 0, "core": 0, "facilitator": 1, "coordinator": 2}
OUTSIDERS = ["stranger", "leader", "leader_b", "org_admin", "other", "staff"]


def inner(ok: int = 200, role: str = "member") -> dict[str, int]:
    """A page inside community A: members with at least `role` get `ok`; members without
    it, and everyone outside the community, 404 (a page someone may not use does not exist
    for them); anonymous visitors the login page."""
    need = {"member": 0, "facilitator": 1, "coordinator": 2}[role]
    expect = {"anonymous": 302, **dict.fromkeys(OUTSIDERS, 404)}
    for member, rank in MEMBER_RANK.items():
        expect[member] = ok if rank >= need else 404
    return expect


def in_a(**objects):
    """kwargs for a URL in community A naming objects from site.objects / memberships."""

    def make(site):
        kwargs = {"slug": site.a.slug}
        for key, source in objects.items():
            kind, _, name = source.partition(":")
            holder = site.memberships if kind == "membership" else site.objects
            kwargs[key] = holder[name].pk
        return kwargs

    return make


def story(site):
    """A published impact story in community A, written by its core member."""
    from impact.models import ImpactStory

    if "story" not in site.objects:
        site.objects["story"] = ImpactStory.objects.create(
            community=site.a,
            author=site.users["core"],
            title="A story",
            what_happened="We met.",
            status=ImpactStory.Status.PUBLISHED,
        )
    return site.objects["story"]


def notification(site):
    """A notification of community A's core member: theirs alone."""
    from accounts.models import Notification

    if "notification" not in site.objects:
        site.objects["notification"] = Notification.objects.create(
            recipient=site.users["core"],
            key=f"matrix:{site.users['core'].pk}",
            kind="join_decision",
            text="Hi",
            url="/",
        )
    return site.objects["notification"]


def mentoring_pair(site, suffix: str = ""):
    """A mentoring pair of community A whose newcomer is its core member (B's: dave's):
    only the two and A's facilitators may open it."""
    from communities.models import MentoringPair

    key = "pair" + suffix
    if key not in site.objects:
        community = site.b if suffix else site.a
        newcomer = site.users["other" if suffix else "core"]
        site.objects[key] = MentoringPair.objects.create(
            community=community,
            mentor=MembershipFactory(community=community).user,
            newcomer=newcomer,
        )
    return site.objects[key]


def in_pair(suffix: str = ""):
    return lambda s: {"slug": s.a.slug, "pk": mentoring_pair(s, suffix).pk}


def in_org_a(site):
    """kwargs for one organisation's page: community A's organisation."""
    return {"slug": site.a.organisation.slug}


def ready_export(site, community=None):
    """A ready export with its zip: the core member's own, or (with `community`) that
    community's, asked for by its coordinator (A's carol; B's: whoever)."""
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from privacy.models import Export

    key = f"export_{community.slug if community else 'person'}"
    if key not in site.objects:
        export = Export(
            kind="community" if community else "person",
            community=community,
            requested_by=site.users["coordinator" if community else "core"],
            status="ready",
            ready_at=timezone.now(),
            expires_at=timezone.now() + timedelta(days=7),
        )
        export.file.save("export.zip", ContentFile(b"PK"), save=False)
        export.save()
        site.objects[key] = export
    return site.objects[key]


def org_a(site):
    """kwargs for one organisation's dashboard: community A's organisation."""
    return {"org": site.a.organisation.slug}


# The pair's page: the newcomer (core) and A's facilitators; everyone else 404.
PAIR = {**inner(role="facilitator"), "core": 200}


# Organisation roles (issue 19): "leader" (erin) leads A's organisation (the default one);
# "leader_b" leads B's organisation only, and gets what a stranger gets anywhere in A (404),
# but their own portfolio; "org_admin" administers A's organisation, and sees no dashboard.
LEADERS_ONLY = {**signed_in(404), "leader": 200, "leader_b": 200}
ORG_LEADERS_ONLY = {**signed_in(404), "leader": 200}
DASHBOARD = {**inner(role="facilitator"), "leader": 200}
AUTHOR_ONLY = {**inner(404), "core": 200, "leader": 404}


EXPECT: dict[str, Case] = {
    # --- dashboard and impact stories (issue 8) ---
    "dashboard:portfolio": Case({}, LEADERS_ONLY, notes="Each leader: their organisations."),
    "dashboard:portfolio_report": Case({}, LEADERS_ONLY),
    "dashboard:org_portfolio": Case(org_a, ORG_LEADERS_ONLY, notes="A's organisation's."),
    "dashboard:org_portfolio_report": Case(org_a, ORG_LEADERS_ONLY),
    "dashboard:org_portfolio_refresh": Case(
        org_a, POST_ONLY, post={**signed_in(404), "leader": 302}
    ),
    "dashboard:community": Case(in_a(), DASHBOARD, notes="Leaders pass without membership."),
    "dashboard:community_report": Case(in_a(), DASHBOARD),
    "dashboard:community_refresh": Case(
        in_a(),
        POST_ONLY,
        post={**inner(302, "facilitator"), "leader": 302},
        notes="Recomputes the cached figures: the dashboard's own access check.",
    ),
    "dashboard:portfolio_refresh": Case(
        {}, POST_ONLY, post={**signed_in(404), "leader": 302, "leader_b": 302}
    ),
    "dashboard:story_list": Case({}, SIGNED_IN),
    "dashboard:story_new": Case(
        {},
        {**signed_in(302), "stranger": 200, "leader": 200, "staff": 200}
        | {"leader_b": 200, "org_admin": 200},
        notes="Members go straight to their only community's form; others see a chooser.",
    ),
    "dashboard:story_create": Case(in_a(), inner()),
    "dashboard:story_detail": Case(lambda s: {"pk": story(s).pk}, {**inner(), "leader": 200}),
    "dashboard:story_edit": Case(
        lambda s: {"pk": story(s).pk}, AUTHOR_ONLY, notes="Only the author (core) edits."
    ),
    "dashboard:story_publish": Case(
        lambda s: {"pk": story(s).pk}, POST_ONLY, post={**AUTHOR_ONLY, "core": 302}
    ),
    # --- an organisation's settings (issue 19): its admins only, not site staff ---
    "organisations:settings": Case(in_org_a, {**signed_in(404), "org_admin": 200}),
    "organisations:person_add": Case(
        in_org_a, POST_ONLY, post={**signed_in(404), "org_admin": 200}, notes="Field errors."
    ),
    "organisations:person_remove": Case(
        lambda s: {**in_org_a(s), "pk": s.objects["org_role"].pk},
        POST_ONLY,
        post={**signed_in(404), "org_admin": 302},
        notes="The leader's role in A's organisation; B's organisation's roles are a 404.",
    ),
    "organisations:mine": Case(
        {},
        {**signed_in(404), "leader": 200, "leader_b": 200, "org_admin": 200},
        notes="The organisations one leads or administers; nobody else has any.",
    ),
    "organisations:invitations": Case(in_org_a, {**signed_in(404), "org_admin": 200}),
    **{
        f"organisations:invitation_{action}": Case(
            lambda s: {**in_org_a(s), "pk": s.objects["org_invitation"].pk},
            POST_ONLY,
            post={**signed_in(404), "org_admin": 302},
            notes="An invitation of A's organisation; another organisation's is a 404.",
        )
        for action in ("revoke", "resend")
    },
    "organisations:community_move": Case(
        in_a(),
        {**signed_in(404), "staff": 200},
        notes="Staff, or an admin of A's organisation and another (org_admin has one only).",
    ),
    "home": Case({}, SIGNED_IN),
    "search:results": Case(
        {}, SIGNED_IN, query="?q=map", notes="Each finds only what they may see (tests/search)."
    ),
    "healthz": Case({}, PUBLIC),
    # The JavaScript catalog: the same words for everyone (static/js strings), no data.
    "javascript-catalog": Case({}, PUBLIC),
    "settings": Case({}, SIGNED_IN),
    # --- data rights (issue 19): my export, and a community's for its coordinators ---
    "privacy:export": Case({}, SIGNED_IN, post=signed_in(302), notes="Each asks for their own."),
    "privacy:export_download": Case(
        lambda s: {"pk": ready_export(s).pk},
        {**signed_in(404), "core": 200},
        notes="The core member's zip: theirs alone.",
    ),
    "privacy:community_export": Case(
        in_a(), inner(role="coordinator"), post=inner(302, "coordinator")
    ),
    "privacy:community_export_download": Case(
        lambda s: {"slug": s.a.slug, "pk": ready_export(s, s.a).pk},
        inner(role="coordinator"),
        cross=lambda s: {"slug": s.a.slug, "pk": ready_export(s, s.b).pk},
        notes="A's zip, for A's coordinators; B's under A's address is a 404.",
    ),
    # --- email that keeps arriving (issue 20): one's own address only ---
    "email_reconfirm": Case(
        {}, POST_ONLY, post=signed_in(302), notes="Nothing suppressed: back to settings."
    ),
    "email_tracking_webhook": Case(
        {"esp": "postmark"},
        everyone(404),
        skip_csrf=True,
        notes="No email service configured: no webhook (tests/accounts/test_bounces.py).",
    ),
    "digest_preview": Case({}, SIGNED_IN),
    # --- languages (issue 21): anyone may choose; a signed-in choice is their own ---
    "language": Case(
        {},
        everyone(405),
        post=everyone(302),
        notes="An empty POST changes nothing and goes back (tests/i18n/test_languages.py).",
    ),
    # --- data rights (issue 19) ---
    "privacy:privacy": Case(
        {}, PUBLIC, notes="What copsite keeps: for everyone, signed in or not."
    ),
    "privacy:delete": Case(
        {},
        everyone(302),
        post=everyone(302),
        notes="Deleting one's own account only, after re-authentication: a session without "
        "a recent sign-in is sent to confirm it's you (anonymous: to log in). The page itself "
        "is tested in tests/privacy.",
    ),
    "privacy:deleted": Case(
        {}, {**everyone(302), "anonymous": 200}, notes="The goodbye page, once signed out."
    ),
    # --- notifications (issue 16): one's own only ---
    "notifications": Case({}, SIGNED_IN),
    "notification_open": Case(
        lambda s: {"pk": notification(s).pk},
        {**signed_in(404), "core": 302},
        post={**signed_in(404), "core": 302},
        notes="A GET leads on; the list's POST also marks it read; anyone else's is a 404.",
    ),
    "notifications_read_all": Case({}, POST_ONLY, post=signed_in(302)),
    "notification_choices": Case(
        {}, POST_ONLY, post=signed_in(200), notes="An empty POST: field errors, kept."
    ),
    "digest_preview_email": Case({}, SIGNED_IN, notes="The preview's framed email: own only."),
    "community_mute": Case(
        lambda s: {"membership_id": s.memberships["peripheral"].pk},
        # GET is not allowed: muting is a POST, and only of one's own membership.
        {**signed_in(405)},
    ),
    "first_steps_dismiss": Case(
        lambda s: {"membership_id": s.memberships["peripheral"].pk},
        # Dismissing is a POST, and only of one's own membership.
        {**signed_in(405)},
        post={**signed_in(404), "peripheral": 302},
    ),
    "join_request_withdraw": Case(
        lambda s: {"membership_id": s.objects["request"].pk},
        signed_in(404),
        post=signed_in(404),
        notes="Someone else's request is a 404 to every role; one's own: tests/communities.",
    ),
    "unsubscribe": Case(
        lambda s: {"list_name": "digest", "token": unsubscribe_token(s.users["core"], "digest")},
        PUBLIC,
        skip_csrf=True,
    ),
    "admin:index": Case({}, {**everyone(302), "staff": 200}, notes="Django admin: staff only."),
    # --- communities -------------------------------------------------------------------
    "communities:directory": Case({}, SIGNED_IN),
    "communities:new": Case({}, SIGNED_IN),
    "communities:invitation": Case(
        lambda s: {"token": s.objects["invitation_token"]},
        {**everyone(403), "other": 302, "anonymous": 200},
        post={**everyone(403), "other": 302, "anonymous": 200},
        notes="The invitation is to community B, for an address nobody here has verified: "
        "its member is sent home, everyone else is told whose it is (finding 11).",
    ),
    # "Don't invite me again": the signed link is the credential, for anyone holding it.
    "communities:invitation_opt_out": Case(
        lambda s: {"token": opt_out_token("new@example.org")}, PUBLIC, skip_csrf=True
    ),
    "communities:invitation_opt_out_undo": Case(
        lambda s: {"token": opt_out_token("new@example.org")}, PUBLIC
    ),
    "communities:home": Case(in_a(), SIGNED_IN, notes="A is request-to-join: visible to all."),
    "communities:settings": Case(in_a(), inner(role="coordinator")),
    "communities:archive": Case(in_a(), POST_ONLY, post=inner(302, "coordinator")),
    "communities:join": Case(
        in_a(),
        {**everyone(200), "anonymous": 302, **dict.fromkeys(MEMBER_RANK, 302)},
        post={**everyone(200), "anonymous": 302, **dict.fromkeys(MEMBER_RANK, 302)},
    ),
    "communities:leave": Case(in_a(), inner(), post=inner(302)),
    "communities:membership": Case(in_a(), inner()),
    "communities:members": Case(in_a(), inner()),
    "communities:member_search": Case(
        in_a(), inner(), query="?for=author&name=author&q=a", notes="A picker's search."
    ),
    "communities:member_search#facilitators": Case(
        in_a(), inner(role="facilitator"), query="?for=move&name=person&q=a"
    ),
    "communities:member_role": Case(
        in_a(pk="membership:peripheral"),
        POST_ONLY,
        post=inner(302, "coordinator"),
        cross=in_a(pk="membership:other"),
    ),
    "communities:requests": Case(in_a(), inner(role="facilitator")),
    "communities:invitations": Case(in_a(), inner(role="facilitator")),
    "communities:journeys": Case(in_a(), inner(role="facilitator")),
    "communities:journey_move": Case(in_a(), POST_ONLY, post=inner(200, "facilitator")),
    "communities:checkin_send": Case(
        in_a(pk="membership:peripheral"),
        POST_ONLY,
        post=inner(302, "facilitator"),
        cross=in_a(pk="membership:other"),
        notes="A hello to someone not quiet is a message on the journeys page, not a 500.",
    ),
    "communities:journeys_refresh": Case(in_a(), POST_ONLY, post=inner(302, "facilitator")),
    # --- mentoring (issue 18) ---
    "communities:pairs": Case(
        in_a(), inner(role="facilitator"), post=inner(200, "facilitator"), notes="Field errors."
    ),
    "communities:pair": Case(in_pair(), PAIR, cross=in_pair("_b")),
    "communities:pair_end": Case(
        in_pair(), PAIR, post={**inner(302, "facilitator"), "core": 302}, cross=in_pair("_b")
    ),
    "communities:pair_note": Case(
        in_pair(),
        POST_ONLY,
        post={**inner(302, "facilitator"), "core": 302},
        cross=in_pair("_b"),
        notes="A facilitator's note is refused with a message: only the two write.",
    ),
    "communities:pair_meeting": Case(
        in_pair(),
        POST_ONLY,
        post={**inner(200, "facilitator"), "core": 200},
        cross=in_pair("_b"),
        notes="An empty POST: the date is required, kept as a field error.",
    ),
    # --- sessions ----------------------------------------------------------------------
    "sessions:list": Case(
        in_a(), inner(), notes="A is request-to-join: its sessions are inner pages."
    ),
    "sessions:detail": Case(in_a(pk="object:session"), inner(), cross=in_a(pk="object:session_b")),
    "sessions:ics": Case(in_a(pk="object:session"), inner(), cross=in_a(pk="object:session_b")),
    "sessions:new": Case(in_a(), inner(role="facilitator")),
    "sessions:settings": Case(in_a(), inner(role="coordinator")),
    "sessions:edit": Case(
        in_a(pk="object:session"), inner(role="facilitator"), cross=in_a(pk="object:session_b")
    ),
    "sessions:cancel": Case(
        in_a(pk="object:session"), inner(role="facilitator"), cross=in_a(pk="object:session_b")
    ),
    "sessions:attendance": Case(
        in_a(pk="object:session"),
        inner(302, "facilitator"),
        cross=in_a(pk="object:session_b"),
        notes="The session has not started: attendance sends facilitators back to it.",
    ),
    "sessions:publish": Case(
        in_a(pk="object:session"),
        POST_ONLY,
        post=inner(302, "facilitator"),
        cross=in_a(pk="object:session_b"),
    ),
    "sessions:rsvp": Case(
        in_a(pk="object:session"), POST_ONLY, post=inner(302), cross=in_a(pk="object:session_b")
    ),
    # --- every voice (issue 18): the pulse, rounds, co-facilitation ---
    "sessions:pulse": Case(
        in_a(pk="object:session"),
        POST_ONLY,
        post=inner(200),
        cross=in_a(pk="object:session_b"),
        notes="An empty answer is a field error on the session page; outsiders 404.",
    ),
    "sessions:round_shuffle": Case(
        in_a(pk="object:session", item_pk="object:item"),
        POST_ONLY,
        post=inner(302, "facilitator"),
        cross=in_a(pk="object:session", item_pk="object:item_b"),
        notes="An item that is not a round: a message, back to the session.",
    ),
    "sessions:agenda_round": Case(
        in_a(pk="object:session"),
        POST_ONLY,
        post=inner(302, "facilitator"),
        cross=in_a(pk="object:session_b"),
    ),
    "sessions:cofacilitate": Case(
        in_a(pk="object:session"),
        POST_ONLY,
        post=inner(404),
        cross=in_a(pk="object:session_b"),
        notes="Only someone who came to the session can be invited: no one named is a 404.",
    ),
    "sessions:cofacilitate_answer": Case(
        in_a(pk="object:session"),
        inner(404),
        cross=in_a(pk="object:session_b"),
        notes="Only the person invited answers; nobody is invited here, so 404 for all.",
    ),
    "sessions:agenda_add": Case(
        in_a(pk="object:session"),
        POST_ONLY,
        post=inner(200, "facilitator"),
        cross=in_a(pk="object:session_b"),
    ),
    "sessions:agenda_bookend": Case(
        lambda s: {**in_a(pk="object:session")(s), "kind": "reflect"},
        POST_ONLY,
        post=inner(302, "facilitator"),
        cross=lambda s: {**in_a(pk="object:session_b")(s), "kind": "reflect"},
    ),
    "sessions:agenda_edit": Case(
        in_a(pk="object:session", item_pk="object:item"),
        inner(role="facilitator"),
        cross=in_a(pk="object:session", item_pk="object:item_b"),
    ),
    **{
        f"sessions:agenda_{name}": Case(
            in_a(pk="object:session", item_pk="object:item"),
            POST_ONLY,
            post=inner(302, "facilitator"),
            cross=in_a(pk="object:session", item_pk="object:item_b"),
        )
        for name in ("remove", "move")
    },
    "sessions:template_save": Case(
        in_a(pk="object:session"), inner(role="facilitator"), cross=in_a(pk="object:session_b")
    ),
    "sessions:templates": Case(in_a(), inner(role="facilitator")),
    **{
        f"sessions:template_{name}": Case(
            in_a(tpk="object:template"),
            inner(role="facilitator"),
            cross=in_a(tpk="object:template_b"),
            notes="delete: a GET is its confirmation page; the POST deletes.",
        )
        for name in ("edit", "delete")
    },
    "sessions:repeat": Case(
        in_a(pk="object:session"), inner(role="facilitator"), cross=in_a(pk="object:session_b")
    ),
    "sessions:series_agenda": Case(
        in_a(pk="object:series_session"),
        POST_ONLY,
        post=inner(302, "facilitator"),
        cross=in_a(pk="object:series_session_b"),
    ),
    "sessions:series": Case(in_a(pk="object:series"), inner(), cross=in_a(pk="object:series_b")),
    "sessions:series_ics": Case(
        in_a(pk="object:series"), inner(), cross=in_a(pk="object:series_b")
    ),
    "sessions:series_rsvp": Case(
        in_a(pk="object:series"), POST_ONLY, post=inner(302), cross=in_a(pk="object:series_b")
    ),
    "sessions:calendar_reset": Case({}, POST_ONLY, post=signed_in(302)),
    "sessions:feed": Case(
        lambda s: {"token": s.users["core"].calendar_token},
        PUBLIC,
        notes="The secret token is the credential: calendar apps send no cookies.",
    ),
    # --- outcomes ----------------------------------------------------------------------
    "outcomes:list": Case(in_a(), inner()),
    "reviews:alignment": Case(in_a(), inner()),
    "outcomes:endorse": Case(
        in_a(pk="object:outcome"), POST_ONLY, post=inner(302), cross=in_a(pk="object:outcome_b")
    ),
    "outcomes:agree": Case(
        in_a(pk="object:outcome"), inner(role="facilitator"), cross=in_a(pk="object:outcome_b")
    ),
    "outcomes:retire": Case(
        in_a(pk="object:outcome"),
        POST_ONLY,
        post=inner(302, "facilitator"),
        cross=in_a(pk="object:outcome_b"),
    ),
    "outcomes:outcome": Case(in_a(pk="object:outcome"), inner(), cross=in_a(pk="object:outcome_b")),
    "outcomes:confidence": Case(
        in_a(pk="object:agreed"),
        POST_ONLY,
        post=inner(200),
        cross=in_a(pk="object:outcome_b"),
        notes="An empty rating of an agreed outcome is a field error, shown on the page.",
    ),
    # --- shared work and peer review (issue 5) -------------------------------------------
    # Core and peripheral attended the session; core shared two pieces of work (one with a
    # file); peripheral reviews both, and has shared the review of the second ("submitted").
    "reviews:work_new": Case(
        in_a(session_pk="object:session"),
        inner(),
        cross=in_a(session_pk="object:session_b"),
        notes="Members who did not attend get a kind explanation instead of the form.",
    ),
    "reviews:work": Case(in_a(pk="object:work"), inner(), cross=in_a(pk="object:work_b")),
    "reviews:work_file": Case(in_a(pk="object:work"), inner(), cross=in_a(pk="object:work_b")),
    "reviews:work_delete": Case(
        in_a(pk="object:work"),
        {**inner(404), "core": 200},
        cross=in_a(pk="object:work_b"),
        notes="Only the author deletes their work; others get 404.",
    ),
    "reviews:round_new": Case(
        in_a(session_pk="object:session"),
        inner(role="facilitator"),
        cross=in_a(session_pk="object:session_b"),
    ),
    "reviews:round": Case(in_a(pk="object:round"), inner(), cross=in_a(pk="object:round_b")),
    "reviews:round_close": Case(
        in_a(pk="object:round"),
        POST_ONLY,
        post=inner(302, "facilitator"),
        cross=in_a(pk="object:round_b"),
    ),
    "reviews:reviews": Case(in_a(), inner()),
    "reviews:review": Case(
        in_a(pk="object:review"),
        {**inner(404), "peripheral": 200},
        cross=in_a(pk="object:review_b"),
        notes="Only the allocated reviewer: the author and facilitators get 404 too.",
    ),
    "reviews:review#submitted": Case(
        in_a(pk="object:submitted"),
        {**inner(404), "peripheral": 200},
        notes="A shared review, read-only to its writer.",
    ),
    "reviews:review_decline": Case(
        in_a(pk="object:review"),
        POST_ONLY,
        post={**inner(404), "peripheral": 302},
        cross=in_a(pk="object:review_b"),
    ),
    "reviews:review_reply": Case(
        in_a(pk="object:submitted"),
        POST_ONLY,
        post={**inner(404), "core": 200},
        cross=in_a(pk="object:review_b"),
        notes="Only the work's author replies; an empty reply is a field error on the page.",
    ),
    # --- a round that never stalls (issue 17): the facilitator's actions, "this helped" --
    "reviews:round_start": Case(
        in_a(pk="object:round"),
        POST_ONLY,
        post=inner(302, "facilitator"),
        cross=in_a(pk="object:round_b"),
        notes="An open round is not opened twice: a message, and back to the round.",
    ),
    "reviews:round_extend": Case(
        in_a(pk="object:round"),
        POST_ONLY,
        post=inner(200, "facilitator"),
        cross=in_a(pk="object:round_b"),
        notes="An empty date is a field error, shown on the page.",
    ),
    "reviews:review_reassign": Case(
        in_a(pk="object:round", review_pk="object:review"),
        inner(role="facilitator"),
        cross=in_a(pk="object:round_b", review_pk="object:review_b"),
    ),
    "reviews:review_remove": Case(
        in_a(pk="object:round", review_pk="object:review"),
        POST_ONLY,
        post=inner(302, "facilitator"),
        cross=in_a(pk="object:round_b", review_pk="object:review_b"),
        notes="Only before a round opens; after, a message says to reassign instead.",
    ),
    "reviews:review_add": Case(
        in_a(pk="object:round", work_pk="object:work"),
        inner(role="facilitator"),
        cross=in_a(pk="object:round_b", work_pk="object:work_b"),
    ),
    "reviews:review_myself": Case(
        in_a(pk="object:round", work_pk="object:work"),
        POST_ONLY,
        post=inner(302, "facilitator"),
        cross=in_a(pk="object:round_b", work_pk="object:work_b"),
    ),
    "reviews:review_helpful": Case(
        in_a(pk="object:submitted"),
        POST_ONLY,
        post={**inner(404), "core": 302},
        cross=in_a(pk="object:review_b"),
        notes="Only the work's author says a review helped.",
    ),
    # Issue 17: the release step, self-review first and calibration. The round has a
    # calibration example; a second round on the session asks for a self-review first.
    "reviews:round_release": Case(
        in_a(pk="object:round"),
        POST_ONLY,
        post=inner(302, "facilitator"),
        cross=in_a(pk="object:round_b"),
        notes="A round without a release step: a message, never a server error.",
    ),
    "reviews:review_release": Case(
        in_a(pk="object:submitted"),
        POST_ONLY,
        post=inner(302, "facilitator"),
        cross=in_a(pk="object:review_b"),
    ),
    "reviews:review_rephrase": Case(
        in_a(pk="object:submitted"),
        inner(role="facilitator"),
        cross=in_a(pk="object:review_b"),
    ),
    "reviews:round_example": Case(
        in_a(pk="object:round"),
        inner(role="facilitator"),
        cross=in_a(pk="object:round_b"),
        notes="An empty example is field errors on the page.",
    ),
    "reviews:practice": Case(
        in_a(pk="object:round"),
        {**inner(404), "peripheral": 200},
        cross=in_a(pk="object:round_b"),
        notes="Only the round's reviewers reach its example.",
    ),
    "reviews:self_review": Case(
        in_a(pk="object:work", round_pk="object:self_round"),
        {**inner(404), "core": 200},
        cross=in_a(pk="object:work_b", round_pk="object:round_b"),
        notes="Only the work's author, in a round with the self-review step.",
    ),
    # --- reflections -------------------------------------------------------------------
    "reflections:list": Case(in_a(), inner()),
    "reflections:new": Case(in_a(), inner()),
    "reflections:mine": Case({}, SIGNED_IN),
    "reflections:export_zip": Case({}, SIGNED_IN),
    "reflections:export_csv": Case({}, SIGNED_IN),
    "reflections:detail": Case(
        in_a(pk="object:reflection"), inner(), cross=in_a(pk="object:reflection_b")
    ),
    "reflections:detail#private": Case(
        in_a(pk="object:private"),
        {**inner(404), "core": 200},
        notes="A private reflection: its author (core) only; 404 to everyone else.",
    ),
    **{
        f"reflections:{name}": Case(
            in_a(pk="object:reflection"),
            {**inner(404), "core": 200},
            cross=in_a(pk="object:reflection_b"),
            notes="Only the author edits or deletes; others get 404, never a hint.",
        )
        for name in ("edit", "delete")
    },
    **{
        f"reflections:{name}": Case(in_a(), POST_ONLY, post=inner(ok))
        for name, ok in (("preview", 200), ("prompts", 200), ("draft", 302), ("draft_discard", 302))
    },
    # --- responses and moderation (issue 16) ---
    "reflections:respond": Case(
        lambda s: {"slug": s.a.slug, "kind": "reflection", "pk": s.objects["reflection"].pk},
        inner(),
        cross=lambda s: {
            "slug": s.a.slug,
            "kind": "reflection",
            "pk": s.objects["reflection_b"].pk,
        },
        notes="Members who see what they answer; anything else is a 404 that keeps the text.",
    ),
    **{
        f"reflections:{name}": Case(
            in_a(pk="object:response"),
            {**inner(404), "core": 200},
            cross=in_a(pk="object:response_b"),
            notes="Only the author edits or deletes a response.",
        )
        for name in ("response_edit", "response_delete")
    },
    "reflections:hide": Case(
        lambda s: {"slug": s.a.slug, "kind": "response", "pk": s.objects["response"].pk},
        inner(role="facilitator"),
        cross=lambda s: {"slug": s.a.slug, "kind": "response", "pk": s.objects["response_b"].pk},
    ),
    "reflections:flag": Case(
        lambda s: {"slug": s.a.slug, "kind": "response", "pk": s.objects["response"].pk},
        inner(),
        cross=lambda s: {"slug": s.a.slug, "kind": "response", "pk": s.objects["response_b"].pk},
    ),
    "reflections:flags": Case(in_a(), inner(role="facilitator")),
    "reflections:flag_resolve": Case(
        in_a(pk="object:flag"),
        POST_ONLY,
        post=inner(302, "facilitator"),
        cross=in_a(pk="object:flag_b"),
    ),
    "reflections:facilitation": Case(
        in_a(pk="object:session"),
        inner(404),
        cross=in_a(pk="object:session_b"),
        notes="Only the session's own facilitators (nobody in the matrix facilitates it).",
    ),
    # --- themes (issue 16) ---
    "reflections:themes": Case(in_a(), inner()),
    "reflections:theme_new": Case(in_a(), inner(role="facilitator")),
    "reflections:theme_vote": Case(
        in_a(pk="object:theme"), POST_ONLY, post=inner(302), cross=in_a(pk="object:theme_b")
    ),
    "reflections:theme_action": Case(
        in_a(pk="object:theme"), inner(role="facilitator"), cross=in_a(pk="object:theme_b")
    ),
    "reflections:theme_edit": Case(
        in_a(pk="object:theme"), inner(role="facilitator"), cross=in_a(pk="object:theme_b")
    ),
    "reflections:theme_delete": Case(
        in_a(pk="object:theme"),
        inner(role="facilitator"),
        cross=in_a(pk="object:theme_b"),
        notes="A GET asks to confirm; only the POST deletes.",
    ),
    "reflections:actions": Case(in_a(), inner()),
    "reflections:action_new": Case(in_a(), inner()),
    "reflections:action": Case(in_a(pk="object:action"), inner(), cross=in_a(pk="object:action_b")),
    "reflections:action_edit": Case(
        in_a(pk="object:action"),
        {**inner(404), "core": 200, "facilitator": 200, "coordinator": 200},
        cross=in_a(pk="object:action_b"),
    ),
    "reflections:action_status": Case(
        in_a(pk="object:action"),
        POST_ONLY,
        post={**inner(404), "core": 200, "facilitator": 200, "coordinator": 200},
        cross=in_a(pk="object:action_b"),
    ),
    **{
        f"communities:{name}": Case(
            in_a(pk=f"object:{obj}"),
            POST_ONLY,
            post=inner(302, "facilitator"),
            cross=in_a(pk=f"object:{obj}_b"),
        )
        for name, obj in [
            ("request_approve", "request"),
            ("request_decline", "request"),
            ("invitation_revoke", "invitation"),
            ("invitation_resend", "invitation"),
            ("suggestion_confirm", "suggestion"),
            ("suggestion_dismiss", "suggestion"),
        ]
    },
}


class Site:
    """Community A is the cast's Riverside (made request-to-join here), B is Hillside (made
    invite-only). The roles that are the cast's people: "peripheral" is alice (a plain
    member), "facilitator" bob, "coordinator" carol, "other" dave (Hillside's member),
    "leader" erin and "stranger" frank. The matrix also needs a core-level member of A
    ("core", the author of its work, reflections and story) and a site admin ("staff"):
    those two are built with the factories."""

    def __init__(self, cast):
        self.a = cast.riverside
        self.a.visibility = Community.Visibility.REQUEST
        self.a.save(update_fields=["visibility"])
        self.b = cast.hillside
        self.b.visibility = Community.Visibility.INVITE
        # B belongs to another organisation, led by "leader_b"; erin leads A's (the default).
        self.b.organisation = Organisation.objects.create(name="Elsewhere", slug="elsewhere")
        self.b.save(update_fields=["visibility", "organisation"])
        org_admin = UserFactory()
        grant(self.a.organisation, org_admin, OrganisationRole.Role.ADMIN)
        self.users = {
            "stranger": cast.frank,
            "leader": cast.erin,
            "leader_b": UserFactory(leads=[self.b.organisation]),
            "org_admin": org_admin,
            "staff": UserFactory(is_staff=True, is_superuser=True),
        }
        self.memberships = {}
        for role, person, level in [
            ("peripheral", cast.alice, "peripheral"),
            ("facilitator", cast.bob, "core"),
            ("coordinator", cast.carol, "core"),
        ]:
            membership = person.memberships.get(community=self.a)
            membership.level = level
            membership.save(update_fields=["level"])
            self.memberships[role] = membership
            self.users[role] = person
        self.memberships["core"] = MembershipFactory(community=self.a, level="core")
        self.users["core"] = self.memberships["core"].user
        self.memberships["other"] = cast.dave.memberships.get(community=self.b)
        self.users["other"] = cast.dave
        self.objects = {
            "org_role": OrganisationRole.objects.get(
                organisation=self.a.organisation, user=cast.erin, role="leader"
            )
        }
        self.add_communities()

    def add_communities(self):
        from datetime import timedelta

        from django.utils import timezone

        from communities.invitations import invitation_token
        from communities.models import Invitation, MoveSuggestion

        self.objects["request"] = MembershipFactory(community=self.a, status="requested")
        self.objects["request_b"] = MembershipFactory(community=self.b, status="requested")
        expires = timezone.now() + timedelta(days=7)
        self.objects["invitation"] = Invitation.objects.create(
            community=self.a, email="new@example.org", expires_at=expires
        )
        self.objects["invitation_b"] = Invitation.objects.create(
            community=self.b, email="new@example.org", expires_at=expires
        )
        self.objects["invitation_token"] = invitation_token(self.objects["invitation_b"])
        self.objects["org_invitation"] = Invitation.objects.create(
            organisation=self.a.organisation, email="new@example.org", expires_at=expires
        )
        self.objects["suggestion"] = MoveSuggestion.objects.create(
            membership=self.memberships["peripheral"], from_level="peripheral", to_level="active"
        )
        self.objects["suggestion_b"] = MoveSuggestion.objects.create(
            membership=self.memberships["other"], from_level="peripheral", to_level="active"
        )
        self.add_sessions()

    def add_sessions(self):
        from sessions.services import series_create
        from tests.factories import AgendaItemFactory, SessionFactory, TemplateItemFactory

        for suffix, community in (("", self.a), ("_b", self.b)):
            session = SessionFactory(community=community)
            self.objects["session" + suffix] = session
            self.objects["item" + suffix] = AgendaItemFactory(session=session)
            self.objects["template" + suffix] = TemplateItemFactory(
                template__community=community
            ).template
            first = SessionFactory(community=community, title="Weekly")
            series = series_create(
                session=first, user=None, frequency="weekly", until=None, count=3
            )
            self.objects["series" + suffix] = series
            self.objects["series_session" + suffix] = first
        self.add_reflections()

    def add_reflections(self):
        from reflections.models import Theme
        from tests.factories import ActionFactory, OutcomeFactory, ReflectionFactory

        core = self.users["core"]
        for suffix, community, author in (("", self.a, core), ("_b", self.b, self.users["other"])):
            self.objects["reflection" + suffix] = ReflectionFactory(
                community=community, author=author
            )
            self.objects["action" + suffix] = ActionFactory(community=community, owner=author)
            self.objects["theme" + suffix] = Theme.objects.create(
                community=community, statement="Rough maps travel further", created_by=author
            )
        for suffix, community in (("", self.a), ("_b", self.b)):
            self.objects["outcome" + suffix] = OutcomeFactory(
                community=community, status="proposed"
            )
        self.objects["private"] = ReflectionFactory(
            community=self.a, author=core, visibility="private"
        )
        self.add_peer_review()

    def add_peer_review(self):
        from datetime import timedelta

        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.utils import timezone

        from reviews import services
        from reviews.models import PeerReview, ReviewRound, SharedWork
        from tests.factories import AttendanceFactory, OutcomeFactory

        session, core = self.objects["session"], self.users["core"]
        for role in ("core", "peripheral"):
            AttendanceFactory(session=session, user=self.users[role])
        pdf = SimpleUploadedFile("map.pdf", b"%PDF-1.4 a map", content_type="application/pdf")
        self.objects["work"] = services.work_share(
            session=session, author=core, title="A map", upload=pdf
        )
        second = services.work_share(session=session, author=core, title="Another map")
        self.objects["agreed"] = OutcomeFactory(
            community=self.a, review_prompts=["What works?", "What next?"]
        )
        round_ = services.review_round_open(
            session=session,
            by=self.users["facilitator"],
            outcomes=[self.objects["agreed"]],
            reviewers_per_work=1,
            due_on=timezone.localdate() + timedelta(days=7),
        )
        self.objects["round"] = round_
        self.objects["review"] = PeerReview.objects.get(round=round_, work=self.objects["work"])
        self.objects["submitted"] = services.review_save(
            review=PeerReview.objects.get(round=round_, work=second),
            answers=[{"works": "Clear loops.", "deeper": "Name the delays."}],
            stage="developing",
            submit=True,
        )
        from reviews.models import CalibrationExample

        CalibrationExample.objects.create(
            round=round_, title="Example", description="An example map.", answers=[]
        )
        self.objects["self_round"] = self_round = ReviewRound.objects.create(
            community=self.a, session=session, due_on=round_.due_on, self_review=True
        )
        PeerReview.objects.create(
            round=self_round, work=self.objects["work"], reviewer=self.users["facilitator"]
        )
        session_b, other = self.objects["session_b"], self.users["other"]
        self.objects["work_b"] = SharedWork.objects.create(
            community=self.b, session=session_b, author=other, title="B's map"
        )
        self.objects["round_b"] = ReviewRound.objects.create(
            community=self.b, session=session_b, due_on=timezone.localdate()
        )
        self.objects["review_b"] = PeerReview.objects.create(
            round=self.objects["round_b"],
            work=self.objects["work_b"],
            reviewer=MembershipFactory(community=self.b).user,
        )
        self.add_responses()

    def add_responses(self):
        from reflections.models import Flag, Response

        for suffix, author in (("", self.users["core"]), ("_b", self.users["other"])):
            reflection = self.objects["reflection" + suffix]
            self.objects["response" + suffix] = response = Response.objects.create(
                community=reflection.community, reflection=reflection, author=author, body="Yes"
            )
            self.objects["flag" + suffix] = Flag.objects.create(
                community=reflection.community, response=response, flagged_by=author
            )


def url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}{entry.namespace}:"
            yield from url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name


def is_allauth(name: str) -> bool:
    return name.startswith(
        ("account_", "headless", "socialaccount", "mfa_", "usersessions", "openid_connect_")
    )


def is_admin_inner(name: str) -> bool:
    return name.startswith("admin:") and name != "admin:index"


def checked_names() -> list[str]:
    return sorted({n for n in url_names() if not is_allauth(n) and not is_admin_inner(n)})


def test_every_url_has_an_expectation():
    missing = [name for name in checked_names() if name not in EXPECT]

    assert missing == [], f"add these URLs to EXPECT: {missing}"


def client_for(site: Site, role: str, **kwargs) -> Client:
    client = Client(**kwargs)
    if role != "anonymous":
        client.force_login(site.users[role])
    return client


def resolve_case(site: Site, name: str) -> str:
    case = EXPECT[name]
    kwargs = case.kwargs(site) if callable(case.kwargs) else case.kwargs
    # "name#variant" keys check the same URL with other objects (e.g. a private reflection).
    return reverse(name.partition("#")[0], kwargs=kwargs) + case.query


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_declared(role, cast):
    site = Site(cast)
    client = client_for(site, role)
    wrong = {}
    for name in sorted(EXPECT):
        url = resolve_case(site, name)
        status = client.get(url).status_code
        if status != EXPECT[name].expect[role]:
            wrong[name] = (url, status, EXPECT[name].expect[role])

    assert wrong == {}


@pytest.mark.parametrize("role", ["anonymous", "core"])
def test_allauth_pages_never_fail(role, cast):
    site = Site(cast)
    client = client_for(site, role)
    failing = {}
    for name in sorted(n for n in url_names() if is_allauth(n)):
        try:
            url = reverse(name)
        except NoReverseMatch:  # Pages that need a key (confirm-email, reset): tested elsewhere.
            continue
        status = client.get(url).status_code
        if status >= 500:
            failing[name] = status

    assert failing == {}


POST_CASES = sorted(name for name, case in EXPECT.items() if case.post)
CROSS_CASES = sorted(name for name, case in EXPECT.items() if case.cross)


@contextmanager
def as_built():
    """Whatever happens inside is undone after it: a savepoint rolled back and the cache
    emptied, so each case of a loop meets the site as `Site` built it. One site per test
    instead of one per case (building it is most of a case's time)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
    cache.clear()


@pytest.mark.parametrize("role", ROLES)
def test_post_only_urls_answer_each_role_as_declared(role, cast):
    """An empty POST to every POST-only URL, each on the site as built (`as_built`) and by
    a client signed in afresh (a POST may end or rotate its session)."""
    site = Site(cast)
    wrong = {}
    for name in POST_CASES:
        url = resolve_case(site, name)
        with as_built():
            status = client_for(site, role).post(url, {}).status_code
        if status != EXPECT[name].post[role]:
            wrong[name] = (url, status, EXPECT[name].post[role])

    assert wrong == {}


def test_another_communitys_object_under_my_community_is_404(cast):
    site = Site(cast)
    wrong = {}
    for name in CROSS_CASES:
        url = reverse(name.partition("#")[0], kwargs=EXPECT[name].cross(site))
        with as_built():
            client = client_for(site, "coordinator")
            status = (client.post(url, {}) if EXPECT[name].post else client.get(url)).status_code
        if status != 404:
            wrong[name] = (url, status)

    assert wrong == {}


def test_every_post_without_a_csrf_token_is_refused(cast):
    site = Site(cast)
    client = client_for(site, "coordinator", enforce_csrf_checks=True)
    accepted = {}
    for name in sorted(EXPECT):
        if EXPECT[name].skip_csrf:
            continue
        status = client.post(resolve_case(site, name), {}).status_code
        if status != 403:
            accepted[name] = status

    assert accepted == {}


# --- Content: what a non-member may open shows nothing of the members' -------------------
#
# Status codes alone cannot catch a page that answers 200 and lists what it should not (an
# open community's session page once listed the community's open actions, with owners and
# dates, to anyone signed in). So every community of every visibility is seeded with
# member-only content, each piece carrying its own marker, and every URL of the resolver is
# opened as each kind of non-member: none of the markers may appear in any response.

VISIBILITIES = ["open", "org", "request", "invite"]
NON_MEMBERS = ["anonymous", "stranger", "leader", "other"]
# Pages whose token is someone's own credential: whoever holds it is that person.
TOKEN_PAGES = {"sessions:feed", "unsubscribe"}


def marker(visibility: str, what: str) -> str:
    return f"secret-{visibility}-{what}"


class ContentSite:
    """Three communities (open, request-to-join, invite-only), each with the content only
    its members may read (their members built with the factories, named by markers); plus
    the non-members who look in, from the cast."""

    def __init__(self, cast):
        self.markers: dict[str, list[str]] = {}
        self.views = {visibility: self.community(visibility) for visibility in VISIBILITIES}
        # The non-members are the cast's: frank (in no community), erin (a leader) and
        # dave (a member of Hillside, elsewhere).
        self.users = {"stranger": cast.frank, "leader": cast.erin, "other": cast.dave}

    def community(self, visibility: str):
        """One community as EXPECT's kwargs need it (`a`, `objects`, `memberships`, `users`).
        Facilitators' names may be shown to non-members (a session says who facilitates
        it); plain members' names may not, so only theirs are markers."""
        from datetime import timedelta
        from types import SimpleNamespace

        from django.utils import timezone

        from communities.invitations import invitation_token
        from communities.models import Invitation, JourneyStep, MoveSuggestion
        from impact.models import ImpactStory
        from outcomes.models import ConfidenceRating
        from reviews import services as reviews
        from reviews.models import PeerReview, ReviewReply, ReviewRound
        from tests.factories import (
            ActionFactory,
            AgendaItemFactory,
            AttendanceFactory,
            OutcomeFactory,
            ReflectionFactory,
            RSVPFactory,
            SessionFactory,
            TemplateItemFactory,
        )

        def mark(what: str) -> str:
            value = marker(visibility, what)
            self.markers.setdefault(visibility, []).append(value)
            return value

        community = CommunityFactory(slug=f"{visibility}-c", visibility=visibility)

        def join(name, role="member", level="core", **fields):
            return MembershipFactory(
                community=community, role=role, level=level, user__display_name=name, **fields
            )

        facilitator = join(f"Fran Facilitator {visibility}", "facilitator")
        coordinator = join(f"Cleo Coordinator {visibility}", "coordinator")
        core = join(mark("core-name"), aspiration="I'd like to facilitate")
        peripheral = join(mark("peripheral-name"), level="peripheral")
        requester = MembershipFactory(
            community=community,
            status="requested",
            user__display_name=mark("requester-name"),
            request_note=mark("request-note"),
        )
        agreed = OutcomeFactory(
            community=community, review_prompts=["What works?", "What next?"], statement="map"
        )
        proposed = OutcomeFactory(
            community=community,
            status="proposed",
            statement=mark("outcome-draft"),
            proposed_by=peripheral.user,
        )
        # A published session ahead, as non-members of an open community may see it.
        session = SessionFactory(community=community, title=f"Clinic {visibility}")
        session.facilitators.add(facilitator.user)
        item = AgendaItemFactory(session=session, kind="review_actions", title="Our actions")
        AgendaItemFactory(session=session, title="Live mapping").aligned_outcomes.add(agreed)
        RSVPFactory(session=session, user=core.user, response="going")
        RSVPFactory(session=session, user=peripheral.user, response="maybe")
        # A template in the facilitators' library: their tool, never shown to non-members.
        template = TemplateItemFactory(
            template__community=community,
            template__name=mark("template-name"),
            template__description=mark("template-description"),
            title=mark("template-item"),
        ).template
        # A theme the facilitators gathered: members' words, never shown to non-members.
        from reflections.models import Theme

        theme = Theme.objects.create(
            community=community, statement=mark("theme-statement"), created_by=facilitator.user
        )
        # A weekly series, which core is going to all of.
        from sessions.services import series_create, series_rsvp_set

        weekly = SessionFactory(community=community, title=f"Weekly {visibility}")
        weekly.facilitators.add(facilitator.user)
        series = series_create(
            session=weekly, user=facilitator.user, frequency="weekly", until=None, count=3
        )
        series_rsvp_set(series=series, user=core.user, response="going")
        # A session held last week: attendance, shared work, a review round, a reply.
        held = SessionFactory(
            community=community,
            title=f"Held {visibility}",
            status="completed",
            starts_at=timezone.now() - timedelta(days=7),
        )
        held.facilitators.add(facilitator.user)
        for person in (core, peripheral):
            AttendanceFactory(session=held, user=person.user)
        work = reviews.work_share(
            session=held,
            author=core.user,
            title=mark("work-title"),
            description=mark("work-description"),
        )
        second = reviews.work_share(session=held, author=core.user, title=mark("work-second"))
        round_ = reviews.review_round_open(
            session=held,
            by=facilitator.user,
            outcomes=[agreed],
            reviewers_per_work=1,
            due_on=timezone.localdate() + timedelta(days=7),
        )
        submitted = reviews.review_save(
            review=PeerReview.objects.get(round=round_, work=second),
            answers=[{"works": mark("review-works"), "deeper": mark("review-deeper")}],
            stage="developing",
            submit=True,
        )
        ReviewReply.objects.create(review=submitted, body=mark("review-reply"))
        # A round asking the author for a self-review first (issue 17).
        self_round = ReviewRound.objects.create(
            community=community, session=held, due_on=round_.due_on, self_review=True
        )
        PeerReview.objects.create(round=self_round, work=work, reviewer=facilitator.user)
        action = ActionFactory(
            community=community,
            owner=core.user,
            title=mark("action-title"),
            description=mark("action-description"),
            status="doing",
            status_note=mark("action-note"),
            due_date=timezone.localdate() + timedelta(days=5),
            session=held,
        )
        reflection = ReflectionFactory(
            community=community,
            author=core.user,
            session=held,
            title=mark("reflection-community-title"),
            body=mark("reflection-community-body"),
        )
        ReflectionFactory(
            community=community,
            author=peripheral.user,
            visibility="facilitators",
            title=mark("reflection-facilitators-title"),
            body=mark("reflection-facilitators-body"),
        )
        private = ReflectionFactory(
            community=community,
            author=core.user,
            visibility="private",
            title=mark("reflection-private-title"),
            body=mark("reflection-private-body"),
        )
        ConfidenceRating.objects.create(
            user=core.user, outcome=agreed, rating=3, note=mark("confidence-note")
        )
        # Responses ("Yes, and…") to a reflection, a held session and a piece of work, and a
        # flag on one: the members' conversations.
        from reflections.models import Flag, Response

        response = Response.objects.create(
            community=community,
            reflection=reflection,
            author=peripheral.user,
            body=mark("response-body"),
        )
        Response.objects.create(
            community=community, session=held, author=core.user, body=mark("session-response")
        )
        Response.objects.create(
            community=community, work=work, author=peripheral.user, body=mark("work-response")
        )
        flag = Flag.objects.create(
            community=community,
            response=response,
            flagged_by=core.user,
            note=mark("flag-note"),
        )
        JourneyStep.objects.create(
            membership=peripheral, from_level="peripheral", to_level="active", note=mark("step")
        )
        suggestion = MoveSuggestion.objects.create(
            membership=peripheral,
            from_level="peripheral",
            to_level="active",
            # Its evidence is written from the signals for each reader: no free text.
            signals={"sessions_attended": 3},
        )
        expires = timezone.now() + timedelta(days=7)
        invitation = Invitation.objects.create(
            community=community,
            email=f"{mark('invitee')}@example.org",
            expires_at=expires,
            invited_by=facilitator.user,
        )
        # The link a non-member may hold: an invitation to them, with nothing of others.
        theirs = Invitation.objects.create(
            community=community,
            email="newcomer@example.org",
            expires_at=expires,
            invited_by=facilitator.user,
        )
        ImpactStory.objects.create(
            community=community,
            author=core.user,
            title=mark("story-draft"),
            what_happened=mark("story-draft-text"),
        )
        # A published story is for leaders to read: written here by the facilitator.
        story = ImpactStory.objects.create(
            community=community,
            author=facilitator.user,
            title=f"Story {visibility}",
            what_happened="We met.",
            status=ImpactStory.Status.PUBLISHED,
        )
        return SimpleNamespace(
            a=community,
            memberships={"peripheral": peripheral},
            users={"core": core.user, "coordinator": coordinator.user},
            objects={
                "session": session,
                "series": series,
                "series_session": weekly,
                "held": held,
                "item": item,
                "template": template,
                "theme": theme,
                "outcome": proposed,
                "agreed": agreed,
                "work": work,
                "second": second,
                "round": round_,
                "self_round": self_round,
                "review": PeerReview.objects.get(round=round_, work=work),
                "submitted": submitted,
                "reflection": reflection,
                "private": private,
                "action": action,
                "response": response,
                "flag": flag,
                "request": requester,
                "invitation": invitation,
                "invitation_token": invitation_token(theirs),
                "suggestion": suggestion,
                "story": story,
                "coordinator": coordinator,
                # An organisation role to name in its settings' URLs (404 to non-members).
                "org_role": OrganisationRole.objects.get_or_create(
                    organisation=community.organisation, user=facilitator.user, role="admin"
                )[0],
                "org_invitation": Invitation.objects.create(
                    organisation=community.organisation,
                    email=f"org-newcomer-{visibility}@example.org",
                    expires_at=expires,
                ),
            },
        )


# Pages EXPECT fills with other objects, opened here with these too: the held session, the
# agreed outcome (its confidence ratings) and the reviewed work (its review and reply).
MORE_PAGES = [
    ("sessions:detail", "held"),
    ("sessions:ics", "held"),
    ("outcomes:outcome", "agreed"),
    ("reviews:work", "second"),
]


def content_urls(view) -> list[str]:
    """Every URL of EXPECT, filled from one community, and MORE_PAGES."""
    urls = []
    for name in sorted(set(EXPECT) - TOKEN_PAGES):
        try:
            urls.append(resolve_case(view, name))
        except KeyError as missing:
            pytest.fail(f"EXPECT[{name!r}] needs {missing}: add it to ContentSite.community")
    for name, key in MORE_PAGES:
        urls.append(reverse(name, kwargs={"slug": view.a.slug, "pk": view.objects[key].pk}))
    return urls


def text_of(response) -> str:
    """A page's text, or a download's bytes read as text (an export's zip streams)."""
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def leaks(client: Client, urls: list[str], markers: list[str]) -> dict[str, list[str]]:
    found = {}
    for url in urls:
        content = text_of(client.get(url))
        if shown := [value for value in markers if value in content]:
            found[url] = shown
    return found


@pytest.mark.parametrize("viewer", NON_MEMBERS)
def test_pages_a_non_member_may_open_show_no_member_only_content(viewer, cast):
    site = ContentSite(cast)
    client = Client()
    if viewer != "anonymous":
        client.force_login(site.users[viewer])
    markers = [value for values in site.markers.values() for value in values]
    found = {}
    for view in site.views.values():
        found.update(leaks(client, content_urls(view), markers))

    assert found == {}


def test_every_content_marker_is_shown_to_the_members_who_may_read_it(cast):
    """The control: each marker is real content that some page renders for the members
    entitled to it, so the test above can fail."""
    site = ContentSite(cast)
    view = site.views["open"]
    shown: set[str] = set()
    for person in (view.users["core"], view.objects["coordinator"].user):
        client = Client()
        client.force_login(person)
        for url in content_urls(view):
            content = text_of(client.get(url))
            shown |= {value for value in site.markers["open"] if value in content}

    assert sorted(set(site.markers["open"]) - shown) == []
