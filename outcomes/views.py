from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communities.access import community_for
from communities.models import Membership

from . import selectors, services
from .forms import AgreeForm, ProposeForm
from .models import Outcome

FACILITATOR = Membership.Role.FACILITATOR


def _outcome_for(community, pk: int) -> Outcome:
    return get_object_or_404(Outcome.objects.filter(community=community), pk=pk)


def _list_context(request, community, form=None) -> dict:
    outcomes = list(selectors.outcomes_for_page(community, request.user))
    return {
        "community": community,
        "form": form or ProposeForm(),
        "proposed": [o for o in outcomes if o.status == Outcome.Status.PROPOSED],
        "agreed": [o for o in outcomes if o.status == Outcome.Status.AGREED],
        "retired": [o for o in outcomes if o.status == Outcome.Status.RETIRED],
    }


@login_required
@require_http_methods(["GET", "POST"])
def outcome_list(request, slug):
    """Proposed, agreed and retired outcomes; any member proposes one here."""
    community = community_for(request.user, slug)
    form = ProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.outcome_propose(community=community, user=request.user, **form.cleaned_data)
        messages.success(request, "Thanks — your outcome is proposed. Others can endorse it.")
        return redirect("outcomes:list", slug=community.slug)
    return render(request, "outcomes/list.html", _list_context(request, community, form))


@login_required
@require_POST
def outcome_endorse(request, slug, pk):
    community = community_for(request.user, slug)
    outcome = _outcome_for(community, pk)
    if outcome.status == Outcome.Status.RETIRED:
        messages.info(request, "That outcome is retired, so it can't be endorsed.")
        return redirect("outcomes:list", slug=community.slug)
    services.outcome_endorse_toggle(outcome=outcome, user=request.user)
    if request.htmx:
        outcome = selectors.outcomes_for_page(community, request.user).get(pk=outcome.pk)
        context = {"community": community, "outcome": outcome}
        return render(request, "outcomes/list.html#endorse-box", context)
    return redirect("outcomes:list", slug=community.slug)


@login_required
@require_http_methods(["GET", "POST"])
def outcome_agree(request, slug, pk):
    """Facilitators agree an outcome (or edit an agreed one) with its review prompts."""
    community = community_for(request.user, slug, role=FACILITATOR)
    outcome = _outcome_for(community, pk)
    form = AgreeForm(request.POST or None, instance=Outcome.objects.get(pk=outcome.pk))
    if request.method == "POST" and form.is_valid():
        services.outcome_agree(
            outcome=outcome,
            by=request.user,
            statement=form.cleaned_data["statement"],
            why=form.cleaned_data["why"],
            prompts=form.cleaned_data["prompts"],
        )
        messages.success(request, "The outcome is agreed. Plan an activity for it when ready.")
        return redirect("outcomes:list", slug=community.slug)
    revisions = outcome.revisions.all()[:10]
    context = {"community": community, "outcome": outcome, "form": form, "revisions": revisions}
    return render(request, "outcomes/agree.html", context)


@login_required
@require_POST
def outcome_retire(request, slug, pk):
    community = community_for(request.user, slug, role=FACILITATOR)
    outcome = _outcome_for(community, pk)
    services.outcome_retire(outcome=outcome)
    messages.success(request, "The outcome is retired. Its history stays on the page.")
    return redirect("outcomes:list", slug=community.slug)


@login_required
@require_GET
def alignment(request, slug):
    """Every agreed outcome with its aligned activities, and kind flags for the gaps."""
    community = community_for(request.user, slug)
    agreed = list(
        Outcome.objects.filter(community=community, status=Outcome.Status.AGREED).order_by(
            "statement"
        )
    )
    items = selectors.aligned_items(community)
    now = timezone.now()
    rows = [{"outcome": outcome, "items": items.get(outcome.pk, [])} for outcome in agreed]
    context = {
        "community": community,
        "rows": rows,
        "unaligned": selectors.unaligned_activities(community),
        "coverage": selectors.alignment_coverage(community, now - timedelta(days=90), now),
        "is_facilitator": community.membership.is_facilitator,
    }
    return render(request, "outcomes/alignment.html", context)
