from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Avg, Count, OuterRef, Subquery
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.submissions import once_per_submission, submission_result
from communities.access import community_for
from communities.models import Membership
from core import privacy
from core.htmx import announce

from . import selectors, services
from .access import outcome_for
from .forms import AgreeForm, ConfidenceForm, ProposeForm
from .models import ConfidenceRating, Outcome

FACILITATOR = Membership.Role.FACILITATOR


def _list_context(request, access, form=None) -> dict:
    community = access.community
    outcomes = list(selectors.outcomes_for_page(community, request.user))
    return {
        **access.context(),
        "form": form or ProposeForm(),
        "proposed": [o for o in outcomes if o.status == Outcome.Status.PROPOSED],
        "agreed": [o for o in outcomes if o.status == Outcome.Status.AGREED],
        "retired": [o for o in outcomes if o.status == Outcome.Status.RETIRED],
    }


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def outcome_list(request, slug):
    """Proposed, agreed and retired outcomes; any member proposes one here."""
    access = community_for(request.user, slug)
    community = access.community
    form = ProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.outcome_propose(community=community, user=request.user, **form.cleaned_data)
        messages.success(
            request, gettext("Thanks — your outcome is proposed. Others can endorse it.")
        )
        return redirect("outcomes:list", slug=community.slug)
    return render(request, "outcomes/list.html", _list_context(request, access, form))


@login_required
@require_POST
@once_per_submission
def outcome_endorse(request, slug, pk):
    access = community_for(request.user, slug)
    community = access.community
    outcome = outcome_for(access, pk)
    if outcome.status == Outcome.Status.RETIRED:
        messages.info(request, gettext("That outcome is retired, so it can't be endorsed."))
        return redirect("outcomes:list", slug=community.slug)
    services.outcome_endorse_toggle(outcome=outcome, user=request.user)
    if request.htmx:
        outcome = selectors.outcomes_for_page(community, request.user).get(pk=outcome.pk)
        context = {**access.context(), "outcome": outcome}
        said = (
            gettext("You endorse this outcome.")
            if outcome.endorsed
            else gettext("Your endorsement is withdrawn.")
        )
        return submission_result(
            announce(render(request, "outcomes/list.html#endorse-box", context), said),
            reverse("outcomes:list", kwargs={"slug": community.slug}),
        )
    return redirect("outcomes:list", slug=community.slug)


@login_required
@require_http_methods(["GET", "POST"])
def outcome_agree(request, slug, pk):
    """Facilitators agree an outcome (or edit an agreed one) with its review prompts."""
    access = community_for(request.user, slug, role=FACILITATOR)
    community = access.community
    outcome = outcome_for(access, pk)
    form = AgreeForm(request.POST or None, instance=Outcome.objects.get(pk=outcome.pk))
    if request.method == "POST" and form.is_valid():
        services.outcome_agree(
            outcome=outcome,
            by=request.user,
            statement=form.cleaned_data["statement"],
            why=form.cleaned_data["why"],
            prompts=form.cleaned_data["prompts"],
        )
        messages.success(
            request, gettext("The outcome is agreed. Plan an activity for it when ready.")
        )
        return redirect("outcomes:list", slug=community.slug)
    revisions = outcome.revisions.all()[:10]
    context = {**access.context(), "outcome": outcome, "form": form, "revisions": revisions}
    return render(request, "outcomes/agree.html", context)


@login_required
@require_POST
def outcome_retire(request, slug, pk):
    access = community_for(request.user, slug, role=FACILITATOR)
    community = access.community
    outcome = outcome_for(access, pk)
    services.outcome_retire(outcome=outcome)
    messages.success(request, gettext("The outcome is retired. Its history stays on the page."))
    return redirect("outcomes:list", slug=community.slug)


def _confidence_context(request, access, outcome: Outcome, form=None) -> dict:
    """The member's own trend, the community's aggregate (5+ members) and, for
    facilitators, each member's latest rating: a fixed number of queries."""
    ratings = ConfidenceRating.objects.filter(outcome=outcome)
    mine = list(ratings.filter(user=request.user).order_by("-created_at", "-pk")[:12])[::-1]
    latest = (
        ConfidenceRating.objects.filter(outcome=outcome, user=OuterRef("user"))
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    latest_each = ratings.filter(pk=Subquery(latest))
    summary = latest_each.aggregate(average=Avg("rating"), members=Count("user", distinct=True))
    is_facilitator = access.is_facilitator
    return {
        "confidence_form": form or ConfidenceForm(),
        "my_ratings": mine,
        # The site's privacy floor: with fewer raters, one person's rating could be
        # worked out from the average.
        "aggregate": (
            None
            if privacy.average_figure(summary["average"], summary["members"]) is None
            else summary
        ),
        "aggregate_min": privacy.THRESHOLD,
        "raters": (
            list(latest_each.select_related("user").order_by("user__display_name", "pk")[:200])
            if is_facilitator
            else []
        ),
    }


def _detail_context(request, access, outcome: Outcome, form=None) -> dict:
    return {
        **access.context(),
        "outcome": outcome,
        "is_facilitator": access.is_facilitator,
        "revisions": list(outcome.revisions.all()[:20]),
        **_confidence_context(request, access, outcome, form),
    }


@login_required
@require_GET
def outcome_detail(request, slug, pk):
    """One outcome: its wording and history, its prompts, and confidence against it."""
    access = community_for(request.user, slug)
    outcome = outcome_for(access, pk)
    return render(request, "outcomes/detail.html", _detail_context(request, access, outcome))


@login_required
@require_POST
@once_per_submission
def outcome_confidence(request, slug, pk):
    """A member rates their own confidence (1–5, with an optional note)."""
    access = community_for(request.user, slug)
    community = access.community
    outcome = outcome_for(access, pk)
    if outcome.status != Outcome.Status.AGREED:
        messages.info(
            request, gettext("Confidence can be rated once the community has agreed the outcome.")
        )
        return redirect("outcomes:outcome", slug=community.slug, pk=outcome.pk)
    form = ConfidenceForm(request.POST)
    if form.is_valid():
        services.confidence_rate(outcome=outcome, user=request.user, **form.cleaned_data)
        if not request.htmx:
            messages.success(
                request, gettext("Thanks — your rating is saved. Only you and facilitators see it.")
            )
            return redirect("outcomes:outcome", slug=community.slug, pk=outcome.pk)
        form = None
    context = _detail_context(request, access, outcome, form)
    context["saved"] = form is None
    if request.htmx:
        response = render(request, "outcomes/detail.html#confidence-box", context)
        if context["saved"]:
            url = reverse("outcomes:outcome", kwargs={"slug": community.slug, "pk": outcome.pk})
            submission_result(response, url)
            announce(response, gettext("Your confidence rating is saved."))
        return response
    return render(request, "outcomes/detail.html", context)
