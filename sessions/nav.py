"""The sessions app's tab in the community navigation (core.plugins)."""

from core.plugins import NavTab

COMMUNITY_TABS = [NavTab("Sessions", "sessions:list", 30)]
