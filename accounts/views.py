from __future__ import annotations

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.plugins import collect_panels

from . import services
from .digest import digest_preview
from .forms import ProfileForm
from .models import User
from .unsubscribe import LISTS, unsubscribe, user_id_from_token


@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=request.user, data=form.cleaned_data)
        messages.success(request, "Your settings are saved.")
        return redirect("settings")
    # My communities and my calendar link belong to higher apps: they come as panels.
    panels = collect_panels("settings_panel", request)
    return render(request, "accounts/settings.html", {"form": form, "panels": panels})


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
