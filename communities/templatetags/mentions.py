"""`{{ text|mentions_as_text }}`: a plain text (an action's description, a reply to a
review) with each written @mention shown as the `@Name` it was written with
(communities.mentions), to go on through `linebreaksbr` as before. `{% mention_url
community %}`: what a form's `data-mention-url` holds, so its text boxes offer @mentions."""

from __future__ import annotations

from django import template

from communities.mentions import as_plain_text
from communities.mentions import mention_url as _mention_url

register = template.Library()


@register.filter
def mentions_as_text(text: str) -> str:
    return as_plain_text(text)


@register.simple_tag
def mention_url(community) -> str:
    return _mention_url(community)
