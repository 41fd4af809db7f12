"""The `demo_site` fixture (tests/conftest.py): the demo seeded once for a module, each
test's writes undone before the next test of the module."""

from __future__ import annotations

import pytest

from communities import demo
from communities.models import Community

# One process runs both, in order (make test's --dist loadgroup): the second reads what the
# first changed, in the same module's demo.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo_site")]

# Whether the test above deleted the main community in this process's module demo.
changed = []


def test_a_test_may_change_the_demo(demo_site):
    Community.objects.filter(slug=demo.MAIN_SLUG).delete()

    assert not Community.objects.filter(slug=demo.MAIN_SLUG).exists()
    changed.append(True)


def test_the_next_test_finds_the_demo_as_seeded(demo_site):
    # Only meaningful after the test above, in the same process (the module's group): run
    # alone, the demo was never changed and finding it would prove nothing.
    if not changed:
        pytest.skip("runs after test_a_test_may_change_the_demo, in the same module")
    assert Community.objects.filter(slug=demo.MAIN_SLUG).exists()
