"""Impact stories arrive from the reflections app (issue 13): into this app's state only.

The model keeps its table, reflections_impactstory, which reflections' 0100 created and its
0102 linked to actions; the link tables are named after the model's table
(reflections_impactstory_sessions, _outcomes, _actions), so they keep their names as well.
No row is copied: the only write is to the model's content type, relabelled from
reflections to impact so the permissions and admin history that point at it follow the model.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def relabel_content_type(apps, schema_editor, *, old: str, new: str) -> None:
    # Skipped when the new label already exists (a later post_migrate made it): then the old
    # row is a stale one that Django's remove_stale_contenttypes can clear.
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if ContentType.objects.using(db).filter(app_label=new, model="impactstory").exists():
        return
    ContentType.objects.using(db).filter(app_label=old, model="impactstory").update(
        app_label=new
    )


def forwards(apps, schema_editor):
    relabel_content_type(apps, schema_editor, old="reflections", new="impact")


def backwards(apps, schema_editor):
    relabel_content_type(apps, schema_editor, old="impact", new="reflections")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('communities', '0006_invitationoptout'),
        ('cop_sessions', '0003_agendaitem_version'),
        ('outcomes', '0003_peer_review'),
        ('reflections', '0106_impactstory_moves_to_impact'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ImpactStory',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200)),
                        ('what_happened', models.TextField(help_text='The moment itself: who met, what was said.', max_length=4000, verbose_name='what happened')),
                        ('what_it_gave_us', models.TextField(blank=True, help_text='An idea, a contact, a tool, confidence: what we could now use.', max_length=4000, verbose_name='what it gave us')),
                        ('what_we_did_differently', models.TextField(blank=True, help_text='Where we actually used it in our work.', max_length=4000, verbose_name='what we did differently')),
                        ('what_difference_it_made', models.TextField(blank=True, help_text='What changed for the people we work for, or for us.', max_length=4000, verbose_name='what difference it made')),
                        ('what_we_now_see_differently', models.TextField(blank=True, help_text='How it changed what we count as success, or how we decide.', max_length=4000, verbose_name='what we now see differently')),
                        ('status', models.CharField(choices=[('draft', 'draft: only you can see it'), ('published', 'published to the community and leaders')], default='draft', max_length=10)),
                        ('published_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('actions', models.ManyToManyField(blank=True, related_name='impact_stories', to='reflections.action')),
                        ('author', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='impact_stories', to=settings.AUTH_USER_MODEL)),
                        ('community', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='impact_stories', to='communities.community')),
                        ('outcomes', models.ManyToManyField(blank=True, related_name='impact_stories', to='outcomes.outcome')),
                        ('sessions', models.ManyToManyField(blank=True, related_name='impact_stories', to='cop_sessions.session')),
                    ],
                    options={
                        'verbose_name_plural': 'impact stories',
                        'db_table': 'reflections_impactstory',
                        'ordering': ['-published_at', '-created_at'],
                        'indexes': [models.Index(fields=['community', 'status', '-published_at'], name='story_list_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
