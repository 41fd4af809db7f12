"""The reflections app's tabs in the community navigation and its link with each outcome
(core.plugins)."""

from django.utils.translation import gettext_lazy as _

from core.plugins import NavTab, OutcomeLink

COMMUNITY_TABS = [
    NavTab(_("Reflections"), "reflections:list", 60),
    NavTab(_("Actions"), "reflections:actions", 70),
    # Facilitators: what members asked them to look at, and the moderation log.
    NavTab(_("Flags"), "reflections:flags", 135, "facilitator", ("reflections:flags",)),
]

OUTCOME_LINKS = [
    OutcomeLink(_("Reflect on this outcome"), "reflections:new", 10, for_each_outcome=True),
]
