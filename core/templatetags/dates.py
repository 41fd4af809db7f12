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

from datetime import date, datetime
from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import dateformat
from django.utils.dates import MONTHS, MONTHS_3, MONTHS_AP, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import get_language

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


# What each format character of the styles above writes, as Django's DateFormat writes it
# (`names`: the day and month names in the active language, see `_names`). A style using
# any other character is formatted by DateFormat itself.
_WRITERS = {
    "j": lambda value, names: str(value.day),
    "Y": lambda value, names: f"{value.year:04d}",
    "H": lambda value, names: f"{value.hour:02d}",
    "i": lambda value, names: f"{value.minute:02d}",
    "c": lambda value, names: value.isoformat(),
    "l": lambda value, names: names["l"][value.weekday()],
    "D": lambda value, names: names["D"][value.weekday()],
    "F": lambda value, names: names["F"][value.month],
    "M": lambda value, names: names["M"][value.month],
    "N": lambda value, names: names["N"][value.month],
    "b": lambda value, names: names["b"][value.month],
}
_TIME_CHARACTERS = frozenset("Hi")


def _compiled(fmt: str) -> tuple[tuple, bool] | None:
    """`fmt` split once, as Django's Formatter.format splits it on every call: literal
    text and writers, and whether it writes a time; None when a character has no writer."""
    pieces = []
    for i, piece in enumerate(dateformat.re_formatchars.split(fmt)):
        if i % 2:
            if piece not in _WRITERS:
                return None
            pieces.append(_WRITERS[piece])
        elif piece:
            pieces.append(dateformat.re_escaped.sub(r"\1", piece))
    return tuple(pieces), bool(_TIME_CHARACTERS & set(fmt))


# Each language's styles split once; a language without its own entry reads English's.
_FORMATS = {None: STYLES, **BY_LANGUAGE}
_COMPILED = {
    language: {style: _compiled(fmt) for style, fmt in formats.items()}
    for language, formats in _FORMATS.items()
}


@lru_cache(maxsize=32)
def _names(language: str | None) -> dict:
    """The day and month names in `language` (the active one when asked), translated once
    per language rather than on every date written (a catalogue lookup per name)."""
    return {
        "l": tuple(str(WEEKDAYS[day]) for day in range(7)),
        "D": tuple(str(WEEKDAYS_ABBR[day]) for day in range(7)),
        "F": {month: str(name) for month, name in MONTHS.items()},
        "M": {month: str(name).title() for month, name in MONTHS_3.items()},
        "N": {month: str(name) for month, name in MONTHS_AP.items()},
        "b": {month: str(name) for month, name in MONTHS_3.items()},
    }


@receiver(setting_changed)
def _forget_names(*, setting, **kwargs) -> None:
    # Django reloads its catalogues when these change (tests); the names follow.
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "USE_I18N"}:
        _names.cache_clear()


@register.filter(expects_localtime=True)
def when(value, style: str = "date") -> str:
    """`value` written in the named style (see the module's table); unknown styles are a
    programming error, caught by the tests that render every template.

    What Django's `date` filter does with a format string, without its detour through
    `get_format` (it looks the string up as a setting name in every locale's format module
    on every call), and without splitting the format and translating each day or month
    name again on every call: the styles are split once and the names kept per language.
    A session card writes six of these; a list draws 50 cards."""
    return _written(value, style, get_language())


def when_each(value, styles) -> list[str]:
    """`when(value, style)` for each of `styles`, the active language asked once (a
    session card's date block)."""
    language = get_language()
    return [_written(value, style, language) for style in styles]


def _written(value, style: str, language: str | None) -> str:
    formats = language if language in _COMPILED else None
    compiled = _COMPILED[formats][style]
    if value in (None, ""):
        return ""
    if compiled is not None and isinstance(value, date):
        pieces, writes_time = compiled
        if isinstance(value, datetime) or not writes_time:
            names = _names(language)
            return "".join(
                piece if isinstance(piece, str) else piece(value, names) for piece in pieces
            )
    try:
        return dateformat.format(value, _FORMATS[formats][style])
    except AttributeError:
        return ""
