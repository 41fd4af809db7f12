"""Issue 8 point 8: the demo gives every chart a real shape over the last 12 months."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from communities.models import Community
from impact.models import ImpactStory
from impact.periods import Period
from impact.report import community_picture

pytestmark = pytest.mark.django_db


def shown(values) -> list[float]:
    return [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]


def test_demo_gives_every_chart_a_shape_over_the_year_and_two_published_stories():
    call_command("seed_demo", force=True)
    main = Community.objects.get(slug="systems-mapping")

    picture = community_picture(main, Period.last(365))

    monthly = {chart.name: chart for chart in picture.charts if chart.name != "headline"}
    for name in ("members", "sessions", "loops"):
        rows = monthly[name].rows
        months_with_data = [row[0] for row in rows if sum(shown(row[1:])) > 0]
        # A shape: most of the 12 months carry visible numbers, and they are not all equal.
        assert len(months_with_data) >= 10, (name, rows)
        assert len({tuple(row[1:]) for row in rows}) > 1, name
    progress = monthly["progress"].rows
    assert len({row[1] for row in progress if row[2] is not None}) >= 6, progress
    actions = {row[0]: row[1] for row in monthly["actions"].rows}
    assert actions["opened"] > 0 and actions["done"] > 0
    equity = picture.now.equity
    assert not equity.suppressed and 0 < equity.gini < 1
    assert ImpactStory.objects.published().filter(community=main).count() >= 2
    assert len(picture.stories) >= 2
