"""The reflections app's tabs in the community navigation (core.plugins)."""

from core.plugins import NavTab

COMMUNITY_TABS = [
    NavTab("Reflections", "reflections:list", 60),
    NavTab("Actions", "reflections:actions", 70),
]
