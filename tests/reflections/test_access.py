"""reflections.access and the writes that moved out of the views into services."""

from __future__ import annotations

import pytest
from django.http import Http404

from communities.access import community_for
from reflections import services
from reflections.access import (
    action_for,
    may_update_action,
    own_reflection_for,
    reflection_for,
    updatable_action_for,
)
from reflections.models import Reflection, ReflectionDraft
from tests.factories import ActionFactory, ReflectionFactory

pytestmark = pytest.mark.django_db


def access_of(cast, role):
    return community_for(getattr(cast, role), cast.community.slug)


@pytest.mark.parametrize(
    ("role", "may"),
    [("author", True), ("member", False), ("facilitator", True), ("coordinator", True)],
)
def test_who_may_change_an_action(cast, role, may):
    action = ActionFactory(community=cast.community, owner=cast.author, created_by=cast.author)
    access = access_of(cast, role)
    person = getattr(cast, role)

    assert may_update_action(access, person, action) == may
    if may:
        assert updatable_action_for(access, person, action.pk) == action
    else:
        with pytest.raises(Http404):
            updatable_action_for(access, person, action.pk)
    assert action_for(access, action.pk) == action


def test_the_creator_of_an_action_owned_by_someone_else_may_change_it(cast):
    action = ActionFactory(community=cast.community, owner=cast.author, created_by=cast.member)

    assert updatable_action_for(access_of(cast, "member"), cast.member, action.pk) == action


def test_another_communitys_action_and_reflection_are_404(cast):
    action = ActionFactory(community=cast.other_community)
    reflection = ReflectionFactory(community=cast.other_community, author=cast.outsider)
    access = access_of(cast, "facilitator")

    with pytest.raises(Http404):
        action_for(access, action.pk)
    with pytest.raises(Http404):
        reflection_for(access, cast.facilitator, reflection.pk)


@pytest.mark.parametrize(
    ("visibility", "role", "reads"),
    [
        ("private", "author", True),
        ("private", "facilitator", False),
        ("facilitators", "facilitator", True),
        ("facilitators", "member", False),
        ("community", "member", True),
    ],
)
def test_a_reflection_opens_for_whoever_may_read_it(cast, visibility, role, reads):
    reflection = ReflectionFactory(
        community=cast.community, author=cast.author, visibility=visibility
    )
    person = getattr(cast, role)

    if reads:
        assert reflection_for(access_of(cast, role), person, reflection.pk) == reflection
    else:
        with pytest.raises(Http404):
            reflection_for(access_of(cast, role), person, reflection.pk)


def test_only_the_author_reaches_a_reflection_to_change_it(cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)

    assert own_reflection_for(access_of(cast, "author"), cast.author, reflection.pk) == reflection
    with pytest.raises(Http404):
        own_reflection_for(access_of(cast, "facilitator"), cast.facilitator, reflection.pk)


def test_action_update_keeps_the_reflections_its_editor_cannot_see(cast):
    private = ReflectionFactory(community=cast.community, author=cast.author, visibility="private")
    shared = ReflectionFactory(community=cast.community, author=cast.author)
    action = ActionFactory(community=cast.community, owner=cast.author, created_by=cast.author)
    action.reflections.set([private, shared])
    data = {
        "title": "Ring the clinic first",
        "description": "",
        "owner": cast.member,
        "due_date": None,
        "loop_level": "",
        "session": None,
        "reflections": [],
    }

    services.action_update(action=action, data=data, by=cast.facilitator)

    action.refresh_from_db()
    assert (action.title, action.owner) == ("Ring the clinic first", cast.member)
    assert list(action.reflections.all()) == [private]


def test_reflection_delete_and_draft_discard(cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author)
    key = ReflectionDraft.key_for(cast.author, cast.community, reflection)
    ReflectionDraft.objects.create(key=key, author=cast.author, community=cast.community)

    services.reflection_draft_discard(
        author=cast.author, community=cast.community, reflection=reflection
    )
    assert not ReflectionDraft.objects.filter(key=key).exists()
    assert Reflection.objects.filter(pk=reflection.pk).exists()

    services.reflection_delete(reflection=reflection)
    assert not Reflection.objects.filter(pk=reflection.pk).exists()
