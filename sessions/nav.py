"""The sessions app's tab in the community navigation (core.plugins)."""

from django.utils.translation import pgettext_lazy

from core.plugins import NavTab

COMMUNITY_TABS = [
    NavTab(pgettext_lazy("meeting", "Sessions"), "sessions:list", 30),
    # The facilitators' template library, in their "Facilitate" menu.
    NavTab(
        pgettext_lazy("meeting", "Session templates"),
        "sessions:templates",
        140,
        "facilitator",
        ("sessions:templates", "sessions:template_edit", "sessions:template_delete"),
    ),
]
