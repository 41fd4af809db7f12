"""Check in, don't demote: quiet members are "worth a hello" (once per quiet spell), and
a step back is suggested only after a long absence, one at a time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import EmailDelivery
from communities import services
from communities.models import CheckIn, Membership, MoveSuggestion
from tests.factories import (
    AttendanceFactory,
    MembershipFactory,
    MoveSuggestionFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - timedelta(days=400)


def quiet_member(community, level="peripheral", **fields):
    return MembershipFactory(community=community, level=level, joined_at=LONG_AGO, **fields)


def attended(membership, days_ago):
    session = SessionFactory(
        community=membership.community,
        starts_at=timezone.now() - timedelta(days=days_ago),
        status="completed",
    )
    AttendanceFactory(session=session, user=membership.user)


def refresh(community):
    return services.move_suggestions_refresh(community=community)


def hello(client, community, membership, **extra):
    return client.post(f"/c/{community.slug}/journeys/hello/{membership.pk}/", **extra)


def test_a_quiet_spell_starts_for_members_not_seen_over_the_window_past_the_grace_rules(
    riverside, bob
):
    quiet = quiet_member(riverside)
    seen = quiet_member(riverside)
    attended(seen, 10)
    newcomer = MembershipFactory(community=riverside, joined_at=timezone.now())
    gone = quiet_member(riverside, status="left")

    refresh(riverside)

    since = {m.pk: m.quiet_since for m in Membership.objects.filter(community=riverside)}
    assert since[quiet.pk] is not None
    assert since[seen.pk] is since[newcomer.pk] is since[gone.pk] is None
    # The facilitator (bob) is staff: never "worth a hello".
    assert Membership.objects.get(user=bob, community=riverside).quiet_since is None


def test_the_journeys_page_shows_quiet_members_worth_a_hello(client_as, riverside, bob):
    quiet = quiet_member(riverside)
    refresh(riverside)

    page = client_as("bob").get("/c/riverside/journeys/").content.decode()

    assert "Worth a hello" in page
    assert quiet.user.name in page
    assert f"/c/riverside/journeys/hello/{quiet.pk}/" in page


def test_a_hello_is_sent_once_per_quiet_spell_even_when_submitted_twice(
    client_as, riverside, bob, django_capture_on_commit_callbacks
):
    quiet = quiet_member(riverside)
    SessionFactory(community=riverside, title="Spring gathering")
    refresh(riverside)
    client = client_as("bob")

    with django_capture_on_commit_callbacks(execute=True):
        first = hello(client, riverside, quiet)
    with django_capture_on_commit_callbacks(execute=True):
        second = hello(client, riverside, quiet)
    with django_capture_on_commit_callbacks(execute=True):
        third = hello(client, riverside, quiet, headers={"HX-Request": "true"})

    assert first.status_code == second.status_code == 302
    assert third.status_code == 200
    assert CheckIn.objects.filter(membership=quiet).count() == 1
    assert EmailDelivery.objects.filter(kind="communities:checkin").count() == 1
    [message] = mail.outbox
    assert message.to == [quiet.user.email]
    assert message.subject == "We've missed you — here's what's coming up in Riverside"
    assert "Spring gathering" in message.body
    assert "We've missed you!" in message.body
    assert message.extra_headers["Reply-To"] == bob.email
    assert "Hello sent on" in third.content.decode()


def test_a_new_quiet_spell_after_coming_back_allows_a_new_hello_and_counts_the_return(
    riverside, bob, django_capture_on_commit_callbacks
):
    quiet = quiet_member(riverside)
    refresh(riverside)
    quiet.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        checkin, created = services.checkin_send(membership=quiet, by=bob)
    assert created

    attended(quiet, 1)  # came back
    refresh(riverside)
    checkin.refresh_from_db()
    quiet.refresh_from_db()
    assert checkin.came_back_at is not None
    assert quiet.quiet_since is None
    with pytest.raises(services.CommunityError, match="around lately"):
        services.checkin_send(membership=quiet, by=bob)

    # Quiet again: the attendance falls out of the window (a new spell, a new hello).
    quiet.user.attendances.update(session=SessionFactory(
        community=riverside, starts_at=timezone.now() - timedelta(days=120), status="completed"
    ))  # fmt: skip
    refresh(riverside)
    quiet.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        again, created = services.checkin_send(membership=quiet, by=bob)
    assert created and again.pk != checkin.pk
    assert len(mail.outbox) == 2


def test_a_hello_to_someone_who_left_is_refused_plainly(client_as, riverside, bob):
    quiet = quiet_member(riverside)
    refresh(riverside)
    Membership.objects.filter(pk=quiet.pk).update(status="left")

    response = hello(client_as("bob"), riverside, quiet, follow=True)
    htmx = hello(client_as("bob"), riverside, quiet, headers={"HX-Request": "true"})

    assert response.status_code == htmx.status_code == 200
    assert "no longer a member here, so no hello was sent" in response.content.decode()
    assert "no longer a member here" in htmx.content.decode()
    assert not CheckIn.objects.exists()
    assert not EmailDelivery.objects.exists()


def test_a_hello_from_elsewhere_or_from_a_member_is_a_404(client_as, riverside, hillside, bob):
    quiet = quiet_member(riverside)
    elsewhere = quiet_member(hillside)
    refresh(riverside)

    assert hello(client_as("bob"), riverside, elsewhere).status_code == 404
    assert hello(client_as("alice"), riverside, quiet).status_code == 404
    assert hello(client_as("dave"), riverside, quiet).status_code == 404
    assert not CheckIn.objects.exists()


def test_a_muted_member_is_offered_no_hello(riverside, bob):
    quiet = quiet_member(riverside, muted=True)
    refresh(riverside)
    quiet.refresh_from_db()

    with pytest.raises(services.CommunityError, match="muted"):
        services.checkin_send(membership=quiet, by=bob)


def test_a_step_back_is_suggested_only_after_a_long_absence(riverside, bob):
    recent = quiet_member(riverside, level="active")
    attended(recent, 120)  # quiet over the 90-day window, seen within 180 days
    gone_long = quiet_member(riverside, level="active")
    attended(gone_long, 200)

    created = refresh(riverside)

    assert [(s.membership_id, s.to_level) for s in created] == [(gone_long.pk, "peripheral")]
    assert "nothing recorded in the last 180 days" in created[0].evidence
    # Both are worth a hello.
    assert Membership.objects.filter(quiet_since__isnull=False).count() == 2


def test_the_long_absence_is_a_coordinator_setting(riverside, bob):
    riverside.long_absence_days = 100
    riverside.save()
    recent = quiet_member(riverside, level="active")
    attended(recent, 120)

    assert [s.membership_id for s in refresh(riverside)] == [recent.pk]


def test_steps_back_are_never_proposed_in_bulk(client_as, riverside, bob):
    fifteen = [quiet_member(riverside, level="active") for _ in range(15)]
    grows = quiet_member(riverside)
    for n in range(3):
        attended(grows, n + 1)

    created = refresh(riverside)
    again = refresh(riverside)

    outward = [s for s in created if not s.is_inward]
    assert len(outward) == 1 and again == []
    assert [s.membership_id for s in created if s.is_inward] == [grows.pk]
    page = client_as("bob").get("/c/riverside/journeys/")
    shown = page.context["suggestions"]
    assert len([s for s in shown if not s.is_inward]) == 1
    assert page.content.decode().count("a gentle step back") == 1
    assert len(page.context["quiet"]) == 15

    # Answering it brings the next one, never a list.
    services.suggestion_dismiss(suggestion=outward[0], by=bob)
    nxt = refresh(riverside)
    assert len(nxt) == 1 and nxt[0].membership_id != outward[0].membership_id
    assert {s.membership_id for s in MoveSuggestion.objects.all()} <= {m.pk for m in fifteen} | {
        grows.pk
    }


def test_old_open_steps_back_are_shown_one_at_a_time_and_settled_by_a_refresh(
    client_as, riverside, bob
):
    for _ in range(15):
        MoveSuggestionFactory(
            membership=quiet_member(riverside, level="active"),
            from_level="active",
            to_level="peripheral",
        )

    page = client_as("bob").get("/c/riverside/journeys/")
    refresh(riverside)

    assert len(page.context["suggestions"]) == 1
    assert MoveSuggestion.objects.filter(status="open").count() == 1


def test_the_hello_words_and_the_long_absence_are_community_settings(client_as, riverside, carol):
    from tests.communities.test_looks import settings_data

    data = settings_data(riverside, long_absence_days=365, checkin_message="Hi! Come back soon.")
    response = client_as("carol").post("/c/riverside/settings/", data)
    riverside.refresh_from_db()
    assert response.status_code == 302
    assert (riverside.long_absence_days, riverside.checkin_message) == (
        365,
        "Hi! Come back soon.",
    )

    bad = client_as("carol").post(
        "/c/riverside/settings/", settings_data(riverside, long_absence_days=5)
    )
    assert bad.status_code == 200
    assert "long_absence_days" in bad.context["form"].errors
