"""Object-level rules for peer review: who reaches which shared work, round and review,
and whose name a reader may see. Every view, the digest and the review emails ask here.

- shared work and its file: every member of the community;
- deleting a piece of work: its author only;
- a review to write: only the person it is allocated to (anyone else, the author
  included, gets the same 404 as for a review that does not exist);
- a reviewer's name: everyone who may see the review, except that in an anonymous round
  the author never does (not even an author who is also a facilitator), and other members
  do not either; facilitators who are not the author do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext, gettext_lazy, pgettext

from communities.models import Membership

from .models import PeerReview, ReviewRound, SharedWork

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from communities.access import CommunityAccess

# Whose name a reader may not see: written in the reader's language when shown.
ANONYMOUS_NAME = gettext_lazy("A peer")
ANONYMOUS_FACILITATOR = gettext_lazy("A facilitator")


def searchable_work(user) -> QuerySet:
    """The work shared in every community `user` is an active member of (search): every
    member of a community reaches all of its shared work."""
    from communities.models import Membership

    if not user.is_authenticated:
        return SharedWork.objects.none()
    return SharedWork.objects.filter(community__in=Membership.objects.community_ids_of(user))


def work_for(access: CommunityAccess, pk: int) -> SharedWork:
    """A piece of work shared in the community, or 404."""
    work = get_object_or_404(
        SharedWork.objects.filter(community=access.community).select_related("author", "session"),
        pk=pk,
    )
    work.community = access.community
    return work


def work_with_file_for(access: CommunityAccess, pk: int) -> SharedWork:
    """A piece of work with a file, or 404 (also when it has none)."""
    return get_object_or_404(
        SharedWork.objects.filter(community=access.community).exclude(file=""), pk=pk
    )


def own_work_for(access: CommunityAccess, user, pk: int) -> SharedWork:
    """A piece of work `user` shared, or 404: only its author takes it down."""
    work = work_for(access, pk)
    if work.author_id != user.pk:
        raise Http404("No such work of yours.")
    return work


def round_for(access: CommunityAccess, pk: int, rounds: QuerySet | None = None) -> ReviewRound:
    """A review round of the community (out of `rounds`, when the caller annotates), or 404."""
    rounds = ReviewRound.objects.all() if rounds is None else rounds
    round_ = get_object_or_404(rounds.filter(community=access.community), pk=pk)
    round_.community = access.community
    return round_


def review_for_reviewer(access: CommunityAccess, user, pk: int) -> PeerReview:
    """A review allocated to `user`, or the same 404 as for a review that does not exist."""
    return get_object_or_404(
        PeerReview.objects.filter(round__community=access.community, reviewer=user)
        # A planned round has asked nobody yet: its reviews are the facilitator's draft.
        .exclude(round__status=ReviewRound.Status.PLANNED)
        .select_related("round__session", "work__author", "work__session"),
        pk=pk,
    )


def review_for_author(access: CommunityAccess, user, pk: int) -> PeerReview:
    """A shared review of `user`'s work (the one they may answer or mark helpful), or 404."""
    return get_object_or_404(
        PeerReview.objects.released().filter(round__community=access.community, work__author=user),
        pk=pk,
    )


def review_for_facilitator(access: CommunityAccess, pk: int) -> PeerReview:
    """Any review of the community, for its facilitators (the caller asked community_for
    with the facilitator role), or 404."""
    return get_object_or_404(
        PeerReview.objects.filter(round__community=access.community).select_related(
            "round", "work__author", "reviewer"
        ),
        pk=pk,
    )


def own_work_in_round(access: CommunityAccess, user, work_pk: int, round_pk: int):
    """(work, round) for the author's self-review: their own work in a round with the
    self-review step that asked for reviews of it, or 404."""
    work = own_work_for(access, user, work_pk)
    round_ = round_for(
        access,
        round_pk,
        ReviewRound.objects.filter(self_review=True, reviews__work=work).distinct(),
    )
    return work, round_


def example_for_reviewer(access: CommunityAccess, user, round_pk: int):
    """The round's calibration example for someone asked to review in it, or 404."""
    from .models import CalibrationExample

    return get_object_or_404(
        CalibrationExample.objects.select_related("round")
        .filter(round__community=access.community, round__reviews__reviewer=user)
        .distinct(),
        round_id=round_pk,
    )


def reviewer_is_named(review: PeerReview, *, viewer_id: int, author_id: int, facilitator: bool):
    """Whether the reader `viewer_id` (of work by `author_id`) may see who reviewed it: the
    anonymity rule of review rounds, written once."""
    if not review.round.anonymous or review.reviewer_id == viewer_id:
        return True
    return facilitator and viewer_id != author_id


def reviewer_name(review: PeerReview, *, viewer, author_id: int, is_facilitator: bool) -> str:
    """The name `viewer` may see for the reviewer of `review` (of work by `author_id`). A
    facilitator's own review is marked as such, also where the name is not shown."""
    if review.reviewer_id == viewer.pk:
        return pgettext("the reviewer, to themselves", "You")
    if not reviewer_is_named(
        review, viewer_id=viewer.pk, author_id=author_id, facilitator=is_facilitator
    ):
        return str(ANONYMOUS_FACILITATOR if review.by_facilitator else ANONYMOUS_NAME)
    if review.by_facilitator:
        return gettext("%(name)s (facilitator)") % {"name": review.reviewer.name}
    return review.reviewer.name


def review_reader_ids(review: PeerReview, candidate_ids: list[int]) -> set[int]:
    """Who among `candidate_ids` reads a shared review and its reply on the work's page
    (reviews.views._work_context): the work's author, the reviewer, and the community's
    active facilitators and coordinators. One query."""
    readers = {review.work.author_id, review.reviewer_id}
    facilitators = Membership.objects.active().filter(
        community_id=review.round.community_id,
        user_id__in=candidate_ids,
        role__in=[Membership.Role.FACILITATOR, Membership.Role.COORDINATOR],
    )
    readers |= set(facilitators.values_list("user_id", flat=True))
    return readers & set(candidate_ids)


def round_for_facilitator(access: CommunityAccess, pk: int) -> ReviewRound:
    """A round the facilitator acts on (its caller asked community_for with the role), 404
    otherwise."""
    return round_for(access, pk, ReviewRound.objects.select_related("session"))


def round_review_for(round_: ReviewRound, pk: int) -> PeerReview:
    """A review of `round_` (a facilitator's action on it), or 404."""
    review = get_object_or_404(round_.reviews.select_related("work__author", "reviewer"), pk=pk)
    review.round = round_
    return review


def round_work_for(round_: ReviewRound, pk: int) -> SharedWork:
    """A piece of work of `round_`'s session, or 404."""
    work = get_object_or_404(round_.session.shared_work.select_related("author"), pk=pk)
    work.community = round_.community
    return work
