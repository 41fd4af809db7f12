"""The impact app's tabs: the community dashboard for facilitators, and in the site header
the portfolio dashboard for leaders and the stories (core.plugins)."""

from django.utils.translation import gettext_lazy as _

from core.plugins import NavTab

COMMUNITY_TABS = [
    NavTab(_("Dashboard"), "dashboard:community", 130, "facilitator", ("dashboard:community",)),
]

SITE_TABS = [
    NavTab(_("Dashboard"), "dashboard:portfolio", 80, "leader", ("dashboard:portfolio",)),
    NavTab(_("Stories"), "dashboard:story_list", 90, current_names=("dashboard:story_list",)),
]
