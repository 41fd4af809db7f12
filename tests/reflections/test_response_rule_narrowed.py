"""The one audience rule of responses, narrowed: a thread under one thing
(`responses_to`) and the counts on session rows (`response_counts_of_sessions`) ask only
what is left once the thing itself was reached through its access rule. Both must give
exactly what the whole rule (`responses_for`) gives, for everyone, hidden threads too."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.utils import timezone

from communities.access import CommunityAccess
from communities.models import Membership
from reflections.access import response_target_for, responses_for, responses_to
from reflections.models import Response
from reflections.selectors import response_counts, response_counts_of_sessions
from sessions.models import Session
from tests.factories import ReflectionFactory, SessionFactory, SharedWorkFactory

pytestmark = pytest.mark.django_db

ROLES = ["author", "member", "facilitator", "coordinator", "outsider", "leader", "non_member"]


def _access(community, user) -> CommunityAccess:
    membership = Membership.objects.filter(
        community=community, user=user, status=Membership.Status.ACTIVE
    ).first()
    return CommunityAccess(community=community, membership=membership)


def _viewer(cast, role):
    return {"non_member": cast.non_member, "outsider": cast.outsider}.get(role) or getattr(
        cast, role
    )


def _respond(kind, target, author, **fields):
    return Response.objects.create(
        community=target.community, author=author, body="Yes, and…", **{kind: target}, **fields
    )


@pytest.fixture
def threads(cast):
    """A thread under each kind of thing, each with a hidden response, a reply under it,
    a visible response and a reply under that."""
    held = SessionFactory(community=cast.community, status="completed")
    targets = [
        ("session", held),
        ("session", SessionFactory(community=cast.community, status="draft")),
        ("session", SessionFactory(community=cast.community, status="cancelled")),
        ("work", SharedWorkFactory(session=held, author=cast.author)),
    ]
    for visibility in ("private", "facilitators", "community"):
        targets.append(
            (
                "reflection",
                ReflectionFactory(
                    community=cast.community, author=cast.author, visibility=visibility
                ),
            )
        )
    for kind, target in targets:
        hidden = _respond(kind, target, cast.member, hidden_at=timezone.now())
        _respond(kind, target, cast.coordinator, parent=hidden)
        _respond(kind, target, cast.author, parent=hidden)
        shown = _respond(kind, target, cast.author)
        _respond(kind, target, cast.member, parent=shown)
    return targets


@pytest.mark.parametrize("role", ROLES)
def test_a_thread_holds_what_the_whole_rule_lets_through(cast, threads, role):
    viewer = _viewer(cast, role)
    access = _access(cast.community, viewer)

    reached = 0
    for kind, target in threads:
        try:
            # What the callers do first: reach the thing through its access rule.
            response_target_for(access, viewer, kind, target.pk)
        except Http404:
            continue
        reached += 1
        whole = set(responses_for(access, viewer).filter(**{kind: target}).values_list("pk"))
        narrowed = set(responses_to(target, kind, access, viewer).values_list("pk"))

        assert narrowed == whole, (kind, target)
    assert reached == {"author": 6, "member": 4, "facilitator": 6, "coordinator": 6}.get(role, 0)


@pytest.mark.parametrize("role", ROLES)
def test_session_rows_count_what_the_whole_rule_lets_through(cast, threads, role):
    viewer = _viewer(cast, role)
    access = _access(cast.community, viewer)
    sessions = Session.objects.filter(community=cast.community)

    counted = {
        row.pk: row.response_count for row in response_counts_of_sessions(sessions, access, viewer)
    }
    whole = response_counts(access, viewer, "session", counted)

    assert counted == {pk: whole.get(pk, 0) for pk in counted}
    assert sum(counted.values()) > 0 or not access.is_member
