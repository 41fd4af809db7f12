"""An organisation's settings page (issue 19), for its admins (not site staff): its name,
email domains and who may create communities in it; its leaders and admins; and its
invitations by email (to people who may have no account yet). Anyone else gets a 404
(communities.access.organisation_admin_for)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.timezone import now
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.submissions import once_per_submission

from . import organisations, services
from .access import community_movable_by, organisation_admin_for, organisation_invitation_for
from .forms import InvitationForm, OrganisationPersonForm, OrganisationSettingsForm
from .invitations import invitations_listed
from .models import Invitation, Organisation, OrganisationRole
from .views import invitation_act, tell_invited


@login_required
@require_GET
def my_organisations(request):
    """The organisations the viewer leads or administers, with a link to each one's
    settings and invitations (admins) and dashboard (leaders); 404 to anyone else."""
    rows = organisations.roles_of(request.user)
    if not rows:
        raise Http404
    return render(request, "communities/my_organisations.html", {"rows": rows})


def _page(request, organisation, form=None, person_form=None, status=200):
    roles = (
        OrganisationRole.objects.filter(organisation=organisation)
        .exclude(role=OrganisationRole.Role.MEMBER)
        .select_related("user")
        .order_by("role", "user__display_name", "user__email")
    )
    return render(
        request,
        "communities/organisation_settings.html",
        {
            "organisation": organisation,
            "form": form or OrganisationSettingsForm(instance=organisation),
            "person_form": person_form or OrganisationPersonForm(),
            "roles": roles,
            "communities": organisation.communities.order_by("name"),
            # Moving a community out needs another organisation they administer (or staff).
            "can_move": request.user.is_staff
            or Organisation.objects.administered_by(request.user).count() > 1,
            "pending_invitations": Invitation.objects.live()
            .filter(organisation=organisation, expires_at__gt=now())
            .count(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_settings(request, slug):
    organisation = organisation_admin_for(request.user, slug)
    if request.method == "GET":
        return _page(request, organisation)
    form = OrganisationSettingsForm(request.POST, instance=organisation)
    if not form.is_valid():
        return _page(request, organisation, form=form)
    with transaction.atomic():
        form.save()
        organisations.set_domains(organisation, form.cleaned_data["domains"])
    messages.success(request, _("Saved."))
    return redirect("organisations:settings", slug=organisation.slug)


@login_required
@require_POST
def organisation_person_add(request, slug):
    organisation = organisation_admin_for(request.user, slug)
    form = OrganisationPersonForm(request.POST)
    if not form.is_valid():
        return _page(request, organisation, person_form=form)
    role = form.cleaned_data["role"]
    if organisations.grant(organisation, form.person, role):
        said = {
            "leader": _("%(person)s is now a leader of %(organisation)s."),
            "admin": _("%(person)s is now an admin of %(organisation)s."),
        }.get(role, _("%(person)s now belongs to %(organisation)s."))
        tell = messages.success
    else:
        said = {
            "leader": _("%(person)s already was a leader of %(organisation)s."),
            "admin": _("%(person)s already was an admin of %(organisation)s."),
        }.get(role, _("%(person)s already belonged to %(organisation)s."))
        tell = messages.info
    tell(request, said % {"person": form.person, "organisation": organisation.name})
    return redirect("organisations:settings", slug=organisation.slug)


@login_required
@require_POST
def organisation_person_remove(request, slug, pk):
    organisation = organisation_admin_for(request.user, slug)
    role = get_object_or_404(
        OrganisationRole.objects.filter(organisation=organisation).select_related("user"), pk=pk
    )
    admins = OrganisationRole.objects.filter(
        organisation=organisation, role=OrganisationRole.Role.ADMIN
    )
    if role.role == OrganisationRole.Role.ADMIN and admins.count() == 1:
        messages.error(request, _("An organisation keeps at least one admin: add another first."))
    else:
        organisations.revoke(organisation, role.user, role.role)
        messages.success(
            request,
            {
                "leader": _("%(person)s is no longer a leader here."),
                "admin": _("%(person)s is no longer an admin here."),
            }.get(role.role, _("%(person)s no longer belongs here."))
            % {"person": role.user},
        )
    return redirect("organisations:settings", slug=organisation.slug)


# --- Invitations by email --------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def organisation_invitations(request, slug):
    """Invite addresses to belong to the organisation: each gets one email (queued on
    commit) with a link; signing up or in with the address accepts it."""
    organisation = organisation_admin_for(request.user, slug)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sent, skipped = services.organisation_invitations_send(
            organisation=organisation,
            by=request.user,
            emails=form.cleaned_data["emails"],
            message=form.cleaned_data["message"],
        )
        tell_invited(request, sent, skipped, form.invalid)
        return redirect("organisations:invitations", slug=organisation.slug)
    rows = invitations_listed(Invitation.objects.filter(organisation=organisation))
    return render(
        request,
        "communities/organisation_invitations.html",
        {"organisation": organisation, "form": form, "invitations": rows},
    )


@login_required
@require_POST
def organisation_invitation_manage(request, slug, pk, action):
    organisation = organisation_admin_for(request.user, slug)
    invitation_act(request, organisation_invitation_for(organisation, pk), action)
    return redirect("organisations:invitations", slug=organisation.slug)


# --- Moving a community to another organisation -----------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def community_move(request, slug):
    """Move a community to another organisation: choose it, read what changes (who may
    find it, which leaders see it), confirm. An admin of both organisations, or staff."""
    community, targets = community_movable_by(request.user, slug)
    by_pk = {str(organisation.pk): organisation for organisation in targets}
    chosen = by_pk.get(request.POST.get("organisation", "")) if request.method == "POST" else None
    context = {"community": community, "targets": targets, "chosen": chosen}
    if request.method == "POST" and chosen is None:
        context["error"] = _("Choose the organisation it moves to.")
        return render(request, "communities/community_move.html", context, status=400)
    if chosen is not None and request.POST.get("confirm") == "yes":
        organisations.community_move(community, chosen)
        messages.success(
            request,
            _("%(name)s is now in %(organisation)s.")
            % {"name": community.name, "organisation": chosen.name},
        )
        if chosen.roles.filter(user=request.user, role=OrganisationRole.Role.ADMIN).exists():
            return redirect("organisations:settings", slug=chosen.slug)
        return redirect(community.get_absolute_url())
    if chosen is not None:
        effects = organisations.move_effects(community, chosen)
        context["effects"] = effects
        # The leaders' names as lists in one sentence each (the page's words are whole).
        context["names"] = {
            key: ", ".join(person.name for person in effects[key])
            for key in ("losing", "gaining", "keeping")
        }
    return render(request, "communities/community_move.html", context)
