"""The addresses of one community's objects, for lists that link dozens of them.

Django's reverse() walks the resolver on every call (a tenth of a millisecond); a list of
fifty rows with two links each spent ten milliseconds on it. A community page's row links
differ only in their ids, so the address is reversed once per URL name and community, with
stand-in ids no real one reaches, and each row's ids are put in their places: the same
string reverse() returns. `{% row_url %}` (core.templatetags.links), session cards and
`Reflection.get_absolute_url` all write their links through here.
"""

from __future__ import annotations

from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse

# Numbers no real id reaches: reversed in the ids' places, then replaced by the ids.
_STAND_INS = tuple(str(987654321987654321 + position) for position in range(4))


def community_url(name: str, slug: str, *ids: int) -> str:
    """reverse(name, args=[slug, *ids]), the resolver walked once per name, community and
    number of ids. Each stand-in's last occurrence is replaced, from the last id back: the
    ids come after the community's slug in every such address."""
    url = _with_stand_ins(get_script_prefix(), get_urlconf(), name, slug, len(ids))
    for stand_in, pk in reversed(list(zip(_STAND_INS[: len(ids)], ids, strict=True))):
        head, _, tail = url.rpartition(stand_in)
        url = f"{head}{int(pk)}{tail}"
    return url


def community_object_url(name: str, slug: str, pk: int) -> str:
    """reverse(name, kwargs={"slug": slug, "pk": pk}), reversed once per name and community."""
    return community_url(name, slug, pk)


@lru_cache(maxsize=1024)
def _with_stand_ins(prefix: str, urlconf, name: str, slug: str, count: int) -> str:
    return reverse(name, args=[slug, *_STAND_INS[:count]])
