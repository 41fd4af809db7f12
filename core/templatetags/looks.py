"""`{% avatar person %}` and `{% community_mark community %}`: how people and communities
look beside their names (core/looks.py holds the palette and the rules).

Both are decorative: the name is always written next to them, so they are hidden from
screen readers (aria-hidden) and never the only place a name appears. Their letters are
drawn by CSS from a data attribute (`content: attr(…)`), so they stay out of the page's
text too: "Going (1): Mina" reads and copies as that, not "Going (1): MMina". They read only
what the row already holds (a name; a community's colour and emoji), so a list that
shows them costs no extra query.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.looks import PALETTE, initials, tone_for

register = template.Library()


def _name_of(person) -> str:
    """A person's shown name: a user (or anything with `.name`), or the name itself."""
    if person is None:
        return ""
    if isinstance(person, str):
        return person
    return str(getattr(person, "name", "") or "")


@register.simple_tag
def avatar(person, size: str = "") -> str:
    """The person's initials in a circle coloured from their name; for the stand-in of
    an author who shared without their name (`concealed`), the same neutral circle for
    everyone, with no letters."""
    name = _name_of(person)
    size_class = f" avatar-{size}" if size in {"small", "large"} else ""
    if getattr(person, "concealed", False):
        return format_html(
            '<span class="avatar avatar-neutral{}" data-initials="" aria-hidden="true"></span>',
            size_class,
        )
    return format_html(
        '<span class="avatar tone-{}{}" data-initials="{}" aria-hidden="true"></span>',
        tone_for(name),
        size_class,
        initials(name),
    )


def person_with_avatar(person, size: str = "small") -> str:
    """A person as lists written in Python show them: their avatar, then their name, in
    one `person` span (what templates write as `{% avatar %}` beside the name)."""
    return format_html('<span class="person">{}{}</span>', avatar(person, size), _name_of(person))


@register.simple_tag
def community_mark(community, size: str = "") -> str:
    """The community's emoji (or its initial) on its colour."""
    tone = community.colour if community.colour in PALETTE else tone_for(community.name)
    size_class = f" mark-{size}" if size in {"small", "large"} else ""
    return format_html(
        '<span class="community-mark tone-{}{}" data-mark="{}" aria-hidden="true"></span>',
        tone,
        size_class,
        community.emoji or initials(community.name)[:1],
    )


# Small line icons for labels, drawn in the text's own colour (16×16, stroked). Each one
# sits before a word that says the same thing: the icon helps the eye, the word carries
# the meaning (never colour or shape alone).
_ICONS = {
    # Learning loops: one ring, two, three.
    "loop-single": '<circle cx="8" cy="8" r="6"/>',
    "loop-double": '<circle cx="8" cy="8" r="6.5"/><circle cx="8" cy="8" r="3.5"/>',
    "loop-triple": (
        '<circle cx="8" cy="8" r="6.5"/><circle cx="8" cy="8" r="4"/>'
        '<circle cx="8" cy="8" r="1.5"/>'
    ),
    # Open, waiting, not yet answered: a dotted ring (a loop level's rings are solid).
    "open": '<circle cx="8" cy="8" r="5.5" stroke-dasharray="2.2 2.2"/>',
    "doing": (
        '<circle cx="8" cy="8" r="5.5"/><path d="M8 2.5a5.5 5.5 0 0 1 0 11z" fill="currentColor"/>'
    ),
    "done": '<path d="M3 8.5l3 3 7-7"/>',
    "draft": '<path d="M3 13l1-3 7-7 2 2-7 7z"/>',
    "cancelled": '<path d="M4 4l8 8M12 4l-8 8"/>',
    "now": '<circle cx="8" cy="8" r="4" fill="currentColor"/>',
    "late": '<circle cx="8" cy="8" r="6"/><path d="M8 4.5V8l2.5 1.5"/>',
    "role": '<path d="M8 2l1.8 3.7 4 .6-2.9 2.8.7 4L8 11.2l-3.6 1.9.7-4-2.9-2.8 4-.6z"/>',
    "private": (
        '<path d="M1.5 8s2.5-4.5 6.5-4.5S14.5 8 14.5 8 12 12.5 8 12.5 1.5 8 1.5 8z"/>'
        '<circle cx="8" cy="8" r="2"/>'
    ),
    "quiet": '<path d="M3 6h3l3-3v10l-3-3H3zM11.5 6l3 4M14.5 6l-3 4"/>',
}
_SVG = (
    '<svg viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.6" '
    'stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">'
)


def icon_svg(name: str) -> str:
    return f"{_SVG}{_ICONS[name]}</svg>"


@register.simple_tag
def label(icon: str, text, css: str = "") -> str:
    """A status, loop level or role as a small icon and its word, in the one label style:
    `{% label "done" action.get_status_display %}`. An unknown icon is a programming
    error (KeyError), caught by the tests that render the templates."""
    return format_html(
        '<span class="badge{}">{}{}</span>',
        f" {css}" if css else "",
        mark_safe(icon_svg(icon)),  # noqa: S308 -- the icons are fixed markup written above.
        text,
    )


# A label's icon for each status word the apps show.
STATUS_ICONS = {
    "proposed": "open",
    "doing": "doing",
    "done": "done",
    "dropped": "cancelled",
    "agreed": "done",
    "retired": "cancelled",
    "open": "open",
    "closed": "done",
    "allocated": "open",
    "draft": "draft",
    "submitted": "done",
    "declined": "cancelled",
    "scheduled": "open",
    "completed": "done",
    "cancelled": "cancelled",
}


@register.simple_tag
def status_label(status: str, text, css: str = "") -> str:
    """`{% status_label action.status action.get_status_display %}`: the label with the
    icon that suits the status."""
    return label(STATUS_ICONS.get(status, "open"), text, css)


@register.simple_tag
def loop_label(level: str, text) -> str:
    """A learning-loop level: one, two or three rings and the term."""
    return label(f"loop-{level}", text, "loop-label")
