"""What an htmx swap tells people (README, "Focus and announcements after htmx swaps").

A view that answers an htmx request with a fragment says what changed with `announce`;
static/js/site.js writes it, once the fragment has settled, into the page's one polite live
region (base.html `#announcer`), and keeps keyboard focus on the control just used (or its
replacement: the element marked `data-focus-after-swap`, else the same id, name and value,
or label). Without JavaScript nothing of this runs and the full page says the same.
"""

from __future__ import annotations

from django_htmx.http import trigger_client_event


def announce(response, text: str):
    """Ask the live region to say `text` after the swap; returns the response. The header
    is JSON with non-ASCII escaped, so quotes and names travel safely."""
    if text:
        trigger_client_event(response, "announce", {"text": text}, after="settle")
    return response
