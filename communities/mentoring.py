"""Reads of mentoring (issue 18): the pairs a facilitator sees and the pairs suggested.

Opt-in on both sides: a member's aspiration says "I'm happy to mentor" (Membership.MENTOR)
or "I'd welcome a buddy" (Membership.BUDDY). The writes are in services (`pair_create`,
`pair_end`, `pair_note_save`, `pair_meeting_record`); who may see a pair is
access.pair_for. Each read here costs one query, however many pairs and people."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from .engagement import register_signal
from .models import Community, Membership, MentoringPair

SUGGESTIONS_MAX = 10
"""The most newcomers the pairs page suggests a mentor for at once."""


def pairs_active(community: Community):
    """The community's active pairs with both people, each with how often they met and
    when last: one query."""
    return (
        MentoringPair.objects.active()
        .filter(community=community)
        .select_related("community", "mentor", "newcomer")
        .annotate(meeting_count=Count("meetings"), last_met=Max("meetings__met_on"))
        .order_by("mentor__display_name", "newcomer__display_name", "pk")
    )


def pairs_of(user, community: Community):
    """`user`'s own pairs in the community (active first, newest first): one query."""
    return (
        MentoringPair.objects.filter(community=community)
        .of_person(user)
        .select_related("community", "mentor", "newcomer")
        .order_by("-ended_at", "-started_at")
    )


def _load():
    """The active pairs of the mentor `OuterRef("user_id")` in `OuterRef("community_id")`."""
    rows = (
        MentoringPair.objects.active()
        .filter(community=OuterRef("community_id"), mentor=OuterRef("user_id"))
        .order_by()
        .values("mentor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def mentors(community: Community) -> list[Membership]:
    """Members who said they're happy to mentor, lightest load first (`load`: their active
    pairs): one query."""
    return list(
        Membership.objects.active()
        .filter(community=community, aspiration=Membership.MENTOR)
        .select_related("user")
        .annotate(load=_load())
        .order_by("load", "user__display_name", "pk")
    )


def waiting_for_a_buddy(community: Community, *, limit: int = SUGGESTIONS_MAX):
    """Members who'd welcome a buddy and have none yet, longest waiting first: one query."""
    paired = MentoringPair.objects.active().filter(
        community=OuterRef("community_id"), newcomer=OuterRef("user_id")
    )
    return list(
        Membership.objects.active()
        .filter(community=community, aspiration=Membership.BUDDY)
        .exclude(Exists(paired))
        .select_related("user")
        .order_by("joined_at", "pk")[:limit]
    )


@dataclass(frozen=True)
class Suggestion:
    mentor: Membership
    newcomer: Membership
    why: str


def suggested_pairs(community: Community) -> tuple[list[Suggestion], list[Membership]]:
    """A mentor for each newcomer waiting for a buddy, and those no mentor could be found
    for. Mentors with the lightest load come first (each suggestion adds to the load, so
    they spread), preferring a mentor further in than the newcomer (a different level).
    Two queries."""
    offering = mentors(community)
    load = {m.pk: m.load for m in offering}
    suggestions, unmatched = [], []
    rank = Membership.LEVEL_RANK
    for newcomer in waiting_for_a_buddy(community):
        candidates = [m for m in offering if m.user_id != newcomer.user_id]
        if not candidates:
            unmatched.append(newcomer)
            continue
        mentor = min(
            candidates,
            key=lambda m: (
                load[m.pk],
                rank[m.level] <= rank[newcomer.level],
                m.user.display_name,
                m.pk,
            ),
        )
        pairs = load[mentor.pk]
        why = (
            gettext("no one to mentor yet")
            if pairs == 0
            else ngettext("mentoring %(count)s now", "mentoring %(count)s now", pairs)
            % {"count": pairs}
        )
        if rank[mentor.level] > rank[newcomer.level]:
            levels = dict(Membership.Level.choices)
            why = gettext("%(load)s; %(level)s, further in than %(newcomer_level)s") % {
                "load": why,
                "level": levels[mentor.level],
                "newcomer_level": levels[newcomer.level],
            }
        suggestions.append(Suggestion(mentor, newcomer, why))
        load[mentor.pk] += 1
    return suggestions, unmatched


def opted_in_counts(community: Community) -> dict[str, int]:
    """How many members offer to mentor and how many would welcome a buddy: one query."""
    return (
        Membership.objects.active()
        .filter(community=community)
        .aggregate(
            mentors=Count("pk", filter=Q(aspiration=Membership.MENTOR)),
            newcomers=Count("pk", filter=Q(aspiration=Membership.BUDDY)),
        )
    )


# --- The engagement signal: mentoring is supporting others' practice ----------------------


@register_signal(
    "mentoring",
    _("supporting others' practice (mentoring)"),
    active=1,
    core=2,
    invitation=ngettext_lazy("mentoring a newcomer", "mentoring %(count)s newcomers", "count"),
    order=60,
)
def mentoring_given(community, since) -> dict[int, int]:
    """{mentor's user id: pairs they mentored that were active at some time in the window}:
    one aggregate query."""
    rows = (
        MentoringPair.objects.filter(community=community)
        .filter(Q(ended_at=None) | Q(ended_at__gte=since))
        .values("mentor_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["mentor_id"]: row["n"] for row in rows}
