"""`{{ value|when:"style" }}`: every date and time on copsite's pages and in its emails is
written through one filter, in one of a few named styles, so the same kind of moment always
reads the same way (issue 14). The value is shown in the current timezone (the viewer's,
or an email's recipient's), as Django's `date` filter does.

    date          6 Dec 2026            a day in a list, a history, "since"
    day           6 Dec                 a day within the coming weeks
    weekday       Sunday 6 December     the day of a session, in a sentence
    weekday_time  Sun 6 Dec, 18:00      a coming session, in a list or teaser
    full          Sunday 6 December 2026, 18:00   a session's own time, a due moment
    date_time     6 Dec 2026, 18:00     when something was written or saved
    stamp         6 Dec 2026, 18:00 UTC when an account change happened (emails)
    time          18:00                 a clock time beside its day
    day_number    6                     a session card's date block: the day…
    month         Dec                   …its month…
    weekday_short Sun                   …and its weekday
    iso           2026-12-06T18:00:00+00:00   machine-readable (<time datetime>)

Month and day names follow the active language through Django's own catalogs; where a
language orders or abbreviates them differently, BY_LANGUAGE holds its styles (French
"dimanche 6 décembre", "6 déc. 2026"; Spanish "domingo 6 de diciembre", "6 dic 2026").
A language without an entry reads the English order, in its own words.
"""

from __future__ import annotations

from django import template
from django.utils import dateformat, translation

register = template.Library()

STYLES = {
    "date": "j M Y",
    "day": "j M",
    "weekday": "l j F",
    "weekday_time": "D j M, H:i",
    "full": "l j F Y, H:i",
    "date_time": "j M Y, H:i",
    "stamp": "j M Y, H:i e",
    "time": "H:i",
    "day_number": "j",
    "month": "M",
    "weekday_short": "D",
    "iso": "c",
}

# Per language, every style (the English ones overridden where the order or the short
# month differs), so `when` is one dict lookup by the active language. "N" is the month as
# French abbreviates it ("déc.", "mai"); "b" the three lowercase letters Spanish writes.
BY_LANGUAGE = {
    "fr": {
        **STYLES,
        "date": "j N Y",
        "day": "j N",
        "weekday_time": "D j N, H:i",
        "date_time": "j N Y, H:i",
        "stamp": "j N Y, H:i e",
        "month": "N",
    },
    "es": {
        **STYLES,
        "date": "j b Y",
        "day": "j b",
        "weekday": r"l j \d\e F",
        "weekday_time": "D j b, H:i",
        "full": r"l j \d\e F \d\e Y, H:i",
        "date_time": "j b Y, H:i",
        "stamp": "j b Y, H:i e",
        "month": "b",
    },
}


@register.filter(expects_localtime=True)
def when(value, style: str = "date") -> str:
    """`value` written in the named style (see the module's table); unknown styles are a
    programming error, caught by the tests that render every template.

    What Django's `date` filter does with a format string, without its detour through
    `get_format`: that looks the string up as a setting name in every locale's format
    module on every call (a format string is never cached), a third of a session card's
    time on a list of 50."""
    fmt = BY_LANGUAGE.get(translation.get_language(), STYLES)[style]
    if value in (None, ""):
        return ""
    try:
        return dateformat.format(value, fmt)
    except AttributeError:
        return ""
