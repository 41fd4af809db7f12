"""`{% community_nav %}`: the community navigation, built from every app's registered tabs
(core.plugins.community_tabs), so communities names no higher app's URLs."""

from __future__ import annotations

from django import template

from core.plugins import NavTab, community_tabs
from core.templatetags.links import community_page_url

register = template.Library()


def _shown(tab: NavTab, membership) -> bool:
    if tab.role is None:
        return True
    if tab.role == "facilitator":
        return membership.is_facilitator
    if tab.role == "coordinator":
        return membership.is_coordinator
    return False


@register.inclusion_tag("communities/includes/community_nav.html", takes_context=True)
def community_nav(context):
    """The tabs the viewer may see: none for a non-member; the role tabs by role, under
    one "Facilitate" menu. Reads the view's `membership` (the viewer's Membership or None)."""
    community = context["community"]
    membership = context.get("membership")
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else None
    tabs, tools = [], []
    if membership:
        for tab in community_tabs():
            if not _shown(tab, membership):
                continue
            shown = {
                "label": tab.label,
                "href": community_page_url(tab.url_name, community.slug),
                "current": view_name in tab.current_names,
            }
            # Everyone's tabs stay in the row; the facilitators' and coordinators' tools
            # gather under one "Facilitate" menu, so the row fits on one line.
            (tabs if tab.role is None else tools).append(shown)
    return {
        "community": community,
        "tabs": tabs,
        "tools": tools,
        "tool_current": any(tool["current"] for tool in tools),
    }
