"""Impact stories moved from the reflections app to the impact app (issue 13) without moving a
row: a database at the old heads, holding stories and their links to sessions, outcomes and
actions, keeps every one of them when it migrates to the new heads, and again on the way back.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from factory.django import mute_signals

from impact.models import ImpactStory
from tests.factories import (
    ActionFactory,
    CommunityFactory,
    OutcomeFactory,
    SessionFactory,
    UserFactory,
)

# The heads before the move: reflections still holds ImpactStory and impact has no migration.
OLD_HEAD = ("reflections", "0105_reflection_recent_idx")
BEFORE = [OLD_HEAD, ("impact", None)]
AFTER = [("reflections", "0106_impactstory_moves_to_impact"), ("impact", "0001_initial")]
STEPS = (
    "what_happened",
    "what_it_gave_us",
    "what_we_did_differently",
    "what_difference_it_made",
    "what_we_now_see_differently",
)
TABLES = {
    "sessions": "reflections_impactstory_sessions",
    "outcomes": "reflections_impactstory_outcomes",
    "actions": "reflections_impactstory_actions",
}


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    # A fresh executor reads the applied migrations again, as the next `migrate` would.
    return MigrationExecutor(connection)


def story_rows(model) -> dict[int, dict]:
    """Every story with every column and every link, read through the given model class."""
    return {
        story.pk: {
            "community": story.community_id,
            "author": story.author_id,
            "title": story.title,
            "status": story.status,
            "published_at": story.published_at,
            "created_at": story.created_at,
            "updated_at": story.updated_at,
            **{step: getattr(story, step) for step in STEPS},
            **{name: sorted(getattr(story, name).values_list("pk", flat=True)) for name in TABLES},
        }
        for story in model.objects.order_by("pk")
    }


def through(model, name: str):
    return model._meta.get_field(name).remote_field.through


def link_tables(model) -> dict[str, str]:
    return {name: through(model, name)._meta.db_table for name in TABLES}


def link_rows(model) -> dict[str, list[tuple]]:
    """Every row of every link table (id, story, linked object), read through the model."""
    return {
        table: sorted(through(model, name).objects.values_list()) for name, table in TABLES.items()
    }


@pytest.mark.django_db(transaction=True)
def test_impact_stories_and_their_links_survive_the_move_and_its_reverse():
    executor = migrate(BEFORE)
    old_apps = executor.loader.project_state(OLD_HEAD).apps
    OldStory = old_apps.get_model("reflections", "ImpactStory")
    assert OldStory._meta.db_table == "reflections_impactstory"
    assert link_tables(OldStory) == TABLES
    with pytest.raises(LookupError):
        old_apps.get_model("impact", "ImpactStory")

    # Today's models make the rows; the impact app has no table yet, so the signals by
    # which it forgets its stored figures (impact.signals) stay quiet meanwhile.
    with mute_signals(post_save, post_delete):
        community, elsewhere = CommunityFactory(), CommunityFactory()
        author, other_author = UserFactory(), UserFactory()
        sessions = SessionFactory.create_batch(3, community=community)
        outcomes = OutcomeFactory.create_batch(2, community=community)
        actions = ActionFactory.create_batch(2, community=community)
    now = timezone.now()
    published = OldStory.objects.create(
        community_id=community.pk,
        author_id=author.pk,
        title="The map that helped",
        status="published",
        published_at=now - timedelta(days=3),
        created_at=now - timedelta(days=10),
        **{step: f"{step} of the map" for step in STEPS},
    )
    published.sessions.set([s.pk for s in sessions])
    published.outcomes.set([o.pk for o in outcomes])
    published.actions.set([a.pk for a in actions])
    draft = OldStory.objects.create(
        community_id=community.pk,
        author_id=other_author.pk,
        title="Half a story",
        what_happened="Only the first step.",
        created_at=now - timedelta(days=1),
    )
    draft.sessions.set([sessions[0].pk])
    draft.actions.set([actions[1].pk])
    OldStory.objects.create(
        community_id=elsewhere.pk,
        author_id=author.pk,
        title="Another community's",
        what_happened="Nothing linked.",
        status="published",
        published_at=now,
    )
    before = story_rows(OldStory)
    links = link_rows(OldStory)
    old_type = ContentType.objects.get_or_create(app_label="reflections", model="impactstory")[0]
    ContentType.objects.filter(app_label="impact", model="impactstory").delete()
    assert len(before) == 3
    assert before[published.pk]["sessions"] == sorted(s.pk for s in sessions)
    assert sum(len(rows) for rows in links.values()) == 3 + 2 + 2 + 1 + 1

    try:
        executor = migrate(AFTER)
        new_apps = executor.loader.project_state(AFTER).apps
        NewStory = new_apps.get_model("impact", "ImpactStory")
        with pytest.raises(LookupError):
            new_apps.get_model("reflections", "ImpactStory")

        # The historical model of the new state and the model the site runs both read them.
        assert NewStory._meta.db_table == ImpactStory._meta.db_table == "reflections_impactstory"
        assert link_tables(NewStory) == link_tables(ImpactStory) == TABLES
        assert story_rows(NewStory) == before
        assert story_rows(ImpactStory) == before
        assert link_rows(NewStory) == link_rows(ImpactStory) == links
        assert ImpactStory.objects.published().count() == 2
        ContentType.objects.clear_cache()
        assert ContentType.objects.get_for_model(ImpactStory).pk == old_type.pk

        executor = migrate(BEFORE)
        old_apps = executor.loader.project_state(OLD_HEAD).apps
        OldStory = old_apps.get_model("reflections", "ImpactStory")
        assert story_rows(OldStory) == before
        assert link_rows(OldStory) == links
        assert ContentType.objects.get(app_label="reflections", model="impactstory").pk == (
            old_type.pk
        )
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        ContentType.objects.clear_cache()

    assert story_rows(ImpactStory) == before
    assert link_rows(ImpactStory) == links
