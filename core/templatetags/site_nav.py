"""`{% site_nav %}`: the site header's tabs every app registers (core.plugins.site_tabs), so
base.html names no app's URLs beyond core's and accounts'."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import reverse

from core.plugins import site_link_for, site_tabs

register = template.Library()


@register.inclusion_tag("includes/site_nav.html", takes_context=True)
def site_nav(context):
    """The registered site tabs for the signed-in viewer ("leader" tabs to leaders only,
    "organisation" tabs to leaders and organisation admins)."""
    user = context["user"]
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else None
    tabs = [
        {
            "label": tab.label,
            "href": reverse(tab.url_name),
            "current": view_name in tab.current_names,
        }
        for tab in site_tabs()
        if _shown(tab.role, user)
    ]
    return {"tabs": tabs}


def _shown(role, user) -> bool:
    """Whether a site tab for `role` shows to `user` (from the user row: no query)."""
    leader = getattr(user, "is_leader", False)
    if role == "leader":
        return leader
    if role == "organisation":
        return leader or getattr(user, "is_organisation_admin", False)
    return role is None


@register.inclusion_tag("includes/site_search.html", takes_context=True)
def site_search(context):
    """The header's search box, for signed-in people, when an app registered a search page
    (core.plugins.register_site_link("search", …))."""
    user = context["user"]
    request = context.get("request")
    if not user.is_authenticated:
        return {"search_url": None}
    search_url = site_link_for("search")
    # The box keeps the words on the search page only: elsewhere a "q" is some other
    # page's filter.
    on_search = request is not None and request.path == search_url
    return {"search_url": search_url, "q": request.GET.get("q", "")[:300] if on_search else ""}


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    """The footer's language choice. Each language is named in its own words, as
    settings.LANGUAGES has it and untranslated ("Français" on an English page too), so a
    person finds theirs whatever the page is in."""
    request = context.get("request")
    return {
        "languages": settings.LANGUAGES,
        "current": context.get("LANGUAGE_CODE", settings.LANGUAGE_CODE),
        "next": request.get_full_path() if request else "/",
        "csrf_token": context.get("csrf_token"),
    }
