"""The peer-review pages' URL names, for tests that render links to them.

The pages (outcome, work, rounds, reviews) are built on another branch. Emails, digests
and the alignment map link to them by name, so tests that render those links need the
names to resolve. `review_pages` uses the site's own URLconf when every name resolves
there (after the pages are merged), and otherwise this module's URLconf: the site's
patterns plus placeholder routes under the same names. A mix of the two means a name or
its arguments changed, and the fixture says so instead of hiding it. Once the pages are
merged this module can go.
"""

from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import NoReverseMatch, include, path, reverse

from copsite import urls as site_urls
from outcomes import urls as outcome_urls

C = "c/<slug:slug>/"
# name: (route, kwargs to try reversing with)
PAGES = {
    "outcome": (C + "outcomes/<int:pk>/", {"slug": "s", "pk": 1}),
    "work_new": (C + "sessions/<int:session_pk>/work/new/", {"slug": "s", "session_pk": 1}),
    "work": (C + "work/<int:pk>/", {"slug": "s", "pk": 1}),
    "round_new": (C + "sessions/<int:session_pk>/review-round/", {"slug": "s", "session_pk": 1}),
    "round": (C + "review-rounds/<int:pk>/", {"slug": "s", "pk": 1}),
    "reviews": (C + "reviews/", {"slug": "s"}),
    "review": (C + "reviews/<int:pk>/", {"slug": "s", "pk": 1}),
}


def _placeholder(request, **kwargs):
    raise Http404("A placeholder for a page built on another branch.")


def _resolves(name: str, kwargs: dict, urlconf: str | None = None) -> bool:
    try:
        reverse(f"outcomes:{name}", kwargs=kwargs, urlconf=urlconf)
    except NoReverseMatch:
        return False
    return True


_missing = [name for name, (_, kwargs) in PAGES.items() if not _resolves(name, kwargs)]
_placeholders = [path(PAGES[name][0], _placeholder, name=name) for name in _missing]
urlpatterns = [
    p for p in site_urls.urlpatterns if getattr(p, "urlconf_name", None) is not outcome_urls
] + [path("", include((outcome_urls.urlpatterns + _placeholders, "outcomes")))]


@pytest.fixture
def review_pages(settings):
    """Make the peer-review pages' URL names resolve (see the module's docstring)."""
    present = [name for name, (_, kwargs) in PAGES.items() if _resolves(name, kwargs)]
    if len(present) == len(PAGES):
        return
    if present:
        pytest.fail(
            "Some peer-review page names resolve and some don't: "
            f"missing {sorted(set(PAGES) - set(present))}. Update tests/outcomes/pages.py."
        )
    settings.ROOT_URLCONF = __name__
