"""Reads for outcomes. The alignment map (outcome ↔ activity ↔ peer review) reads in
`reviews.selectors`, above both outcomes and sessions."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef

from .models import Endorsement, Outcome


def outcomes_for_page(community, user):
    """The community's outcomes with endorsement counts and whether `user` endorsed each."""
    return (
        Outcome.objects.filter(community=community)
        .annotate(
            endorsement_count=Count("endorsements"),
            endorsed=Exists(Endorsement.objects.filter(outcome=OuterRef("pk"), user=user)),
        )
        .select_related("proposed_by")
        .order_by("-endorsement_count", "statement")
    )
