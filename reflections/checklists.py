"""The reflections' steps in a new member's first steps (core.plugins): read two recent
reflections, write a first one."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core.plugins import memberships_who_have, register_first_step

from .models import Reflection, ReflectionRead

READS_WANTED = 2


def _read_two(memberships) -> set[int]:
    """Opened the pages of two reflections of the community by others (a ReflectionRead
    each): one grouped query."""
    reads = (
        ReflectionRead.objects.values("user_id", "reflection__community_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=READS_WANTED)
    )
    return memberships_who_have(
        memberships, reads, person="user_id", community="reflection__community_id"
    )


def _wrote(memberships) -> set[int]:
    """Wrote a reflection in the community, whoever it is shared with: one query."""
    return memberships_who_have(
        memberships, Reflection.objects.all(), person="author_id", community="community_id"
    )


def register() -> None:
    register_first_step(
        "read",
        _("Read two recent reflections"),
        30,
        done=_read_two,
        url_name="reflections:list",
        hint=_("See what others here are learning."),
    )
    register_first_step(
        "write",
        _("Write a first reflection"),
        40,
        done=_wrote,
        url_name="reflections:new",
        hint=_("A few lines on what you noticed is a fine start."),
    )
