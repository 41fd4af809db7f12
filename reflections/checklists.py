"""The reflections' steps in a new member's first steps (core.plugins): read two recent
reflections, write a first one."""

from __future__ import annotations

from django.db.models import Count

from core.plugins import memberships_in, register_first_step

from .models import Reflection, ReflectionRead

READS_WANTED = 2


def _read_two(memberships) -> set[int]:
    """Opened the pages of two reflections of the community by others (a ReflectionRead
    each): one grouped query."""
    pairs = set(
        ReflectionRead.objects.filter(
            user_id__in={m.user_id for m in memberships},
            reflection__community_id__in={m.community_id for m in memberships},
        )
        .values("user_id", "reflection__community_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=READS_WANTED)
        .values_list("user_id", "reflection__community_id")
    )
    return memberships_in(memberships, pairs)


def _wrote(memberships) -> set[int]:
    """Wrote a reflection in the community, whoever it is shared with: one query."""
    pairs = set(
        Reflection.objects.filter(
            author_id__in={m.user_id for m in memberships},
            community_id__in={m.community_id for m in memberships},
        ).values_list("author_id", "community_id")
    )
    return memberships_in(memberships, pairs)


def register() -> None:
    register_first_step(
        "read",
        "Read two recent reflections",
        30,
        done=_read_two,
        url_name="reflections:list",
        hint="See what others here are learning.",
    )
    register_first_step(
        "write",
        "Write a first reflection",
        40,
        done=_wrote,
        url_name="reflections:new",
        hint="A few lines on what you noticed is a fine start.",
    )
