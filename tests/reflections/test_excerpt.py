"""The plain-text excerpt stored on each reflection, and the list that shows it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reflections import services
from reflections.models import EXCERPT_CHARS, Reflection
from tests.factories import ReflectionFactory

pytestmark = pytest.mark.django_db


def save_data(**overrides):
    data = {
        "title": "Maps",
        "loop_level": "",
        "body": "We assumed **maps** settle [arguments](https://example.org).",
        "session": None,
        "outcome": None,
        "follow_up_of": None,
        "visibility": Reflection.Visibility.COMMUNITY,
        "answers": {},
    }
    data.update(overrides)
    return data


def test_excerpt_is_filled_on_create(cast):
    reflection = services.reflection_save(
        author=cast.author, community=cast.community, data=save_data()
    )

    reflection.refresh_from_db()
    assert reflection.excerpt == "We assumed maps settle arguments."


def test_excerpt_follows_an_edit(cast):
    reflection = services.reflection_save(
        author=cast.author, community=cast.community, data=save_data()
    )

    services.reflection_save(
        author=cast.author,
        community=cast.community,
        data=save_data(body="Now *we* know better."),
        reflection=reflection,
    )

    reflection.refresh_from_db()
    assert reflection.excerpt == "Now we know better."


def test_excerpt_follows_an_edit_through_the_form(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author, body="Before.")
    client.force_login(cast.author)

    client.post(
        reverse("reflections:edit", args=[cast.community.slug, reflection.pk]),
        {
            "title": "Edited",
            "loop_level": "",
            "body": "After, in `code`.",
            "visibility": "community",
        },
    )

    reflection.refresh_from_db()
    assert reflection.excerpt == "After, in code."


def test_excerpt_follows_a_save_of_the_body_field_only(cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author, body="Before.")

    reflection.body = "After."
    reflection.save(update_fields=["body"])

    reflection.refresh_from_db()
    assert reflection.excerpt == "After."


def test_excerpt_drops_markdown_formatting(cast):
    reflection = ReflectionFactory(
        community=cast.community,
        author=cast.author,
        body="# Heading\n\n- one\n- **two** and _three_\n\n> quoted `code`\n\n---\n\n[link](https://example.org)",
    )

    assert reflection.excerpt == "Heading one two and three quoted code link"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ("[click](javascript:alert(1))", "[click](javascript:alert(1))"),
        ("&lt;b&gt;", "<b>"),
        ("fish &amp; chips", "fish & chips"),
    ],
)
def test_excerpt_keeps_typed_html_as_plain_text(cast, typed, shown):
    # Raw HTML is never markup in a reflection: it is text, stored as the reader saw it
    # (entities decoded), and escaped by the template like any other text.
    reflection = ReflectionFactory(community=cast.community, author=cast.author, body=typed)

    assert reflection.excerpt == shown


def test_excerpt_of_html_typed_as_text_stays_text_and_is_escaped_on_the_list(client, cast):
    ReflectionFactory(
        community=cast.community, author=cast.author, body='Try <img src=x onerror="alert(1)">.'
    )
    client.force_login(cast.member)

    page = client.get(reverse("reflections:list", args=[cast.community.slug])).content.decode()

    assert "<img" not in page
    assert "&lt;img src=x" in page


def test_excerpt_is_truncated_with_an_ellipsis(cast):
    body = "word " * 100

    reflection = ReflectionFactory(community=cast.community, author=cast.author, body=body)

    assert len(reflection.excerpt) == EXCERPT_CHARS
    assert reflection.excerpt.endswith("…")
    assert reflection.excerpt.startswith("word word")


def test_excerpt_collapses_whitespace_and_keeps_a_short_body_whole(cast):
    reflection = ReflectionFactory(
        community=cast.community, author=cast.author, body="First line.\n\n\n  Second   line."
    )

    assert reflection.excerpt == "First line. Second line."


def test_excerpt_of_an_empty_body_is_empty(cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author, body="")

    assert reflection.excerpt == ""


def test_bulk_created_reflections_get_an_excerpt(cast):
    Reflection.objects.bulk_create(
        [Reflection(community=cast.community, author=cast.author, title="Bulk", body="**Bold**")]
    )

    assert Reflection.objects.get(title="Bulk").excerpt == "Bold"


def test_list_shows_the_stored_excerpt(client, cast):
    reflection = ReflectionFactory(community=cast.community, author=cast.author, body="Body.")
    # The list reads the stored field: a value only the field holds proves it.
    Reflection.objects.filter(pk=reflection.pk).update(excerpt="Stored excerpt only")
    client.force_login(cast.member)

    page = client.get(reverse("reflections:list", args=[cast.community.slug])).content.decode()

    assert "Stored excerpt only" in page


# --- the list's pages, without a COUNT --------------------------------------------------


def list_page(client, cast, **params):
    return client.get(reverse("reflections:list", args=[cast.community.slug]), params)


def older(response):
    """The next page's query, as its "Older" link gives it (core.paging.KeysetPage)."""
    return {"before": response.context["page"].older_id}


def test_list_links_to_older_and_newer_pages(client, cast):
    for n in range(45):
        ReflectionFactory(community=cast.community, author=cast.author, title=f"R{n:02}")
    client.force_login(cast.member)

    first = list_page(client, cast)
    second = list_page(client, cast, **older(first))
    third = list_page(client, cast, **older(second))
    back = list_page(client, cast, after=second.context["page"].newer_id)

    assert [len(r.context["page"]) for r in (first, second, third)] == [20, 20, 5]
    assert f'before={first.context["page"].older_id}" rel="next">Older' in first.content.decode()
    assert 'rel="prev">Newer' not in first.content.decode()
    assert 'rel="prev">Newer' in second.content.decode()
    assert 'rel="next">Older' in second.content.decode()
    assert 'rel="next">Older' not in third.content.decode()
    assert [r.title for r in third.context["page"]] == ["R04", "R03", "R02", "R01", "R00"]
    assert [r.title for r in back.context["page"]] == [r.title for r in first.context["page"]]
    assert 'rel="prev">Newer' not in back.content.decode()


def test_list_pages_keep_the_filters(client, cast):
    for n in range(25):
        ReflectionFactory(
            community=cast.community, author=cast.author, title=f"R{n:02}", loop_level="double"
        )
    ReflectionFactory(community=cast.community, author=cast.author, loop_level="single")
    client.force_login(cast.member)

    first = list_page(client, cast, loop_level="double")
    second = list_page(client, cast, loop_level="double", **older(first))

    assert f"loop_level=double&amp;before={first.context['page'].older_id}" in (
        first.content.decode()
    )
    assert [r.title for r in second.context["page"]] == ["R04", "R03", "R02", "R01", "R00"]


def test_list_without_another_page_shows_no_page_links(client, cast):
    for _ in range(20):
        ReflectionFactory(community=cast.community, author=cast.author)
    client.force_login(cast.member)

    response = list_page(client, cast)

    assert len(response.context["page"]) == 20
    assert 'aria-label="Pages"' not in response.content.decode()


@pytest.mark.parametrize("name", ["before", "after", "page"])
@pytest.mark.parametrize("value", ["999999", "99999999999999999999", "0", "-1", "x", "²", "own"])
def test_list_page_unknown_or_invalid_shows_the_newest(client, cast, name, value):
    only = ReflectionFactory(community=cast.community, author=cast.author, title="Only one")
    hidden = ReflectionFactory(community=cast.community, visibility="private")
    value = {"own": str(only.pk)}.get(value, value)
    client.force_login(cast.member)

    response = list_page(client, cast, **{name: value})
    private = list_page(client, cast, **{name: hidden.pk})

    assert response.status_code == 200
    assert [r.title for r in response.context["page"]] == ["Only one"]
    # Another's private reflection names no place in the list: the newest page, as for
    # any id one may not see.
    assert [r.title for r in private.context["page"]] == ["Only one"]


def test_list_runs_no_count(client, cast, django_assert_max_num_queries):
    for _ in range(25):
        ReflectionFactory(community=cast.community, author=cast.author)
    client.force_login(cast.member)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = list_page(client, cast)
    with CaptureQueriesContext(connection) as queries:
        list_page(client, cast, **older(first))

    # The paging counts nothing; each row's responses are counted in a correlated
    # subquery over the response table, which is not a count of the list.
    assert [
        q["sql"]
        for q in queries
        if "COUNT(" in q["sql"].upper() and '"reflections_response"' not in q["sql"]
    ] == []


@pytest.mark.parametrize("chars", [140, 160, EXCERPT_CHARS])
@pytest.mark.parametrize(
    "body",
    ["Short and **sweet**.", "word " * 100, "# Title\n\n" + "A longer line of text. " * 20, ""],
)
def test_short_excerpt_matches_rendering_the_body_again(cast, body, chars):
    from reflections.markdown import excerpt

    reflection = ReflectionFactory(community=cast.community, author=cast.author, body=body)

    assert reflection.short_excerpt(chars) == excerpt(body, chars)
