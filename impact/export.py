"""Impact stories in the exports (privacy builds them; core.plugins.export_parts asks here,
so privacy, beside impact, never imports it): a person's own stories, drafts included,
and a community's published ones."""

from __future__ import annotations

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core.plugins import ExportPart, front_matter

from .models import ImpactStory

STORY_STEPS = [
    ("what_happened", _("What happened")),
    ("what_it_gave_us", _("What it gave us")),
    ("what_we_did_differently", _("What we did differently")),
    ("what_difference_it_made", _("What difference it made")),
    ("what_we_now_see_differently", _("What we now see differently")),
]


def _markdown(story: ImpactStory, *, author: str | None = None) -> str:
    fields = {
        "title": story.title,
        "date": timezone.localtime(story.published_at or story.created_at).isoformat(
            timespec="minutes"
        ),
        "community": story.community.name,
        "status": story.get_status_display(),
        "author": author,
    }
    chunks = [front_matter(fields), f"# {story.title}\n"]
    for name, heading in STORY_STEPS:
        if text := getattr(story, name).strip():
            chunks.append(f"\n## {heading}\n\n{text}\n")
    return "".join(chunks)


def _name(folder: str, story: ImpactStory) -> str:
    day = timezone.localtime(story.published_at or story.created_at)
    return f"{folder}/{day:%Y-%m-%d}-{slugify(story.title)[:60].strip('-') or 'story'}.md"


def person_export(user) -> list[ExportPart]:
    stories = (
        ImpactStory.objects.filter(author=user)
        .select_related("community")
        .order_by("created_at", "pk")
    )
    files = [(_name("impact-stories", story), _markdown(story)) for story in stories]
    return [ExportPart("impact-stories/", _("impact stories you wrote, drafts included"), files)]


def community_export(community) -> list[ExportPart]:
    stories = (
        ImpactStory.objects.published()
        .filter(community=community)
        .select_related("community", "author")
        .order_by("published_at", "pk")
    )
    files = [(_name("stories", s), _markdown(s, author=s.author.name)) for s in stories]
    return [ExportPart("stories/", _("published impact stories"), files)]
