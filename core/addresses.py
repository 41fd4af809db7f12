"""The address of one object of one community, for lists that link dozens of them.

Django's reverse() walks the resolver on every call (a tenth of a millisecond); a page of
twenty search results or fifty reflections paid it for each. The address is reversed once
per URL name and community, with a number no real id reaches in the id's place, then the
id is put there: the same string reverse() returns."""

from __future__ import annotations

from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse

# A number no real id reaches: reversed in the id's place, then replaced by the id.
_ANY_ID = 987654321987654321


def community_object_url(name: str, slug: str, pk: int) -> str:
    """reverse(name, kwargs={"slug": slug, "pk": pk}), the resolver walked once per name
    and community. Only the last occurrence of the stand-in is replaced: the id comes
    after the community's slug in every such address."""
    before, _marker, after = _with_any_id(get_script_prefix(), get_urlconf(), name, slug)
    return f"{before}{int(pk)}{after}"


@lru_cache(maxsize=1024)
def _with_any_id(prefix: str, urlconf, name: str, slug: str) -> tuple[str, str, str]:
    return reverse(name, kwargs={"slug": slug, "pk": _ANY_ID}).rpartition(str(_ANY_ID))
