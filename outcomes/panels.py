from __future__ import annotations

from core.plugins import Panel

from .models import Outcome


def community_panel(request, access) -> Panel | None:
    """The agreed outcomes, on the community home: what this community is working toward."""
    if not access.is_member:
        return None
    community = access.community
    agreed = list(
        Outcome.objects.filter(community=community, status=Outcome.Status.AGREED).order_by(
            "statement"
        )[:5]
    )
    return Panel(
        "outcomes/includes/community_panel.html",
        {"community": community, "agreed": agreed},
        order=30,
    )
