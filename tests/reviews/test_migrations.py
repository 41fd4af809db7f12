"""Peer review's move from `outcomes` to `reviews` (outcomes/0004, reviews/0001) changes
the migration state only: a database holding peer-review rows at the old heads keeps
every row, foreign key, many-to-many link and stored file path when it migrates to the
new heads, and again when it migrates back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from reviews.models import PeerReview, ReviewReply, ReviewRound, SharedWork
from tests.factories import CommunityFactory, OutcomeFactory, SessionFactory, UserFactory

OLD_OUTCOMES = ("outcomes", "0003_peer_review")
OLD_REFLECTIONS = ("reflections", "0106_impactstory_moves_to_impact")
MOVED = ["sharedwork", "reviewround", "peerreview", "reviewreply"]
FILE_PATH = "work/7/0123456789abcdef0123456789abcdef/school-meals-loops.md"


def old_heads(executor) -> list[tuple[str, str]]:
    """The migration heads as they were before the move: every app at its newest
    migration, outcomes at 0003 and no reviews app. reflections stops before its 0107
    (confidence ratings moving to outcomes), which needs outcomes past 0003."""
    heads = [
        node
        for node in executor.loader.graph.leaf_nodes()
        if node[0] not in ("outcomes", "reviews", "reflections")
    ]
    return [*heads, OLD_OUTCOMES, OLD_REFLECTIONS]


def migrate(targets) -> MigrationExecutor:
    # A fresh executor each time: its loader reads which migrations the database holds.
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


def new_heads() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def snapshot(get) -> dict:
    """Every moved row with its foreign keys, read through the models `get` gives by name
    (the historical outcomes models at the old heads, or the real reviews models)."""
    work, round_, review, reply = (get(name) for name in ("work", "round", "review", "reply"))
    return {
        "work": sorted(
            work.objects.values_list(
                "pk",
                "community_id",
                "session_id",
                "author_id",
                "title",
                "link",
                "file",
                "file_name",
                "file_size",
            )
        ),
        "files": sorted((row.pk, row.file.name) for row in work.objects.all()),
        "round": sorted(
            round_.objects.values_list(
                "pk", "community_id", "session_id", "opened_by_id", "anonymous", "status", "due_on"
            )
        ),
        "round_outcomes": sorted(
            round_.outcomes.through.objects.values_list("reviewround_id", "outcome_id")
        ),
        "review": sorted(
            review.objects.values_list(
                "pk", "round_id", "work_id", "reviewer_id", "status", "stage", "answers"
            )
        ),
        "reply": sorted(reply.objects.values_list("pk", "review_id", "body")),
    }


def historical(executor):
    apps = executor.loader.project_state(old_heads(executor)).apps
    models = {
        "work": apps.get_model("outcomes", "SharedWork"),
        "round": apps.get_model("outcomes", "ReviewRound"),
        "review": apps.get_model("outcomes", "PeerReview"),
        "reply": apps.get_model("outcomes", "ReviewReply"),
    }
    return models.__getitem__


def current(name):
    return {"work": SharedWork, "round": ReviewRound, "review": PeerReview, "reply": ReviewReply}[
        name
    ]


def labels(model: str) -> set[str]:
    return set(ContentType.objects.filter(model=model).values_list("app_label", flat=True))


@pytest.mark.django_db(transaction=True)
def test_peer_review_rows_survive_the_move_to_reviews_and_back():
    executor = migrate(old_heads(MigrationExecutor(connection)))
    try:
        # The other apps are at their newest migrations in both states, so the factories'
        # real models fit their tables; the moved rows go in through the old models.
        community = CommunityFactory()
        session = SessionFactory(community=community)
        first, second = OutcomeFactory(community=community), OutcomeFactory(community=community)
        author, reviewer, facilitator = UserFactory(), UserFactory(), UserFactory()
        for model in MOVED:
            ContentType.objects.filter(model=model).delete()
            ContentType.objects.create(app_label="outcomes", model=model)
        old = historical(executor)
        work = old("work").objects.create(
            community_id=community.pk,
            session_id=session.pk,
            author_id=author.pk,
            title="School meals loops",
            file=FILE_PATH,
            file_name="school-meals-loops.md",
            file_type="text/markdown",
            file_size=312,
        )
        linked = old("work").objects.create(
            community_id=community.pk,
            session_id=session.pk,
            author_id=reviewer.pk,
            title="A stakeholder map",
            link="https://example.org/map",
        )
        round_ = old("round").objects.create(
            community_id=community.pk,
            session_id=session.pk,
            opened_by_id=facilitator.pk,
            prompts=[{"outcome": first.pk, "prompt": "Are the loops clear?"}],
            anonymous=True,
            due_on=dt.date(2026, 12, 24),
        )
        round_.outcomes.set([first.pk, second.pk])
        shared = old("review").objects.create(
            round_id=round_.pk,
            work_id=work.pk,
            reviewer_id=reviewer.pk,
            status="submitted",
            stage="developing",
            answers=[{"works": "Clear loops.", "deeper": "Name the delays."}],
            submitted_at=timezone.now(),
        )
        old("review").objects.create(round_id=round_.pk, work_id=linked.pk, reviewer_id=author.pk)
        old("reply").objects.create(review_id=shared.pk, body="Thank you!")
        before = snapshot(historical(executor))

        executor = migrate(new_heads())

        after = snapshot(current)
        assert after == before
        assert after["files"] == [(work.pk, FILE_PATH), (linked.pk, "")]
        assert (len(after["work"]), len(after["round_outcomes"]), len(after["review"])) == (2, 2, 2)
        moved = PeerReview.objects.select_related("round", "work", "reply").get(pk=shared.pk)
        assert (moved.round.anonymous, moved.work.file.name, moved.reply.body) == (
            True,
            FILE_PATH,
            "Thank you!",
        )
        assert sorted(moved.round.outcomes.values_list("pk", flat=True)) == sorted(
            [first.pk, second.pk]
        )
        assert [labels(model) for model in MOVED] == [{"reviews"}] * 4

        executor = migrate(old_heads(executor))

        assert snapshot(historical(executor)) == before
        assert [labels(model) for model in MOVED] == [{"outcomes"}] * 4
    finally:
        migrate(new_heads())
