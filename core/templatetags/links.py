"""`{% row_url name slug pk… %}`: `{% url name slug pk… %}` for the rows of a list.

Django's reverse() walks the URL resolver on every call (a tenth of a millisecond), and a
list of fifty rows with two links each spends ten milliseconds on it. A community page's
row links differ only in their ids, so the address is reversed once per community and URL
name, with stand-in ids that no real one reaches, and each row's ids put in their places.
"""

from __future__ import annotations

from django import template

from core.addresses import community_url

register = template.Library()


@register.simple_tag
def row_url(name: str, slug: str, *ids: int) -> str:
    """The address of the page `name` of the objects `ids` in the community `slug`: the
    same as `{% url name slug id… %}` (core.addresses)."""
    return community_url(name, slug, *ids)


def community_page_url(name: str, slug: str) -> str:
    """`reverse(name, args=[slug])`, reversed once per community and URL name: for what
    every community page draws again, such as its navigation tabs."""
    return community_url(name, slug)
