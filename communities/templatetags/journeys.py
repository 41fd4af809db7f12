"""`{% evidence suggestion community %}`: what a suggested move rests on, in the reader's
language. The suggestion keeps its signals; the sentence stored beside them was written in
whatever language the refresh ran in (the nightly task's: the site's default)."""

from __future__ import annotations

from django import template

from communities.engagement import LONG_ABSENCE_DEFAULT, evidence_text

register = template.Library()


@register.simple_tag
def evidence(suggestion, community) -> str:
    window = community.engagement_window_days or 90
    if not suggestion.signals and not suggestion.is_inward:
        # A step back rests on nothing recorded over the long absence.
        window = max(community.long_absence_days or LONG_ABSENCE_DEFAULT, window)
    return evidence_text(suggestion.signals or {}, window)
