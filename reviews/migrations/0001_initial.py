"""The peer-review models, moved here from `outcomes` (outcomes/0004 removed them from its
state). The tables already exist under their outcomes_* names, so this creates the
models in the migration state only (database_operations=[]), each with its old db_table
and the many-to-many table's old name: no row is copied or lost, and stored file paths
do not change (the upload_to function builds the same paths as before).

On a fresh database the tables come from outcomes/0003, which runs first."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import reviews.models

MOVED = ["sharedwork", "reviewround", "peerreview", "reviewreply"]


def _relabel_content_types(apps, schema_editor, old: str, new: str) -> None:
    # Permissions and admin history point at content types: relabelling the existing ones
    # keeps them, where letting post_migrate create new ones would orphan the old.
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    taken = set(
        ContentType.objects.using(db)
        .filter(app_label=new, model__in=MOVED)
        .values_list("model", flat=True)
    )
    ContentType.objects.using(db).filter(app_label=old, model__in=MOVED).exclude(
        model__in=taken
    ).update(app_label=new)


def content_types_forward(apps, schema_editor) -> None:
    _relabel_content_types(apps, schema_editor, "outcomes", "reviews")


def content_types_backward(apps, schema_editor) -> None:
    _relabel_content_types(apps, schema_editor, "reviews", "outcomes")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("communities", "0003_journeys_invitations_suggestions"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cop_sessions", "0003_agendaitem_version"),
        ("outcomes", "0004_peer_review_moved_to_reviews"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SharedWork",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("title", models.CharField(max_length=200)),
                        ("description", models.TextField(blank=True, max_length=4000)),
                        ("link", models.URLField(blank=True, max_length=500)),
                        ("file", models.FileField(blank=True, max_length=300, upload_to=reviews.models._work_upload_to)),
                        ("file_name", models.CharField(blank=True, max_length=200)),
                        ("file_type", models.CharField(blank=True, max_length=120)),
                        ("file_size", models.PositiveIntegerField(default=0)),
                        ("created_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ("author", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="shared_work", to=settings.AUTH_USER_MODEL)),
                        ("community", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="shared_work", to="communities.community")),
                        ("session", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="shared_work", to="cop_sessions.session")),
                    ],
                    options={
                        "db_table": "outcomes_sharedwork",
                        "ordering": ["-created_at"],
                        "indexes": [models.Index(fields=["community", "created_at"], name="work_community_idx")],
                    },
                ),
                migrations.CreateModel(
                    name="ReviewRound",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("prompts", models.JSONField(default=list)),
                        ("reviewers_per_work", models.PositiveSmallIntegerField(default=2)),
                        ("anonymous", models.BooleanField(default=False)),
                        ("due_on", models.DateField()),
                        ("status", models.CharField(choices=[("open", "open"), ("closed", "closed")], default="open", max_length=8)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("closed_at", models.DateTimeField(blank=True, null=True)),
                        ("community", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="review_rounds", to="communities.community")),
                        ("opened_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("outcomes", models.ManyToManyField(db_table="outcomes_reviewround_outcomes", related_name="review_rounds", to="outcomes.outcome")),
                        ("session", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="review_rounds", to="cop_sessions.session")),
                    ],
                    options={
                        "db_table": "outcomes_reviewround",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="PeerReview",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("status", models.CharField(choices=[("allocated", "waiting"), ("draft", "draft saved"), ("submitted", "shared"), ("declined", "declined")], default="allocated", max_length=10)),
                        ("answers", models.JSONField(blank=True, default=list)),
                        ("stage", models.CharField(blank=True, choices=[("emerging", "emerging"), ("developing", "developing"), ("confident", "confident"), ("extending", "extending")], max_length=10)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("submitted_at", models.DateTimeField(blank=True, db_index=True, null=True)),
                        ("declined_at", models.DateTimeField(blank=True, null=True)),
                        ("reviewer", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="peer_reviews", to=settings.AUTH_USER_MODEL)),
                        ("round", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="reviews", to="reviews.reviewround")),
                        ("work", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="reviews", to="reviews.sharedwork")),
                    ],
                    options={
                        "db_table": "outcomes_peerreview",
                        "ordering": ["created_at", "pk"],
                        "indexes": [models.Index(fields=["reviewer", "status"], name="review_reviewer_idx")],
                        "constraints": [models.UniqueConstraint(fields=("work", "reviewer"), name="review_once_per_work")],
                    },
                ),
                migrations.CreateModel(
                    name="ReviewReply",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("body", models.TextField(max_length=4000)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("review", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="reply", to="reviews.peerreview")),
                    ],
                    options={
                        "db_table": "outcomes_reviewreply",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
