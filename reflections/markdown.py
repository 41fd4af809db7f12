"""Markdown for reflections: rendered with markdown-it-py, then sanitised with nh3.

Two independent layers: markdown-it's CommonMark preset with raw HTML switched off turns
any HTML a person types into visible text and refuses `javascript:`/`data:` link targets;
nh3 then keeps only a short list of tags, attributes and URL schemes, and gives every link
`rel="nofollow noopener"`. Either layer alone should be enough; both together are cheap.
"""

from __future__ import annotations

import html
import re

import nh3
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from markdown_it import MarkdownIt

from communities.mentions import TOKEN, mention_html

_markdown = MarkdownIt("commonmark", {"html": False})

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre",
    "blockquote", "ul", "ol", "li", "a",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


# Mentions (communities.mentions) pass through Markdown as placeholders made of two
# private-use characters around a number, then become their HTML before nh3 cleans the
# whole: if a placeholder landed somewhere odd (a link's title), nh3 still sanitises it.
_OPEN, _CLOSE = "\ue000", "\ue001"
_PLACEHOLDER = re.compile(f"{_OPEN}([0-9]+){_CLOSE}")


def render_markdown(text: str, mentioned: dict[int, str] | None = None) -> SafeString:
    """Markdown → sanitised HTML, safe to put on any page. With `mentioned` (user id →
    name of the people the text mentions), written mentions of them are highlighted and
    any other is shown as the plain `@Name` it was written with."""
    mentioned = mentioned or {}
    pieces: list[str] = []

    def placeholder(match: re.Match) -> str:
        pieces.append(mention_html(match, mentioned))
        return f"{_OPEN}{len(pieces) - 1}{_CLOSE}"

    text = TOKEN.sub(placeholder, (text or "").replace(_OPEN, "").replace(_CLOSE, ""))
    rendered = _markdown.render(text)
    if pieces:
        rendered = _PLACEHOLDER.sub(lambda match: pieces[int(match[1])], rendered)
    cleaned = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes={"strong": {"mention"}},
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
