from django.contrib import admin
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.cache import cache_page
from django.views.decorators.http import last_modified
from django.views.i18n import JavaScriptCatalog

from accounts import views as account_views
from communities import views as community_views
from core import views as core_views

# The JavaScript catalog (static/js strings, locale/*/LC_MESSAGES/djangojs.po) changes only
# with a deploy: stamped with the moment this process started, kept a day in the cache
# (Django's cache key carries the active language) under a prefix that a restart renews.
# base.html asks for it with the page's language in the address, so a browser that cached
# one language's catalog fetches the other's after a switch.
STARTED = timezone.now()
javascript_catalog = cache_page(60 * 60 * 24, key_prefix=f"jsi18n-{STARTED.timestamp():.0f}")(
    last_modified(lambda request, **kwargs: STARTED)(JavaScriptCatalog.as_view())
)

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("settings/", account_views.settings_view, name="settings"),
    path("language/", account_views.language_view, name="language"),
    path("jsi18n/", javascript_catalog, name="javascript-catalog"),
    path(
        "settings/email/confirm-again/",
        account_views.email_reconfirm_view,
        name="email_reconfirm",
    ),
    # The email service's tracking webhook, where anymail's documentation puts it.
    path(
        "anymail/<str:esp>/tracking/",
        account_views.email_tracking_webhook,
        name="email_tracking_webhook",
    ),
    path(
        "settings/notifications/",
        account_views.notification_choices_view,
        name="notification_choices",
    ),
    path("notifications/", account_views.notifications_view, name="notifications"),
    path(
        "notifications/<int:pk>/open/",
        account_views.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/read/",
        account_views.notifications_read_all,
        name="notifications_read_all",
    ),
    path("settings/digest-preview/", account_views.digest_preview_view, name="digest_preview"),
    path(
        "settings/digest-preview/email.html",
        account_views.digest_preview_email_view,
        name="digest_preview_email",
    ),
    path(
        "settings/communities/<int:membership_id>/mute/",
        community_views.membership_mute,
        name="community_mute",
    ),
    path(
        "settings/communities/<int:membership_id>/first-steps/dismiss/",
        community_views.first_steps_dismiss,
        name="first_steps_dismiss",
    ),
    path(
        "settings/requests/<int:membership_id>/withdraw/",
        community_views.join_request_withdraw,
        name="join_request_withdraw",
    ),
    path(
        "unsubscribe/<str:list_name>/<str:token>/",
        account_views.unsubscribe_view,
        name="unsubscribe",
    ),
    # Each domain app declares its full paths (/communities/…, /c/<slug>/…) in its urls.py.
    path("", include("communities.urls")),
    path("", include("communities.urls_organisations")),
    path("", include("sessions.urls")),
    path("", include("outcomes.urls")),
    path("", include("reviews.urls")),
    path("", include("reflections.urls")),
    path("", include("impact.urls")),
    path("", include("search.urls")),
    path("", include("privacy.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
