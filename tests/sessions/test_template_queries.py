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
    "session_new": (new_session, 6),
    "session_new_from_template": (new_session_from_template, 7),
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
