"""Membership.level_beside: the one place that knows which level lies further in or out."""

from __future__ import annotations

import pytest

from communities.models import Membership

L = Membership.Level


@pytest.mark.parametrize(
    ("level", "inward", "outward"),
    [(L.PERIPHERAL, L.ACTIVE, None), (L.ACTIVE, L.CORE, L.PERIPHERAL), (L.CORE, None, L.ACTIVE)],
)
def test_the_level_beside_each_level(level, inward, outward):
    assert Membership.level_beside(level, 1) == inward
    assert Membership.level_beside(level, -1) == outward
    if inward:
        assert Membership.is_inward_move(level, inward)
