from __future__ import annotations

import io
import zipfile
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from accounts.submissions import once_per_submission, submission_result
from communities.access import CommunityAccess, community_for
from communities.models import Community, Membership
from core.csvs import csv_response
from core.htmx import announce
from core.paging import PAGING_PARAMS, KeysetPage, KeysetQuery
from core.plugins import site_link_for
from core.text import DRAFT_FIELD_MAX
from outcomes.access import outcome_for
from sessions.access import published_session_for

from . import services
from .access import (
    action_for,
    facilitated_theme_for,
    flag_for,
    groupable_reflections,
    groupable_responses,
    hideable_reflection_for,
    hideable_response_for,
    may_update_action,
    open_flags_for,
    own_reflection_for,
    own_response_for,
    reflection_for,
    response_for,
    response_target_for,
    theme_for,
    updatable_action_for,
)
from .anonymity import conceal, conceal_one, facilitating
from .forms import (
    DRAFT_FIELDS,
    ActionForm,
    ActionStatusForm,
    FlagForm,
    HideForm,
    ReflectionFilterForm,
    ReflectionForm,
    ResponseForm,
    ThemeActionForm,
    ThemeEditForm,
    ThemeForm,
    guess_warning,
)
from .markdown import render_markdown
from .mentions import render_with_mentions
from .models import (
    BODY_MAX_CHARS,
    PROMPTS,
    Action,
    ModerationEntry,
    Reflection,
    ReflectionDraft,
    Response,
)
from .selectors import theme_with_counts, themes_for, thread_context, with_response_counts

PAGE_SIZE = 20
FACILITATOR = Membership.Role.FACILITATOR


def _int_param(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    return int(value) if value.isdecimal() else None


def _reflections_shown(chosen, access=None, user=None):
    # The list shows the stored excerpt: the body and answers (up to 50,000 characters
    # each) need not travel, and the outcome is only ever a filter here. With a viewer,
    # each row carries how many responses they may read (a subquery, not a query a row).
    shown = (
        Reflection.objects.filter(pk__in=chosen)
        .select_related("author", "session", "community")
        .defer("body", "answers")
        .order_by("-created_at", "-pk")
    )
    if access is not None:
        # `chosen` went through the reading rule: the responses' audience holds.
        shown = with_response_counts(
            shown, access, user, Response.Kind.REFLECTION, rows_readable=True
        )
    return shown


def _listed_rows(community_id: int, user_id: int, *, facilitator: bool):
    return Reflection.objects.visible_to(User(pk=user_id), community_id)


def _listed_shown(chosen, community_id: int, user_id: int, *, facilitator: bool):
    # A member's access as the rules read it: the community's id and whether the viewer
    # facilitates (coordinators too), nothing else of their membership.
    role = Membership.Role.FACILITATOR if facilitator else Membership.Role.MEMBER
    # The organisation given, so no field default runs: Community's reads the database.
    community = Community(pk=community_id, organisation_id=None)
    access = CommunityAccess(community=community, membership=Membership(role=role))
    return _reflections_shown(chosen, access, User(pk=user_id))


# The reflections list as a member opens it, unfiltered, compiled once per role
# (core.paging.KeysetQuery): stand-ins for the community's and the viewer's ids. The
# reading rule and the response counts are the ones the filtered list builds each time,
# given the viewer as an id; concealing anonymous authors happens on the rows after.
_LISTED = KeysetQuery(_listed_rows, -20_181_420, -20_181_421, load=_listed_shown)


# --- reading -----------------------------------------------------------------------------


@login_required
@require_GET
def reflection_list(request, slug):
    access = community_for(request.user, slug)
    community = access.community
    filters = ReflectionFilterForm(request.GET or None, community=community)
    # The page's reflections are chosen by id, without joins, and only then loaded with
    # their authors and sessions: PostgreSQL cannot estimate a text search, and once it
    # guessed a search matched one row it joined every session to each of 1,900 matches.
    # Filtering by an author never finds what they shared without their name, unless the
    # viewer may know it (reflections.anonymity).
    filtered = any(v for k, v in request.GET.items() if k not in PAGING_PARAMS)
    # Older pages go by "older than this one" links (core.paging.KeysetPage), as cheap
    # at the thousandth page as at the first: the index `(community, -created_at, -id)`
    # is read from the named reflection on, never skipped through with OFFSET.
    if access.is_member and not filtered:
        # The list as most often opened, unfiltered: its reads compiled once (`_LISTED`).
        rows = _LISTED.of(community.pk, request.user.pk, facilitator=access.is_facilitator)
        page = KeysetPage(rows, request.GET, PAGE_SIZE, field="created_at")
    else:
        chosen = filters.apply(
            Reflection.objects.visible_to(request.user, community),
            user=request.user,
            sees_anonymous=access.is_facilitator,
        ).order_by("-created_at", "-pk")
        page = KeysetPage(
            chosen,
            request.GET,
            PAGE_SIZE,
            field="created_at",
            load=lambda rows: _reflections_shown(rows, access, request.user),
        )
    page.object_list = conceal(page.object_list, request.user, facilitating(access))
    query = request.GET.copy()
    for paging in PAGING_PARAMS:
        query.pop(paging, None)
    context = {
        **access.context(),
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "filtered": filtered,
        # The box that searches everything in this community (the search app's page).
        "search_url": site_link_for("search"),
    }
    if request.htmx:
        return render(request, "reflections/list.html#results", context)
    return render(request, "reflections/list.html", context)


@login_required
@require_GET
def reflection_detail(request, slug, pk):
    access = community_for(request.user, slug)
    reflection = conceal_one(
        reflection_for(access, request.user, pk), request.user, facilitating(access)
    )
    # A write in a GET, kept to one idempotent statement: what the first-steps card reads.
    if access.is_member:
        services.reflection_mark_read(reflection=reflection, reader=request.user)
    # Confidence ratings are the author's and the facilitators' only.
    confidence = None
    if reflection.author_id == request.user.pk or access.is_facilitator:
        confidence = reflection.confidence_rating
    actions = reflection.actions.select_related("owner").order_by("-created_at")
    return render(
        request,
        "reflections/detail.html",
        {
            **access.context(),
            "thread": thread_context(access, request.user, Response.Kind.REFLECTION, reflection),
            "reflection": reflection,
            "body_html": render_with_mentions(reflection),
            "confidence": confidence,
            "actions": actions,
            "is_author": reflection.author_id == request.user.pk,
        },
    )


@login_required
@require_GET
def my_reflections(request):
    reflections = (
        Reflection.objects.filter(author=request.user)
        .select_related("community", "session", "outcome", "author")
        .order_by("-created_at", "-pk")
    )
    # "Older than this one" links (core.paging.KeysetPage): years of writing cost the same
    # at the last page as at the first, read from the index `(author, -created_at)`.
    page = KeysetPage(reflections, request.GET, PAGE_SIZE, field="created_at")
    return render(request, "reflections/mine.html", {"page": page})


# --- writing -----------------------------------------------------------------------------


def _preselected(request, access) -> dict:
    """?session=, ?outcome= and ?action= from this community only: a foreign id is 404."""
    initial = {}
    if (session_id := _int_param(request, "session")) is not None:
        initial["session"] = published_session_for(access, session_id)
    if (outcome_id := _int_param(request, "outcome")) is not None:
        initial["outcome"] = outcome_for(access, outcome_id)
    if (action_id := _int_param(request, "action")) is not None:
        action = action_for(access, action_id)
        initial["follow_up_of"] = action
        initial["session"] = initial.get("session") or action.session
        initial["loop_level"] = action.loop_level
        initial["title"] = gettext("Did it make a difference? %(title)s") % {"title": action.title}
        initial["title"] = initial["title"][:200]
    return initial


def _draft_initial(draft: ReflectionDraft | None) -> dict:
    # Only what was typed: an empty value must not clear a default such as visibility.
    return {name: value for name, value in draft.data.items() if value} if draft else {}


def _reflection_form_page(request, access, *, reflection: Reflection | None):
    community = access.community
    draft = ReflectionDraft.objects.filter(
        key=ReflectionDraft.key_for(request.user, community, reflection)
    ).first()
    if reflection is not None and draft is not None and draft.updated_at < reflection.updated_at:
        draft = None
    preview = None
    if request.method == "POST":
        form = ReflectionForm(request.POST, instance=reflection, community=community)
        if "preview" in request.POST:
            # Without JavaScript, "Preview" posts the whole form back: show it, save nothing,
            # and keep what was typed without judging a half-written form.
            form = ReflectionForm(
                initial=request.POST.dict(), instance=reflection, community=community
            )
            preview = render_markdown(request.POST.get("body", "")[:BODY_MAX_CHARS])
        elif form.is_valid():
            created = reflection is None
            reflection = services.reflection_save(
                author=request.user,
                community=community,
                data=form.cleaned_data,
                reflection=reflection,
            )
            messages.success(
                request,
                gettext("Your reflection is saved. %(who_sees)s")
                % {"who_sees": reflection.visibility_sentence}
                if created
                else gettext("Your changes are saved."),
            )
            return redirect(reflection)
    else:
        initial = _preselected(request, access) if reflection is None else {}
        initial = {**_draft_initial(draft), **initial}
        form = ReflectionForm(initial=initial, instance=reflection, community=community)
    return render(
        request,
        "reflections/form.html",
        {
            **access.context(),
            "form": form,
            "prompt_groups": form.prompt_groups(),
            "reflection": reflection,
            "draft": draft,
            "preview": preview,
            "follow_up_of": _follow_up_action(form, community),
            "guess_warning": guess_warning(access) if form.offers_without_name else "",
        },
    )


def _follow_up_action(form, community) -> Action | None:
    """The action this reflection follows up, whether it came from ?action=, a draft, the
    posted form or the saved reflection."""
    value = form["follow_up_of"].value()
    if isinstance(value, Action):
        return value
    if value and str(value).isdecimal():
        return Action.objects.filter(community=community, pk=value).first()
    return None


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def reflection_new(request, slug):
    access = community_for(request.user, slug)
    return _reflection_form_page(request, access, reflection=None)


@login_required
@require_http_methods(["GET", "POST"])
def reflection_edit(request, slug, pk):
    access = community_for(request.user, slug)
    reflection = own_reflection_for(access, request.user, pk)
    return _reflection_form_page(request, access, reflection=reflection)


@login_required
@require_http_methods(["GET", "POST"])
def reflection_delete(request, slug, pk):
    access = community_for(request.user, slug)
    community = access.community
    reflection = own_reflection_for(access, request.user, pk)
    if request.method == "POST":
        services.reflection_delete(reflection=reflection)
        messages.success(request, gettext("Your reflection is deleted."))
        return redirect("reflections:list", slug=community.slug)
    return render(
        request,
        "reflections/confirm_delete.html",
        {**access.context(), "reflection": reflection},
    )


@login_required
@require_POST
def reflection_preview(request, slug):
    community_for(request.user, slug)
    body = request.POST.get("body", "")
    return render(
        request,
        "reflections/includes/preview.html",
        {
            # Only what could be saved is rendered: a pasted megabyte of nested brackets
            # would otherwise cost seconds of server time on every keystroke's preview.
            "preview": render_markdown(body[:BODY_MAX_CHARS]),
            "too_long": len(body) > BODY_MAX_CHARS,
        },
    )


@login_required
@require_POST
def reflection_prompts(request, slug):
    """The prompts for the chosen loop level (htmx), keeping every answer already typed."""
    access = community_for(request.user, slug)
    community = access.community
    form = ReflectionForm(request.POST, community=community)
    level = request.POST.get("loop_level", "")
    shown = []
    for group_level, label, fields in form.prompt_groups():
        answered = any(request.POST.get(field.html_name, "").strip() for field in fields)
        if level not in PROMPTS or group_level == level or answered:
            shown.append((group_level, label, fields))
    return render(request, "reflections/form.html#prompts", {"form": form, "prompt_groups": shown})


def _drafted_reflection(request, access) -> Reflection | None:
    """The reflection a draft is of (`draft_for`: the author's own, else 404), or None for
    the draft of a new one."""
    if (reflection_id := request.POST.get("draft_for", "")).isdecimal():
        return own_reflection_for(access, request.user, int(reflection_id))
    return None


@login_required
@require_POST
def reflection_draft(request, slug):
    """Autosave (htmx, every few seconds while typing) or "Save draft" without JS."""
    access = community_for(request.user, slug)
    community = access.community
    reflection = _drafted_reflection(request, access)
    # A draft is kept as typed, unvalidated; only NUL, which PostgreSQL cannot store, goes.
    data = {
        name: request.POST.get(name, "").replace("\x00", "")[:DRAFT_FIELD_MAX]
        for name in DRAFT_FIELDS
    }
    if reflection is None and _just_saved(request.user, community, data["title"]):
        # An autosave that left just before "Save" arrived after it: the reflection is
        # saved, so keeping this copy would only bring back a stale draft next time.
        return HttpResponse(status=204)
    services.reflection_draft_save(
        author=request.user, community=community, reflection=reflection, data=data
    )
    if request.POST.get("beacon"):
        # The page is closing (static/js/reflections.js): nobody is there to answer.
        return HttpResponse(status=204)
    if request.htmx:
        return render(
            request, "reflections/includes/draft_status.html", {"saved_at": timezone.now()}
        )
    messages.success(request, gettext("Your draft is kept. Come back to it any time."))
    target = (
        "reflections:edit" if reflection else "reflections:new",
        {"slug": community.slug, **({"pk": reflection.pk} if reflection else {})},
    )
    return redirect(target[0], **target[1])


def _just_saved(user, community, title: str) -> bool:
    return Reflection.objects.filter(
        author=user,
        community=community,
        title=title,
        created_at__gte=timezone.now() - timedelta(seconds=15),
    ).exists()


@login_required
@require_POST
def reflection_draft_discard(request, slug):
    access = community_for(request.user, slug)
    community = access.community
    reflection = _drafted_reflection(request, access)
    services.reflection_draft_discard(
        author=request.user, community=community, reflection=reflection
    )
    messages.success(request, gettext("The draft is discarded."))
    if reflection:
        return redirect("reflections:edit", slug=community.slug, pk=reflection.pk)
    return redirect("reflections:new", slug=community.slug)


# --- export ------------------------------------------------------------------------------


def _my_reflections_for_export(user):
    return (
        Reflection.objects.filter(author=user)
        .select_related("community", "session", "outcome")
        .order_by("created_at", "pk")
    )


def _who_sees(reflection: Reflection) -> str:
    if reflection.anonymous:
        return gettext("everyone in the community, without my name (facilitators see it's me)")
    return reflection.get_visibility_display()


def reflection_markdown(reflection: Reflection) -> str:
    """One reflection as a Markdown file of the export, in the requester's language."""
    lines = [
        f"# {reflection.title}",
        "",
        "- " + gettext("Community: %(name)s") % {"name": reflection.community.name},
        "- "
        + gettext("Written: %(when)s UTC") % {"when": f"{reflection.created_at:%Y-%m-%d %H:%M}"},
        "- "
        + gettext("Loop level: %(level)s")
        % {"level": reflection.get_loop_level_display() or gettext("not sure yet")},
        "- " + gettext("Who sees it: %(who)s") % {"who": _who_sees(reflection)},
    ]
    if reflection.session:
        lines.append(
            "- " + pgettext("meeting", "Session: %(title)s") % {"title": reflection.session.title}
        )
    if reflection.outcome:
        lines.append("- " + gettext("Outcome: %(outcome)s") % {"outcome": reflection.outcome})
    lines.append("")
    for question, answer in reflection.answered_prompts:
        lines += [f"## {question}", "", answer, ""]
    lines += [reflection.body, ""]
    return "\n".join(lines)


@login_required
@require_GET
def export_zip(request):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for reflection in _my_reflections_for_export(request.user):
            name = (
                f"{reflection.created_at:%Y-%m-%d}-{reflection.pk}-"
                f"{slugify(reflection.title)[:60] or 'reflection'}.md"
            )
            archive.writestr(name, reflection_markdown(reflection))
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="my-reflections.zip"'
    return response


@login_required
@require_GET
def export_csv(request):
    columns = ["id", gettext("written"), gettext("community"), gettext("title"),
               gettext("loop level"), gettext("visibility"), gettext("without my name"),
               pgettext("meeting", "session"), gettext("outcome"), gettext("prompt answers"),
               gettext("body")]  # fmt: skip
    yes = gettext("yes")
    rows = (
        [
            reflection.pk,
            reflection.created_at.isoformat(),
            reflection.community.name,
            reflection.title,
            reflection.loop_level,
            reflection.visibility,
            yes if reflection.anonymous else "",
            reflection.session.title if reflection.session else "",
            reflection.outcome.statement if reflection.outcome else "",
            "\n\n".join(f"{q}\n{a}" for q, a in reflection.answered_prompts),
            reflection.body,
        ]
        for reflection in _my_reflections_for_export(request.user)
    )
    # The site's one CSV writer makes any cell that a spreadsheet would run inert.
    return csv_response("my-reflections.csv", columns, rows)


# --- actions -----------------------------------------------------------------------------


def _actions_with_reflections(user, community):
    return (
        Action.objects.filter(community=community)
        .select_related("owner", "session", "community")
        .prefetch_related(
            Prefetch(
                "reflections",
                queryset=Reflection.objects.visible_to(user, community).select_related("community"),
            )
        )
    )


@login_required
@require_GET
def action_list(request, slug):
    access = community_for(request.user, slug)
    community = access.community
    actions = _actions_with_reflections(request.user, community)
    open_actions = list(actions.open().overdue_first())
    # Closed actions go by "older than this one" links (core.paging.KeysetPage), most
    # recently closed first; an id that is not a closed action here names nothing.
    closed_page = KeysetPage(
        actions.exclude(status__in=Action.OPEN), request.GET, PAGE_SIZE, field="updated_at"
    )
    return render(
        request,
        "reflections/actions.html",
        {**access.context(), "open_actions": open_actions, "closed_page": closed_page},
    )


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def action_new(request, slug):
    access = community_for(request.user, slug)
    community = access.community
    visible = Reflection.objects.visible_to(request.user, community)
    # Beyond a bigint no reflection can match, and SQLite cannot even bind such a number.
    reflection_ids = [
        int(v) for v in request.GET.getlist("reflection") if v.isdecimal() and int(v) < 2**63
    ]
    preselected = list(visible.filter(pk__in=reflection_ids))
    if len(preselected) != len(set(reflection_ids)):
        raise Http404("No such reflection.")
    initial = {"reflections": [r.pk for r in preselected], "owner": request.user.pk}
    if preselected:
        levels = [r.loop_level for r in preselected if r.loop_level]
        order = [c.value for c in Reflection.Loop]
        initial["loop_level"] = max(levels, key=order.index) if levels else ""
        if len(preselected) == 1:
            # Its author carries it by default, unless they shared it without their name
            # and the viewer may not know who that is (then: the viewer).
            if conceal_one(preselected[0], request.user, facilitating(access)).author_concealed:
                initial["owner"] = request.user.pk
            else:
                initial["owner"] = preselected[0].author_id
            initial["session"] = preselected[0].session_id
    if (session_id := _int_param(request, "session")) is not None:
        initial["session"] = published_session_for(access, session_id).pk
    form = ActionForm(
        request.POST or None,
        initial=initial,
        community=community,
        user=request.user,
        preselected=preselected,
    )
    if request.method == "POST" and form.is_valid():
        action = services.action_create(
            community=community, created_by=request.user, data=form.cleaned_data
        )
        messages.success(
            request,
            gettext("Action added: %(title)s. It shows on the next session.")
            % {"title": action.title},
        )
        return redirect(action)
    return render(
        request,
        "reflections/action_form.html",
        {**access.context(), "form": form, "action": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request, slug, pk):
    access = community_for(request.user, slug)
    community = access.community
    action = updatable_action_for(access, request.user, pk)
    form = ActionForm(request.POST or None, instance=action, community=community, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.action_update(action=action, data=form.cleaned_data, by=request.user)
        messages.success(request, gettext("The action is updated."))
        return redirect(action)
    return render(
        request,
        "reflections/action_form.html",
        {**access.context(), "form": form, "action": action},
    )


def _follow_ups(access, user, action) -> list[Reflection]:
    """The follow-up reflections of an action `user` may read, with their authors as the
    viewer may know them (reflections.anonymity)."""
    rows = (
        Reflection.objects.visible_to(user, access.community)
        .filter(follow_up_of=action)
        .select_related("author", "community")
    )
    return conceal(rows, user, facilitating(access))


@login_required
@require_GET
def action_detail(request, slug, pk):
    access = community_for(request.user, slug)
    community = access.community
    action = action_for(access, pk, _actions_with_reflections(request.user, community))
    follow_ups = _follow_ups(access, request.user, action)
    return render(
        request,
        "reflections/action_detail.html",
        {
            **access.context(),
            "action": action,
            "follow_ups": follow_ups,
            "can_update": may_update_action(access, request.user, action),
            "status_form": ActionStatusForm(instance=action),
        },
    )


@login_required
@require_POST
def action_status(request, slug, pk):
    access = community_for(request.user, slug)
    action = updatable_action_for(access, request.user, pk)
    form = ActionStatusForm(request.POST, instance=Action.objects.get(pk=action.pk))
    if form.is_valid():
        services.action_set_status(
            action=action,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["status_note"],
        )
        if action.status == Action.Status.DONE:
            messages.success(
                request,
                gettext(
                    "Marked done — well done closing the loop. Did it make a difference? "
                    "A follow-up reflection helps the community see."
                ),
            )
        else:
            messages.success(
                request,
                gettext("The action is now %(status)s.") % {"status": action.get_status_display()},
            )
        return redirect(action)
    follow_ups = _follow_ups(access, request.user, action)
    return render(
        request,
        "reflections/action_detail.html",
        {
            **access.context(),
            "action": action,
            "follow_ups": follow_ups,
            "can_update": True,
            "status_form": form,
        },
    )


# --- responses ("Yes, and…") -------------------------------------------------------------


def _thread_fragment(request, access, kind, target, **kwargs):
    context = {
        **access.context(),
        "thread": thread_context(access, request.user, kind, target, **kwargs),
    }
    return render(request, "reflections/includes/responses.html", context)


class ParentGone(Exception):
    """The response a reply answers is not there (deleted or hidden meanwhile)."""


def _posted_parent(request, access) -> Response | None:
    """The response a reply answers (`parent`), as the viewer may read it; a malformed id
    is a 404, one that is not (or no longer) there ParentGone."""
    value = request.POST.get("parent", "")
    if not value:
        return None
    if not value.isdecimal() or int(value) >= 2**63:
        raise Http404("No such response.")
    try:
        return response_for(access, request.user, int(value))
    except Http404:
        raise ParentGone from None


REPLY_ORPHANED = gettext_lazy(
    "The response you were replying to was deleted meanwhile, so your reply is not posted. "
    "Your words are kept here: post them as a response of your own, or change them first."
)


def _reply_orphaned(request, access, kind, target):
    """A reply whose response was deleted (or hidden) meanwhile: nothing is posted, and the
    words come back in the response box with a message saying why, never a bare 404."""
    form = ResponseForm(request.POST, prefix_id="response")
    form.is_valid()
    form.add_error("body", REPLY_ORPHANED)
    if request.htmx:
        # A 200, so htmx swaps the conversation in, with the words in its box.
        return _thread_fragment(request, access, kind, target, form=form)
    return render(
        request,
        "reflections/respond.html",
        {
            **access.context(),
            "form": form,
            "target": target,
            "kind": kind,
            "parent": None,
            "respond_url": request.path,
        },
        status=404,
    )


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def respond(request, slug, kind, pk):
    """Post a response to a reflection, a piece of shared work or a session (or a reply to
    one of its responses). With htmx the conversation is swapped in with the new response
    focused and announced; without, a POST/redirect. Something deleted meanwhile, or that
    the person may not see, is a 404 that keeps what they wrote."""
    access = community_for(request.user, slug)
    try:
        target = response_target_for(access, request.user, kind, pk)
    except Http404:
        return render(
            request,
            "reflections/response_gone.html",
            {**access.context(), "body": request.POST.get("body", "").replace("\x00", "")},
            status=404,
        )
    try:
        parent = _posted_parent(request, access) if request.method == "POST" else None
    except ParentGone:
        return _reply_orphaned(request, access, kind, target)
    if parent is not None:
        conceal_one(parent, request.user, facilitating(access))
    form = ResponseForm(
        request.POST or None,
        prefix_id=f"reply-{parent.pk}" if parent else "response",
        reply_to=parent.author.name if parent else "",
    )
    if request.method == "POST" and form.is_valid():
        try:
            response = services.response_create(
                author=request.user,
                community=access.community,
                kind=kind,
                target=target,
                body=form.cleaned_data["body"],
                parent=parent,
                anonymous=form.cleaned_data["anonymous"],
            )
        except services.ResponseRefused:
            raise Http404("That reply belongs to another conversation.") from None
        url = response.get_absolute_url()
        if request.htmx:
            fragment = _thread_fragment(request, access, kind, target, focus=response.pk)
            said = (
                gettext("Your reply is posted.") if parent else gettext("Your response is posted.")
            )
            return submission_result(announce(fragment, said), url)
        messages.success(
            request, gettext("Thank you for building on it — your response is posted.")
        )
        return redirect(url)
    if request.htmx and request.method == "POST":
        forms_kwargs = {"reply_forms": {parent.pk: form}} if parent else {"form": form}
        return _thread_fragment(request, access, kind, target, **forms_kwargs)
    return render(
        request,
        "reflections/respond.html",
        {
            **access.context(),
            "form": form,
            "target": target,
            "kind": kind,
            "parent": parent,
            "respond_url": request.path,
            "guess_warning": guess_warning(access),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def response_edit(request, slug, pk):
    access = community_for(request.user, slug)
    response = own_response_for(access, request.user, pk)
    form = ResponseForm(
        request.POST or None, initial={"body": response.body}, offer_anonymous=False
    )
    if request.method == "POST" and form.is_valid():
        services.response_edit(response=response, body=form.cleaned_data["body"])
        messages.success(request, gettext("Your changes are saved."))
        return redirect(response.get_absolute_url())
    return render(
        request,
        "reflections/response_edit.html",
        {**access.context(), "form": form, "response": response},
    )


@login_required
@require_http_methods(["GET", "POST"])
def response_delete(request, slug, pk):
    access = community_for(request.user, slug)
    response = own_response_for(access, request.user, pk)
    target_url = response.target.get_absolute_url()
    if request.method == "POST":
        services.response_delete(response=response)
        messages.success(request, gettext("Your response is deleted."))
        return redirect(target_url + "#responses")
    return render(
        request,
        "reflections/response_delete.html",
        {
            **access.context(),
            "response": response,
            "reply_count": response.replies.count(),
            "target_url": target_url,
        },
    )


# --- moderation --------------------------------------------------------------------------


def _moderated(access, user, kind: str, pk: int):
    if kind == "response":
        return hideable_response_for(access, user, pk)
    if kind == "reflection":
        return hideable_reflection_for(access, user, pk)
    raise Http404("Nothing to moderate.")


def _content_url(content) -> str:
    return content.get_absolute_url()


@login_required
@require_http_methods(["GET", "POST"])
def content_hide(request, slug, kind, pk):
    """A facilitator hides a response or a community reflection, with a reason its author
    will see; or (POST `show`) shows it again."""
    access = community_for(request.user, slug, role=FACILITATOR)
    content = _moderated(access, request.user, kind, pk)
    if request.method == "POST" and "show" in request.POST:
        services.content_show(content=content, by=request.user)
        messages.success(request, gettext("It is shown again."))
        return redirect(_content_url(content))
    form = HideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.content_hide(content=content, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(
            request,
            gettext(
                "It is hidden. Its author and the facilitators still see it, with your reason."
            ),
        )
        return redirect(_content_url(content))
    return render(
        request,
        "reflections/moderate_hide.html",
        {**access.context(), "form": form, "content": content, "kind": kind},
    )


@login_required
@require_http_methods(["GET", "POST"])
def content_flag(request, slug, kind, pk):
    """Any member asks the facilitators to look at a response or a reflection they see."""
    access = community_for(request.user, slug)
    if not access.is_member:
        raise Http404("Only members flag.")
    if kind == "response":
        content = response_for(access, request.user, pk)
    elif kind == "reflection":
        content = reflection_for(access, request.user, pk)
    else:
        raise Http404("Nothing to flag.")
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.content_flag(content=content, by=request.user, note=form.cleaned_data["note"])
        messages.success(request, gettext("Thank you — the facilitators will have a look."))
        return redirect(_content_url(content))
    return render(
        request,
        "reflections/moderate_flag.html",
        {**access.context(), "form": form, "content": content, "kind": kind},
    )


@login_required
@require_GET
def flags_page(request, slug):
    """Facilitators: open flags, and the moderation log's latest entries."""
    access = community_for(request.user, slug, role=FACILITATOR)
    community = access.community
    flags = list(
        open_flags_for(access, request.user)
        .select_related("flagged_by", "response__author", "reflection__author")
        .order_by("-created_at", "-pk")[:50]
    )
    log = list(
        ModerationEntry.objects.filter(community=community)
        .select_related("by")
        .order_by("-at", "-pk")[:30]
    )
    return render(
        request, "reflections/flags.html", {**access.context(), "flags": flags, "log": log}
    )


@login_required
@require_POST
def flag_resolve(request, slug, pk):
    access = community_for(request.user, slug, role=FACILITATOR)
    flag = flag_for(access, pk)
    services.flag_resolve(flag=flag, by=request.user)
    messages.success(request, gettext("Marked as looked at; the content stays as it is."))
    return redirect("reflections:flags", slug=access.community.slug)


# --- themes: converging on action ----------------------------------------------------------


def _themes_back(request, access, theme) -> str:
    """Where a vote without JavaScript returns: the page it was cast on (the session's, or
    the community's themes page), at the theme."""
    if request.POST.get("back") == "session" and theme.session_id:
        return f"{theme.session.get_absolute_url()}#theme-{theme.pk}"
    return theme.get_absolute_url()


@login_required
@require_GET
def themes_page(request, slug):
    """The community's themes, most "+1"s first; members vote, facilitators group new
    ones and make one an action. Members only (themes are members' words)."""
    access = community_for(request.user, slug)
    return render(
        request,
        "reflections/themes.html",
        {**access.context(), "themes": themes_for(access, request.user), "back": "themes"},
    )


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def theme_new(request, slug):
    """A facilitator groups reflections and responses shared with the community into a
    theme: of a held session (`?session=`), or the most recent ones."""
    access = community_for(request.user, slug, role=FACILITATOR)
    community = access.community
    session_id = _int_param(request, "session")
    session = None if session_id is None else published_session_for(access, session_id)
    form = ThemeForm(
        request.POST or None,
        reflections=groupable_reflections(community, session),
        responses=groupable_responses(community, session),
        session=session,
    )
    if request.method == "POST" and form.is_valid():
        try:
            theme = services.theme_create(
                community=community,
                created_by=request.user,
                session=session,
                **form.cleaned_data,
            )
        except services.ThemeRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                gettext("Theme gathered: %(statement)s. Members can +1 it.")
                % {"statement": theme.statement},
            )
            if session is not None:
                return redirect(f"{session.get_absolute_url()}#theme-{theme.pk}")
            return redirect(theme.get_absolute_url())
    return render(
        request,
        "reflections/theme_form.html",
        {**access.context(), "form": form, "session": session},
    )


@login_required
@require_POST
@once_per_submission
def theme_vote(request, slug, pk):
    """+1 a theme, or take the vote back: htmx swaps the button and count in place."""
    access = community_for(request.user, slug)
    theme = theme_for(access, pk)
    voted = services.theme_vote_toggle(theme=theme, user=request.user)
    back = _themes_back(request, access, theme)
    if request.htmx:
        context = {
            **access.context(),
            "theme": theme_with_counts(access, request.user, theme.pk),
            "back": request.POST.get("back", "themes"),
        }
        said = gettext("Your +1 is counted.") if voted else gettext("Your +1 is taken back.")
        return submission_result(
            announce(
                render(request, "reflections/includes/theme_item.html#vote-box", context), said
            ),
            back,
        )
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def theme_action(request, slug, pk):
    """A facilitator makes a theme an action in one step: who carries it, by when. A theme
    already made one leads to it."""
    access = community_for(request.user, slug, role=FACILITATOR)
    theme = facilitated_theme_for(access, pk)
    if theme.action_id is not None:
        messages.info(request, gettext("This theme is already an action."))
        return redirect(theme.action)
    form = ThemeActionForm(
        request.POST or None, initial={"owner": request.user.pk}, community=access.community
    )
    if request.method == "POST" and form.is_valid():
        action = services.theme_to_action(theme=theme, created_by=request.user, **form.cleaned_data)
        messages.success(
            request,
            gettext("Action added: %(title)s. It shows on the next session.")
            % {"title": action.title},
        )
        return redirect(action)
    return render(
        request,
        "reflections/theme_action.html",
        {**access.context(), "form": form, "theme": theme},
    )


@login_required
@require_http_methods(["GET", "POST"])
def theme_edit(request, slug, pk):
    """A facilitator rewords a theme; a blank or too long statement is a field error that
    keeps what was typed."""
    access = community_for(request.user, slug, role=FACILITATOR)
    theme = facilitated_theme_for(access, pk)
    saved = theme.statement  # The heading shows what is saved, the form what was typed.
    form = ThemeEditForm(request.POST or None, instance=theme)
    if request.method == "POST" and form.is_valid():
        theme = services.theme_update(theme=theme, statement=form.cleaned_data["statement"])
        messages.success(request, gettext("The theme is reworded."))
        return redirect(theme.get_absolute_url())
    return render(
        request,
        "reflections/theme_edit.html",
        {**access.context(), "form": form, "theme": theme, "saved": saved},
    )


@login_required
@require_http_methods(["GET", "POST"])
def theme_delete(request, slug, pk):
    """A facilitator deletes a theme after confirming: its +1s go with it; the reflections
    it gathered, and an action made of it, stay."""
    access = community_for(request.user, slug, role=FACILITATOR)
    theme = facilitated_theme_for(access, pk)
    back = reverse("reflections:themes", kwargs={"slug": access.community.slug})
    if request.method == "POST":
        services.theme_delete(theme=theme)
        messages.success(
            request,
            gettext("The theme “%(statement)s” is deleted.") % {"statement": theme.statement},
        )
        return redirect(back)
    return render(
        request,
        "reflections/theme_delete.html",
        {**access.context(), "theme": theme, "vote_count": theme.votes.count()},
    )
