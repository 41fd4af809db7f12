"""`{% row_url name slug pk %}`: `{% url name slug pk %}` for the rows of a list.

Django's reverse() walks the URL resolver on every call (a tenth of a millisecond), and a
list of fifty rows with two links each spends ten milliseconds on it. A community page's
row links differ only in the id, so the address is reversed once per community and URL
name, with a stand-in id that no real one reaches, and each row's id put in its place.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

# A number no real id reaches: reversed in the id's place, then replaced by the id.
_ANY_ID = str(987654321987654321)


@register.simple_tag
def row_url(name: str, slug: str, pk: int) -> str:
    """The address of the page `name` of the object `pk` in the community `slug`: the same
    as `{% url name slug pk %}`."""
    head, _, tail = _with_any_id(get_script_prefix(), get_urlconf(), name, slug).rpartition(_ANY_ID)
    return f"{head}{int(pk)}{tail}"


@lru_cache(maxsize=1024)
def _with_any_id(prefix: str, urlconf, name: str, slug: str) -> str:
    return reverse(name, args=[slug, _ANY_ID])
