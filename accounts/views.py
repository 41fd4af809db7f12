from __future__ import annotations

from copy import copy

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language

from core.paging import KeysetPage
from core.plugins import collect_panels, site_link_for

from . import bounces, languages, notifications, services
from .access import notification_for
from .digest import digest_preview
from .forms import NotificationChoicesForm, ProfileForm
from .models import Notification, User
from .sso import sso_providers
from .unsubscribe import LISTS, unsubscribe, user_id_from_token


def _settings_page(request, *, form=None, choices_form=None):
    """The settings page, with whichever of its two forms was posted kept as typed."""
    if form is None:
        form = ProfileForm(instance=request.user)
    if choices_form is None:
        choices_form = NotificationChoicesForm(chosen=notifications.chosen(request.user))
    # My communities and my calendar link belong to higher apps: they come as panels.
    panels = collect_panels("settings_panel", request)
    return render(
        request,
        "accounts/settings.html",
        {
            "form": form,
            "choices_form": choices_form,
            "panels": panels,
            "sso_connections_offered": bool(sso_providers(request)),
            # Taking my data with me is a higher app's page (privacy), reached by purpose.
            "export_url": site_link_for("export"),
            "suppression": bounces.suppression_of(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request):
    # A copy: validating writes the typed values onto the instance, and the header shows
    # request.user — a rejected name must not appear there as if saved.
    form = ProfileForm(request.POST or None, instance=copy(request.user))
    if request.method == "POST" and form.is_valid():
        user = services.profile_update(user=request.user, data=form.cleaned_data)
        with languages.speaking(user):
            messages.success(request, gettext("Your settings are saved."))
        return languages.remember(redirect("settings"), user.language)
    return _settings_page(request, form=form)


@require_http_methods(["POST"])
def language_view(request):
    """The footer's language switcher (a form, no JavaScript): Django's set_language keeps
    the choice in a cookie and goes back where the person was; a signed-in person's choice
    is also saved as their preference, so emails follow it."""
    response = set_language(request)
    code = languages.supported(request.POST.get("language", ""))
    if code and request.user.is_authenticated:
        services.language_choose(user=request.user, language=code)
    return response


@login_required
@require_http_methods(["POST"])
def email_reconfirm_view(request):
    """The settings page's "confirm my address again": allauth's email page then says a
    link is on its way (and offers to send it again)."""
    if not bounces.email_reconfirm_start(request=request, user=request.user):
        return redirect("settings")
    return redirect("account_email")


@csrf_exempt
def email_tracking_webhook(request, esp: str):
    """The email service's tracking webhook (anymail's own view, for the configured
    service only: accounts/bounces.py). Not signed in: it proves itself with the secret."""
    view = bounces.tracking_webhook_view(esp)
    if view is None:
        raise Http404
    return view(request)


@login_required
@require_http_methods(["POST"])
def notification_choices_view(request):
    """Save each kind's email choice (the settings page's second form)."""
    form = NotificationChoicesForm(request.POST, chosen=notifications.chosen(request.user))
    if form.is_valid():
        notifications.notification_choices_save(user=request.user, choices=form.cleaned_data)
        messages.success(request, gettext("Your notification emails are saved."))
        return redirect(reverse("settings") + "#notification-emails")
    return _settings_page(request, choices_form=form)


NOTIFICATIONS_PER_PAGE = 30


@login_required
@require_http_methods(["GET"])
def notifications_view(request):
    """My notifications, newest first, grouped by community on each page."""
    # Older pages go by "older than this one" links (core.paging.KeysetPage): a year of
    # notifications reads the index (recipient, -created_at, -id) from the named one on.
    page = KeysetPage(
        Notification.objects.for_recipient(request.user),
        request.GET,
        NOTIFICATIONS_PER_PAGE,
        field="created_at",
    )
    return render(
        request,
        "accounts/notifications.html",
        {"page": page, "groups": notifications.group_by_community(page)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def notification_open(request, pk: int):
    """Opening a notification (the list's button: a POST) marks it read and leads to what
    it is about. A GET only leads there: a browser or mail client fetching links ahead
    (prefetch, previews) must not mark anything read."""
    notification = notification_for(request.user, pk)
    if request.method == "POST":
        notifications.notification_mark_read(notification=notification)
    # The address was written by our own code; a path on this site is all it may be.
    if url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notifications")


@login_required
@require_http_methods(["POST"])
def notifications_read_all(request):
    changed = notifications.notifications_mark_all_read(user=request.user)
    if changed:
        messages.success(request, gettext("All caught up: every notification is marked read."))
    return redirect("notifications")


@login_required
@require_http_methods(["GET"])
def digest_preview_view(request):
    return render(request, "accounts/digest_preview.html", digest_preview(request.user))


# The email's own HTML, exactly as sent, shown inside the preview page's sandboxed frame.
# Email clients need inline styles, so this one document (our own template, escaped as
# usual) may use them; it runs no script and may only be framed by our own pages.
@login_required
@require_http_methods(["GET"])
@xframe_options_sameorigin
@csp_replace(
    {"script-src": ["'none'"], "style-src": ["'unsafe-inline'"], "frame-ancestors": ["'self'"]}
)
def digest_preview_email_view(request):
    # Links must open in the whole window, not inside the frame (our pages refuse to be
    # framed): a <base target> placed before <body>, the one addition to the email's HTML.
    html = digest_preview(request.user)["body_html"].replace(
        "<body", '<base target="_top">\n<body', 1
    )
    return HttpResponse(html)


@csrf_exempt  # RFC 8058: mail clients POST without cookies or a CSRF token; the URL is signed.
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request, list_name: str, token: str):
    """GET shows a confirmation button (link scanners must not unsubscribe anyone);
    POST, with or without cookies, unsubscribes that list at once."""
    user_id = user_id_from_token(token, list_name)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    if user is None:
        return render(request, "accounts/unsubscribe_invalid.html", status=400)
    label = LISTS[list_name][0]
    if request.method == "POST":
        unsubscribe(user, list_name)
        return render(request, "accounts/unsubscribe_done.html", {"label": label})
    return render(request, "accounts/unsubscribe_confirm.html", {"label": label})
