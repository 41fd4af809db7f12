"""The house rules that a linter cannot see, read from the code itself (STYLE.md: the
layered house; issue 13 item 4 and 5): every object a view opens comes through its app's
access module, refusals are 404, and views do not write."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
VIEW_MODULES = sorted(
    path for path in ROOT.glob("*/views.py") if path.parent.name not in (".venv", "tests")
)
WRITES = {"save", "delete", "create", "get_or_create", "update_or_create", "bulk_create"}
WRITES |= {"save_m2m", "bulk_update", "add", "remove", "set", "clear"}


def calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call):
            yield node


def called_name(node: ast.Call) -> str:
    function = node.func
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")


def is_commit_false(node: ast.Call) -> bool:
    return any(
        k.arg == "commit" and isinstance(k.value, ast.Constant) and k.value.value is False
        for k in node.keywords
    )


def test_the_view_modules_are_found():
    assert {path.parent.name for path in VIEW_MODULES} >= set(settings.PLUGIN_APPS)


@pytest.mark.parametrize("path", VIEW_MODULES, ids=lambda path: path.parent.name)
def test_views_open_objects_only_through_access_modules(path):
    """get_object_or_404 belongs in <app>/access.py, where each object's rule is written
    once; a view that calls it directly has written a rule of its own."""
    direct = [node.lineno for node in calls(path) if called_name(node) == "get_object_or_404"]

    assert direct == [], f"{path.parent.name}/views.py opens objects itself at lines {direct}"


@pytest.mark.parametrize("path", VIEW_MODULES, ids=lambda path: path.parent.name)
def test_views_do_not_write(path):
    """Every write is a service in a transaction. `form.save(commit=False)` only builds an
    unsaved object for a service, so it is allowed; the cache and the session are not
    the database."""
    writes = [
        (node.lineno, called_name(node))
        for node in calls(path)
        if isinstance(node.func, ast.Attribute)
        and called_name(node) in WRITES
        and not is_commit_false(node)
        and not ast.unparse(node.func).startswith(("cache.", "request.session", "messages."))
    ]

    assert writes == [], f"{path.parent.name}/views.py writes at {writes}"


@pytest.mark.parametrize("app", settings.PLUGIN_APPS)
def test_each_domain_app_has_an_access_module(app):
    assert (ROOT / app / "access.py").exists()


def test_no_refusal_is_a_403():
    """A page someone may not use does not exist for them: Http404, never PermissionDenied
    (which would tell an outsider that the thing is there)."""
    raising = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in ROOT.glob("*/*.py")
        # The product's packages only: makemessages (tests/i18n, perhaps in another
        # process at this moment) writes each template out as `templates/*.html.py`.
        if (path.parent / "__init__.py").exists() and path.parts[-2] not in (".venv", "tests")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Raise) and "PermissionDenied" in ast.unparse(node)
    ]

    assert raising == []


def test_no_template_reads_a_membership_set_on_the_community():
    """community_for returns the viewer's membership beside the community (in the context
    as `membership`); nothing sets or reads an attribute on the shared model instance."""
    readers = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if "community.membership" in path.read_text()
    ]

    assert readers == []


def test_every_template_writes_dates_through_one_filter():
    """Dates read the same way everywhere (issue 14): templates use `|when:"style"`
    (core/templatetags/dates.py), never a `|date:` format of their own."""
    own_formats = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*")
        if path.is_file() and "|date:" in path.read_text()
    ]

    assert own_formats == []


@pytest.mark.parametrize(
    ("style", "written"),
    [
        ("date", "6 Dec 2026"),
        ("day", "6 Dec"),
        ("weekday", "Sunday 6 December"),
        ("weekday_time", "Sun 6 Dec, 18:05"),
        ("full", "Sunday 6 December 2026, 18:05"),
        ("date_time", "6 Dec 2026, 18:05"),
        ("time", "18:05"),
    ],
)
def test_the_date_styles(style, written):
    import datetime as dt

    from django.template import Context, Template

    moment = dt.datetime(2026, 12, 6, 18, 5, tzinfo=dt.UTC)
    rendered = Template("{% load dates %}{{ moment|when:style }}").render(
        Context({"moment": moment, "style": style})
    )

    assert rendered == written
