"""Markdown for reflections: rendered with markdown-it-py, then sanitised with nh3.

Two independent layers: markdown-it's CommonMark preset with raw HTML switched off turns
any HTML a person types into visible text and refuses `javascript:`/`data:` link targets;
nh3 then keeps only a short list of tags, attributes and URL schemes, and gives every link
`rel="nofollow noopener"`. Either layer alone should be enough; both together are cheap.
"""

from __future__ import annotations

import html

import nh3
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False})

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre",
    "blockquote", "ul", "ol", "li", "a",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> SafeString:
    """Markdown → sanitised HTML, safe to put on any page."""
    rendered = _markdown.render(text or "")
    cleaned = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 -- nh3 has just sanitised it.


def excerpt(text: str, chars: int = 200) -> str:
    """A short plain-text excerpt of a Markdown body: no markup at all. The result is plain
    text, so templates escape it as usual."""
    rendered = _markdown.render(text or "")
    plain = html.unescape(nh3.clean(rendered, tags=set(), clean_content_tags={"script", "style"}))
    return Truncator(" ".join(plain.split())).chars(chars)
