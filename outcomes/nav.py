"""The outcomes app's tab in the community navigation (core.plugins)."""

from core.plugins import NavTab

COMMUNITY_TABS = [NavTab("Outcomes", "outcomes:list", 40, current_names=("outcomes:list",))]
