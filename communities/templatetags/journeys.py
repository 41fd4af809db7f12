"""`{% evidence suggestion community %}`: what a suggested move rests on, in the reader's
language (communities.engagement.suggestion_evidence). `{% journey_rows history %}`: the
journeys page's history table, row by row."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

from communities.engagement import suggestion_evidence
from communities.models import Membership
from core.templatetags.dates import when
from core.templatetags.looks import person_with_avatar

register = template.Library()
BREAK = mark_safe("<br>")  # fixed markup


@register.simple_tag
def evidence(suggestion, community) -> str:
    return suggestion_evidence(suggestion, community)


@register.simple_tag
def journey_rows(history) -> str:
    """The history table's rows (when, who, the move, who confirmed it, evidence and
    note), written here rather than by a template loop: the table shows 50 moves, and the
    loop's lookups and includes were most of the page's time (one row is one f-string
    here, its words escaped; each person's avatar written once). The levels' words are
    looked up once: `get_…_display` rebuilds the choices and translates every label on
    each call, most of the table's time."""
    levels = {value: conditional_escape(label) for value, label in Membership.Level.choices}
    people: dict[int, str] = {}  # each person's avatar and name, written once
    rows = []
    for step in history:
        user = step.membership.user
        if user.pk not in people:
            people[user.pk] = person_with_avatar(user)
        confirmed = conditional_escape((step.confirmed_by.name if step.confirmed_by else "") or "—")
        between = BREAK if step.evidence and step.note else ""
        rows.append(
            f"<tr><td>{conditional_escape(when(template_localtime(step.created_at), 'date'))}</td>"
            f"<td>{people[user.pk]}</td>"
            f"<td>{levels.get(step.from_level) or conditional_escape(step.from_level)} → "
            f"{levels.get(step.to_level) or conditional_escape(step.to_level)}</td>"
            f"<td>{confirmed}</td>"
            f"<td>{conditional_escape(step.evidence)}{between}{conditional_escape(step.note)}</td>"
            "</tr>"
        )
    # Every word is escaped above; the avatar is format_html.
    return mark_safe("\n".join(rows))  # noqa: S308
