from __future__ import annotations

from core.compiled import Compiled
from core.plugins import Panel

from .models import Outcome

# The community home's agreed outcomes, compiled once (core.compiled): a stand-in id.
_agreed = Compiled(
    lambda community_id: Outcome.objects.filter(
        community_id=community_id, status=Outcome.Status.AGREED
    ).order_by("statement")[:5],
    -20_181_303,
)


def community_panel(request, access) -> Panel | None:
    """The agreed outcomes, on the community home: what this community is working toward."""
    if not access.is_member:
        return None
    community = access.community
    agreed = _agreed.run(community.pk)
    return Panel(
        "outcomes/includes/community_panel.html",
        {"community": community, "agreed": agreed},
        order=30,
    )
