from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, Func, IntegerField, OuterRef, Q, Subquery
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.submissions import once_per_submission
from core.htmx import announce
from core.plugins import collect_panels, link_for, upcoming_sessions_of_outer_community
from core.text import NOTE_MAX

from . import checklists, engagement, mentions, mentoring, pickers, selectors, services
from .access import (
    community_for,
    invitation_for,
    join_request_for,
    member_for,
    own_join_request_for,
    own_membership_for,
    suggestion_for,
)
from .forms import (
    AboutMeForm,
    CommunitySettingsForm,
    InvitationForm,
    JoinRequestForm,
    MemberFilterForm,
    MoveForm,
    NewCommunityForm,
    RoleForm,
)
from .invitations import (
    SESSION_KEY,
    hash_from_opt_out_token,
    invitation_address_state,
    invitation_from_token,
    invitations_listed,
)
from .models import (
    Community,
    Invitation,
    InvitationOptOut,
    JourneyStep,
    Membership,
    MoveSuggestion,
)
from .organisations import email_domain_matches
from .services import CommunityError

FACILITATOR = Membership.Role.FACILITATOR
COORDINATOR = Membership.Role.COORDINATOR
DIRECTORY_PAGE = 30
HISTORY_ROWS = 50
MEMBERS_PAGE = 50


def _home(community):
    return redirect("communities:home", slug=community.slug)


# --- Directory and creation ------------------------------------------------------------


def _directory_page(communities, number):
    """The directory's page `number`. Its first page is read with one row more than it
    shows: most sites' directories fit on it, and then its rows are every row, so their
    number is the count ("Page 1 of 1", "3 matches") without the COUNT Django's
    Paginator runs before reading a page. A longer directory is counted as before, its
    first page taken from the rows already read."""
    if number not in (None, "", "1"):
        return Paginator(communities, DIRECTORY_PAGE).get_page(number)
    rows = list(communities[: DIRECTORY_PAGE + 1])
    if len(rows) <= DIRECTORY_PAGE:
        return Paginator(rows, DIRECTORY_PAGE).get_page(1)
    page = Paginator(communities, DIRECTORY_PAGE).get_page(1)
    page.object_list = rows[:DIRECTORY_PAGE]
    return page


@login_required
@require_GET
def directory(request):
    """Open and request-to-join communities, searchable by name and domain."""
    query = pickers.search_text(request.GET.get("q", ""))
    # Sessions live in a higher layer: the sessions app registers this query.
    upcoming = upcoming_sessions_of_outer_community()
    next_session = {}
    if upcoming is not None:
        next_session = {
            "next_session_at": Subquery(upcoming.values("starts_at")[:1]),
            "next_session_title": Subquery(upcoming.values("title")[:1]),
        }
    # Each shown community's members counted on its own (a subquery, run for the page's
    # rows only), not by joining every membership of every community and grouping: so
    # the page's count needs no grouping either.
    members = (
        Membership.objects.active()
        .filter(community=OuterRef("pk"))
        .order_by()
        # COUNT(*), not of a column: the (community, status, level) index then answers it
        # alone, without reading each member's row from its page (the table's pages, at
        # scale, for every community shown).
        .annotate(n=Func(template="COUNT(*)", output_field=IntegerField()))
        .values("n")
    )
    communities = Community.objects.in_directory(request.user).annotate(
        member_count=Subquery(members, output_field=IntegerField()),
        **next_session,
        is_member=Exists(
            Membership.objects.active().filter(community=OuterRef("pk"), user=request.user)
        ),
        # People whose verified email is in an organisation's domains see its communities
        # first (issue 19).
        in_my_organisation=email_domain_matches(request.user),
    )
    if query:
        communities = communities.filter(Q(name__icontains=query) | Q(domain__icontains=query))
    communities = communities.select_related("organisation").order_by("-in_my_organisation", "name")
    page = _directory_page(communities, request.GET.get("page"))
    context = {"page": page, "query": query}
    if request.htmx:
        return render(request, "communities/directory.html#results", context)
    return render(request, "communities/directory.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def community_new(request):
    form = NewCommunityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        community = services.community_create(creator=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("%(name)s is ready. Invite a few people to start the journey.")
            % {"name": community.name},
        )
        return _home(community)
    return render(request, "communities/new.html", {"form": form})


# --- Community home and settings -------------------------------------------------------


@login_required
@require_GET
def community_home(request, slug):
    access = community_for(request.user, slug, public=True)
    community = access.community
    context = access.context()
    if access.is_member:
        # Milestones sit beside the journey steps: a celebration that is no level change.
        context["celebrations"], context["milestones"] = selectors.celebrations(
            community, request.user, facilitator=access.is_facilitator
        )
        context["panels"] = collect_panels("community_panel", request, access)
        # A coordinator's setup checklist, while some step is still to do.
        if setup := checklists.setup_checklist(access):
            context["setup"] = setup
            context["setup_done"] = sum(state.done for state in setup)
    else:
        context["pending_request"] = Membership.objects.filter(
            community=community, user=request.user, status=Membership.Status.REQUESTED
        ).exists()
    return render(request, "communities/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def community_settings(request, slug):
    access = community_for(request.user, slug, role=COORDINATOR)
    community = access.community
    old_slug = community.slug
    form = CommunitySettingsForm(request.POST or None, instance=community)
    if request.method == "POST" and form.is_valid():
        try:
            community = services.community_update(
                community=form.save(commit=False), old_slug=old_slug
            )
        except CommunityError as error:
            messages.error(request, str(error))
            now = Community.objects.values_list("slug", flat=True).get(pk=community.pk)
            return redirect("communities:settings", slug=now)
        messages.success(request, _("The community's settings are saved."))
        return redirect("communities:settings", slug=community.slug)
    context = {
        **access.context(),
        "form": form,
        # The community's export is a higher app's page (privacy), reached by purpose.
        "export_url": link_for("community_export", community.slug),
    }
    return render(request, "communities/settings.html", context)


@login_required
@require_POST
def community_archive(request, slug):
    access = community_for(request.user, slug, role=COORDINATOR)
    community = access.community
    archive = request.POST.get("archived") == "1"
    services.community_set_archived(community=community, archived=archive)
    if archive:
        messages.success(
            request,
            _("%(name)s is archived: it stays readable, and quiet.") % {"name": community.name},
        )
    else:
        messages.success(request, _("%(name)s is live again.") % {"name": community.name})
    return redirect("communities:settings", slug=community.slug)


# --- Joining and leaving ---------------------------------------------------------------


# Joined with one click (the organisation's own people: community_for let them in).
OPEN_TO_JOIN = (Community.Visibility.OPEN, Community.Visibility.ORGANISATION)


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def community_join(request, slug):
    """Open: join with one click. Request: ask, with an optional note."""
    access = community_for(request.user, slug, public=True)
    community = access.community
    if access.membership is not None:
        messages.info(request, _("You are already a member."))
        return _home(community)
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST":
        try:
            if community.visibility in OPEN_TO_JOIN:
                services.membership_join(community=community, user=request.user)
                messages.success(request, _("Welcome to %(name)s!") % {"name": community.name})
                return _home(community)
            if form.is_valid():
                services.join_request_create(
                    community=community, user=request.user, note=form.cleaned_data["note"]
                )
                messages.success(
                    request, _("Your request is with the facilitators. You'll hear by email.")
                )
                return _home(community)
        except CommunityError as error:
            messages.error(request, str(error))
            return _home(community)
    if community.visibility in OPEN_TO_JOIN:
        return _home(community)
    return render(request, "communities/join.html", {**access.context(), "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def community_leave(request, slug):
    access = community_for(request.user, slug)
    community = access.community
    if request.method == "POST":
        try:
            services.membership_leave(membership=access.membership)
        except CommunityError as error:
            messages.error(request, str(error))
            return redirect("communities:membership", slug=community.slug)
        messages.success(
            request,
            _("You have left %(name)s. You're welcome back any time.") % {"name": community.name},
        )
        return redirect("home")
    return render(request, "communities/leave.html", access.context())


@login_required
@require_GET
def join_requests(request, slug):
    access = community_for(request.user, slug, role=FACILITATOR)
    community = access.community
    pending = (
        Membership.objects.requested()
        .filter(community=community)
        .select_related("user")
        .order_by("requested_at")
    )
    return render(request, "communities/requests.html", {**access.context(), "pending": pending})


@login_required
@require_POST
def join_request_decide(request, slug, pk, decision):
    access = community_for(request.user, slug, role=FACILITATOR)
    community = access.community
    membership = join_request_for(access, pk)
    approve = decision == "approve"
    try:
        services.join_request_decide(membership=membership, by=request.user, approve=approve)
    except CommunityError as error:
        messages.error(request, str(error))
        return redirect("communities:requests", slug=community.slug)
    if approve:
        messages.success(
            request,
            _("%(name)s is now a member. They'll hear by email.") % {"name": membership.user.name},
        )
    else:
        messages.success(
            request, _("Declined; %(name)s is told kindly.") % {"name": membership.user.name}
        )
    return redirect("communities:requests", slug=community.slug)


# --- Invitations -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def invitations(request, slug):
    access = community_for(request.user, slug, role=FACILITATOR)
    community = access.community
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent, skipped = services.invitations_send(
                community=community,
                by=request.user,
                emails=form.cleaned_data["emails"],
                message=form.cleaned_data["message"],
            )
        except CommunityError as error:
            messages.error(request, str(error))
            return redirect("communities:invitations", slug=community.slug)
        tell_invited(request, sent, skipped, form.invalid)
        return redirect("communities:invitations", slug=community.slug)
    rows = invitations_listed(Invitation.objects.filter(community=community))
    return render(
        request,
        "communities/invitations.html",
        {**access.context(), "form": form, "invitations": rows},
    )


@login_required
@require_POST
def invitation_manage(request, slug, pk, action):
    access = community_for(request.user, slug, role=FACILITATOR)
    community = access.community
    invitation_act(request, invitation_for(access, pk), action)
    return redirect("communities:invitations", slug=community.slug)


def tell_invited(request, sent, skipped, invalid) -> None:
    """What an invitation form did, in messages: who was invited, who was not and why,
    and what was not an address (a community's invitations and an organisation's)."""
    if sent:
        addresses = ", ".join(invitation.email for invitation in sent)
        messages.success(request, _("Invitation sent to %(addresses)s.") % {"addresses": addresses})
    for said in skipped.values():
        messages.info(request, said)
    for word in invalid:
        messages.error(
            request,
            _("“%(word)s” is not an email address; nothing was sent to it.") % {"word": word},
        )


def invitation_act(request, invitation, action: str) -> None:
    """Revoke or re-send one invitation, saying what happened (or why it could not)."""
    try:
        if action == "revoke":
            services.invitation_revoke(invitation=invitation)
            messages.success(
                request,
                _("The invitation to %(email)s is revoked.") % {"email": invitation.email},
            )
        else:
            services.invitation_resend(invitation=invitation, by=request.user)
            messages.success(
                request,
                _("A fresh invitation is on its way to %(email)s.") % {"email": invitation.email},
            )
    except CommunityError as error:
        messages.error(request, str(error))


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """Where an invitation link lands: sign up or log in, then accept."""
    invitation, problem = invitation_from_token(token)
    user = request.user
    if problem == "used" and user.is_authenticated and invitation.accepted_by_id == user.pk:
        messages.success(request, _("Welcome to %(name)s!") % {"name": invitation.target.name})
        return _landing(invitation)
    if problem:
        return render(
            request, "communities/invitation_invalid.html", {"problem": problem}, status=400
        )
    community = invitation.community
    if not user.is_authenticated:
        # Kept for the sign-up that follows: the invitation vouches for its address and is
        # accepted as soon as the account exists (communities.apps, user_signed_up).
        request.session[SESSION_KEY] = token
        here = request.path
        context = {
            "invitation": invitation,
            "community": community,
            "organisation": invitation.organisation,
            "signup_url": reverse("account_signup")
            + "?"
            + urlencode({"next": here, "email": invitation.email}),
            "login_url": reverse("account_login") + "?" + urlencode({"next": here}),
        }
        return render(request, "communities/invitation.html", context)
    if community is not None and (
        Membership.objects.active().filter(community=community, user=user).exists()
    ):
        messages.info(request, _("You are already a member."))
        return _home(community)
    address_state = invitation_address_state(invitation, user)
    if address_state != "verified":
        # Someone else's link (forwarded, or opened while signed in to another account):
        # say whose it is and what to do; the invitation stays waiting for its owner.
        context = {"invitation": invitation, "address_state": address_state}
        return render(request, "communities/invitation_not_yours.html", context, status=403)
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation, user=user)
        except CommunityError as error:
            messages.error(request, str(error))
            return redirect("home")
        request.session.pop(SESSION_KEY, None)
        messages.success(request, _("Welcome to %(name)s!") % {"name": invitation.target.name})
        return _landing(invitation)
    context = {
        "invitation": invitation,
        "community": community,
        "organisation": invitation.organisation,
    }
    return render(request, "communities/invitation.html", context)


def _landing(invitation: Invitation):
    """Where an accepted invitation leads: its community's home, or for an organisation's
    the directory (which lists the communities open within it)."""
    if invitation.community is not None:
        return _home(invitation.community)
    return redirect("communities:directory")


def _opted_out_page(request, token: str, *, undo: bool):
    """The "don't invite me again" page and its undo: GET asks (link scanners must change
    nothing), POST does it and comes back here with ?done=1 to say so."""
    digest = hash_from_opt_out_token(token)
    if digest is None:
        return render(request, "communities/opt_out.html", {"step": "invalid"}, status=400)
    if request.method == "POST":
        if undo:
            services.invitation_opt_out_undo(address_hash=digest)
        else:
            services.invitation_opt_out(address_hash=digest)
        return redirect(request.path + "?done=1")
    on_the_list = InvitationOptOut.objects.filter(address_hash=digest).exists()
    if request.GET.get("done") == "1" and on_the_list != undo:
        step = "undone" if undo else "done"
    else:
        step = "undo" if undo else "ask"
    return render(request, "communities/opt_out.html", {"step": step, "token": token})


# RFC 8058: a mail client's one-click POST comes without cookies or a CSRF token; the
# signed link is the credential, and it names a hash, never the address.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def invitation_opt_out(request, token):
    """ "Don't invite me again": blocks invitations to the address from every community."""
    return _opted_out_page(request, token, undo=False)


@require_http_methods(["GET", "POST"])
def invitation_opt_out_undo(request, token):
    """Changed their mind: communities may invite the address again."""
    return _opted_out_page(request, token, undo=True)


@login_required
@require_POST
def membership_mute(request, membership_id: int):
    """Mute or unmute one of my communities (from my settings page, where
    panels.settings_panel lists them)."""
    membership = own_membership_for(request.user, membership_id)
    services.membership_set_muted(membership=membership, muted=not membership.muted)
    said = _("%(name)s is muted.") if membership.muted else _("%(name)s is unmuted.")
    messages.success(request, said % {"name": membership.community.name})
    return redirect("settings")


@login_required
@require_POST
def first_steps_dismiss(request, membership_id: int):
    """Put away the "first steps here" card of one of my communities (from my home)."""
    membership = own_membership_for(request.user, membership_id)
    services.membership_dismiss_first_steps(membership=membership)
    messages.success(
        request,
        _("Put away. Your journey page in %(name)s is always there.")
        % {"name": membership.community.name},
    )
    return redirect("home")


@login_required
@require_http_methods(["GET", "POST"])
def join_request_withdraw(request, membership_id: int):
    """Take back my request to join, after a confirmation (no JavaScript needed)."""
    membership = own_join_request_for(request.user, membership_id)
    community = membership.community
    if request.method == "POST":
        try:
            services.join_request_withdraw(membership=membership)
        except CommunityError as error:
            messages.error(request, str(error))
            return redirect("home")
        messages.success(
            request,
            _("Your request to join %(name)s is withdrawn. You can ask again.")
            % {"name": community.name},
        )
        return redirect("home")
    return render(
        request,
        "communities/request_withdraw.html",
        {"request_membership": membership},
    )


# --- Members and roles -----------------------------------------------------------------


def _level_groups(page, counts: dict[str, int]) -> list[dict]:
    """This page's members under their level, core first as `by_level` orders them. A level
    with nobody on this page points to the nearest page that has some of its members."""
    groups, before = [], 0
    for level, label in reversed(Membership.Level.choices):
        count = counts[level]
        people = [m for m in page if m.level == level]
        first = before // MEMBERS_PAGE + 1
        last = (before + count - 1) // MEMBERS_PAGE + 1
        elsewhere = None
        if count and not people:
            elsewhere = last if last < page.number else first
        groups.append(
            {"level": level, "label": label, "count": count, "people": people, "page": elsewhere}
        )
        before += count
    return groups


@login_required
@require_GET
def members(request, slug):
    """The people of a community. Facilitators see them under their levels and may filter
    by level and aspiration; everyone else sees people by name, with their introduction,
    role, and the aspiration only of those who chose to show it (levels are between a
    person and the facilitators)."""
    access = community_for(request.user, slug)
    community = access.community
    facilitator = access.membership.is_facilitator
    form = MemberFilterForm(request.GET or None, facilitator=facilitator)
    rows = Membership.objects.active().filter(community=community)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            rows = rows.named_like(data["q"])
        for field in ("level", "role", "aspiration"):
            if data.get(field):
                rows = rows.filter(**{field: data[field]})
    if facilitator:
        # Counted over every page, not this one: a level's heading tells the whole story.
        counts = rows.level_counts()
        ordered = rows.by_level()
        total = sum(counts.values())
    else:
        ordered = rows.order_by("user__display_name", "user__email", "pk")
        total = rows.count()
    paginator = Paginator(ordered.select_related("user"), MEMBERS_PAGE)
    # The pager needs no COUNT query of its own (`count` is a cached property), and for
    # facilitators it can never disagree with the levels' headings.
    paginator.count = total
    # get_page turns junk ("²", "a\x00b") into the first page and a page past the end
    # into the last.
    page = paginator.get_page(request.GET.get("page"))
    context = {
        **access.context(),
        "form": form,
        "page": page,
        "groups": _level_groups(page, counts) if facilitator else None,
        "total": paginator.count,
        "roles": Membership.Role.choices,
    }
    if facilitator:
        context["pending_count"] = (
            Membership.objects.requested().filter(community=community).count()
        )
    if request.htmx:
        return render(request, "communities/members.html#member-list", context)
    return render(request, "communities/members.html", context)


@login_required
@require_POST
def member_role(request, slug, pk):
    access = community_for(request.user, slug, role=COORDINATOR)
    community = access.community
    membership = member_for(access, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose member, facilitator or coordinator."))
    else:
        try:
            services.membership_set_role(
                membership=membership, role=form.cleaned_data["role"], by=request.user
            )
            said = {
                Membership.Role.MEMBER: _("%(name)s is now a member."),
                Membership.Role.FACILITATOR: _("%(name)s is now a facilitator."),
                Membership.Role.COORDINATOR: _("%(name)s is now a coordinator."),
            }[membership.role]
            messages.success(request, said % {"name": membership.user.name})
        except CommunityError as error:
            messages.error(request, str(error))
    return redirect("communities:members", slug=community.slug)


@login_required
@require_http_methods(["GET", "POST"])
def membership(request, slug):
    """My place in the community: my journey so far and what might come next."""
    access = community_for(request.user, slug)
    community = access.community
    mine = access.membership
    form = AboutMeForm(
        request.POST or None,
        initial={
            "introduction": mine.introduction,
            "aspiration": mine.aspiration,
            "show_aspiration": mine.show_aspiration,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.membership_set_about(membership=mine, **form.cleaned_data)
        messages.success(request, _("Saved. Thank you for telling us a little about you."))
        return redirect("communities:membership", slug=community.slug)
    next_level = Membership.level_beside(mine.level, 1)
    signals = engagement.community_signals(community).get(request.user.pk, {})
    context = {
        **access.context(),
        "membership": mine,
        "form": form,
        "steps": JourneyStep.objects.filter(membership=mine).select_related("confirmed_by"),
        "next_level": next_level,
        "ways": engagement.invitations_toward(community, next_level) if next_level else [],
        "done": engagement.things_done(signals),
        "window_days": community.engagement_window_days,
        "pairs": list(mentoring.pairs_of(request.user, community)),
    }
    return render(request, "communities/membership.html", context)


@login_required
@require_GET
def member_search(request, slug):
    """The people a picker offers for what was typed (htmx; communities.pickers): at most
    ten active members of this community, and the ones already chosen, as the picker's
    `choices` partial. Only those who may choose people for `for` may search: the others,
    and anyone outside the community, get a 404."""
    purpose_name = request.GET.get("for", "")
    purpose = pickers.purpose_for(purpose_name)
    access = community_for(request.user, slug, role=purpose.role)
    name = pickers.field_name(request.GET.get("name", ""))
    query = request.GET.get(f"{name}_q", request.GET.get("q", ""))
    context = pickers.choices_context(
        community=access.community,
        purpose_name=purpose_name,
        name=name,
        query=pickers.search_text(query),
        chosen_ids=pickers.member_ids(request.GET.getlist(name)),
        listed=pickers.member_ids(request.GET.getlist("except")),
    )
    if purpose_name == "mention":
        # The @mention autocomplete of a text box: the same people, each with the written
        # form of a mention of them (communities.mentions) to insert.
        context["suggestions"] = [(m, mentions.token(m.user)) for m in context["matches"]]
        response = render(request, "communities/includes/mention_suggestions.html", context)
    else:
        response = render(request, "communities/includes/member_picker.html#choices", context)
    return announce(response, pickers.found_sentence(context))


# --- Journeys --------------------------------------------------------------------------


def _journeys_context(access, move_form=None, member=None):
    community = access.community
    return {
        **access.context(),
        "suggestions": selectors.open_suggestions(community),
        "quiet": selectors.quiet_members(community),
        "history": selectors.journey_history(community, member, rows=HISTORY_ROWS),
        "move_form": move_form or MoveForm(community=community, member=member),
        "member": member,
    }


@login_required
@require_GET
def journeys(request, slug):
    access = community_for(request.user, slug, role=FACILITATOR)
    member = None
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    if request.GET.get("member", "").isdecimal():
        member = member_for(access, int(request.GET["member"]), active=False)
    return render(request, "communities/journeys.html", _journeys_context(access, None, member))


@login_required
@require_POST
@once_per_submission
def journey_manual_move(request, slug):
    access = community_for(request.user, slug, role=FACILITATOR)
    community = access.community
    form = MoveForm(request.POST, community=community)
    if form.is_valid():
        membership = form.cleaned_data["membership"]
        try:
            services.journey_move(
                membership=membership,
                to_level=form.cleaned_data["to_level"],
                by=request.user,
                evidence="",
                note=form.cleaned_data["note"],
            )
        except CommunityError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                pgettext("journey level", "%(name)s is now %(level)s.")
                % {"name": membership.user.name, "level": membership.get_level_display()},
            )
            return redirect("communities:journeys", slug=community.slug)
    # The form comes back as it was sent: the chosen person stays chosen in its picker.
    return render(request, "communities/journeys.html", _journeys_context(access, form))


@login_required
@require_POST
def suggestion_decide(request, slug, pk, decision):
    access = community_for(request.user, slug, role=FACILITATOR)
    community = access.community
    suggestion = suggestion_for(access, pk)
    error = ""
    try:
        if decision == "confirm":
            services.suggestion_confirm(
                suggestion=suggestion,
                by=request.user,
                note=request.POST.get("note", "").replace("\x00", "")[:NOTE_MAX],
            )
        else:
            services.suggestion_dismiss(suggestion=suggestion, by=request.user)
    except CommunityError as problem:
        error = str(problem)
    suggestion.refresh_from_db()
    if request.htmx:
        response = render(
            request,
            "communities/journeys.html#suggestion",
            {**access.context(), "suggestion": suggestion, "error": error},
        )
        if error:
            return response
        confirmed = suggestion.status == MoveSuggestion.Status.CONFIRMED
        return announce(response, _("Confirmed.") if confirmed else _("Dismissed."))
    if error:
        messages.error(request, error)
    elif suggestion.status == MoveSuggestion.Status.CONFIRMED:
        messages.success(
            request,
            pgettext("journey level", "Confirmed: %(name)s is now %(level)s.")
            % {"name": suggestion.membership.user.name, "level": suggestion.get_to_level_display()},
        )
    else:
        messages.success(request, _("Dismissed. It won't come back unless something changes."))
    return redirect("communities:journeys", slug=community.slug)


@login_required
@require_POST
def journeys_refresh(request, slug):
    access = community_for(request.user, slug, role=FACILITATOR)
    community = access.community
    created = services.move_suggestions_refresh(community=community)
    messages.success(
        request,
        ngettext("%(count)s new suggestion.", "%(count)s new suggestions.", len(created))
        % {"count": len(created)}
        if created
        else _("No new suggestions right now."),
    )
    return redirect("communities:journeys", slug=community.slug)


@login_required
@require_POST
def checkin_send(request, slug, pk):
    """Say hello to a quiet member: the community's check-in email, from the facilitator,
    once per quiet spell. Someone who left, or is around again, gets a clear refusal."""
    access = community_for(request.user, slug, role=FACILITATOR)
    community = access.community
    member = member_for(access, pk, active=False)
    error, created = "", False
    try:
        checkin, created = services.checkin_send(membership=member, by=request.user)
    except CommunityError as problem:
        error = str(problem)
        checkin = None
    name = member.user.name
    if created:
        said = _("Hello sent to %(name)s. Replies come straight to you.") % {"name": name}
    elif checkin is not None:
        said = _("A hello already went to %(name)s in this quiet spell; nothing more was sent.") % {
            "name": name
        }
    else:
        said = error
    if request.htmx:
        member.refresh_from_db(fields=["quiet_since", "status", "muted"])
        member.hello = checkin
        response = render(
            request,
            "communities/journeys.html#quiet_member",
            {**access.context(), "person": member, "error": error},
        )
        return announce(response, said)
    (messages.error if error else messages.success)(request, said)
    return redirect(reverse("communities:journeys", args=[community.slug]) + "#hello-heading")
