"""A page's words as a person reads them: tags taken out, entities read and spaces
collapsed, for sentences that markup (an avatar, a label's icon) splits in the HTML."""

from __future__ import annotations

import html
import re

from django.utils.html import strip_tags


def text(markup: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(strip_tags(markup))).strip()
