"""Every link in every email opens for the person it was sent to.

The digest once linked a review's author to the reviewer's own page, a 404 for them. Here
each kind of email the project sends is produced by its real caller (services, the digest,
allauth's views), every link is taken from its plain-text part, its HTML part and its
List-Unsubscribe header, and each is opened as that email's recipient (signed in as them
when they have an account); links that carry their own credential (unsubscribe, invitation,
email confirmation, password reset) are opened signed out as well, as a recipient reading
mail on another device would. Each must answer 2xx, or redirect to a page that does.

Every email template of the project must have been sent here at least once, so a new kind
of email cannot go unchecked.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.digest import digest_send_batch, period_for, sections_for
from accounts.models import EmailDelivery, User
from communities import services as communities
from communities.mentions import token
from communities.models import Community, JourneyStep, Membership, MoveSuggestion
from core.plugins import app_modules
from reflections import services as reflections
from reflections.models import Action, Response
from reviews import services as reviews
from reviews.models import PeerReview, ReviewRound
from sessions import services as sessions
from tests.factories import (
    AttendanceFactory,
    CommunityFactory,
    MembershipFactory,
    OutcomeFactory,
    ReflectionFactory,
    RSVPFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PASSWORD = "a-good-long-passphrase"
# Paths whose link is its own credential: they must work signed out too.
TOKEN_PATHS = ("/unsubscribe/", "/invitations/", "/accounts/confirm-email/", "/accounts/password/")
TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Rendered only by the mail tests, never sent by the site.
NOT_SENT = {"test_message"}
ALLAUTH_KINDS = {
    "account:email_confirmation_signup",
    "account:email_confirmation",
    "account:password_reset_key",
    "account:account_already_exists",
    "account:unknown_account",
}


def person(name: str, **fields) -> User:
    return UserFactory(display_name=name, email=f"{name.lower()}@example.org", **fields)


def build_world(commit) -> dict:
    """A request-to-join community (so a wrong link is a 404, not a public page) in which
    every email the site sends is sent once. `commit` runs the queued email."""
    now = timezone.now()
    community = CommunityFactory(slug="maps", name="Maps", visibility=Community.Visibility.REQUEST)

    def join(user, role="member", level="core"):
        return MembershipFactory(community=community, user=user, role=role, level=level)

    fran, cleo, ada, ben, flo = (
        person("Fran"),
        person("Cleo"),
        person("Ada"),
        person("Ben"),
        person("Flo"),
    )
    join(fran, "facilitator")
    join(cleo, "coordinator")
    join(ada)
    bens = join(ben, level="peripheral")
    flos = join(flo)
    outcome = OutcomeFactory(community=community, review_prompts=["What works?"])
    held = SessionFactory(community=community, status="completed", starts_at=now - timedelta(3))
    ahead = SessionFactory(
        community=community,
        starts_at=now + timedelta(hours=20),
        online_url="https://meet.example.org/maps",
    )
    moving = SessionFactory(community=community, starts_at=now + timedelta(days=5))
    dropping = SessionFactory(community=community, starts_at=now + timedelta(days=6))
    for user in (ada, ben):
        AttendanceFactory(session=held, user=user)
    for session, user in [(ahead, ada), (ahead, ben), (moving, ada), (moving, flo)]:
        RSVPFactory(session=session, user=user)
    RSVPFactory(session=dropping, user=ben, response="maybe")
    RSVPFactory(session=dropping, user=flo)
    # Flo answered, then left: news of those sessions is no longer theirs to get.
    communities.membership_leave(membership=flos)

    with commit():
        sessions.reminders_send_due(now=now)
        sessions.reflect_invitations_send(session=held, user_ids={ada.pk, ben.pk})
        sessions.session_update(
            session=moving,
            user=fran,
            data={"starts_at": moving.starts_at + timedelta(hours=2), "duration_minutes": 90},
            version=moving.version,
        )
        sessions.session_cancel(session=dropping, reason="The room is flooded.")
        # A weekly series Ada is going to all of, changed for every session ahead.
        weekly = SessionFactory(community=community, title="Weekly map swap")
        weekly.facilitators.add(fran)
        series = sessions.series_create(
            session=weekly, user=fran, frequency="weekly", until=None, count=3
        )
        sessions.series_rsvp_set(series=series, user=ada, response="going")
        series.refresh_from_db()
        weekly.refresh_from_db()
        sessions.series_edit(
            session=weekly,
            user=fran,
            data={
                "title": weekly.title,
                "description": weekly.description,
                "starts_at": weekly.starts_at + timedelta(hours=1),
                "duration_minutes": weekly.duration_minutes,
                "location": "Room 4",
                "online_url": weekly.online_url,
            },
            scope=sessions.FUTURE,
            version=series.version,
            session_version=weekly.version,
        )

    with commit():
        first = reviews.work_share(session=held, author=ada, title="Loops map")
        second = reviews.work_share(session=held, author=ada, title="Power map")
        round_ = reviews.review_round_open(
            session=held,
            by=fran,
            outcomes=[outcome],
            reviewers_per_work=1,
            due_on=timezone.localdate() + timedelta(days=7),
        )
    with commit():
        submitted = reviews.review_save(
            review=PeerReview.objects.get(round=round_, work=second),
            answers=[{"works": "Clear loops.", "deeper": "Name the delays."}],
            stage="developing",
            submit=True,
        )
    with commit():
        reviews.review_reply(review=submitted, body="Thank you!")
    round_.due_on = timezone.localdate() - timedelta(days=2)
    round_.save()
    with commit():
        reviews.review_nudges_send_due(now=now)
    # A round with a release step: a held review sent back for a rephrase (issue 17).
    round_.holds_reviews = True
    round_.save()
    with commit():
        held_review = reviews.review_save(
            review=PeerReview.objects.get(round=round_, work=first),
            answers=[{"works": "Obviously wrong.", "deeper": ""}],
            stage="",
            submit=True,
        )
    with commit():
        reviews.review_rephrase(review=held_review, by=fran, note="Which parts, kindly?")
    round_.holds_reviews = False  # the review shared above reaches Ada's digest as before
    round_.save()
    # Issue 17's cadence and actions: "this helped", a new due date, the half-time reminder,
    # a reassignment (Fay came too, recorded late) and the facilitators' word on who waits.
    from reviews import facilitation

    with commit():
        facilitation.review_mark_helpful(review=submitted, note="The delays, yes!")
    with commit():
        facilitation.review_round_extend(
            round_=round_,
            due_on=timezone.localdate() + timedelta(days=8),
            today=timezone.localdate(),
        )
    with commit():
        facilitation.reminders_send_due(now=timezone.now() + timedelta(days=5))
    fay = person("Fay")
    join(fay)
    AttendanceFactory(session=held, user=fay)
    with commit():
        facilitation.review_reassign(review=PeerReview.objects.get(round=round_, work=first))
    ReviewRound.objects.filter(pk=round_.pk).update(due_on=timezone.localdate() - timedelta(3))
    with commit():
        facilitation.automatic_step(now=timezone.now())

    rae, dee = person("Rae"), person("Dee")
    with commit():
        asked = communities.join_request_create(community=community, user=rae, note="Hello!")
        declined = communities.join_request_create(community=community, user=dee, note="Hi")
    with commit():
        communities.join_request_decide(membership=asked, by=fran, approve=True)
        communities.join_request_decide(membership=declined, by=fran, approve=False)
        communities.invitations_send(community=community, by=fran, emails=["newcomer@example.org"])
        # An organisation's invitation, to an address with no account yet (issue 19).
        communities.organisation_invitations_send(
            organisation=community.organisation, by=fran, emails=["org-newcomer@example.org"]
        )
        MoveSuggestion.objects.create(membership=bens, from_level="peripheral", to_level="active")
        communities.move_suggestions_notify(community=community)

    # Mentoring: Ada (happy to mentor) is paired with Ben (who'd welcome a buddy), both
    # told; Ben ends it, and Ada is told.
    Membership.objects.filter(community=community, user=ada).update(aspiration=Membership.MENTOR)
    Membership.objects.filter(pk=bens.pk).update(aspiration=Membership.BUDDY)
    with commit():
        pair = communities.pair_create(community=community, mentor=ada, newcomer=ben, by=fran)
    with commit():
        communities.pair_end(pair=pair, by=ben)

    # A hello to a quiet member (issue 18): Ben has not been seen for a while.
    Membership.objects.filter(pk=bens.pk).update(quiet_since=timezone.now() - timedelta(days=40))
    with commit():
        communities.checkin_send(membership=Membership.objects.get(pk=bens.pk), by=fran)

    # Data rights (issue 19): Ada's own export and the coordinator's export of the
    # community, each built by the worker and its link emailed once.
    from privacy.exports import export_request

    with commit():
        export_request(user=ada)
        export_request(user=cleo, community=community)

    # A notification with no email of its own, sent at once (due within 48 hours): the
    # short notification email.
    with commit():
        reflections.action_create(
            community=community,
            created_by=fran,
            data={
                "title": "Call the clinic",
                "owner": ada,
                "due_date": timezone.localdate() + timedelta(days=1),
            },
        )

    # The digest, with every section someone: content dated inside the digest's period.
    in_period = period_for(ada, now).start + timedelta(hours=1)
    bens_reflection = ReflectionFactory(community=community, author=ben, created_at=in_period)
    # Ada builds on it: Ben is told at once, and his digest's conversations carry it.
    with commit():
        response = reflections.response_create(
            author=ada,
            community=community,
            kind="reflection",
            target=bens_reflection,
            body=f"Yes, and we ring the clinic first, {token(cleo)}.",
        )
    Response.objects.filter(pk=response.pk).update(created_at=in_period)
    JourneyStep.objects.create(
        membership=bens, from_level="peripheral", to_level="active", created_at=in_period
    )
    PeerReview.objects.filter(pk=submitted.pk).update(submitted_at=in_period)
    Action.objects.create(community=community, owner=ada, title="Ring the clinic first")
    OutcomeFactory(community=community, status="proposed", proposed_by=ben)
    people = [fran, cleo, ada, ben, rae]
    with commit():
        digest_send_batch(people=people, now=now)

    allauth_emails(commit, ada)
    return {"now": now, "people": people, "first": first}


def allauth_emails(commit, ada: User) -> None:
    """allauth's email, through its own views: sign-up, another address, password reset,
    and the two that keep an address's owner informed without telling anyone else."""
    client = Client()
    signup = {"email": "signing@example.org", "password1": PASSWORD, "password2": PASSWORD}
    with commit():
        client.post(reverse("account_signup"), signup)
    with commit():
        Client().post(reverse("account_reset_password"), {"email": ada.email})
    with override_settings(ACCOUNT_PREVENT_ENUMERATION=True), commit():
        Client().post(reverse("account_signup"), {**signup, "email": ada.email})
        Client().post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    client = Client()
    client.force_login(ada)
    with commit():
        client.post(reverse("account_email"), {"action_add": "", "email": "ada.too@example.org"})


def links(message) -> set[str]:
    """Every URL in the message's text, its HTML and its List-Unsubscribe header."""
    found = set(re.findall(r"https?://[^\s<>\"']+", message.body))
    for body, mimetype in message.alternatives:
        if mimetype == "text/html":
            found |= {html.unescape(href) for href in re.findall(r'href="([^"]+)"', body)}
    header = message.extra_headers.get("List-Unsubscribe", "")
    found |= set(re.findall(r"<(https?://[^>]+)>", header))
    return {url.rstrip(".,;:)") for url in found}


def recipient_of(address: str) -> User | None:
    found = EmailAddress.objects.filter(email__iexact=address).select_related("user").first()
    return found.user if found else User.objects.filter(email__iexact=address).first()


def open_as(user: User | None, url: str):
    client = Client()
    if user is not None:
        client.force_login(user)
    path = url.removeprefix(settings.SITE_URL).partition("#")[0]
    return client.get(path, follow=True)


def broken_links(message) -> dict[str, str]:
    """Each link of `message` that fails its recipient: {url: what happened}."""
    recipient = recipient_of(message.to[0])
    broken = {}
    for url in sorted(links(message)):
        if not url.startswith(settings.SITE_URL):
            continue  # Elsewhere on the web (a session's online room): not ours to open.
        path = url.removeprefix(settings.SITE_URL)
        viewers = [recipient]
        if path.startswith(TOKEN_PATHS) and recipient is not None:
            viewers.append(None)
        for viewer in viewers:
            response = open_as(viewer, url)
            last = response.redirect_chain[-1][0] if response.redirect_chain else path
            who = viewer.email if viewer else "signed out"
            if response.status_code != 200:
                broken[f"{url} ({who})"] = f"{response.status_code} at {last}"
            elif viewer is not None and last.startswith(reverse("account_login")):
                broken[f"{url} ({who})"] = "sent to log in, though signed in"
    return broken


def project_email_names() -> set[str]:
    """copsite's own kinds; allauth's (templates/account/email/) are ALLAUTH_KINDS, and the
    ones copsite leaves switched off (codes, change notices) are rendered by
    tests/accounts/test_account_emails.py."""
    return {
        path.name.removesuffix("_subject.txt")
        for path in TEMPLATES.glob("*/email/*_subject.txt")
        if path.parent.parent.name != "account"
    } - NOT_SENT


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what is queued on commit (the email) as a real request or task would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_every_link_in_every_email_opens_for_its_recipient(commit):
    build_world(commit)

    broken = {}
    for message in mail.outbox:
        for url, problem in broken_links(message).items():
            broken[f"{message.subject} → {message.to[0]}: {url}"] = problem

    assert len(mail.outbox) > 20
    assert broken == {}


def test_every_kind_of_email_was_sent_and_the_digest_had_every_section(commit):
    world = build_world(commit)
    kinds = set(EmailDelivery.objects.values_list("kind", flat=True))
    every = {
        section.key
        for module in app_modules("digest")
        for sections in module.digest_sections(
            world["people"],
            {p.pk: period_for(p, world["now"]) for p in world["people"]},
            world["now"],
        ).values()
        for section in sections
    }
    shown = {
        section.key
        for sections in sections_for(world["people"], world["now"]).values()
        for section in sections
    }

    unsent = {name for name in project_email_names() if not any(k.endswith(name) for k in kinds)}
    assert unsent == set()
    assert ALLAUTH_KINDS - kinds == set()
    assert every - shown == set()


def test_notices_of_a_session_go_only_to_people_still_in_its_community(commit):
    """A person who answered and then left is not sent the change: its page is no longer
    theirs to open, and its calendar file would carry the online link."""
    build_world(commit)

    to_flo = [m.subject for m in mail.outbox if m.to == ["flo@example.org"]]

    assert to_flo == []
    assert Membership.objects.get(user__email="flo@example.org").status == "left"
