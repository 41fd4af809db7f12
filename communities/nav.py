"""The communities app's tabs in the community navigation and the site header (core.plugins)."""

from django.utils.translation import gettext_lazy as _

from core.plugins import NavTab

COMMUNITY_TABS = [
    NavTab(_("Community home"), "communities:home", 10, current_names=("communities:home",)),
    NavTab(_("Members"), "communities:members", 20, current_names=("communities:members",)),
    NavTab(
        _("My journey"), "communities:membership", 80, current_names=("communities:membership",)
    ),
    NavTab(_("Journeys"), "communities:journeys", 100, "facilitator", ("communities:journeys",)),
    NavTab(_("Mentoring"), "communities:pairs", 105, "facilitator", ("communities:pairs",)),
    NavTab(
        _("Invitations"),
        "communities:invitations",
        110,
        "facilitator",
        ("communities:invitations",),
    ),
    NavTab(
        _("Requests to join"), "communities:requests", 120, "facilitator", ("communities:requests",)
    ),
    NavTab(_("Settings"), "communities:settings", 200, "coordinator", ("communities:settings",)),
]

SITE_TABS = [
    NavTab(_("Communities"), "communities:directory", 10, current_names=("communities:directory",)),
    # The organisations I lead or administer: their settings, invitations and dashboards.
    NavTab(
        _("Organisations"),
        "organisations:mine",
        85,
        "organisation",
        ("organisations:mine", "organisations:settings", "organisations:invitations"),
    ),
]
