from __future__ import annotations

import nh3
from django import template
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

from core.privacy import people_figure
from core.templatetags.looks import label

register = template.Library()

# CommonMark without raw HTML; nh3 then keeps only safe tags and attributes.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})


@register.filter
def session_markdown(text: str) -> str:
    html = _markdown.render(text or "")
    return mark_safe(nh3.clean(html, link_rel="noopener noreferrer nofollow"))  # noqa: S308 -- sanitised by nh3 just above.


@register.filter
def minutes_label(minutes: int) -> str:
    hours, rest = divmod(int(minutes or 0), 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    if hours:
        return f"{hours} h"
    return f"{rest} min"


@register.filter
def rsvp_label(response: str) -> str:
    from sessions.models import RSVP

    return dict(RSVP.Response.choices).get(response, "")


@register.filter
def headcount(people: int) -> int | str:
    """A count of people as someone outside the community may see it: the privacy floor
    (core/privacy.py) writes 1–4 as "fewer than 5", so a public session page never
    tells an outsider that one or two named-by-context people said they would come."""
    shown = people_figure(people)
    return "fewer than 5" if shown is None else shown


# The viewer's answer on a session card, as a sentence about them (icon, then words).
_RSVP_STATES = {
    "going": ("done", "You're going"),
    "maybe": ("doing", "You might come"),
    "not_going": ("cancelled", "You can't make it"),
}


@register.simple_tag
def rsvp_state(response: str | None) -> str:
    icon, text = _RSVP_STATES.get(response or "", ("open", "You haven't answered yet"))
    return label(icon, text)
