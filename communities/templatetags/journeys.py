"""`{% evidence suggestion community %}`: what a suggested move rests on, in the reader's
language (communities.engagement.suggestion_evidence). `{% journey_rows history %}`: the
journeys page's history table, row by row."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

from communities.engagement import suggestion_evidence
from communities.models import Membership
from core.templatetags.dates import when
from core.templatetags.looks import avatar

register = template.Library()
BREAK = mark_safe("<br>")  # fixed markup


@register.simple_tag
def evidence(suggestion, community) -> str:
    return suggestion_evidence(suggestion, community)


@register.simple_tag
def journey_rows(history) -> str:
    """The history table's rows (when, who, the move, who confirmed it, evidence and
    note), written here rather than by a template loop: the table shows 50 moves, and the
    loop's lookups and includes were most of the page's time (one row is a few format
    calls here). The levels' words are looked up once: `get_…_display` rebuilds the
    choices and translates every label on each call, most of the table's time."""
    levels = {value: str(label) for value, label in Membership.Level.choices}
    return format_html_join(
        "\n",
        "<tr><td>{}</td><td>{}</td><td>{} → {}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                when(template_localtime(step.created_at), "date"),
                format_html(
                    '<span class="person">{}{}</span>',
                    avatar(step.membership.user, "small"),
                    step.membership.user.name,
                ),
                levels.get(step.from_level, step.from_level),
                levels.get(step.to_level, step.to_level),
                (step.confirmed_by.name if step.confirmed_by else "") or "—",
                format_html(
                    "{}{}{}",
                    step.evidence,
                    BREAK if step.evidence and step.note else "",
                    step.note,
                ),
            )
            for step in history
        ),
    )
