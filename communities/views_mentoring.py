"""Mentoring pages (issue 18): the facilitators' pairs page, and each pair's own small page,
seen only by its two people and the community's facilitators (access.pair_for: anyone
else gets a 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.plugins import collect_panels

from . import mentoring, services
from .access import community_for, pair_for
from .forms import PairForm, PairMeetingForm, PairNoteForm
from .models import Membership
from .services import CommunityError, PairingError

FACILITATOR = Membership.Role.FACILITATOR


def _pairs_context(access, form) -> dict:
    community = access.community
    suggestions, unmatched = mentoring.suggested_pairs(community)
    return {
        **access.context(),
        "form": form,
        "pairs": list(mentoring.pairs_active(community)),
        "suggestions": suggestions,
        "unmatched": unmatched,
        "opted_in": mentoring.opted_in_counts(community),
    }


@login_required
@require_http_methods(["GET", "POST"])
def pairs(request, slug):
    """The community's mentoring pairs, pairs suggested, and a form to pair two people
    (facilitators only). A refused pairing comes back with the people still chosen."""
    access = community_for(request.user, slug, role=FACILITATOR)
    community = access.community
    form = PairForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            pair = services.pair_create(
                community=community,
                mentor=form.cleaned_data["mentor"],
                newcomer=form.cleaned_data["newcomer"],
                by=request.user,
            )
        except PairingError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(
                request,
                _(
                    "%(mentor)s and %(newcomer)s are paired. "
                    "Both have been told, with each other's introduction."
                )
                % {"mentor": pair.mentor.name, "newcomer": pair.newcomer.name},
            )
            return redirect("communities:pairs", slug=community.slug)
    return render(request, "communities/pairs.html", _pairs_context(access, form))


def _pair_context(request, access, pair, **forms) -> dict:
    viewer = request.user
    introductions = dict(
        Membership.objects.filter(
            community=access.community, user__in=[pair.mentor_id, pair.newcomer_id]
        ).values_list("user_id", "introduction")
    )
    in_pair = pair.includes(viewer)
    return {
        **access.context(),
        "pair": pair,
        "in_pair": in_pair,
        "writable": in_pair and pair.is_active,
        "other": pair.other(viewer) if in_pair else None,
        "mentor_intro": introductions.get(pair.mentor_id, ""),
        "newcomer_intro": introductions.get(pair.newcomer_id, ""),
        "meetings": list(pair.meetings.select_related("by")[:50]),
        "note_form": forms.get("note_form") or PairNoteForm(initial={"note": pair.note}),
        "meeting_form": forms.get("meeting_form")
        or PairMeetingForm(initial={"met_on": timezone.localdate()}),
        "panels": collect_panels("pair_panel", request, access, pair),
    }


@login_required
@require_http_methods(["GET"])
def pair(request, slug, pk):
    access = community_for(request.user, slug)
    pair = pair_for(access, pk)
    return render(request, "communities/pair.html", _pair_context(request, access, pair))


@login_required
@require_POST
def pair_note(request, slug, pk):
    access = community_for(request.user, slug)
    pair = pair_for(access, pk)
    form = PairNoteForm(request.POST)
    if form.is_valid():
        try:
            services.pair_note_save(pair=pair, by=request.user, note=form.cleaned_data["note"])
        except CommunityError as error:
            # Nothing typed to keep: only the two of the pair have the form.
            messages.error(request, str(error))
            return redirect(pair)
        else:
            messages.success(request, _("Note saved."))
            return redirect(pair)
    context = _pair_context(request, access, pair, note_form=form)
    return render(request, "communities/pair.html", context)


@login_required
@require_POST
def pair_meeting(request, slug, pk):
    access = community_for(request.user, slug)
    pair = pair_for(access, pk)
    form = PairMeetingForm(request.POST)
    if form.is_valid():
        try:
            services.pair_meeting_record(pair=pair, by=request.user, **form.cleaned_data)
        except PairingError as error:
            form.add_error("met_on", str(error))
        except CommunityError as error:
            messages.error(request, str(error))
            return redirect(pair)
        else:
            messages.success(request, _("Noted: you met. Lovely."))
            return redirect(pair)
    context = _pair_context(request, access, pair, meeting_form=form)
    return render(request, "communities/pair.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def pair_end(request, slug, pk):
    """Ending a pairing, kindly: a page that asks first, then ends it and tells the other.
    Either of the two may end it, and so may a facilitator."""
    access = community_for(request.user, slug)
    pair = pair_for(access, pk)
    if request.method == "POST":
        try:
            services.pair_end(pair=pair, by=request.user)
        except CommunityError as error:
            messages.info(request, str(error))
        else:
            messages.success(
                request, _("The pairing has ended, and the other person has been told. Thank you.")
            )
        return redirect(pair)
    return render(
        request,
        "communities/pair_end.html",
        {
            **access.context(),
            "pair": pair,
            "in_pair": pair.includes(request.user),
            "other": pair.other(request.user),
        },
    )
