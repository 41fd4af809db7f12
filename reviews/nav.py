"""The reviews app's tab in the community navigation (core.plugins)."""

from core.plugins import NavTab

COMMUNITY_TABS = [
    NavTab("Peer review", "reviews:reviews", 50, current_names=("reviews:reviews",)),
]
