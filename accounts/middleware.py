from __future__ import annotations

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils import timezone, translation
from django_htmx.http import HttpResponseClientRedirect

from . import languages
from .sso import mfa_required, signed_in_with_own_second_factor, sso_origins


class UserTimezoneMiddleware:
    """Show every time in the viewer's own timezone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            timezone.activate(request.user.zoneinfo)
        else:
            timezone.deactivate()
        return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in person's saved language wins over the cookie and Accept-Language that
    Django's LocaleMiddleware (earlier in the chain) went by (accounts.languages)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and request.user.language:
            code = languages.supported(request.user.language)
            if code:
                translation.activate(code)
                request.LANGUAGE_CODE = code
        return self.get_response(request)


class HtmxLoginRedirectMiddleware:
    """An htmx request that meets an expired login navigates the whole page to the login
    form, rather than swapping a login form into a fragment."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            getattr(request, "htmx", False)
            and response.status_code == 302
            and response.get("Location", "").startswith(resolve_url(settings.LOGIN_URL))
        ):
            return HttpResponseClientRedirect(response["Location"])
        return response


# The session remembers that its person met the two-factor requirement, so the check costs
# no query on later requests; removing the last authenticator is refused while the
# requirement holds (accounts/sso.py MfaAdapter), so the note cannot go stale.
MFA_MET_SESSION_KEY = "copsite_mfa_met"


class MfaRequiredMiddleware:
    """People COPSITE_MFA_REQUIRED_FOR names (coordinators, leaders, staff) are sent to
    set up an authenticator app at their sign-in, and on every page until they have,
    except the pages that do it and logging out. A sign-in through a provider that
    enforces its own second factor meets the requirement."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_set_up(request):
            target = reverse("mfa_activate_totp")
            messages.info(
                request,
                translation.gettext(
                    "Your role on this site asks for a second step at sign-in. Set up an "
                    "authenticator app to go on."
                ),
                fail_silently=True,
            )
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(target)
            return redirect(target)
        return self.get_response(request)

    def _must_set_up(self, request) -> bool:
        if not settings.COPSITE_MFA_REQUIRED_FOR or not request.user.is_authenticated:
            return False
        if request.session.get(MFA_MET_SESSION_KEY) == request.user.pk:
            return False
        path = request.path_info
        if path.startswith(_open_paths()):
            return False
        if not mfa_required(request.user):
            return False
        if is_mfa_enabled(request.user) or signed_in_with_own_second_factor(request):
            request.session[MFA_MET_SESSION_KEY] = request.user.pk
            return False
        return True


def _open_paths() -> tuple[str, ...]:
    """Where someone who still has to set up two-factor may go."""
    return (
        reverse("mfa_index"),
        reverse("account_logout"),
        reverse("account_reauthenticate"),
        settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL,
        "/healthz",
    )


class SsoFormActionMiddleware:
    """ "Continue with <name>" posts to copsite, which redirects the browser to the
    provider: a browser holds that redirect to the page's CSP form-action, so each
    configured provider's origin (its issuer's) joins 'self' there. Listed after
    CSPMiddleware, so this sees the response first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        origins = sso_origins(request)
        if origins:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = [*update.get("form-action", []), *origins]
            response._csp_update = update
        return response
