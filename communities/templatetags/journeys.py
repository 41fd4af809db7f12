"""`{% evidence suggestion community %}`: what a suggested move rests on, in the reader's
language (communities.engagement.suggestion_evidence)."""

from __future__ import annotations

from django import template

from communities.engagement import suggestion_evidence

register = template.Library()


@register.simple_tag
def evidence(suggestion, community) -> str:
    return suggestion_evidence(suggestion, community)
