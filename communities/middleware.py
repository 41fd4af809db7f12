from __future__ import annotations

import re

from django.http import Http404, HttpResponsePermanentRedirect

from .access import community_for
from .models import OldSlug

COMMUNITY_PATH = re.compile(r"^/c/(?P<slug>[-\w]+)(?P<rest>/.*)$")


class OldSlugRedirectMiddleware:
    """A page under /c/<old-slug>/ that 404s redirects to the community's current slug, so
    links and bookmarks survive the one slug change a community may make. Only a 404
    pays the lookup.

    Only people who may see the community are redirected (community_for's rules: its
    members, leaders, and anyone for a community listed in the directory). Everyone else
    keeps the very 404 a slug that never existed gives, so an old slug never reveals an
    invite-only community's new name."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        match = COMMUNITY_PATH.match(request.path_info)
        if match is None:
            return response
        old = OldSlug.objects.filter(slug=match["slug"]).select_related("community").first()
        if old is None or not _may_see(request.user, old.community.slug):
            return response
        target = f"/c/{old.community.slug}{match['rest']}"
        if request.META.get("QUERY_STRING"):
            target += "?" + request.META["QUERY_STRING"]
        return HttpResponsePermanentRedirect(target)


def _may_see(user, slug: str) -> bool:
    try:
        community_for(user, slug, public=True, allow_leader=True)
    except Http404:
        return False
    return True
