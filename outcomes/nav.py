"""The outcomes app's tab in the community navigation (core.plugins)."""

from django.utils.translation import gettext_lazy as _

from core.plugins import NavTab

COMMUNITY_TABS = [NavTab(_("Outcomes"), "outcomes:list", 40, current_names=("outcomes:list",))]
