from __future__ import annotations

from functools import lru_cache

from django import template
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.timezone import template_localtime
from django.utils.translation import get_language

from core.templatetags.dates import when
from reflections.models import LOOP_NAMES

register = template.Library()


@lru_cache(maxsize=64)
def _level_label(language: str | None, level: str) -> str:
    """The " · single loop" of a hit in the page's language: built once per language and
    level, not once per row (translation lookups for twenty hits were measurable)."""
    return format_html(" · {}", LOOP_NAMES.get(level, level))


def level_label(level: str) -> str:
    return _level_label(get_language(), level)


@register.simple_tag
def search_hit(hit) -> str:
    """One result of the search page (search.selectors.Hit): its linked title, what it
    is, where and when, and its snippet. Written in Python, not in the template: a page
    draws twenty, and their dozen variables and filters each were a fifth of the page.
    The title and the snippet are already safe (core.search.highlighted); the rest is
    escaped by format_html."""
    moment = template_localtime(hit.when)
    level = level_label(hit.loop_level) if hit.loop_level else ""
    snippet = format_html('<p class="excerpt">{}</p>', hit.snippet) if hit.snippet else ""
    return format_html(
        '<li class="search-hit">\n'
        '        <h2 class="h3"><a href="{}">{}</a></h2>\n'
        '        <p class="meta"><span class="badge">{}</span> · {} · '
        '<time datetime="{}">{}</time>{}</p>\n'
        "        {}\n"
        "      </li>",
        hit.url,
        hit.title,
        capfirst(hit.noun),
        hit.community.name,
        when(moment, "iso"),
        when(moment, "date"),
        level,
        snippet,
    )
