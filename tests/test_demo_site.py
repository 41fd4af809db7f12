"""The `demo_site` fixture (tests/conftest.py): the demo seeded once for a module, each
test's writes undone before the next test of the module."""

from __future__ import annotations

import pytest

from communities import demo
from communities.models import Community

pytestmark = pytest.mark.django_db


def test_a_test_may_change_the_demo(demo_site):
    Community.objects.filter(slug=demo.MAIN_SLUG).delete()

    assert not Community.objects.filter(slug=demo.MAIN_SLUG).exists()


def test_the_next_test_finds_the_demo_as_seeded(demo_site):
    # Run after the test above (the module's order; a second process seeds its own).
    assert Community.objects.filter(slug=demo.MAIN_SLUG).exists()
