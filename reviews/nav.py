"""The reviews app's tab in the community navigation and its link with the outcomes, the
alignment map (core.plugins)."""

from core.plugins import NavTab, OutcomeLink

COMMUNITY_TABS = [
    NavTab("Peer review", "reviews:reviews", 50, current_names=("reviews:reviews",)),
]

OUTCOME_LINKS = [OutcomeLink("Alignment map", "reviews:alignment", 20)]
