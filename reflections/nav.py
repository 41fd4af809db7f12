"""The reflections app's tabs in the community navigation and its link with each outcome
(core.plugins)."""

from core.plugins import NavTab, OutcomeLink

COMMUNITY_TABS = [
    NavTab("Reflections", "reflections:list", 60),
    NavTab("Actions", "reflections:actions", 70),
    # Facilitators: what members asked them to look at, and the moderation log.
    NavTab("Flags", "reflections:flags", 135, "facilitator", ("reflections:flags",)),
]

OUTCOME_LINKS = [
    OutcomeLink("Reflect on this outcome", "reflections:new", 10, for_each_outcome=True),
]
