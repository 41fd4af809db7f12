"""impact.services and impact.access: a story is published once, and changed only by its
author while they still belong to its community."""

from __future__ import annotations

import pytest
from django.http import Http404

from impact import services
from impact.access import own_story_for, story_for
from tests.factories import ImpactStoryFactory

pytestmark = pytest.mark.django_db


def test_a_draft_is_published_once():
    story = ImpactStoryFactory(status="draft", published_at=None)

    first = services.story_publish(story=story)
    published_at = type(story).objects.get(pk=story.pk).published_at
    second = services.story_publish(story=story)

    story.refresh_from_db()
    assert (first, second) == (True, False)
    assert story.is_published
    assert story.published_at == published_at


def test_only_the_author_who_still_belongs_changes_a_story(alice, bob):
    author, colleague = alice, bob  # a member of Riverside, and its facilitator
    membership = author.memberships.get()
    story = ImpactStoryFactory(community=membership.community, author=author)

    found, access = own_story_for(author, story.pk)
    assert (found, access.community) == (story, membership.community)
    assert story_for(colleague, story.pk) == story
    with pytest.raises(Http404):
        own_story_for(colleague, story.pk)

    membership.status = "left"
    membership.save()
    with pytest.raises(Http404):
        own_story_for(author, story.pk)
