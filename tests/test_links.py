"""`{% row_url %}` (core.templatetags.links): the address `{% url %}` gives, for the rows
of a list, reversed once per community and URL name."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse, set_script_prefix

from core.templatetags.links import community_page_url, row_url


@pytest.mark.parametrize(
    ("name", "slug", "pk"),
    [
        ("reviews:round", "riverside", 7),
        ("reviews:review", "riverside", 987654321),
        ("sessions:detail", "community-98765", 12),
        ("outcomes:outcome", "a-b", 1),
    ],
)
def test_row_url_is_the_address_url_gives(name, slug, pk):
    assert row_url(name, slug, pk) == reverse(name, args=[slug, pk])


def test_row_url_puts_each_id_in_its_place():
    expected = reverse("reviews:review_add", args=["riverside", 12, 345])

    assert row_url("reviews:review_add", "riverside", 12, 345) == expected


def test_row_url_keeps_the_script_prefix():
    set_script_prefix("/under/")
    try:
        assert row_url("reviews:round", "riverside", 3) == "/under/c/riverside/review-rounds/3/"
    finally:
        set_script_prefix("/")


def test_row_url_in_a_template_matches_the_url_tag():
    context = Context({"slug": "riverside", "ids": [1, 22, 333]})
    fast = Template(
        "{% load links %}{% for i in ids %}{% row_url 'reviews:work' slug i %} {% endfor %}"
    )
    plain = Template("{% for i in ids %}{% url 'reviews:work' slug i %} {% endfor %}")

    assert fast.render(context) == plain.render(context)


def test_community_page_url_is_the_address_reverse_gives():
    expected = reverse("reviews:reviews", args=["riverside"])

    assert community_page_url("reviews:reviews", "riverside") == expected
