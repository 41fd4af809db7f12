from __future__ import annotations

import pytest
from django.db.models import Count, Q

from communities import engagement
from communities.models import Membership


@pytest.fixture
def signal_data():
    """A test signal source, `test_attended`, fed from a dict
    {(community_id, user_id): count}; and `test_steps`, a real aggregate query (journey
    steps in the window). Both are removed afterwards, restoring the registry."""
    saved = dict(engagement._SOURCES)
    data: dict[tuple[int, int], int] = {}
    calls = []

    @engagement.register_signal("test_attended", "test sessions")
    def attended(community, since):
        calls.append(since)
        return {uid: n for (cid, uid), n in data.items() if cid == community.pk}

    @engagement.register_signal("test_steps", "journey steps")
    def steps(community, since):
        rows = (
            Membership.objects.filter(community=community)
            .values("user_id")
            .annotate(n=Count("steps", filter=Q(steps__created_at__gte=since)))
        )
        return {row["user_id"]: row["n"] for row in rows}

    data_calls = (data, calls)
    yield data_calls
    engagement._SOURCES.clear()
    engagement._SOURCES.update(saved)
