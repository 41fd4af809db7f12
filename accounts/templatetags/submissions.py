from __future__ import annotations

from django import template
from django.utils.html import format_html

from accounts.submissions import FIELD, new_token

register = template.Library()


@register.simple_tag
def submission_token() -> str:
    """A hidden input with a fresh one-time token, for every create form: each render
    (including an htmx fragment re-rendered after a save) gets a new one."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())
