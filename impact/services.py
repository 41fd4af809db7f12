"""Every write of the impact app: impact stories, saved and published by their authors."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .models import ImpactStory


@transaction.atomic
def story_save(*, form, community=None, author=None) -> ImpactStory:
    """Save an impact story from its valid form: a new one (with its community and
    author) or an edit, with the sessions, outcomes and actions it links."""
    story = form.save(commit=False)
    if story.pk is None:
        story.community, story.author = community, author
    story.save()
    form.save_m2m()
    return story


@transaction.atomic
def story_publish(*, story: ImpactStory) -> bool:
    """Publish a draft (the community and its leaders can read it from now on); False
    when it was already published."""
    story = ImpactStory.objects.select_for_update().get(pk=story.pk)
    if story.is_published:
        return False
    story.status = ImpactStory.Status.PUBLISHED
    story.published_at = timezone.now()
    story.save(update_fields=["status", "published_at", "updated_at"])
    return True
