"""Confidence ratings moved from the reflections app to the outcomes app (issue 13), and
their link to a reflection turned around (outcomes/0005, reflections/0107): a database at
the old heads, holding ratings with and without a reflection, keeps every rating and every
reflection↔rating link when it migrates to the new heads, and again on the way back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from outcomes.models import ConfidenceRating
from reflections.models import Reflection
from tests.factories import CommunityFactory, OutcomeFactory, UserFactory

OLD = {
    "outcomes": "0004_peer_review_moved_to_reviews",
    "reflections": "0106_impactstory_moves_to_impact",
}
AT = dt.datetime(2026, 11, 3, 10, tzinfo=dt.UTC)


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    # A fresh executor reads the applied migrations again, as the next `migrate` would.
    return MigrationExecutor(connection)


def new_heads() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def old_heads() -> list[tuple[str, str]]:
    """Every app at its newest migration, but outcomes and reflections as they were."""
    return [(app, OLD.get(app, name)) for app, name in new_heads()]


def old_apps(executor):
    return executor.loader.project_state(old_heads()).apps


def ratings(model) -> list[tuple]:
    return sorted(
        model.objects.values_list("pk", "user_id", "outcome_id", "rating", "note", "created_at")
    )


def labels() -> set[tuple[str, str]]:
    return set(
        ContentType.objects.filter(
            model__in=["reflectionconfidence", "confidencerating"]
        ).values_list("app_label", "model")
    )


@pytest.mark.django_db(transaction=True)
def test_ratings_and_their_reflection_links_survive_the_move_to_outcomes_and_back():
    executor = migrate(old_heads())
    try:
        # Outcomes and users have the same tables in both states, so the factories fit;
        # reflections and ratings go in through the old models (the reflection table has no
        # confidence_rating column yet).
        community = CommunityFactory()
        first, second = OutcomeFactory(community=community), OutcomeFactory(community=community)
        alice, bob = UserFactory(), UserFactory()
        ContentType.objects.filter(model__in=["reflectionconfidence", "confidencerating"]).delete()
        ContentType.objects.create(app_label="reflections", model="reflectionconfidence")
        apps = old_apps(executor)
        OldReflection = apps.get_model("reflections", "Reflection")
        Old = apps.get_model("reflections", "ReflectionConfidence")
        written = [
            OldReflection.objects.create(
                community_id=community.pk, author_id=person.pk, outcome_id=outcome.pk, title=title
            )
            for person, outcome, title in ((alice, first, "One"), (bob, second, "Two"))
        ]
        unrated = OldReflection.objects.create(
            community_id=community.pk, author_id=alice.pk, title="No rating"
        )
        Old.objects.create(
            user_id=alice.pk,
            outcome_id=first.pk,
            reflection_id=written[0].pk,
            rating=4,
            created_at=AT,
        )
        Old.objects.create(
            user_id=bob.pk,
            outcome_id=second.pk,
            reflection_id=written[1].pk,
            rating=2,
            created_at=AT,
        )
        # Ratings given from the outcome page have no reflection.
        Old.objects.create(
            user_id=alice.pk, outcome_id=first.pk, rating=5, note="Page", created_at=AT
        )
        Old.objects.create(user_id=bob.pk, outcome_id=first.pk, rating=1, created_at=AT)
        before = ratings(Old)
        links = sorted(
            Old.objects.filter(reflection__isnull=False).values_list("reflection_id", "pk")
        )

        executor = migrate(new_heads())

        assert ratings(ConfidenceRating) == before
        assert len(before) == 4
        assert (
            sorted(
                Reflection.objects.filter(confidence_rating__isnull=False).values_list(
                    "pk", "confidence_rating_id"
                )
            )
            == links
        )
        assert Reflection.objects.get(pk=unrated.pk).confidence_rating is None
        linked = Reflection.objects.select_related("confidence_rating").get(pk=written[0].pk)
        assert (linked.confidence_rating.rating, linked.confidence_rating.user_id) == (4, alice.pk)
        assert labels() == {("outcomes", "confidencerating")}

        executor = migrate(old_heads())

        Old = old_apps(executor).get_model("reflections", "ReflectionConfidence")
        assert ratings(Old) == before
        assert (
            sorted(Old.objects.filter(reflection__isnull=False).values_list("reflection_id", "pk"))
            == links
        )
        assert labels() == {("reflections", "reflectionconfidence")}
    finally:
        migrate(new_heads())
