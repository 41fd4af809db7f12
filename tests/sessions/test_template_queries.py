"""The template library and the new-session page cost the same number of queries at one
template and at many (tests/quality/test_query_counts.py's style: exact counts, the status
and a row's text, so a redirect or an empty page cannot pass)."""

from __future__ import annotations

import pytest

from tests.factories import SessionTemplateFactory, TemplateItemFactory

pytestmark = pytest.mark.django_db


def templates(cast, rows):
    for i in range(rows):
        template = SessionTemplateFactory(community=cast.riverside, name=f"Plan {i:02d}")
        for position in range(3):
            TemplateItemFactory(template=template, position=position, title=f"Step {i}.{position}")
    return SessionTemplateFactory._meta.model.objects.get(name="Plan 00")


def library(cast, rows):
    templates(cast, rows)
    return "bob", "/c/riverside/sessions/templates/", "Step 0.2"


def new_session(cast, rows):
    templates(cast, rows)
    return "bob", "/c/riverside/sessions/new/", "Plan 00"


def new_session_from_template(cast, rows):
    first = templates(cast, rows)
    return "bob", f"/c/riverside/sessions/new/?template={first.pk}", "Planning from <strong>Plan 00"


# name → (seed, exact queries at 1 and at 12 templates)
CASES = {
    "template_library": (library, 6),
    "session_new": (new_session, 5),
    "session_new_from_template": (new_session_from_template, 6),
}


@pytest.mark.parametrize("rows", [1, 12])
@pytest.mark.parametrize("case", CASES)
def test_template_pages_cost_the_same_queries_at_one_and_many_templates(
    cast, case, rows, django_assert_num_queries
):
    seed, queries = CASES[case]
    viewer, url, text = seed(cast, rows)
    client = cast.client(viewer)

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200
    assert text in response.content.decode()


def editor(cast, items, *, post):
    """The item editor of one template with `items` items: shown, or posted with every
    row as saved and a refused name (the page comes back with each row's errors)."""
    template = SessionTemplateFactory(community=cast.riverside, name="Plan")
    saved = [
        TemplateItemFactory(template=template, position=i, title=f"Step {i}") for i in range(items)
    ]
    data = None
    if post:
        data = {
            "name": "",
            "title_pattern": "",
            "description": "",
            "duration_minutes": "60",
            "items-TOTAL_FORMS": str(items),
            "items-INITIAL_FORMS": str(items),
            "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "1000",
        }
        for i, item in enumerate(saved):
            data |= {
                f"items-{i}-item": str(item.pk),
                f"items-{i}-title": item.title,
                f"items-{i}-minutes": "10",
                f"items-{i}-ORDER": str(i + 1),
            }
    return f"/c/riverside/sessions/templates/{template.pk}/edit/", data


@pytest.mark.parametrize("items", [1, 12])
@pytest.mark.parametrize(("post", "queries"), [(False, 6), (True, 6)])
def test_the_item_editor_costs_the_same_at_one_and_many_items(
    cast, items, post, queries, django_assert_num_queries
):
    """Each row's item is found among the template's items loaded once, not one query a
    row (audit finding)."""
    url, data = editor(cast, items, post=post)
    client = cast.client("bob")

    with django_assert_num_queries(queries):
        response = client.post(url, data) if post else client.get(url)

    assert response.status_code == 200
    assert f"Step {items - 1}" in response.content.decode()
    if post:
        assert "This field is required." in response.content.decode()
