"""The value types a dashboard cell is made of: each formats itself for a page, a CSV and a
chart, and hides itself below the privacy floor of `core.privacy` (and only there)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template

from core import privacy
from impact import values
from impact.values import Count, Number, Percent


@pytest.mark.parametrize(
    ("value", "page", "csv", "drawn"),
    [
        (Count(7), "7", 7, 7),
        (Count(0), "0", 0, 0),
        (Count(None), "fewer than 5", "<5", None),  # withheld upstream
        (Count(2), "2", 2, 2),  # a count of events (sessions held) is never floored
        (Count.of_people(4), "fewer than 5", "<5", None),
        (Count.of_people(5), "5", 5, 5),
        (Count.of_people(0), "0", 0, 0),  # nobody names no one
        (Count(12, people=4), "fewer than 5", "<5", None),  # 12 records by 4 people
        (Percent(11, 14), "79 %", Decimal("0.7857"), pytest.approx(11 / 14)),
        (Percent(0, 3), "0 %", Decimal("0.0000"), 0),
        (Percent(None, 14), "fewer than 5", "<5", None),
        (Percent(3, 0), "–", "–", None),  # nothing to divide by
        (Percent(None, 0), "–", "–", None),
        (Percent(None, None), "–", "–", None),
        (Percent(6, 10, people=4), "fewer than 5", "<5", None),
        (Percent.withheld(), "fewer than 5", "<5", None),
        (Number(13 / 56, 2), "0.23", Decimal("0.23"), pytest.approx(13 / 56)),
        (Number(3.24, 1), "3.2", Decimal("3.2"), 3.24),
        (Number(13.0, 0), "13", Decimal("13"), 13.0),
        (Number(None, 0), "–", "–", None),
        (Number(3.6, 1, people=4), "fewer than 5", "<5", None),
        (Number(3.6, 1, people=5), "3.6", Decimal("3.6"), 3.6),
    ],
)
def test_a_value_formats_itself_for_the_page_the_csv_and_the_chart(value, page, csv, drawn):
    assert str(value) == page
    assert values.text(value) == page
    assert value.csv == csv
    assert values.csv_cell(value) == csv
    assert value.number == drawn
    assert values.number(value) == drawn
    assert values.hidden(value) is (page == "fewer than 5")


def test_plain_cells_keep_their_meaning():
    assert (values.text(None), values.csv_cell(None), values.number(None)) == (
        "fewer than 5",
        "<5",
        None,
    )
    assert (values.text(3), values.csv_cell(3), values.number(3)) == ("3", 3, 3)
    assert (values.text("–"), values.csv_cell("–"), values.number("–")) == ("–", "–", None)
    assert values.hidden(None) and not values.hidden(0) and not values.hidden("–")


def test_a_template_writes_a_value_as_it_formats_itself():
    rendered = Template("{{ a }} / {{ b }} / {{ c }}").render(
        Context({"a": Percent(11, 14), "b": Count.of_people(3), "c": Number(0.5, 2)})
    )

    assert rendered == "79 % / fewer than 5 / 0.50"


def test_the_floor_is_core_privacy_s_alone(monkeypatch):
    """The value types apply no number of their own: move the site's floor and they move."""
    monkeypatch.setattr(privacy, "THRESHOLD", 3)

    assert str(Count.of_people(4)) == "4"
    assert str(Count.of_people(2)) == "fewer than 5"
    assert str(Number(3.6, 1, people=3)) == "3.6"
    assert str(Percent(1, 2, people=4)) == "50 %"


def test_values_are_frozen_and_compare_by_value():
    assert Percent(1, 2) == Percent(1, 2) != Percent(2, 4)
    with pytest.raises(AttributeError):
        Percent(1, 2).part = 3  # type: ignore[misc]
