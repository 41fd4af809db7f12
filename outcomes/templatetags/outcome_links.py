"""`{% outcome_links community outcome which=... as links %}`: the links higher apps register
with the outcomes (core.plugins.outcome_links), so outcomes' templates name no higher app's
URLs."""

from __future__ import annotations

from django import template
from django.urls import reverse

from core.plugins import outcome_links as registered_links

register = template.Library()


@register.simple_tag
def outcome_links(community, outcome=None, which: str = "all") -> list[dict]:
    """[{label, href}] of the registered links: `which` "outcome" keeps the links about one
    outcome (they carry `?outcome=<pk>`), "community" those about all outcomes, "all" both."""
    links = []
    for link in registered_links():
        if (which == "outcome" and not link.for_each_outcome) or (
            which == "community" and link.for_each_outcome
        ):
            continue
        href = reverse(link.url_name, args=[community.slug])
        if link.for_each_outcome:
            href = f"{href}?outcome={outcome.pk}"
        links.append({"label": link.label, "href": href})
    return links
