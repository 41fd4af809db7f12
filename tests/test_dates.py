"""`when` writes every style exactly as Django's DateFormat writes its format string, in
any language and timezone, for datetimes (aware or naive) and dates alike."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import dateformat, translation

from core.templatetags.dates import BY_LANGUAGE, STYLES, when

MOMENTS = [
    dt.datetime(2026, 12, 6, 18, 5, tzinfo=dt.UTC),
    dt.datetime(2026, 1, 1, 0, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London")),
    dt.datetime(2027, 3, 28, 1, 30, 15, 1234, tzinfo=zoneinfo.ZoneInfo("Europe/London")),
    dt.datetime(2026, 5, 31, 23, 59, tzinfo=zoneinfo.ZoneInfo("America/St_Johns")),
    dt.datetime(999, 9, 9, 9, 9),
]


@pytest.mark.parametrize("language", ["en-gb", "fr", "es", "de"])
@pytest.mark.parametrize("style", sorted(STYLES))
def test_when_writes_what_dateformat_writes(style, language):
    """In each language's own order of the style (BY_LANGUAGE; English's where it has none)."""
    fmt = BY_LANGUAGE.get(language, STYLES)[style]
    with translation.override(language):
        for moment in MOMENTS:
            assert when(moment, style) == dateformat.format(moment, fmt)


@pytest.mark.parametrize("style", ["date", "day", "weekday", "month", "day_number", "iso"])
def test_when_writes_dates_as_dateformat_does(style):
    day = dt.date(2026, 12, 6)

    assert when(day, style) == dateformat.format(day, STYLES[style])


def test_when_refuses_a_time_of_a_date_as_dateformat_does():
    with pytest.raises(TypeError):
        when(dt.date(2026, 12, 6), "time")


def test_when_writes_nothing_for_nothing():
    assert [when(None), when(""), when("not a date")] == ["", "", ""]


def test_when_follows_the_active_language():
    moment = dt.datetime(2026, 12, 6, 18, 5, tzinfo=dt.UTC)

    with translation.override("fr"):
        french = when(moment, "weekday")
    english = when(moment, "weekday")

    assert (french, english) == ("dimanche 6 décembre", "Sunday 6 December")
