from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail

from communities import engagement, services
from communities.models import Membership, MoveSuggestion
from communities.tasks import refresh_all_move_suggestions
from tests.factories import (
    CommunityFactory,
    JourneyStepFactory,
    MembershipFactory,
    MoveSuggestionFactory,
)

from .helpers import only_test_signal

pytestmark = pytest.mark.django_db

NOW = datetime.fromisoformat("2026-06-01T12:00:00+00:00")
P, A, C = "peripheral", "active", "core"
LONG_AGO = NOW - timedelta(days=200)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def community(db):
    return CommunityFactory(engagement_thresholds=only_test_signal(10, 20))


def person(community, level, *, role="member", joined=LONG_AGO, status="active"):
    return MembershipFactory(
        community=community, level=level, role=role, joined_at=joined, status=status
    )


def moves_by_user(community):
    return {
        (m.user_id, m.from_level, m.to_level)
        for m in engagement.suggested_moves(community, now=NOW)
    }


def test_suggested_moves_on_a_hand_built_history(frozen, community, signal_data):
    data, calls = signal_data
    grows = person(community, P)  # 10 → reaches active
    not_yet = person(community, P)  # 9 → stays
    leaps = person(community, P)  # 25 → one step only: active
    to_core = person(community, A)  # 20 → core
    holds = person(community, A)  # 9 = 90 % of 10 → held (hysteresis)
    fades = person(community, A)  # 8 < 9, but seen: no step back (only a long absence)
    core_holds = person(community, C)  # 18 = 90 % of 20 → held
    core_fades = person(community, C)  # 17, seen → held
    just_in = person(community, A)  # 0, but moved inward 10 days ago → grace
    in_long_ago = person(community, A)  # 0, moved inward 40 days ago: seen (the step)
    person(community, A, joined=NOW - timedelta(days=5))  # 0, but just joined
    facilitator = person(community, P, role="facilitator")  # staff: left out
    gone = person(community, P, status="left")
    elsewhere = MembershipFactory(level=P, joined_at=LONG_AGO)
    counts = {
        grows: 10, not_yet: 9, leaps: 25, to_core: 20, holds: 9, fades: 8,
        core_holds: 18, core_fades: 17, facilitator: 50, gone: 50,
    }  # fmt: skip
    for membership, n in counts.items():
        data[(community.pk, membership.user_id)] = n
    data[(elsewhere.community_id, elsewhere.user_id)] = 50
    JourneyStepFactory(membership=just_in, created_at=NOW - timedelta(days=10))
    JourneyStepFactory(membership=in_long_ago, created_at=NOW - timedelta(days=40))

    moves = moves_by_user(community)

    assert moves == {
        (grows.user_id, P, A),
        (leaps.user_id, P, A),
        (to_core.user_id, A, C),
    }
    assert calls == [NOW - timedelta(days=90)]


def test_suggested_moves_evidence_names_the_signals_and_window(frozen, community, signal_data):
    data, _ = signal_data
    grows = person(community, P)
    data[(community.pk, grows.user_id)] = 12

    [move] = engagement.suggested_moves(community, now=NOW)

    assert move.evidence == "test sessions: 12 (last 90 days)"
    assert move.signals == {"test_attended": 12}
    assert move.is_inward is True


def test_suggested_moves_any_signal_is_enough_and_zero_threshold_is_ignored(frozen, signal_data):
    data, _ = signal_data
    thresholds = only_test_signal(0, 0)
    thresholds["active"]["test_steps"] = 1
    community = CommunityFactory(engagement_thresholds=thresholds)
    stepper = person(community, P)
    attender = person(community, P)
    data[(community.pk, attender.user_id)] = 100
    JourneyStepFactory(
        membership=stepper, from_level=A, to_level=P, created_at=NOW - timedelta(days=3)
    )

    assert moves_by_user(community) == {(stepper.user_id, P, A)}


def test_suggested_moves_missing_sources_count_zero_with_default_thresholds(frozen):
    community = CommunityFactory()
    saved = dict(engagement._SOURCES)
    engagement._SOURCES.clear()
    try:
        fading = person(community, C)
        person(community, P)
        moves = moves_by_user(community)
    finally:
        engagement._SOURCES.update(saved)

    assert moves == {(fading.user_id, C, A)}


def test_thresholds_for_merges_overrides_on_defaults(community):
    community.engagement_thresholds = {"active": {"reviews_given": 7, "bogus": "x"}}

    thresholds = engagement.thresholds_for(community)

    assert thresholds["active"]["reviews_given"] == 7
    assert thresholds["active"]["sessions_attended"] == 3
    assert thresholds["core"]["sessions_attended"] == 6
    assert "bogus" not in thresholds["active"]


def test_a_registered_signal_brings_its_own_wording_thresholds_and_place(community):
    """communities names no other app's signal: each app registers its wording, its
    default thresholds and its place in the list, and the journeys use them."""
    saved = dict(engagement._SOURCES)

    @engagement.register_signal(
        "mentoring_given",
        "mentoring conversations",
        active=2,
        core=4,
        invitation=("mentoring someone", "mentoring {n} times"),
        order=15,
    )
    def mentoring(community, since):
        return {}

    try:
        names = engagement.signal_names()
        thresholds = engagement.thresholds_for(community)
        invitations = engagement.invitations_toward(community, "active")
        label = engagement.signal_label("mentoring_given")
    finally:
        engagement._SOURCES.clear()
        engagement._SOURCES.update(saved)

    assert names[:3] == ["sessions_attended", "mentoring_given", "sessions_facilitated"]
    assert (thresholds["active"]["mentoring_given"], thresholds["core"]["mentoring_given"]) == (
        2,
        4,
    )
    assert "mentoring 2 times" in invitations
    assert label == "mentoring conversations"
    assert "mentoring_given" not in engagement.signal_names()


def test_suggested_moves_for_2000_members_cost_a_fixed_number_of_queries(
    frozen, community, signal_data, django_assert_num_queries
):
    data, _ = signal_data
    # One query for each signal source, and one more; the same for 1 and 2000 members.
    queries = 1 + len(engagement.signal_sources())
    one = person(community, P)
    data[(community.pk, one.user_id)] = 10
    with django_assert_num_queries(queries):
        assert len(engagement.suggested_moves(community, now=NOW)) == 1

    many = MembershipFactory.create_batch(1999, community=community, level=P, joined_at=LONG_AGO)
    for membership in many:
        data[(community.pk, membership.user_id)] = 10
    with django_assert_num_queries(queries):
        assert len(engagement.suggested_moves(community, now=NOW)) == 2000


def test_refresh_creates_keeps_and_retires_suggestions(frozen, community, signal_data):
    data, _ = signal_data
    grows = person(community, P)
    fades = person(community, A)
    data[(community.pk, grows.user_id)] = 10

    first = services.move_suggestions_refresh(community=community, now=NOW)
    data[(community.pk, grows.user_id)] = 11
    data[(community.pk, fades.user_id)] = 9
    second = services.move_suggestions_refresh(community=community, now=NOW)

    assert {(s.membership_id, s.to_level) for s in first} == {(grows.pk, A), (fades.pk, P)}
    assert second == []
    rows = {s.membership_id: s for s in MoveSuggestion.objects.all()}
    assert (rows[grows.pk].status, rows[grows.pk].signals) == ("open", {"test_attended": 11})
    assert "11" in rows[grows.pk].evidence
    assert rows[fades.pk].status == "stale"


def test_refresh_does_not_repeat_a_dismissed_suggestion_until_evidence_changes(
    frozen, community, signal_data, user
):
    data, _ = signal_data
    grows = person(community, P)
    data[(community.pk, grows.user_id)] = 10
    [suggestion] = services.move_suggestions_refresh(community=community, now=NOW)
    services.suggestion_dismiss(suggestion=suggestion, by=user)

    again = services.move_suggestions_refresh(community=community, now=NOW)
    data[(community.pk, grows.user_id)] = 12
    changed = services.move_suggestions_refresh(community=community, now=NOW)

    assert again == []
    assert [(s.membership_id, s.signals) for s in changed] == [(grows.pk, {"test_attended": 12})]


def test_refresh_task_notifies_facilitators_once_per_suggestion(
    frozen, community, signal_data, django_capture_on_commit_callbacks
):
    data, _ = signal_data
    facilitator = person(community, C, role="facilitator")
    grows = person(community, P)
    data[(community.pk, grows.user_id)] = 10

    with django_capture_on_commit_callbacks(execute=True):
        refresh_all_move_suggestions.delay()
    with django_capture_on_commit_callbacks(execute=True):
        refresh_all_move_suggestions.delay()

    assert [m.to for m in mail.outbox] == [[facilitator.user.email]]
    message = mail.outbox[0]
    assert message.subject == f"1 suggested journey move in {community.name}"
    assert f"/c/{community.slug}/journeys/" in message.body
    assert f"/c/{community.slug}/journeys/" in message.alternatives[0][0]
    assert grows.user.name not in message.body  # nobody's details but the recipient's
    assert MoveSuggestion.objects.get().notified_at == NOW


def test_refresh_task_skips_archived_and_missing_communities(community, signal_data):
    from communities.tasks import refresh_move_suggestions

    community.archived = True
    community.save()

    assert refresh_move_suggestions(community_id=community.pk) == 0
    assert refresh_move_suggestions(community_id=999999) == 0


def test_journey_move_writes_the_step_and_level_together(community, user):
    membership = person(community, P)
    MoveSuggestionFactory(membership=membership)

    step = services.journey_move(
        membership=membership, to_level=A, by=user, evidence="came to 4", note="Welcome!"
    )

    membership.refresh_from_db()
    assert (step.from_level, step.to_level, step.note) == (P, A, "Welcome!")
    assert step.confirmed_by == user
    assert membership.level == A
    assert MoveSuggestion.objects.get().status == "stale"


@pytest.mark.parametrize("to_level", [P, "nowhere"])
def test_journey_move_refuses_a_non_move_and_writes_nothing(community, user, to_level):
    membership = person(community, P)

    with pytest.raises(services.CommunityError):
        services.journey_move(membership=membership, to_level=to_level, by=user)

    assert membership.steps.count() == 0


def test_suggestion_confirm_twice_is_refused(community, user):
    suggestion = MoveSuggestionFactory(membership=person(community, P))
    services.suggestion_confirm(suggestion=suggestion, by=user)

    with pytest.raises(services.CommunityError):
        services.suggestion_confirm(suggestion=suggestion, by=user)

    assert Membership.objects.get(pk=suggestion.membership_id).steps.count() == 1


def test_suggestion_confirm_after_the_level_changed_moves_nothing(community, user):
    suggestion = MoveSuggestionFactory(membership=person(community, P))
    Membership.objects.filter(pk=suggestion.membership_id).update(level=A)

    with pytest.raises(services.CommunityError):
        services.suggestion_confirm(suggestion=suggestion, by=user)

    assert Membership.objects.get(pk=suggestion.membership_id).steps.count() == 0


def test_move_suggestion_notices_skip_facilitators_who_opted_out(
    frozen, community, signal_data, django_capture_on_commit_callbacks
):
    from accounts.unsubscribe import unsubscribe_url

    data, _ = signal_data
    keen = person(community, C, role="facilitator")
    quiet = person(community, C, role="coordinator")
    quiet.user.notify_facilitation = False
    quiet.user.save()
    grows = person(community, P)
    data[(community.pk, grows.user_id)] = 10

    with django_capture_on_commit_callbacks(execute=True):
        refresh_all_move_suggestions()

    assert [m.to for m in mail.outbox] == [[keen.user.email]]
    url = unsubscribe_url(keen.user, "facilitation")
    assert mail.outbox[0].extra_headers["List-Unsubscribe"].startswith(f"<{url}>")
    assert f"Stop these notices: {url}" in mail.outbox[0].body
