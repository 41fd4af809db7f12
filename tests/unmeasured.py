"""What coverage leaves unmeasured to save the suite's time (a plugin, not conftest hooks:
a conftest's hooks see only its own folder's tests, and the test database is built for
the whole session)."""

from __future__ import annotations

import pytest

# Tests that walk every page, form or email of the site, or replay migrations, run without
# coverage measuring them (pytest-cov's no_cover): under Python 3.11's tracer they ran
# about twice as long, and the code they reach is the code the focused tests cover (a
# migration's own code is outside coverage's source). Coverage then says what the focused
# tests prove, and the walks still fail on any 404, 500 or leak they find.
UNMEASURED = [
    "tests/quality/test_crawl.py::",
    "tests/quality/test_junk_input.py::",
    "tests/quality/test_permission_matrix.py::",
    "tests/quality/test_faults.py::test_every_page_",
    "tests/quality/test_email_links.py::test_every_link_in_every_email_",
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
        if item.nodeid.startswith(tuple(UNMEASURED)):
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
