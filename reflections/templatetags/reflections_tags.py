from __future__ import annotations

from django import template
from django.urls import NoReverseMatch

from reflections.markdown import render_markdown

register = template.Library()


@register.filter
def url_or_empty(obj) -> str:
    """An object's page, or "" while the app that owns that page has not declared it:
    sessions and outcomes are built alongside, so a link appears as soon as they exist."""
    try:
        return obj.get_absolute_url()
    except (NoReverseMatch, AttributeError):
        return ""


@register.filter
def markdown(text: str):
    return render_markdown(text)
