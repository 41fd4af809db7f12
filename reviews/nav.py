"""The reviews app's tab in the community navigation and its link with the outcomes, the
alignment map (core.plugins)."""

from django.utils.translation import gettext_lazy as _

from core.plugins import NavTab, OutcomeLink

COMMUNITY_TABS = [
    NavTab(_("Peer review"), "reviews:reviews", 50, current_names=("reviews:reviews",)),
]

OUTCOME_LINKS = [OutcomeLink(_("Alignment map"), "reviews:alignment", 20)]
