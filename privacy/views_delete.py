"""The privacy page and deleting my account (views.py is the export's)."""

from __future__ import annotations

import time

from allauth.account import app_settings as account_settings
from allauth.account.authentication import get_authentication_records
from allauth.account.decorators import reauthentication_required
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from core import privacy

from .erasure import FORMER_MEMBER, ErasureRefused, erase_person, last_coordinator_of
from .forms_delete import DeleteAccountForm


def _export_url() -> str:
    """The export page, once the export branch's URL is there."""
    try:
        return reverse("privacy:export")
    except NoReverseMatch:
        return ""


@require_http_methods(["GET"])
def privacy_page(request):
    """What copsite keeps, who sees it, for how long, and your rights: for members."""
    return render(
        request,
        "privacy/privacy.html",
        {
            "email_days": settings.COPSITE_RETAIN_EMAIL_DAYS,
            "export_days": settings.COPSITE_RETAIN_EXPORT_DAYS,
            "left_member_days": settings.COPSITE_RETAIN_LEFT_MEMBER_DAYS,
            "export_url": _export_url(),
            "former_member": FORMER_MEMBER,
            "privacy_threshold": privacy.THRESHOLD,
        },
    )


@login_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    """Delete my account: choose, confirm, done. Asks who you are again first (password,
    two-step code or your organisation's sign-in: allauth's reauthentication), and not
    while you are a community's last coordinator."""
    if _needs_fresh_organisation_sign_in(request):
        return render(request, "privacy/delete_signin.html", {"next_url": request.path})
    blocking = last_coordinator_of(request.user)
    form = DeleteAccountForm(request.POST or None)
    confirming = False
    if request.method == "POST" and blocking:
        messages.error(
            request,
            gettext(
                "Your account cannot be deleted yet: each community needs a coordinator. "
                "Appoint another coordinator in the communities listed below first."
            ),
        )
    elif request.method == "POST" and form.is_valid():
        if form.cleaned_data["confirm"]:
            try:
                erase_person(request.user, keep=form.keep())
            except ErasureRefused as refused:
                messages.error(request, str(refused))
                return redirect("privacy:delete")
            logout(request)
            return redirect("privacy:deleted")
        confirming = True
    return render(
        request,
        "privacy/delete_confirm.html" if confirming else "privacy/delete.html",
        {
            "form": form,
            "blocking": blocking,
            "export_url": _export_url(),
            "former_member": FORMER_MEMBER,
        },
    )


def _needs_fresh_organisation_sign_in(request) -> bool:
    """allauth asks for a password or a two-step code again; someone who has neither
    (they sign in only through their organisation) cannot be asked that way, and allauth
    then lets them through. Deleting an account asks them to have signed in — through
    their organisation — within the same few minutes instead."""
    user = request.user
    if user.has_usable_password() or is_mfa_enabled(user):
        return False
    fresh = time.time() - account_settings.REAUTHENTICATION_TIMEOUT
    return not any(r.get("at", 0) > fresh for r in get_authentication_records(request, user))


@require_http_methods(["GET"])
def account_deleted(request):
    """Goodbye: shown once the account is gone (the person is signed out)."""
    if request.user.is_authenticated:
        return redirect("privacy:delete")
    return render(request, "privacy/delete_done.html")
