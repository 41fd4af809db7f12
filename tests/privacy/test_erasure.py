"""Deleting an account (privacy.erasure): nothing of the person's address, name or
private words is left in any table; what they chose to keep reads "a former member"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.db import models
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.mail import email_enqueue
from accounts.models import (
    EmailDelivery,
    EmailSuppression,
    Notification,
    User,
    normalized_address,
)
from communities.models import Membership
from privacy.erasure import FORMER_MEMBER, KEEPABLE_KEYS, ErasureRefused, erase_person
from reflections.models import Mention, Reflection, ReflectionDraft, Response
from reviews.models import PeerReview, SharedWork
from sessions.models import RSVP, Attendance, PulseAnswer
from tests.factories import (
    ActionFactory,
    AttendanceFactory,
    ConfidenceRatingFactory,
    ImpactStoryFactory,
    InvitationFactory,
    JourneyStepFactory,
    MembershipFactory,
    OutcomeFactory,
    PeerReviewFactory,
    ReflectionFactory,
    ReviewRoundFactory,
    RSVPFactory,
    SessionFactory,
    SharedWorkFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NAME = "Zephyrine Quillfeather"
EMAIL = "zq.leaver@example.org"
HANDLE = "zq.leaver"
PRIVATE = ["ZQ-PRIVATE-REFL", "ZQ-FACILITATORS-REFL", "ZQ-DRAFT", "ZQ-RATING", "ZQ-PULSE"]
PRIVATE += ["ZQ-INTRO", "ZQ-JOURNEY", "ZQ-ANSWER", "ZQ-MFA-SECRET"]
SHARED = ["ZQ-SHARED-REFL", "ZQ-RESPONSE", "ZQ-WORK", "ZQ-ACTION", "ZQ-STORY"]


def found_anywhere(needles: list[str]) -> dict[str, list[str]]:
    """Every table's text, char and JSON columns searched for each needle (any case)."""
    found: dict[str, list[str]] = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, (models.CharField, models.TextField, models.JSONField)):
                continue
            rows = model._default_manager.annotate(_t=Cast(field.attname, models.TextField()))
            for needle in needles:
                if rows.filter(_t__icontains=needle).exists():
                    found.setdefault(needle, []).append(f"{model._meta.label}.{field.name}")
    return found


@pytest.fixture
def leaver(cast):
    """Someone with something of every kind, in Riverside beside bob and carol."""
    community = cast.riverside
    bob = cast.bob
    person = UserFactory(email=EMAIL, display_name=NAME)
    membership = MembershipFactory(community=community, user=person, introduction="ZQ-INTRO")
    JourneyStepFactory(membership=membership, note="ZQ-JOURNEY notes", evidence="ZQ-JOURNEY")
    ReflectionFactory(
        author=person,
        community=community,
        body="ZQ-PRIVATE-REFL",
        visibility=Reflection.Visibility.PRIVATE,
        answers={"q": "ZQ-ANSWER"},
    )
    ReflectionFactory(
        author=person,
        community=community,
        body="ZQ-FACILITATORS-REFL",
        visibility=Reflection.Visibility.FACILITATORS,
    )
    ReflectionFactory(
        author=person, community=community, title="ZQ-SHARED-REFL", body="ZQ-SHARED-REFL body"
    )
    ReflectionDraft.objects.create(
        key=f"{person.pk}:{community.pk}:new",
        author=person,
        community=community,
        data={"body": "ZQ-DRAFT"},
    )
    outcome = OutcomeFactory(community=community)
    ConfidenceRatingFactory(user=person, outcome=outcome, note="ZQ-RATING")
    theirs = ReflectionFactory(author=bob, community=community, body="Bob's thoughts")
    Response.objects.create(
        community=community, reflection=theirs, author=person, body="ZQ-RESPONSE, yes and"
    )
    bobs = Response.objects.create(
        community=community,
        reflection=theirs,
        author=bob,
        body=f"Thanks @[{NAME}]({person.pk}) and @{HANDLE}!",
    )
    Mention.objects.create(community=community, person=person, by=bob, response=bobs)
    held = SessionFactory(
        community=community, status="completed", starts_at=timezone.now() - timedelta(days=3)
    )
    AttendanceFactory(session=held, user=person)
    PulseAnswer.objects.create(
        session=held,
        face=3,
        better="ZQ-PULSE",
        respondent=PulseAnswer.respondent_for(held.pk, person.pk),
    )
    RSVPFactory(session=SessionFactory(community=community), user=person)
    work = SharedWorkFactory(session=held, author=person, title="ZQ-WORK")
    PeerReviewFactory(
        work=work,
        round=ReviewRoundFactory(session=held),
        reviewer=bob,
        status=PeerReview.Status.SUBMITTED,
    )
    bobs_work = SharedWorkFactory(session=held, author=bob, title="Bob's map")
    PeerReviewFactory(
        work=bobs_work,
        round=ReviewRoundFactory(session=held),
        reviewer=person,
        status=PeerReview.Status.SUBMITTED,
        answers=[{"works": "ZQ-REVIEW-GIVEN"}],
    )
    ActionFactory(community=community, owner=person, description="ZQ-ACTION")
    ImpactStoryFactory(community=community, author=person, what_happened="ZQ-STORY")
    InvitationFactory(community=community, email=EMAIL, message=f"Welcome {NAME}")
    Notification.objects.create(recipient=person, key="n1", kind="k", text="For you", url="/")
    Notification.objects.create(
        recipient=bob, actor=person, key="n2", kind="k", text=f"{NAME} replied", url="/"
    )
    email_enqueue(
        key="sent-1",
        kind="k",
        to_email=EMAIL,
        recipient=person,
        subject=f"Hello {NAME}",
        body_text=f"Dear {NAME}",
    )
    EmailDelivery.objects.filter(key="sent-1").update(status=EmailDelivery.Status.SENT)
    email_enqueue(
        key="queued-1",
        kind="k",
        to_email=EMAIL,
        recipient=person,
        subject="Soon",
        body_text="Reminder",
        headers={"To": EMAIL},
    )
    email_enqueue(
        key="to-bob",
        kind="k",
        to_email=bob.email,
        recipient=bob,
        subject="A reply",
        body_text=f"{NAME} replied to you.",
        body_html=f"<p>{NAME} replied to you.</p>",
    )
    SocialAccount.objects.create(
        user=person,
        provider="openid_connect",
        uid="zq-uid",
        extra_data={"email": EMAIL, "name": NAME},
    )
    Authenticator.objects.create(
        user=person, type=Authenticator.Type.TOTP, data={"secret": "ZQ-MFA-SECRET"}
    )
    return person


def test_erase_person_leaves_no_address_name_or_private_text(leaver, cast):
    needles = [EMAIL, NAME, HANDLE, *PRIVATE, *SHARED]
    assert set(found_anywhere(needles)) == set(needles)  # the fixture really holds them

    erase_person(leaver, keep=set())

    assert found_anywhere(needles) == {}


def test_erase_person_keeps_chosen_shared_words_under_a_former_member(leaver, cast):
    erase_person(leaver, keep=set(KEEPABLE_KEYS))

    assert found_anywhere([EMAIL, NAME, HANDLE, *PRIVATE]) == {}
    assert set(found_anywhere(SHARED)) == set(SHARED)
    shared = Reflection.objects.get(title="ZQ-SHARED-REFL")
    assert shared.author.name == FORMER_MEMBER
    assert SharedWork.objects.get(title="ZQ-WORK").author.name == FORMER_MEMBER


def test_erase_person_keeps_reviews_given_anonymised(leaver, cast):
    erase_person(leaver, keep=set())

    review = PeerReview.objects.get(work__title="Bob's map")
    assert review.answers == [{"works": "ZQ-REVIEW-GIVEN"}]
    assert review.reviewer.name == FORMER_MEMBER


def test_erase_person_stops_email_and_keeps_keys(leaver, cast):
    erase_person(leaver, keep=set())

    mine = EmailDelivery.objects.filter(key__in=["sent-1", "queued-1"]).order_by("key")
    assert [(d.key, d.status, d.body_text) for d in mine] == [
        ("queued-1", EmailDelivery.Status.GAVE_UP, ""),
        ("sent-1", EmailDelivery.Status.SENT, ""),
    ]
    assert all(d.to_email.endswith("@erased.invalid") for d in mine)
    # A scheduler asking for the same key again finds it: nothing is sent twice.
    _, created = email_enqueue(
        key="sent-1", kind="k", to_email="x@example.org", subject="s", body_text="b"
    )
    assert created is False
    to_bob = EmailDelivery.objects.get(key="to-bob")
    assert to_bob.body_text == f"{FORMER_MEMBER} replied to you."


def test_erase_person_takes_their_address_off_the_suppression_list(leaver, cast):
    EmailSuppression.objects.create(address=normalized_address(EMAIL), reason="bounced")
    EmailSuppression.objects.create(address="bob@elsewhere.example", reason="bounced")

    erase_person(leaver, keep=set())

    assert list(EmailSuppression.objects.values_list("address", flat=True)) == [
        "bob@elsewhere.example"
    ]


def test_erase_person_empties_the_account_and_every_way_in(leaver, cast):
    erase_person(leaver, keep=set())

    person = User.objects.get(pk=leaver.pk)
    assert (person.is_active, person.has_usable_password(), person.name) == (
        False,
        False,
        FORMER_MEMBER,
    )
    assert person.emailaddress_set.count() == 0
    assert SocialAccount.objects.filter(user=person).count() == 0
    assert Authenticator.objects.filter(user=person).count() == 0
    assert Notification.objects.filter(recipient=person).count() == 0
    assert Notification.objects.filter(actor=person).count() == 0
    assert User.objects.get(pk=cast.bob.pk).unread_notifications == 0
    assert list(Membership.objects.filter(user=person).values_list("status", flat=True)) == [
        Membership.Status.LEFT
    ]
    assert RSVP.objects.filter(user=person).count() == 0
    assert Attendance.objects.filter(user=person).count() == 1
    assert PulseAnswer.objects.count() == 0
    bobs = Response.objects.get(author=cast.bob)
    assert bobs.body == f"Thanks @[{FORMER_MEMBER}]({person.pk}) and @{FORMER_MEMBER}!"


def test_erase_person_twice_does_nothing_the_second_time(leaver, cast):
    assert erase_person(leaver, keep=set()) is True

    assert erase_person(leaver, keep=set()) is False


def test_erase_person_refuses_the_last_coordinator(cast):
    carol = cast.carol

    with pytest.raises(ErasureRefused) as refused:
        erase_person(carol, keep=set())

    assert [c.name for c in refused.value.communities] == ["Riverside"]
    assert User.objects.get(pk=carol.pk).is_active is True


def test_erase_person_leaves_others_names_alone(leaver, cast):
    """A short name is replaced as a whole word only."""
    sam = UserFactory(display_name="Sam")
    MembershipFactory(community=cast.riverside, user=sam)
    other = ReflectionFactory(
        author=cast.bob, community=cast.riverside, body="Samples from Sam, and sam's notes."
    )

    erase_person(sam, keep=set())

    other.refresh_from_db()
    assert other.body == f"Samples from {FORMER_MEMBER}, and sam's notes."


def test_erase_person_rewrites_a_mention_written_with_an_old_name(leaver, cast):
    reply = ReflectionFactory(
        author=cast.bob, community=cast.riverside, body=f"As @[Zeph Q]({leaver.pk}) said."
    )
    Mention.objects.create(community=cast.riverside, person=leaver, by=cast.bob, reflection=reply)

    erase_person(leaver, keep=set())

    reply.refresh_from_db()
    assert reply.body == f"As @[{FORMER_MEMBER}]({leaver.pk}) said."
    assert Mention.objects.filter(person=leaver).count() == 0


def _someone_with(community, bob, n: int) -> User:
    person = UserFactory()
    MembershipFactory(community=community, user=person)
    theirs = ReflectionFactory(author=bob, community=community)
    for i in range(n):
        ReflectionFactory(
            author=person, community=community, visibility=Reflection.Visibility.PRIVATE
        )
        ReflectionFactory(author=person, community=community)
        Response.objects.create(
            community=community, reflection=theirs, author=person, body=f"yes {i}"
        )
        mentioning = Response.objects.create(
            community=community, reflection=theirs, author=bob, body=f"@[X]({person.pk}) {i}"
        )
        Mention.objects.create(community=community, person=person, by=bob, response=mentioning)
        ActionFactory(community=community, owner=person)
        ImpactStoryFactory(community=community, author=person)
        email_enqueue(
            key=f"k{person.pk}:{i}",
            kind="k",
            to_email=person.email,
            recipient=person,
            subject="s",
            body_text="b",
        )
    return person


def test_erase_person_queries_do_not_grow_with_what_they_wrote(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (1, 4):
        person = _someone_with(cast.riverside, cast.bob, n)
        with CaptureQueriesContext(connection) as queries:
            erase_person(person, keep=set())
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_after_erasure_no_scheduler_emails_the_person(cast):
    """Reminders and digests, run after the deletion, find nobody to write to."""
    from accounts.digest import digest_send_due
    from sessions.services import reminders_send_due

    person = UserFactory(digest=User.Digest.DAILY)
    MembershipFactory(community=cast.riverside, user=person)
    soon = SessionFactory(community=cast.riverside, starts_at=timezone.now() + timedelta(hours=12))
    RSVPFactory(session=soon, user=person)

    erase_person(person, keep=set())
    reminders_send_due(now=timezone.now())
    digest_send_due(now=timezone.now() + timedelta(days=1))

    assert EmailDelivery.objects.filter(recipient=person).count() == 0
