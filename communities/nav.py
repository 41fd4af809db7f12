"""The communities app's tabs in the community navigation and the site header (core.plugins)."""

from core.plugins import NavTab

COMMUNITY_TABS = [
    NavTab("Community home", "communities:home", 10, current_names=("communities:home",)),
    NavTab("Members", "communities:members", 20, current_names=("communities:members",)),
    NavTab("My journey", "communities:membership", 80, current_names=("communities:membership",)),
    NavTab("Journeys", "communities:journeys", 100, "facilitator", ("communities:journeys",)),
    NavTab("Mentoring", "communities:pairs", 105, "facilitator", ("communities:pairs",)),
    NavTab(
        "Invitations", "communities:invitations", 110, "facilitator", ("communities:invitations",)
    ),
    NavTab(
        "Requests to join", "communities:requests", 120, "facilitator", ("communities:requests",)
    ),
    NavTab("Settings", "communities:settings", 200, "coordinator", ("communities:settings",)),
]

SITE_TABS = [
    NavTab("Communities", "communities:directory", 10, current_names=("communities:directory",)),
    # The organisations I lead or administer: their settings, invitations and dashboards.
    NavTab(
        "Organisations",
        "organisations:mine",
        85,
        "organisation",
        ("organisations:mine", "organisations:settings", "organisations:invitations"),
    ),
]
