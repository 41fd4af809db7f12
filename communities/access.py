"""The one authorisation choke point for everything inside a community.

Every community view reaches its community through `community_for`, and every object
inside it through its app's `access.py` (querysets filtered by that community), so a
guessed id of another community's object is a 404, never a 403 that leaks its existence.
A refusal for want of a role is a 404 as well: a page someone may not use does not exist
for them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404

from core.compiled import Compiled
from core.privacy import THRESHOLD

from .models import (
    Community,
    Invitation,
    Membership,
    MentoringPair,
    MoveSuggestion,
    Organisation,
    OrganisationRole,
)


@dataclass(frozen=True, slots=True)
class CommunityAccess:
    """A community as one viewer reaches it: the community and the viewer's active
    membership (None for a leader passing by, or a non-member on a public page)."""

    community: Community
    membership: Membership | None
    # The viewer leads the community's organisation (asked only with `allow_leader`).
    led: bool = False

    @property
    def is_member(self) -> bool:
        return self.membership is not None

    def has_role(self, role: str) -> bool:
        return self.membership is not None and self.membership.has_role(role)

    @property
    def is_facilitator(self) -> bool:
        return self.has_role(Membership.Role.FACILITATOR)

    @property
    def is_coordinator(self) -> bool:
        return self.has_role(Membership.Role.COORDINATOR)

    @property
    def is_small(self) -> bool:
        """Whether the community has fewer active members than the privacy floor (core.
        privacy): where something shared without a name may still be guessed. Known to
        its members only (their membership row carries it, no extra query)."""
        return self.membership is not None and getattr(self.membership, "floor_member", 0) is None

    def context(self) -> dict:
        """What every community page's template needs: the community, and the viewer's
        membership (the community navigation reads it)."""
        return {"community": self.community, "membership": self.membership}


def _membership_query(community_id: int, user_id: int):
    """The user's active membership of the community (at most one), with whether the
    community reaches the privacy floor: the id of its THRESHOLD-th active member (None
    below it), a bounded subquery of the same query."""
    floor_member = (
        Membership.objects.active()
        .filter(community=OuterRef("community"))
        .order_by("pk")
        .values("pk")[THRESHOLD - 1 : THRESHOLD]
    )
    return (
        Membership.objects.active()
        .filter(community_id=community_id, user_id=user_id)
        .annotate(floor_member=Subquery(floor_member))
        .order_by("pk")[:1]
    )


# Every community page reads its community and the viewer's membership: compiled once
# (core.compiled), the two cost a third of building them on each request.
_community_at = Compiled(
    lambda slug: Community.objects.filter(slug=slug)[:1], "\ue000community slug\ue001"
)
_membership_of = Compiled(_membership_query, -20_181_221, -20_181_222)


def community_for(
    user,
    slug: str,
    *,
    role: str | None = None,
    public: bool = False,
    open_to_all: bool = False,
    allow_leader: bool = False,
) -> CommunityAccess:
    """The community at `slug` as `user` may reach it, with the user's active membership
    (or None).

    - unknown slug, or a non-member on an inner page → Http404;
    - `public=True`: signed-in non-members may see open and request communities (the
      community home, so they can join); invite-only stays 404;
    - `open_to_all=True`: signed-in non-members may see this inner page of an open
      community only (e.g. its published sessions); request and invite-only stay 404;
    - `allow_leader=True`: leaders of the community's organisation pass without
      membership (dashboards, stories); a leader of another organisation gets the 404
      anyone else gets;
    - `role`: only an active member with at least that role passes; anyone else → Http404.
    """
    asks_leader = allow_leader and user.is_authenticated and user.is_leader
    if asks_leader:
        found = list(
            Community.objects.filter(slug=slug)
            .select_related("organisation")
            .annotate(
                led=Exists(
                    OrganisationRole.objects.filter(
                        user=user,
                        role=OrganisationRole.Role.LEADER,
                        organisation=OuterRef("organisation"),
                    )
                )
            )[:1]
        )
    else:
        found = _community_at.run(slug)
    if not found:
        raise Http404("No such community.")
    community = found[0]
    led = bool(getattr(community, "led", False))
    membership = None
    if user.is_authenticated:
        membership = next(iter(_membership_of.run(community.pk, user.pk)), None)
    access = CommunityAccess(community, membership, led)
    if role is not None:
        if access.has_role(role):
            return access
        raise Http404("No such page.")
    if membership is not None:
        return access
    if led:
        return access
    if community.visibility == Community.Visibility.ORGANISATION:
        # Open within its organisation: like an open community to the people who belong
        # to it, like an invite-only one to everyone else.
        if (public or open_to_all) and belongs_to(user, community.organisation_id):
            return access
        raise Http404("No such community.")
    if public and community.visibility != Community.Visibility.INVITE:
        return access
    if open_to_all and user.is_authenticated and community.visibility == Community.Visibility.OPEN:
        return access
    raise Http404("No such community.")


# --- Objects inside a community: each reached through the community it belongs to --------


def member_for(access: CommunityAccess, pk: int, *, active: bool = True) -> Membership:
    """A membership of the community (an active one unless `active=False`: a journey's
    history also covers people who left), or 404."""
    memberships = Membership.objects.active() if active else Membership.objects.all()
    return get_object_or_404(
        memberships.filter(community=access.community).select_related("user"), pk=pk
    )


def join_request_for(access: CommunityAccess, pk: int) -> Membership:
    """A pending request to join the community, or 404."""
    return get_object_or_404(
        Membership.objects.requested().filter(community=access.community).select_related("user"),
        pk=pk,
    )


def invitation_for(access: CommunityAccess, pk: int) -> Invitation:
    """An invitation of the community, or 404."""
    return get_object_or_404(Invitation.objects.filter(community=access.community), pk=pk)


def suggestion_for(access: CommunityAccess, pk: int) -> MoveSuggestion:
    """A suggested journey move of the community, or 404."""
    return get_object_or_404(
        MoveSuggestion.objects.filter(membership__community=access.community).select_related(
            "membership__user"
        ),
        pk=pk,
    )


def own_membership_for(user, pk: int) -> Membership:
    """One of `user`'s own active memberships (their settings page lists them), or 404."""
    return get_object_or_404(
        Membership.objects.active().filter(user=user).select_related("community"), pk=pk
    )


def own_join_request_for(user, pk: int) -> Membership:
    """One of `user`'s own requests to join that is still waiting, or 404 (another
    person's request, or one already answered or withdrawn)."""
    return get_object_or_404(
        Membership.objects.requested().filter(user=user).select_related("community"), pk=pk
    )


def pairs_visible_to(access: CommunityAccess):
    """The community's mentoring pairs the viewer may see: every one for its facilitators,
    their own for the two people of a pair, none for anyone else."""
    pairs = MentoringPair.objects.filter(community=access.community)
    if access.is_facilitator:
        return pairs
    if access.membership is None:
        return pairs.none()
    return pairs.of_person(access.membership.user_id)


def pair_for(access: CommunityAccess, pk: int) -> MentoringPair:
    """A mentoring pair of the community that the viewer is part of or facilitates, or 404
    (another member, a leader passing by, another community's pair)."""
    return get_object_or_404(
        pairs_visible_to(access).select_related("community", "mentor", "newcomer", "note_by"),
        pk=pk,
    )


def is_coordinator_anywhere(user) -> bool:
    """Whether `user` coordinates at least one community (an active membership as
    coordinator), for COPSITE_MFA_REQUIRED_FOR="coordinators"."""
    return Membership.objects.filter(
        user=user, role=Membership.Role.COORDINATOR, status=Membership.Status.ACTIVE
    ).exists()


# --- Organisations ----------------------------------------------------------------------


def belongs_to(user, organisation_id: int) -> bool:
    """Does `user` belong to the organisation (communities.organisations.belongs_q)?"""
    from .organisations import belongs_q

    if not user.is_authenticated:
        return False
    return Organisation.objects.filter(belongs_q(user), pk=organisation_id).exists()


def organisation_admin_for(user, slug: str) -> Organisation:
    """The organisation at `slug` if `user` is one of its admins, or 404."""
    return get_object_or_404(Organisation.objects.administered_by(user), slug=slug)


def organisation_invitation_for(organisation: Organisation, pk: int) -> Invitation:
    """An invitation of the organisation (its admin asks), or 404."""
    return get_object_or_404(Invitation.objects.filter(organisation=organisation), pk=pk)


def organisation_led_for(user, slug: str) -> Organisation:
    """The organisation at `slug` if `user` leads it, or 404."""
    return get_object_or_404(Organisation.objects.led_by(user), slug=slug)


def community_movable_by(user, slug: str) -> tuple[Community, list[Organisation]]:
    """A community `user` may move to another organisation, and the organisations it may go
    to: site staff move any community anywhere; an organisation's admin moves its
    communities to another organisation they administer. 404 to anyone else (and to an
    admin of only one organisation: there is nowhere to move it)."""
    if not user.is_authenticated:
        raise Http404
    community = get_object_or_404(
        Community.objects.select_related("organisation").filter(archived=False), slug=slug
    )
    if user.is_staff:
        targets = Organisation.objects.all()
    else:
        administered = Organisation.objects.administered_by(user)
        if not administered.filter(pk=community.organisation_id).exists():
            raise Http404
        targets = administered
    targets = list(targets.exclude(pk=community.organisation_id).order_by("name"))
    if not targets:
        raise Http404
    return community, targets
