"""What impact shows on pages it does not own (core.plugins)."""

from __future__ import annotations

from core.plugins import Panel


def home_panel(request) -> Panel | None:
    """A leader's way in: the dashboards and the stories (no query: the flag is on the
    person)."""
    if not request.user.is_leader:
        return None
    return Panel("dashboard/includes/home_panel.html", {}, order=5)
