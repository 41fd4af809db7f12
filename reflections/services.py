from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .models import Action, Reflection, ReflectionConfidence, ReflectionDraft

REFLECTION_FIELDS = (
    "title",
    "loop_level",
    "body",
    "session",
    "outcome",
    "follow_up_of",
    "visibility",
    "answers",
)


@transaction.atomic
def reflection_save(
    *, author, community, data: dict, reflection: Reflection | None = None
) -> Reflection:
    """Create or update a reflection from a form's cleaned data, record the confidence
    rating given with it, and drop the autosaved draft it came from."""
    draft_key = ReflectionDraft.key_for(author, community, reflection)
    if reflection is None:
        reflection = Reflection(author=author, community=community)
    for name in REFLECTION_FIELDS:
        setattr(reflection, name, data[name])
    reflection.save()
    rating = data.get("confidence")
    if rating and reflection.outcome_id:
        ReflectionConfidence.objects.update_or_create(
            reflection=reflection,
            defaults={"user": author, "outcome": reflection.outcome, "rating": rating},
        )
    else:
        ReflectionConfidence.objects.filter(reflection=reflection).delete()
    ReflectionDraft.objects.filter(key=draft_key).delete()
    return reflection


def reflection_draft_save(*, author, community, reflection, data: dict) -> ReflectionDraft:
    draft, _ = ReflectionDraft.objects.update_or_create(
        key=ReflectionDraft.key_for(author, community, reflection),
        defaults={
            "author": author,
            "community": community,
            "reflection": reflection,
            "data": data,
            "updated_at": timezone.now(),
        },
    )
    return draft


@transaction.atomic
def action_create(*, community, created_by, data: dict) -> Action:
    action = Action.objects.create(
        community=community,
        created_by=created_by,
        title=data["title"],
        description=data.get("description", ""),
        owner=data["owner"],
        due_date=data.get("due_date"),
        loop_level=data.get("loop_level", ""),
        session=data.get("session"),
    )
    action.reflections.set(data.get("reflections", []))
    return action


@transaction.atomic
def action_set_status(*, action: Action, status: str, note: str) -> Action:
    action.status = status
    action.status_note = note
    action.done_at = timezone.now() if status == Action.Status.DONE else None
    action.save(update_fields=["status", "status_note", "done_at", "updated_at"])
    return action
