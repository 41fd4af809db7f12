"""The suite's long tests: the walks over the whole site and the migration replays, marked
`slow` (`make test` runs them, `make test-fast` leaves them out) and, with the test
database's build, not measured by coverage. A plugin rather than conftest hooks: a
conftest's hooks see only its own folder's tests, and the database is built for the
whole session."""

from __future__ import annotations

import pytest

# Tests that walk every page, form or email of the site, or replay migrations: minutes of
# the suite, which the everyday loop (`make test-fast`) leaves to `make test` and CI.
# They run without coverage measuring them (pytest-cov's no_cover): under Python 3.11's
# tracer they ran up to twice as long, and the code they reach is the code the focused
# tests cover (a migration's own code is outside coverage's source). Coverage then says
# what the focused tests prove, and the walks still fail on any 404, 500 or leak.
WALKS = [
    "tests/quality/test_crawl.py::",
    "tests/quality/test_junk_input.py::",
    # The matrix of every URL × role stays in the everyday loop; its page-content walks don't.
    "tests/quality/test_permission_matrix.py::test_pages_a_non_member_may_open_",
    "tests/quality/test_permission_matrix.py::test_every_content_marker_",
    "tests/quality/test_permission_matrix.py::test_every_post_without_a_csrf_token_",
    "tests/quality/test_faults.py::test_every_page_",
    "tests/quality/test_email_links.py::test_every_link_in_every_email_",
    "tests/quality/test_embedded_default.py::",
    "tests/quality/test_harnesses.py::test_quick_benchmark_",
    "tests/search/test_sqlite.py::test_migrations_apply_",
    "tests/reviews/test_migrations.py::",
    "tests/outcomes/test_migrations.py::",
    "tests/impact/test_migrations.py::",
    "tests/organisations/test_migration.py::",
    "tests/sessions/test_template_migration.py::",
    "tests/communities/test_invitation_once.py::test_migration_",
    "tests/communities/test_looks.py::test_existing_communities_get_a_colour_from_their_name_",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if item.nodeid.startswith(tuple(WALKS)):
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.no_cover)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """Each process builds its test database by running every migration, which coverage
    does not count (`*/migrations/*` is omitted) but its tracer slowed twofold: the build
    runs unmeasured."""
    if fixturedef.argname != "django_db_setup":
        return (yield)
    plugin = request.config.pluginmanager.getplugin("_cov")
    controller = getattr(plugin, "cov_controller", None)
    measuring = bool(controller and controller.started)
    if measuring:
        controller.pause()
    try:
        return (yield)
    finally:
        if measuring:
            controller.resume()
