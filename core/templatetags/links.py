"""`{% row_url name slug pk… %}`: `{% url name slug pk… %}` for the rows of a list.

Django's reverse() walks the URL resolver on every call (a tenth of a millisecond), and a
list of fifty rows with two links each spends ten milliseconds on it. A community page's
row links differ only in their ids, so the address is reversed once per community and URL
name, with stand-in ids that no real one reaches, and each row's ids put in their places.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

# Numbers no real id reaches: reversed in the ids' places, then replaced by the ids.
_STAND_INS = tuple(str(987654321987654321 + position) for position in range(4))


@register.simple_tag
def row_url(name: str, slug: str, *ids: int) -> str:
    """The address of the page `name` of the objects `ids` in the community `slug`: the
    same as `{% url name slug id… %}`."""
    url = _with_stand_ins(get_script_prefix(), get_urlconf(), name, slug, len(ids))
    for stand_in, pk in reversed(list(zip(_STAND_INS[: len(ids)], ids, strict=True))):
        head, _, tail = url.rpartition(stand_in)
        url = f"{head}{int(pk)}{tail}"
    return url


@lru_cache(maxsize=1024)
def _with_stand_ins(prefix: str, urlconf, name: str, slug: str, count: int) -> str:
    return reverse(name, args=[slug, *_STAND_INS[:count]])


def community_page_url(name: str, slug: str) -> str:
    """`reverse(name, args=[slug])`, reversed once per community and URL name: for what
    every community page draws again, such as its navigation tabs."""
    return _with_stand_ins(get_script_prefix(), get_urlconf(), name, slug, 0)
