"""Views of the sessions app: thin, through communities.access.community_for, scoped by
community. htmx requests get the partial of the same template; everything works without JS.
"""

from __future__ import annotations

from copy import copy
from datetime import timedelta
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext, npgettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.languages import speaking
from accounts.models import User
from accounts.submissions import once_per_submission, submission_result
from communities.access import community_for
from communities.models import Membership
from communities.pickers import member_ids
from core.compiled import stand_in_moment
from core.htmx import announce
from core.paging import KeysetPage, KeysetQuery
from core.plugins import annotate_rows, collect_panels, link_for

from . import services
from .access import (
    agenda_item_for,
    attendance_for,
    cofacilitation_for,
    series_for,
    session_for,
    sessions_for,
    sessions_seen,
    template_for,
)
from .calendar import build_calendar, series_ics, session_ics
from .forms import (
    AgendaItemForm,
    AttendanceForm,
    CancelForm,
    NewSessionForm,
    PulseForm,
    RepeatForm,
    RSVPForm,
    SessionForm,
    SessionSettingsForm,
    TemplateForm,
    TemplateItemFormSet,
    TemplateSaveForm,
)
from .guides import FACILITATION_GUIDES
from .models import (
    PULSE_FACES,
    RSVP,
    UNDER_WAY,
    AgendaItem,
    CoFacilitation,
    PulseAnswer,
    SeriesRSVP,
    Session,
    SessionSettings,
    SessionTemplate,
    TemplateItem,
)
from .selectors import (
    CARD_FIELDS,
    agenda_of,
    attended_count,
    my_pulse,
    people_answering,
    pulse_summary,
    round_order,
    round_people,
    rsvp_people,
    series_pulse,
    with_going_count,
    with_my_rsvp,
)

FACILITATOR = Membership.Role.FACILITATOR
LIST_LIMIT = 50
UPCOMING_PAGE = 20
PAST_PAGE = 30
SERIES_PAST = 20


# A facilitator's page that only makes sense in some states of the session: outside them it
# sends the person back to the session's page with a word of why ("load or bounce").
EDITABLE = (
    lambda session: session.is_editable,
    pgettext_lazy("meeting", "This session is held or cancelled, so its plan stays as it was."),
)
CANCELLABLE = (
    lambda session: session.is_editable,
    pgettext_lazy("meeting", "This session is already held or cancelled."),
)
ATTENDANCE_OPEN = (
    lambda session: session.can_record_attendance,
    pgettext_lazy("meeting", "Attendance can be recorded once the session has started."),
)


def _session_or_bounce(request, access, pk: int, state) -> tuple[Session, HttpResponse | None]:
    """The session (or 404), and a redirect to its page when it is not in `state`."""
    session = session_for(access, pk)
    ready, why = state
    if ready(session):
        return session, None
    messages.info(request, why)
    return session, redirect(session.get_absolute_url())


# --- members' pages -----------------------------------------------------------------


# The upcoming sessions with how many are going and the viewer's answer, compiled once
# (core.paging.KeysetQuery): stand-ins for the community's and the viewer's ids and the
# moment upcoming sessions start from (an hour ago: under way, still shown).
_UPCOMING = KeysetQuery(
    lambda community_id, user_id, since, *, facilitator: with_my_rsvp(
        with_going_count(
            sessions_seen(community_id, facilitator=facilitator)
            .upcoming_since(since)
            .select_related("series")
            .only(*CARD_FIELDS)
        ),
        SimpleNamespace(pk=user_id),
    ),
    -20_181_411,
    -20_181_412,
    stand_in_moment(5),
)


@login_required
@require_GET
def session_list(request, slug: str):
    access = community_for(request.user, slug, open_to_all=True)
    visible = sessions_for(access)
    # Upcoming sessions soonest first, UPCOMING_PAGE at a time with "Later sessions" links
    # (a community planning a long series ahead never has some silently left off).
    upcoming = KeysetPage(
        _UPCOMING.of(
            access.community.pk,
            request.user.pk,
            timezone.now() - UNDER_WAY,
            facilitator=access.is_facilitator,
        ),
        request.GET,
        UPCOMING_PAGE,
        field="starts_at",
        keys=("later", "sooner"),
        ascending=True,
    )
    # Past sessions page back through the community's whole history, newest first, by
    # "older than this one" links (no OFFSET, no COUNT). Only the page's rows get the
    # figures: how many came, and what higher apps add (responses), in the same query.
    past = KeysetPage(
        visible.past(),
        request.GET,
        PAST_PAGE,
        field="starts_at",
        load=lambda chosen: annotate_rows(
            "session", Session.objects.filter(pk__in=chosen.values("pk")), access, request.user
        ).annotate(attended=attended_count()),
    )
    is_facilitator = access.is_facilitator
    drafts = (
        visible.filter(status=Session.Status.DRAFT).order_by("starts_at")[:LIST_LIMIT]
        if is_facilitator
        else []
    )
    cancelled = visible.filter(
        status=Session.Status.CANCELLED, starts_at__gte=timezone.now()
    ).order_by("starts_at")[:LIST_LIMIT]
    return render(
        request,
        "sessions/list.html",
        {
            **access.context(),
            "is_member": access.is_member,
            "is_facilitator": is_facilitator,
            "upcoming": upcoming,
            "past": past,
            "drafts": drafts,
            "cancelled": cancelled,
        },
    )


def _with_clock_times(session: Session, agenda: list[AgendaItem], now) -> list[AgendaItem]:
    """Each item's clock times from the session's start, in the planner's order and
    minutes (`clock_start`, `clock_end`, aware: templates show them in the viewer's
    time), and `is_now` on the item under way while the session runs."""
    at = session.starts_at
    during = session.current_stage == Session.DURING
    for item in agenda:
        item.clock_start, at = at, at + timedelta(minutes=item.minutes)
        item.clock_end = at
        item.is_now = during and item.clock_start <= now < item.clock_end
    return agenda


def _detail_context(request, access, session: Session) -> dict:
    community = access.community
    is_member = access.is_member
    stage = session.current_stage
    # Everyone's answer that counts: their own, or their answer to the whole series.
    rsvps = rsvp_people(session)
    my_rsvp = next((response for user, response in rsvps if user.pk == request.user.pk), None)
    agenda = agenda_of(session)
    # After a held session the page says who came (one query); before it, who is going.
    came = []
    if stage == Session.AFTER and session.is_held:
        came = [
            attendance.user
            for attendance in session.attendances.select_related("user").order_by(
                "user__display_name", "pk"
            )
        ]
    going = [user for user, response in rsvps if response == RSVP.Response.GOING]
    # A round's speaking order is shown until the session is held (or cancelled): one
    # query for who attended, only when the agenda holds a round.
    round_open = session.status in (Session.Status.DRAFT, Session.Status.SCHEDULED)
    people, round_from_attendance = [], False
    if round_open and any(item.is_round for item in agenda):
        people, round_from_attendance = round_people(session, going)
    for item in agenda:
        item.speaking_order = round_order(item, people) if round_open and item.is_round else None
    series = session.series if session.series_id else None
    facilitators = list(session.facilitators.order_by("display_name", "email"))
    next_session = (
        session.next_occurrence() if series is not None and stage == Session.AFTER else None
    )
    own = (
        series is not None
        and my_rsvp is not None
        and session.rsvps.filter(user=request.user).exists()
    )
    return {
        **access.context(),
        "session": session,
        "series": series,
        "my_rsvp_by_series": series is not None and my_rsvp is not None and not own,
        "stage": stage,
        "is_member": is_member,
        "is_facilitator": access.is_facilitator,
        "facilitators": facilitators,
        "agenda": _with_clock_times(session, agenda, timezone.now()),
        "agenda_minutes": sum(item.minutes for item in agenda),
        "has_review_step": any(item.kind == AgendaItem.Kind.REVIEW_ACTIONS for item in agenda),
        "going": going,
        "round_from_attendance": round_from_attendance,
        "maybe": [user for user, response in rsvps if response == RSVP.Response.MAYBE],
        "came": came,
        "my_rsvp": my_rsvp,
        "rsvp_choices": RSVP.Response.choices,
        "attended": any(person.pk == request.user.pk for person in came),
        # After a held session of a series, its reflection invitation points on.
        "next_session": next_session,
        "reflect_url": link_for("reflect", community.slug, session=session.pk),
        **_cofacilitation_context(access, session, came, facilitators, next_session),
        **_pulse_context(request, access, session, came),
        "community_tz": community.zoneinfo,
        "viewer_tz": request.user.zoneinfo,
        "same_tz": community.zoneinfo.key == request.user.zoneinfo.key,
    }


def _pulse_context(request, access, session: Session, came: list[User], form=None) -> dict:
    """The pulse after a held session: the form for the people who came (with their own
    answer, to change it), and the summary for the facilitators (shown at 5+ answers)."""
    if session.status != Session.Status.COMPLETED or not access.is_member:
        return {}
    context = {}
    if any(person.pk == request.user.pk for person in came):
        mine = my_pulse(session, request.user)
        if form is None:
            initial = {"face": mine.face, "better": mine.better} if mine else {}
            suggested = request.GET.get("pulse", "")
            if suggested.isdecimal() and int(suggested) in PulseAnswer.Face.values:
                # An email's face link only preselects; nothing is saved until they press.
                initial["face"] = int(suggested)
                context["pulse_suggested"] = True
            form = PulseForm(initial=initial)
        context.update(pulse_form=form, my_pulse=mine, pulse_faces=PULSE_FACES)
    if access.is_facilitator:
        context["pulse"] = pulse_summary(session)
    return context


def _cofacilitation_context(access, session: Session, came, facilitators, next_session) -> dict:
    """After a held session of a series, its facilitators may invite the people who came
    to co-facilitate the next one: who came (not facilitating), each with the invitation
    already made, if any. One query, only then."""
    if not (access.is_facilitator and next_session and session.status == Session.Status.COMPLETED):
        return {}
    leading = {person.pk for person in facilitators}
    invited = dict(
        CoFacilitation.objects.filter(session=next_session).values_list("user_id", "status")
    )
    candidates = [
        {"user": person, "status": invited.get(person.pk)}
        for person in came
        if person.pk not in leading
    ]
    return {"cofacilitation_candidates": candidates}


@login_required
@require_GET
def session_detail(request, slug: str, pk: int):
    access = community_for(request.user, slug, open_to_all=True)
    session = session_for(access, pk, with_series=True)
    context = _detail_context(request, access, session)
    # A digest's one-click RSVP link lands here with ?rsvp=<answer>: it only preselects the
    # answer for the person to confirm with a POST (link scanners must change nothing).
    suggested = request.GET.get("rsvp", "")
    if (
        context["is_member"]
        and session.accepts_rsvps
        and suggested in RSVP.Response.values
        and suggested != context["my_rsvp"]
    ):
        context["suggested_rsvp"] = suggested
    context["panels"] = collect_panels("session_panel", request, access, session)
    # Open actions appear once: inside the agenda's "Review our open actions" step when the
    # plan has one (the actions a panel brought, the reflections app's, without this app
    # importing that one), else as that panel's own collapsed list.
    context["open_actions"] = None
    for panel in context["panels"]:
        if "actions" in panel.context and context["has_review_step"]:
            context["open_actions"] = panel.context["actions"]
            panel.context["actions_in_agenda"] = True
    return render(request, "sessions/detail.html", context)


@login_required
@require_POST
def session_rsvp(request, slug: str, pk: int):
    access = community_for(request.user, slug)
    session = session_for(access, pk)
    form = RSVPForm(request.POST)
    error = ""
    if not form.is_valid():
        error = gettext("Please choose going, maybe or not going.")
    else:
        try:
            services.rsvp_set(
                session=session, user=request.user, response=form.cleaned_data["response"]
            )
        except services.SessionStateError as refusal:
            error = str(refusal)
    if request.htmx:
        context = _detail_context(request, access, session)
        context["rsvp_error"] = error
        response = render(request, "sessions/detail.html#rsvp-box", context)
        if error:
            return response
        said = dict(RSVP.Response.choices)[form.cleaned_data["response"]]
        return announce(response, gettext("Your answer: %(answer)s.") % {"answer": said})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, gettext("Thanks, your answer is saved."))
    return redirect(session.get_absolute_url())


@login_required
@require_POST
def session_pulse(request, slug: str, pk: int):
    access = community_for(request.user, slug)
    session = session_for(access, pk)
    form = PulseForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.pulse_answer(
                session=session,
                user=request.user,
                face=form.cleaned_data["face"],
                better=form.cleaned_data["better"],
            )
        except services.SessionStateError as refusal:
            error = str(refusal)
        else:
            thanks = gettext("Thank you: your answer is saved, without your name.")
            if request.htmx:
                context = _detail_context(request, access, session)
                context["pulse_saved"] = True
                return announce(render(request, "sessions/detail.html#pulse-box", context), thanks)
            messages.success(request, thanks)
            return redirect(session.get_absolute_url() + "#pulse-box")
    if error:
        if request.htmx:
            context = _detail_context(request, access, session)
            context["pulse_error"] = error
            return render(request, "sessions/detail.html#pulse-box", context)
        messages.error(request, error)
        return redirect(session.get_absolute_url())
    # Field errors keep what was typed: the fragment, or the whole page, with the form bound.
    context = _detail_context(request, access, session)
    context.update(_pulse_context(request, access, session, context["came"], form=form))
    if request.htmx:
        return render(request, "sessions/detail.html#pulse-box", context)
    context["panels"] = collect_panels("session_panel", request, access, session)
    return render(request, "sessions/detail.html", context)


@login_required
@require_POST
def cofacilitate_invite(request, slug: str, pk: int):
    access = community_for(request.user, slug, role=FACILITATOR)
    session = session_for(access, pk)
    # Only someone who came to this session: another id is a 404.
    ids = member_ids([request.POST.get("user", "")])
    if not ids:
        raise Http404("No such attendee.")
    attendance = attendance_for(session, ids[0])
    person = attendance.user
    try:
        services.cofacilitation_invite(session=session, user=person, invited_by=request.user)
    except services.SessionStateError as refusal:
        messages.info(request, str(refusal))
    else:
        messages.success(
            request,
            pgettext(
                "meeting", "%(name)s is invited to co-facilitate the next session, and told once."
            )
            % {"name": person.name},
        )
    return redirect(session.get_absolute_url() + "#cofacilitate")


@login_required
@require_http_methods(["GET", "POST"])
def cofacilitate_answer(request, slug: str, pk: int):
    access = community_for(request.user, slug)
    session = session_for(access, pk)
    invite = cofacilitation_for(session, request.user)
    if request.method == "POST":
        answer = request.POST.get("answer")
        if answer not in ("accept", "decline"):
            messages.error(request, gettext("Please choose yes or no thanks."))
        else:
            invite.session = session
            try:
                services.cofacilitation_answer(invite=invite, accept=answer == "accept")
            except services.SessionStateError as refusal:
                messages.info(request, str(refusal))
            else:
                messages.success(
                    request,
                    pgettext("meeting", "Thank you: you co-facilitate this session.")
                    if answer == "accept"
                    else gettext("Thanks for letting us know. Maybe another time."),
                )
            return redirect(session.get_absolute_url())
    return render(
        request,
        "sessions/cofacilitate.html",
        {**access.context(), "session": session, "invite": invite},
    )


@login_required
@require_POST
def round_shuffle(request, slug: str, pk: int, item_pk: int):
    access = community_for(request.user, slug, role=FACILITATOR)
    session = session_for(access, pk)
    item = agenda_item_for(session, item_pk)
    try:
        services.round_shuffle(item=item)
    except services.SessionStateError as refusal:
        messages.info(request, str(refusal))
        return redirect(session.get_absolute_url())
    if request.htmx:
        context = _detail_context(request, access, session)
        context["item"] = next(row for row in context["agenda"] if row.pk == item.pk)
        first = context["item"].speaking_order[:1]
        if first:
            said = gettext("Shuffled: a new order. %(name)s starts.") % {"name": first[0].name}
        else:
            said = gettext("Shuffled: a new order.")
        return announce(render(request, "sessions/detail.html#round-box", context), said)
    messages.success(request, gettext("Shuffled: a new speaking order for everyone."))
    return redirect(session.get_absolute_url() + f"#round-{item.pk}")


@login_required
@require_GET
def session_ics_view(request, slug: str, pk: int):
    access = community_for(request.user, slug, open_to_all=True)
    session = session_for(access, pk)
    body = session_ics(session, include_online_link=access.is_member)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}.ics"'
    return response


@require_GET
def calendar_feed(request, token: str):
    """A person's subscription feed: every published session of their communities. The
    secret token in the URL is the only credential (calendar apps send no cookies)."""
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None or not token:
        raise Http404("No such calendar.")
    since = timezone.now() - timedelta(days=90)
    sessions = list(
        Session.objects.published()
        .for_member(user)
        .filter(starts_at__gte=since)
        .select_related("community", "series")
        .prefetch_related("agenda_items")
        .order_by("starts_at")[:500]
    )
    # A series is one event with its rule: all its sessions at once (two more queries,
    # only when the feed has a series), for its skipped dates and edited occurrences.
    series_sessions: dict[int, list[Session]] = {}
    series_ids = {session.series_id for session in sessions if session.series_id}
    if series_ids:
        communities = {session.community_id: session.community for session in sessions}
        for session in (
            Session.objects.published()
            .filter(series_id__in=series_ids)
            .prefetch_related("agenda_items")
            .order_by("recurrence_id")
        ):
            session.community = communities[session.community_id]
            series_sessions.setdefault(session.series_id, []).append(session)
    # The feed's owner reads it, whatever language their calendar app asks in.
    with speaking(user):
        body = build_calendar(
            sessions,
            include_online_link=True,
            name=pgettext("meeting", "My copsite sessions"),
            series_sessions=series_sessions,
        )
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@login_required
@require_POST
def calendar_reset(request):
    services.calendar_token_reset(user=request.user)
    messages.success(request, gettext("Your calendar link is new; the old one no longer works."))
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect("home")


# --- planner ------------------------------------------------------------------------


def _planner_context(request, access, session, form, **extra) -> dict:
    community = access.community
    context = {**access.context(), "session": session, "form": form, **extra}
    context["facilitation_guides"] = FACILITATION_GUIDES
    if session is not None:
        context.update(_agenda_context(community, session, extra.get("editing")))
        local = timezone.localtime(session.starts_at, request.user.zoneinfo)
        if request.user.zoneinfo.key != community.zoneinfo.key:
            context["your_time"] = local
            context["your_tz"] = request.user.zoneinfo.key
    return context


def _agenda_context(community, session, editing=None, item_form=None) -> dict:
    items = agenda_of(session)
    total = sum(item.minutes for item in items)
    kinds = {item.kind for item in items}
    return {
        "agenda": items,
        "agenda_minutes": total,
        "overflow": max(total - session.duration_minutes, 0),
        "has_review_bookend": AgendaItem.Kind.REVIEW_ACTIONS in kinds,
        "has_reflect_bookend": AgendaItem.Kind.REFLECT in kinds,
        "editing": editing,
        "item_form": item_form,
        "new_item_form": AgendaItemForm(community=community, prefix="new"),
    }


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def session_new(request, slug: str):
    access = community_for(request.user, slug, role=FACILITATOR)
    community = access.community
    # "New session from template": ?template=<pk> of one of this community's templates
    # (anything else is a 404), kept in the form's action so the POST plans from it too.
    template = None
    if "template" in request.GET:
        template = template_for(access, request.GET["template"])
    form = NewSessionForm(
        request.POST or None, community=community, user=request.user, template=template
    )
    if request.method == "POST" and form.is_valid():
        if template is None:
            session = services.session_create(
                community=community,
                user=request.user,
                data=form.session_data(),
                repeat=form.repeat,
            )
            said = gettext("Your draft is saved. Now plan its agenda, then publish.")
        else:
            session = services.session_from_template(
                community=community,
                user=request.user,
                template=template,
                data=form.session_data(),
                repeat=form.repeat,
            )
            said = gettext(
                "Your draft is saved with the plan of “%(template)s”. Adjust it, then publish."
            ) % {"template": template.name}
        if form.repeat:
            starts = pgettext(
                "meeting",
                "It starts a series: the other sessions of the series are made when you "
                "publish, each with this plan.",
            )
            said = f"{said} {starts}"
        messages.success(request, said)
        return redirect("sessions:edit", slug=community.slug, pk=session.pk)
    context = _planner_context(request, access, None, form, template=template)
    context["templates"] = list(SessionTemplate.objects.of(community).only("pk", "name"))
    return render(request, "sessions/planner.html", context)


CONFLICT_FIELDS = [
    ("title", _("Title")),
    ("description", _("Description")),
    ("starts_at", _("Starts at")),
    ("duration_minutes", _("Length (minutes)")),
    ("location", _("Location")),
    ("online_url", _("Online link")),
]


def _their_changes(current: Session, yours: dict) -> list[dict]:
    changes = []
    for name, label in CONFLICT_FIELDS:
        if getattr(current, name) != yours.get(name):
            changes.append({"label": label, "theirs": getattr(current, name), "name": name})
    return changes


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, slug: str, pk: int):
    access = community_for(request.user, slug, role=FACILITATOR)
    community = access.community
    session, bounce = _session_or_bounce(request, access, pk, EDITABLE)
    if bounce:
        return bounce
    form = SessionForm(
        request.POST or None, instance=session, community=community, user=request.user
    )
    conflict = None
    scope = form.cleaned_data.get("scope", "this") if form.is_bound and form.is_valid() else "this"
    if request.method == "POST" and form.is_valid():
        data = form.session_data()
        try:
            if scope != "this":
                services.series_edit(
                    session=session,
                    user=request.user,
                    data=data,
                    scope=scope,
                    version=form.cleaned_data.get("series_version"),
                    session_version=form.cleaned_data.get("version"),
                )
            else:
                services.session_update(
                    session=session,
                    user=request.user,
                    data=data,
                    version=form.cleaned_data.get("version"),
                )
        except services.SessionConflict as clash:
            # Keep what this person typed; show what the other person saved; let them save
            # again on top of the new version once they have looked.
            current = clash.current
            current.community = community
            conflict = {"changes": _their_changes(current, data), "current": current}
            post = request.POST.copy()
            post["version"] = current.version
            # A copy: validating the form writes the typed values onto its instance.
            form = SessionForm(post, instance=copy(current), community=community, user=request.user)
            form.is_valid()
            session = current
        except services.SeriesConflict as clash:
            messages.error(
                request,
                gettext(
                    "Another facilitator changed this series while you were editing, so "
                    "nothing is saved yet. Your changes are still in the form: check it, "
                    "then save again."
                ),
            )
            post = request.POST.copy()
            post["series_version"] = clash.current.version
            # A copy: the first form already wrote the typed values onto `session`.
            session.refresh_from_db()
            form = SessionForm(post, instance=copy(session), community=community, user=request.user)
            form.is_valid()
        except services.SessionStateError as refusal:
            messages.error(request, str(refusal))
        except services.RuleError as refusal:
            form.add_error(
                "starts_local" if refusal.field == "starts_local" else None, refusal.message
            )
        else:
            if scope != "this":
                messages.success(
                    request,
                    gettext("Saved for the series. Everyone who said they'd come is told."),
                )
            else:
                messages.success(request, gettext("Saved."))
            return redirect("sessions:edit", slug=community.slug, pk=session.pk)
    return render(
        request,
        "sessions/planner.html",
        _planner_context(request, access, session, form, conflict=conflict),
    )


def _agenda_response(
    request, access, session, *, editing=None, item_form=None, said="", focus_item=None
):
    """The planner's agenda: the fragment for htmx (saying `said` in the live region, and
    focusing `focus_item`'s edit link when the control used is gone), else the page."""
    community = access.community
    if request.htmx:
        context = {**access.context(), "session": session, "focus_item": focus_item}
        context.update(_agenda_context(community, session, editing, item_form))
        if said:
            planned = ngettext(
                "%(planned)s of %(count)s minute planned.",
                "%(planned)s of %(count)s minutes planned.",
                session.duration_minutes,
            ) % {"planned": context["agenda_minutes"], "count": session.duration_minutes}
            said = f"{said} {planned}"
        return announce(render(request, "sessions/planner.html#agenda", context), said)
    if editing is not None:
        form = SessionForm(instance=session, community=community, user=request.user)
        context = _planner_context(request, access, session, form, editing=editing)
        context["item_form"] = item_form
        return render(request, "sessions/planner.html", context)
    return redirect(reverse("sessions:edit", args=[community.slug, session.pk]) + "#agenda")


def _editable_session(request, slug, pk):
    access = community_for(request.user, slug, role=FACILITATOR)
    session = session_for(access, pk)
    if not session.is_editable:
        raise Http404("This session's plan is closed.")
    return access, session


@login_required
@require_POST
@once_per_submission
def agenda_add(request, slug: str, pk: int):
    access, session = _editable_session(request, slug, pk)
    community = access.community
    form = AgendaItemForm(request.POST, community=community, prefix="new")
    if form.is_valid():
        services.agenda_item_add(session=session, data=form.cleaned_data)
        planner = reverse("sessions:edit", args=[community.slug, session.pk]) + "#agenda"
        said = gettext("Added “%(title)s”.") % {"title": form.cleaned_data["title"]}
        return submission_result(_agenda_response(request, access, session, said=said), planner)
    context = {**access.context(), "session": session}
    context.update(_agenda_context(community, session))
    context["new_item_form"] = form
    if request.htmx:
        return render(request, "sessions/planner.html#agenda", context)
    planner = _planner_context(
        request,
        access,
        session,
        SessionForm(instance=session, community=community, user=request.user),
    )
    planner["new_item_form"] = form
    return render(request, "sessions/planner.html", planner)


@login_required
@require_http_methods(["GET", "POST"])
def agenda_edit(request, slug: str, pk: int, item_pk: int):
    access, session = _editable_session(request, slug, pk)
    community = access.community
    item = agenda_item_for(session, item_pk)
    form = AgendaItemForm(request.POST or None, instance=item, community=community, prefix="item")
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_update(
                item=item, data=form.cleaned_data, version=form.cleaned_data.get("version")
            )
        except services.AgendaItemConflict as clash:
            # Keep what this person typed, say what is saved now, and let them save on top.
            current = clash.current
            message = gettext(
                "Someone changed this item meanwhile: it is now “%(title)s”, %(minutes)s min. "
                "Your version is below; save again to keep it."
            ) % {"title": current.title, "minutes": current.minutes}
            post = request.POST.copy()
            post["item-version"] = current.version
            form = AgendaItemForm(post, instance=current, community=community, prefix="item")
            form.is_valid()
            form.add_error(None, message)
        else:
            said = gettext("Saved “%(title)s”.") % {"title": item.title}
            return _agenda_response(request, access, session, said=said, focus_item=item.pk)
    return _agenda_response(request, access, session, editing=item.pk, item_form=form)


@login_required
@require_POST
def agenda_remove(request, slug: str, pk: int, item_pk: int):
    access, session = _editable_session(request, slug, pk)
    item = agenda_item_for(session, item_pk)
    services.agenda_item_remove(item=item)
    return _agenda_response(
        request, access, session, said=gettext("Removed “%(title)s”.") % {"title": item.title}
    )


@login_required
@require_POST
def agenda_move(request, slug: str, pk: int, item_pk: int):
    access, session = _editable_session(request, slug, pk)
    item = agenda_item_for(session, item_pk)
    direction = request.POST.get("direction")
    said = ""
    if direction in ("up", "down"):
        services.agenda_item_move(item=item, direction=direction)
        if direction == "up":
            said = gettext("Moved “%(title)s” up.") % {"title": item.title}
        else:
            said = gettext("Moved “%(title)s” down.") % {"title": item.title}
    return _agenda_response(request, access, session, said=said, focus_item=item.pk)


@login_required
@require_POST
@once_per_submission
def agenda_round(request, slug: str, pk: int):
    access, session = _editable_session(request, slug, pk)
    services.agenda_round_add(session=session)
    planner = reverse("sessions:edit", args=[access.community.slug, session.pk]) + "#agenda"
    said = gettext("Added “%(title)s” at the end.") % {"title": gettext(services.ROUND[0])}
    return submission_result(_agenda_response(request, access, session, said=said), planner)


@login_required
@require_POST
def agenda_bookend(request, slug: str, pk: int, kind: str):
    access, session = _editable_session(request, slug, pk)
    if kind not in services.BOOKENDS:
        raise Http404("No such bookend.")
    services.agenda_bookend_add(session=session, kind=kind)
    title = gettext(services.BOOKENDS[kind][0])
    if kind == AgendaItem.Kind.REVIEW_ACTIONS:
        said = gettext("Added “%(title)s” at the start.") % {"title": title}
    else:
        said = gettext("Added “%(title)s” at the end.") % {"title": title}
    return _agenda_response(request, access, session, said=said)


# --- templates ----------------------------------------------------------------------


@login_required
@require_GET
def template_library(request, slug: str):
    access = community_for(request.user, slug, role=FACILITATOR)
    templates = SessionTemplate.objects.of(access.community).prefetch_related(
        Prefetch("items", queryset=TemplateItem.objects.order_by("position", "pk"))
    )
    return render(
        request,
        "sessions/templates.html",
        {**access.context(), "templates": templates[:LIST_LIMIT]},
    )


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def template_save(request, slug: str, pk: int):
    """ "Save as template" on any session's plan, drafts and held sessions alike."""
    access = community_for(request.user, slug, role=FACILITATOR)
    community = access.community
    session = session_for(access, pk)
    form = TemplateSaveForm(
        request.POST or None,
        community=community,
        initial={"name": session.title, "title_pattern": session.title},
    )
    if request.method == "POST" and form.is_valid():
        try:
            template = services.template_save_from_session(
                session=session, user=request.user, **form.cleaned_data
            )
        except services.TemplateNameTaken:
            form.add_error("name", gettext("Your community already has a template of that name."))
        else:
            messages.success(
                request,
                pgettext(
                    "meeting",
                    "Saved “%(name)s” to your templates: plan the next session from it "
                    "whenever you like.",
                )
                % {"name": template.name},
            )
            return redirect("sessions:templates", slug=community.slug)
    agenda = list(session.agenda_items.all())
    return render(
        request,
        "sessions/template_save.html",
        {**access.context(), "session": session, "form": form, "agenda": agenda},
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request, slug: str, tpk: int):
    access = community_for(request.user, slug, role=FACILITATOR)
    community = access.community
    template = template_for(access, tpk)
    items = list(template.items.order_by("position", "pk"))
    initial = [
        {
            "item": item.pk,
            "title": item.title,
            "minutes": item.minutes,
            "description": item.description,
            "ORDER": position + 1,
        }
        for position, item in enumerate(items)
    ]
    data = request.POST or None
    # A copy: a rejected save must not show its typed name as the page's heading.
    form = TemplateForm(data, instance=copy(template), community=community)
    formset = TemplateItemFormSet(
        data, initial=initial, template=template, items=items, prefix="items"
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        fields = {name: form.cleaned_data[name] for name in TemplateForm.Meta.fields}
        try:
            services.template_update(template=template, data=fields, items=formset.items())
        except services.TemplateNameTaken:
            template.refresh_from_db()  # the heading keeps the saved name
            form.add_error("name", gettext("Your community already has a template of that name."))
        else:
            messages.success(request, gettext("Saved “%(title)s”.") % {"title": template.name})
            return redirect("sessions:templates", slug=community.slug)
    # Each row says what it is: a loop bookend keeps its kind through an edit.
    saved = {item.pk: item for item in items}
    for item_form in formset:
        item_form.saved_item = saved.get(item_form.initial.get("item"))
    return render(
        request,
        "sessions/template_edit.html",
        {
            **access.context(),
            "template": template,
            "form": form,
            "formset": formset,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_delete(request, slug: str, tpk: int):
    """A confirmation page, then the POST that deletes."""
    access = community_for(request.user, slug, role=FACILITATOR)
    community = access.community
    template = template_for(access, tpk)
    if request.method == "POST":
        services.template_delete(template=template)
        messages.success(
            request,
            pgettext("meeting", "Deleted “%(name)s”. Sessions planned from it keep their agendas.")
            % {"name": template.name},
        )
        return redirect("sessions:templates", slug=community.slug)
    return render(
        request,
        "sessions/template_delete.html",
        {**access.context(), "template": template, "items": template.items.count()},
    )


# --- series -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def session_repeat(request, slug: str, pk: int):
    """Turn a session into a series ("every 2 weeks from here")."""
    access = community_for(request.user, slug, role=FACILITATOR)
    session, bounce = _session_or_bounce(request, access, pk, EDITABLE)
    if bounce:
        return bounce
    if session.series_id is not None:
        messages.info(request, pgettext("meeting", "This session is already part of a series."))
        return redirect("sessions:series", slug=access.community.slug, pk=session.series_id)
    form = RepeatForm(request.POST or None, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            series = services.series_create(session=session, user=request.user, **form.repeat)
        except services.SessionStateError as refusal:
            # Held or cancelled since the page was opened: say so, change nothing.
            messages.error(request, str(refusal))
            return redirect(session.get_absolute_url())
        if series.is_live:
            messages.success(
                request,
                pgettext("meeting", "It's a series now: its sessions are planned below."),
            )
        else:
            messages.success(
                request,
                pgettext("meeting", "It's a series now: its sessions are made when you publish."),
            )
        return redirect(series.get_absolute_url())
    return render(
        request, "sessions/repeat.html", {**access.context(), "session": session, "form": form}
    )


@login_required
@require_POST
def series_agenda(request, slug: str, pk: int):
    """ "Use this plan for the following sessions" from a series session's planner."""
    access, session = _editable_session(request, slug, pk)
    if session.series_id is None:
        raise Http404("Not a session of a series.")
    changed = services.series_agenda_apply(session=session)
    messages.success(
        request,
        npgettext(
            "meeting",
            "The following session now has this plan.",
            "The following %(count)s sessions now have this plan.",
            changed,
        )
        % {"count": changed},
    )
    return redirect("sessions:edit", slug=access.community.slug, pk=session.pk)


@login_required
@require_GET
def series_detail(request, slug: str, pk: int):
    access = community_for(request.user, slug, open_to_all=True)
    series = series_for(access, pk)
    occurrences = sessions_for(access).filter(series=series)
    since = timezone.now() - timedelta(hours=1)
    # Bounded both ways: the next LIST_LIMIT occurrences and the latest SERIES_PAST held.
    upcoming = with_my_rsvp(
        with_going_count(occurrences.filter(starts_at__gte=since).order_by("starts_at")),
        request.user,
    )[:LIST_LIMIT]
    past = (
        occurrences.filter(starts_at__lt=since)
        .annotate(attended=Count("attendances"))
        .order_by("-starts_at")[:SERIES_PAST]
    )
    my_answer = None
    if access.is_member:
        my_answer = (
            SeriesRSVP.objects.filter(series=series, user=request.user)
            .values_list("response", flat=True)
            .first()
        )
    return render(
        request,
        "sessions/series.html",
        {
            **access.context(),
            "series": series,
            "upcoming": list(upcoming),
            "past": list(past),
            "is_member": access.is_member,
            "is_facilitator": access.is_facilitator,
            "my_answer": my_answer,
            "rsvp_choices": RSVP.Response.choices,
            # The series' pulse, held session by held session: its facilitators only.
            "pulse_over_time": series_pulse(series) if access.is_facilitator else [],
            "pulse_faces": PulseAnswer.Face.choices,
        },
    )


@login_required
@require_GET
def series_ics_view(request, slug: str, pk: int):
    access = community_for(request.user, slug, open_to_all=True)
    series = series_for(access, pk)
    body = series_ics([series], include_online_link=access.is_member)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="series-{series.pk}.ics"'
    return response


@login_required
@require_POST
def series_rsvp(request, slug: str, pk: int):
    """ "Going to all" / "Maybe to all" from the series page or from any of its sessions
    (`session` names the one to return to)."""
    access = community_for(request.user, slug)
    series = series_for(access, pk)
    back = series.get_absolute_url()
    session_pk = request.POST.get("session", "")
    if session_pk.isdecimal():
        back = session_for(access, int(session_pk)).get_absolute_url()
    form = RSVPForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Please choose going, maybe or not going."))
        return redirect(back)
    try:
        services.series_rsvp_set(
            series=series, user=request.user, response=form.cleaned_data["response"]
        )
    except services.SessionStateError as refusal:
        messages.error(request, str(refusal))
    else:
        said = dict(RSVP.Response.choices)[form.cleaned_data["response"]]
        messages.success(
            request,
            pgettext(
                "meeting",
                "Thanks: “%(answer)s” for every session of the series. "
                "An answer you give a single session still counts for that one.",
            )
            % {"answer": said},
        )
    return redirect(back)


# --- lifecycle ----------------------------------------------------------------------


@login_required
@require_POST
def session_publish(request, slug: str, pk: int):
    access = community_for(request.user, slug, role=FACILITATOR)
    community = access.community
    session = session_for(access, pk)
    try:
        services.session_publish(session=session)
    except services.SessionStateError as refusal:
        messages.error(request, str(refusal))
        return redirect("sessions:edit", slug=community.slug, pk=session.pk)
    messages.success(request, gettext("Published: members can now see it and RSVP."))
    return redirect(session.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def session_cancel(request, slug: str, pk: int):
    access = community_for(request.user, slug, role=FACILITATOR)
    session, bounce = _session_or_bounce(request, access, pk, CANCELLABLE)
    if bounce:
        return bounce
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.session_cancel(session=session, reason=form.cleaned_data["reason"])
        messages.success(request, gettext("Cancelled. Everyone who said they'd come is told."))
        return redirect(session.get_absolute_url())
    return render(
        request,
        "sessions/cancel.html",
        {**access.context(), "session": session, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_attendance(request, slug: str, pk: int):
    access = community_for(request.user, slug, role=FACILITATOR)
    community = access.community
    session, bounce = _session_or_bounce(request, access, pk, ATTENDANCE_OPEN)
    if bounce:
        return bounce
    # The list starts from the members who said going or maybe (going first); anyone else
    # who came is found with the walk-ins picker, never picked from a list of everyone.
    order = {RSVP.Response.GOING: 0, RSVP.Response.MAYBE: 1}
    # The answer that counts (a session's own RSVP over its series' answer).
    people = people_answering(session, order).filter(
        memberships__community=community, memberships__status=Membership.Status.ACTIVE
    )
    rsvps = sorted(
        (
            {"user": person, "response": person.answer}
            for person in people.order_by("display_name", "email", "pk")
        ),
        key=lambda row: order[row["response"]],
    )
    present = set(session.attendances.values_list("user_id", flat=True))
    form = AttendanceForm(
        request.POST or None,
        community=community,
        rsvped=[row["user"].pk for row in rsvps],
        initial={"attendees": sorted(present), "complete": True},
    )
    if request.method == "POST" and form.is_valid():
        session = services.attendance_record(
            session=session,
            recorded_by=request.user,
            attendees=list(form.cleaned_data["attendees"]),
            complete=form.cleaned_data["complete"],
        )
        if session.status == Session.Status.COMPLETED:
            messages.success(
                request,
                gettext(
                    "Attendance saved, and everyone who came is invited to reflect. "
                    "Thank you for holding the space."
                ),
            )
        else:
            messages.success(request, gettext("Attendance saved. Thank you for holding the space."))
        return redirect(session.get_absolute_url())
    if form.is_bound:
        present = set(member_ids(form.data.getlist("attendees")))
    return render(
        request,
        "sessions/attendance.html",
        {
            **access.context(),
            "session": session,
            "form": form,
            "rsvped": [{**row, "present": row["user"].pk in present} for row in rsvps],
            "held": form["complete"].value() or session.status == Session.Status.COMPLETED,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_settings(request, slug: str):
    access = community_for(request.user, slug, role=Membership.Role.COORDINATOR)
    community = access.community
    # An unsaved row on GET: reading the settings page writes nothing.
    row = SessionSettings.objects.filter(community=community).first() or SessionSettings(
        community=community
    )
    form = SessionSettingsForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        services.session_settings_save(community=community, **form.cleaned_data)
        messages.success(request, pgettext("meeting", "Session settings saved."))
        return redirect("sessions:list", slug=community.slug)
    return render(request, "sessions/settings.html", {**access.context(), "form": form})
