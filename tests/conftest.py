from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from communities.models import Membership

from .factories import MembershipFactory

# The one cast (alice, bob, carol, dave, erin, frank, anonymous), for every test module.
pytest_plugins = ["tests.people", "tests.walks"]

# `make test` hands the tests to its processes one at a time, in collection order, as each
# process runs short (pytest-xdist's --dist loadgroup; each test is its own unit unless it
# has an xdist_group). A long test handed out last keeps one process busy after the other
# has finished, so the longest go first, longest to shortest (seconds on a quiet two-core
# machine, roughly), then the browser and real-worker tests (seconds each), then the rest
# in the usual order. A test missing here costs time only, never a result.
LONGEST_FIRST = [
    "tests/quality/test_crawl.py::test_every_link_shown_to_each_role_leads_somewhere[facilitator]",
    "tests/quality/test_crawl.py::test_every_link_shown_to_each_role_leads_somewhere[coordinator]",
    "tests/quality/test_crawl.py::",
    "tests/quality/test_junk_input.py::test_junk_in_every_form_",
    "tests/quality/test_junk_input.py::test_junk_in_every_query_parameter_",
    "tests/quality/test_faults.py::test_every_page_and_form_answers_with_redis_down",
    "tests/browser/test_accessibility.py::test_main_pages_have_no_serious_violations",
    "tests/quality/test_junk_input.py::test_junk_in_every_search_and_filter_form_",
    "tests/quality/test_faults.py::test_every_page_answers_as_declared_with_the_broker_down",
    "tests/quality/test_permission_matrix.py::test_every_post_without_a_csrf_token_is_refused",
    "tests/quality/test_permission_matrix.py::test_every_url_answers_each_role_as_declared",
    "tests/quality/test_permission_matrix.py::test_every_content_marker_is_shown_",
    "tests/quality/test_junk_input.py::test_nul_in_every_form_field_",
    "tests/quality/test_email_links.py::",
    "tests/browser/test_accessibility.py::",
    # Then the SQLite demo walk, the quick bench and the migration replays (10-20 s each):
    # in collection order they came late, and one of them last kept a process alone.
    "tests/quality/test_embedded_default.py::",
    "tests/reviews/test_migrations.py::",
    "tests/communities/test_invitation_once.py::test_migration_",
    "tests/quality/test_harnesses.py::test_quick_benchmark_",
    "tests/communities/test_looks.py::test_existing_communities_get_a_colour_",
    "tests/outcomes/test_migrations.py::",
    "tests/organisations/test_migration.py::",
    "tests/sessions/test_template_migration.py::",
    "tests/impact/test_migrations.py::",
    "tests/search/test_sqlite.py::",
]


def pytest_collection_modifyitems(items):
    def rank(item) -> tuple[int, int]:
        for place, start in enumerate(LONGEST_FIRST):
            if item.nodeid.startswith(start):
                return (0, place)
        if item.nodeid.startswith("tests/browser/") or item.get_closest_marker("worker"):
            return (1, 0)
        return (2, 0)

    items.sort(key=rank)  # Stable: ties keep their order, so a module's tests stay together.


@pytest.fixture(autouse=True)
def back_to_the_default_language():
    """LocaleMiddleware leaves the last request's language active on the thread: a test
    that asked for a page in French or Spanish would leave the next test on its worker
    reading translated labels. Each test ends in the default language."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache (tests/settings.py: this process's memory): the
    dashboards keep their figures there, and ids repeat from one test's database to the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(frank):
    """Someone signed in and in no community: the cast's frank."""
    return frank


@pytest.fixture
def community(riverside):
    """The cast's community, Riverside; its members are the cast's people a test asks
    for, and whoever `member_of` adds."""
    return riverside


@pytest.fixture
def member_of():
    """member_of(community, role=…, level=…) → a new person with an active membership."""

    def make(community, role=Membership.Role.MEMBER, level=Membership.Level.PERIPHERAL, **kw):
        return MembershipFactory(community=community, role=role, level=level, **kw).user

    return make


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """The demo (`seed_demo`) seeded once for a module's tests, in a transaction that is
    rolled back after the module's last test: each test runs in a savepoint inside it
    (pytest-django's `db`), so what one test writes is gone for the next, and the demo is
    gone for the next module. Seeding takes one to two seconds; a module of demo tests
    paid it per test. Only for a module whose every test reads the demo (a test that did
    not ask would still see it) and that has no transactional test."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", force=True, verbosity=0)
        yield
        transaction.set_rollback(True)
