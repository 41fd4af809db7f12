"""Dates read each language's way (core/templatetags/dates.py): the words from Django's
catalogs, the order and the short months from BY_LANGUAGE; every style in English, French
and Spanish."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from core.templatetags.dates import BY_LANGUAGE, STYLES

MOMENT = dt.datetime(2026, 12, 6, 18, 5, tzinfo=dt.UTC)

WRITTEN = {
    "fr": {
        "date": "6 déc. 2026",
        "day": "6 déc.",
        "weekday": "dimanche 6 décembre",
        "weekday_time": "dim 6 déc., 18:05",
        "full": "dimanche 6 décembre 2026, 18:05",
        "date_time": "6 déc. 2026, 18:05",
        "stamp": "6 déc. 2026, 18:05 UTC",
        "time": "18:05",
        "day_number": "6",
        "month": "déc.",
        "weekday_short": "dim",
        "iso": "2026-12-06T18:05:00+00:00",
    },
    "es": {
        "date": "6 dic 2026",
        "day": "6 dic",
        "weekday": "domingo 6 de diciembre",
        "weekday_time": "dom 6 dic, 18:05",
        "full": "domingo 6 de diciembre de 2026, 18:05",
        "date_time": "6 dic 2026, 18:05",
        "stamp": "6 dic 2026, 18:05 UTC",
        "time": "18:05",
        "day_number": "6",
        "month": "dic",
        "weekday_short": "dom",
        "iso": "2026-12-06T18:05:00+00:00",
    },
}


def render(style: str, moment=MOMENT) -> str:
    """In UTC whatever the site's zone, so "stamp" names it the same on every run."""
    with timezone.override(dt.UTC):
        return Template("{% load dates %}{{ moment|when:style }}").render(
            Context({"moment": moment, "style": style})
        )


def test_every_language_has_every_style():
    for language, styles in BY_LANGUAGE.items():
        assert styles.keys() == STYLES.keys(), language
        assert WRITTEN[language].keys() == STYLES.keys(), language


@pytest.mark.parametrize(
    ("language", "style", "written"),
    [
        (language, style, text)
        for language, table in WRITTEN.items()
        for style, text in table.items()
    ],
)
def test_each_style_in_french_and_spanish(language, style, written):
    with translation.override(language):
        assert render(style) == written


@pytest.mark.parametrize(
    ("language", "written"), [("fr", "3 mai 2026"), ("es", "3 may 2026"), ("en-gb", "3 May 2026")]
)
def test_a_short_month_is_written_as_the_language_abbreviates_it(language, written):
    with translation.override(language):
        assert render("date", dt.datetime(2026, 5, 3, 9, 0, tzinfo=dt.UTC)) == written


def test_a_language_without_its_own_styles_keeps_the_english_order():
    with translation.override("de"):
        assert render("weekday") == "Sonntag 6 Dezember"


def test_an_unknown_style_is_a_programming_error():
    with translation.override("es"), pytest.raises(KeyError):
        render("nope")
