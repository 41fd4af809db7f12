from __future__ import annotations

import html
from functools import lru_cache

import nh3
from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import get_language, gettext, gettext_noop, ngettext
from markdown_it import MarkdownIt

from core.addresses import community_object_url
from core.privacy import people_figure
from core.templatetags.dates import when_each
from core.templatetags.looks import label

register = template.Library()

# CommonMark without raw HTML; nh3 then keeps only safe tags and attributes.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})


@register.filter
def session_markdown(text: str) -> str:
    html = _markdown.render(text or "")
    return mark_safe(nh3.clean(html, link_rel="noopener noreferrer nofollow"))  # noqa: S308 -- sanitised by nh3 just above.


@register.filter
def join_names(people) -> str:
    """People's names as one list ("Ana, Bo, Chen"), so a sentence about them is one
    translated phrase."""
    return ", ".join(person.name for person in people)


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
    return gettext("fewer than 5") if shown is None else shown


# The viewer's answer on a session card, as a sentence about them (icon, then words).
_RSVP_STATES = {
    "going": ("done", gettext_noop("You're going")),
    "maybe": ("doing", gettext_noop("You might come")),
    "not_going": ("cancelled", gettext_noop("You can't make it")),
}


@register.simple_tag
def rsvp_state(response: str | None) -> str:
    return _rsvp_state(response or "", get_language())


@lru_cache(maxsize=64)
def _rsvp_state(response: str, language: str | None) -> str:
    # Four fixed labels per language, written once each rather than once a card.
    icon, text = _RSVP_STATES.get(response, ("open", gettext_noop("You haven't answered yet")))
    return label(icon, gettext(text))


@lru_cache(maxsize=8)
def _card_words(language: str | None) -> dict[str, str]:
    """A card's fixed phrases in one language, translated once rather than once a card."""
    return {
        "series": gettext('Part of <a href="%(url)s">a series</a> (%(rhythm)s)'),
        "now": label("now", gettext("Happening now"), "status-now"),
    }


def _escaped(value) -> str:
    """conditional_escape, quicker for the plain strings a card is mostly made of."""
    if type(value) is str:
        return html.escape(value)
    return conditional_escape(value)


@register.simple_tag
def session_card(
    session,
    slug: str,
    going=None,
    answerable: bool = False,
    show_series: bool = False,
    show_community: bool = False,
) -> str:
    """One session as a card (sessions/includes/session_card.html says what it shows).
    Written in Python, not a template: the sessions list draws up to 50 cards (a weekly
    series fills it), and a template's include, six date filters and two {% url %}s a
    card cost half the page. Each piece of text is escaped (`_escaped`)."""
    starts = localtime(session.starts_at)
    weekday, time, iso, month, day = when_each(
        starts, ("weekday", "time", "iso", "month", "day_number")
    )
    words = _card_words(get_language())
    meta = [weekday, ", ", time]
    if show_community:
        meta += [" · ", session.community.name]
    # The include passes `going` on even where its caller gave none (as "").
    if going is not None and going != "":
        meta += [
            " · ",
            # A count, or a rounded one for outsiders ("fewer than 5"): many, then.
            ngettext("%(people)s going", "%(people)s going", going if type(going) is int else 2)
            % {"people": going},
        ]
    parts = [
        '<li class="session-card">\n  <time class="date-block" datetime="',
        _escaped(iso),
        '">\n    <span class="date-month">',
        _escaped(month),
        '</span>\n    <span class="date-day">',
        _escaped(day),
        '</span>\n    <span class="date-time">',
        _escaped(time),
        '</span>\n  </time>\n  <div class="session-card-body">\n'
        '    <p><a class="session-card-title" href="',
        _escaped(session_url("sessions:detail", slug, session.pk)),
        '">',
        _escaped(session.title),
        '</a></p>\n    <p class="meta">',
        *(_escaped(piece) for piece in meta),
        "</p>\n",
    ]
    if show_series and session.series_id:
        series = words["series"] % {
            "url": _escaped(session_url("sessions:series", slug, session.series_id)),
            "rhythm": _escaped(session.series.rhythm),
        }
        parts += ['    <p class="meta">', series, "</p>\n"]
    if session.current_stage == "during":
        parts.append(format_html("    <p>{}</p>\n", words["now"]))
    if answerable:
        response = getattr(session, "my_rsvp", None)
        parts += [
            '    <p class="rsvp-state is-',
            _escaped(response or "none"),
            '">',
            rsvp_state(response),
            "</p>\n",
        ]
    parts.append("  </div>\n</li>")
    return mark_safe("".join(parts))  # noqa: S308 -- every piece of text is escaped above.


@register.simple_tag
def session_url(name: str, slug: str, pk: int) -> str:
    """`{% url name slug pk %}` for the pages of one community's session or series, as a
    list draws dozens of them (reversed once per community and name: core.addresses)."""
    return community_object_url(name, slug, pk)
