"""An organisation's settings page (issue 19), for its admins (not site staff): its name,
email domains and who may create communities in it; its leaders and admins. Anyone else
gets a 404 (communities.access.organisation_admin_for)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from . import organisations
from .access import organisation_admin_for
from .forms import OrganisationPersonForm, OrganisationSettingsForm
from .models import OrganisationRole


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
    messages.success(request, "Saved.")
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
        messages.success(request, f"{form.person} is now a {role} of {organisation.name}.")
    else:
        messages.info(request, f"{form.person} already was a {role} of {organisation.name}.")
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
        messages.error(request, "An organisation keeps at least one admin: add another first.")
    else:
        organisations.revoke(organisation, role.user, role.role)
        messages.success(request, f"{role.user} is no longer a {role.role} here.")
    return redirect("organisations:settings", slug=organisation.slug)
