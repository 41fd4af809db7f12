"""The two checklists communities draws from steps other apps register (core.plugins
`register_first_step`, `register_setup_step`): a new member's "first steps here" card on
their home, one per community, and a coordinator's setup checklist on a new community's
home. Each step ticks itself off from what people did; the checklists cost one query per
registered step (fewer for steps that need none), however many communities there are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.plugins import ChecklistStep, checklist_steps, register_first_step, register_setup_step

from .models import Invitation, Membership

# A membership younger than this offers its first steps (older members know their way).
FIRST_STEPS_DAYS = 60


@dataclass(frozen=True)
class StepState:
    step: ChecklistStep
    done: bool
    url: str


@dataclass(frozen=True)
class Card:
    membership: Membership
    steps: list[StepState]

    @property
    def done_count(self) -> int:
        return sum(state.done for state in self.steps)


def _states(checklist, memberships: list[Membership]) -> dict[int, list[StepState]]:
    steps = checklist_steps(checklist)
    done = {step.key: step.done(memberships) for step in steps}
    states = {}
    for membership in memberships:
        slug = membership.community.slug
        states[membership.pk] = [
            StepState(
                step,
                membership.pk in done[step.key],
                reverse(step.url_name, kwargs={"slug": slug})
                + (f"#{step.fragment}" if step.fragment else ""),
            )
            for step in steps
        ]
    return states


def first_steps_cards(user, *, memberships: list[Membership] | None = None) -> list[Card]:
    """A card for each of `user`'s recent memberships whose first steps are not all done
    and that they have not put away, by community name. Coordinators have the setup
    checklist on the community's home instead. `memberships`: all of `user`'s active
    memberships with their communities, by community name, when the caller has them (no
    query for them then)."""
    joined_since = timezone.now() - timedelta(days=FIRST_STEPS_DAYS)
    if memberships is None:
        memberships = list(
            Membership.objects.active()
            .filter(
                user=user,
                first_steps_dismissed_at__isnull=True,
                joined_at__gte=joined_since,
                community__archived=False,
            )
            .exclude(role=Membership.Role.COORDINATOR)
            .select_related("community")
            .order_by("community__name")
        )
    else:
        memberships = [
            m
            for m in memberships
            if m.first_steps_dismissed_at is None
            and m.joined_at >= joined_since
            and not m.community.archived
            and m.role != Membership.Role.COORDINATOR
        ]
    if not memberships:
        return []
    states = _states("first_steps", memberships)
    return [Card(m, states[m.pk]) for m in memberships if not all(s.done for s in states[m.pk])]


def setup_checklist(access) -> list[StepState] | None:
    """The setup checklist for a coordinator, while some step is still to do; else None."""
    if not access.is_coordinator:
        return None
    membership = access.membership
    membership.community = access.community
    states = _states("setup", [membership])[membership.pk]
    if all(state.done for state in states):
        return None
    return states


# --- The steps communities owns --------------------------------------------------------


def _introduced(memberships) -> set[int]:
    return {m.pk for m in memberships if m.introduction}


def _has_domain(memberships) -> set[int]:
    return {m.pk for m in memberships if m.community.domain.strip()}


def _has_purpose(memberships) -> set[int]:
    return {m.pk for m in memberships if m.community.purpose.strip()}


def _invited(memberships) -> set[int]:
    """Someone was invited, or someone besides the coordinators joined (a request to join
    still waiting is neither): one query."""
    communities = [m.community_id for m in memberships]
    invited = set(
        Invitation.objects.filter(community_id__in=communities)
        .values_list("community_id", flat=True)
        .order_by()  # SQLite allows no ORDER BY (a model's default) inside a UNION
        .union(
            Membership.objects.filter(community_id__in=communities)
            .exclude(role=Membership.Role.COORDINATOR)
            .exclude(status=Membership.Status.REQUESTED)
            .values_list("community_id", flat=True)
            .order_by()
        )
    )
    return {m.pk for m in memberships if m.community_id in invited}


def register() -> None:
    register_first_step(
        "hello",
        _("Say hello"),
        10,
        done=_introduced,
        url_name="communities:membership",
        fragment="about",
        hint=_("One line about you, shown beside your name on the members page."),
    )
    register_setup_step(
        "domain",
        _("Say what we care about"),
        10,
        done=_has_domain,
        url_name="communities:settings",
    )
    register_setup_step(
        "purpose", _("Write the purpose"), 20, done=_has_purpose, url_name="communities:settings"
    )
    register_setup_step(
        "invitations",
        _("Invite people"),
        50,
        done=_invited,
        url_name="communities:invitations",
        hint=_("A few people who care about this is plenty to begin."),
    )
