"""Facilitation as practice: after a session they facilitated, each facilitator has their
own private reflection on it (what helped the room, whose voice we didn't hear, what I'd
try next), with the session's pulse beside it.

It is an ordinary Reflection, private to its author (only they ever read it: the rules of
reflections.access), linked to the session, its answers marked with FACILITATION_MARK so
the page finds the one it wrote before and changes it rather than adding another. The
session page offers the link through this app's session panel (sessions never imports
reflections)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from communities.access import community_for
from core.plugins import Panel
from core.text import NOTE_MAX
from sessions.access import session_for
from sessions.models import Session
from sessions.selectors import pulse_summary

from .models import FACILITATION_MARK, FACILITATION_PROMPTS, Reflection

KEY, VALUE = FACILITATION_MARK


def facilitated(session: Session, user) -> bool:
    """Whether `user` facilitated this held session (one query)."""
    return (
        session.status == Session.Status.COMPLETED
        and session.facilitators.filter(pk=user.pk).exists()
    )


def facilitation_reflection_of(session: Session, user) -> Reflection | None:
    return (
        Reflection.objects.filter(
            author=user,
            session=session,
            visibility=Reflection.Visibility.PRIVATE,
            **{f"answers__{KEY}": VALUE},
        )
        .order_by("pk")
        .first()
    )


def facilitation_reflection_save(*, session: Session, user, answers: dict) -> Reflection:
    """Write (or change) `user`'s private facilitation reflection on `session`: one per
    facilitator and session, a double submit included (the session row is locked while
    the one is looked for)."""
    kept = {key: text.strip() for key, text in answers.items() if text and text.strip()}
    with transaction.atomic():
        Session.objects.select_for_update().filter(pk=session.pk).first()
        reflection = facilitation_reflection_of(session, user)
        if reflection is None:
            reflection = Reflection(
                author=user,
                community=session.community,
                session=session,
                visibility=Reflection.Visibility.PRIVATE,
                title=(gettext("Facilitating: %(title)s") % {"title": session.title})[:200],
            )
        reflection.answers = {KEY: VALUE, **kept}
        reflection.save()
    return reflection


class FacilitationForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, question in FACILITATION_PROMPTS:
            self.fields[key] = forms.CharField(
                label=question,
                required=False,
                max_length=NOTE_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
            )


@login_required
@require_http_methods(["GET", "POST"])
def facilitation_reflection(request, slug: str, pk: int):
    access = community_for(request.user, slug)
    session = session_for(access, pk)
    if not facilitated(session, request.user):
        raise Http404("Only the session's facilitators reflect on facilitating it.")
    mine = facilitation_reflection_of(session, request.user)
    initial = dict(mine.answers) if mine else {}
    form = FacilitationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        facilitation_reflection_save(session=session, user=request.user, answers=form.cleaned_data)
        messages.success(request, gettext("Saved. Only you can read your facilitation reflection."))
        return redirect(
            reverse("reflections:facilitation", kwargs={"slug": slug, "pk": session.pk})
        )
    return render(
        request,
        "reflections/facilitation.html",
        {
            **access.context(),
            "session": session,
            "form": form,
            "reflection": mine,
            "pulse": pulse_summary(session),
        },
    )


def facilitation_panel(request, access, session) -> Panel | None:
    """On a held session's page, for the people who facilitated it: their own private
    facilitation reflection. One query for members (are they one of its facilitators),
    one more for them (did they write it already); none before the session is held."""
    if not access.is_member or session.status != Session.Status.COMPLETED:
        return None
    if not facilitated(session, request.user):
        return None
    return Panel(
        "reflections/includes/facilitation_panel.html",
        {
            "session": session,
            "community": session.community,
            "written": facilitation_reflection_of(session, request.user) is not None,
        },
        order=4,
    )
