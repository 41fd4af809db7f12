"""Recurrence rules of series: building the RFC 5545 rule and expanding it into starts.

The rule is expanded by dateutil's rrule over *wall-clock* times in the series' timezone
(18:00, 18:00, 18:00…), and only then is each occurrence given its UTC instant, so an
18:00 Europe/London series stays 18:00 local across the March and October changes.
Nothing here touches the database.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import islice

from dateutil.rrule import rrulestr
from django.db import models
from django.utils import dateformat
from django.utils.dates import WEEKDAYS as WEEKDAY_NAMES
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

# More occurrences than this is almost certainly a typo in the end date (a weekly series
# for four years); and each occurrence is a real session.
MAX_OCCURRENCES = 200
# An open-ended series is made this far ahead, and kept so by beat.
HORIZON = timedelta(days=183)

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("every week")
    FORTNIGHTLY = "2weeks", _("every 2 weeks")
    FOUR_WEEKLY = "4weeks", _("every 4 weeks")
    MONTHLY_WEEKDAY = (
        "monthly_weekday",
        _("every month on the same weekday (e.g. second Wednesday)"),
    )
    MONTHLY_DAY = "monthly_day", _("every month on the same day of the month")


class Ends(models.TextChoices):
    ON = "on", _("on a date")
    AFTER = "after", _("after a number of sessions")
    NEVER = "never", _("open-ended (planned six months ahead, always)")


class RuleError(Exception):
    """The rule cannot make a series; `field` names the form field the message is for."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def nth_weekday(day: date) -> int:
    """Which of its weekday the date is in its month: 1–4, or -1 for a fifth (the last)."""
    n = (day.day - 1) // 7 + 1
    return -1 if n == 5 else n


def rule_for(frequency: str, start: date) -> str:
    """The RRULE (without its end) for a frequency starting on `start`."""
    weekday = WEEKDAYS[start.weekday()]
    if frequency == Frequency.WEEKLY:
        return f"FREQ=WEEKLY;INTERVAL=1;BYDAY={weekday}"
    if frequency == Frequency.FORTNIGHTLY:
        return f"FREQ=WEEKLY;INTERVAL=2;BYDAY={weekday}"
    if frequency == Frequency.FOUR_WEEKLY:
        return f"FREQ=WEEKLY;INTERVAL=4;BYDAY={weekday}"
    if frequency == Frequency.MONTHLY_WEEKDAY:
        return f"FREQ=MONTHLY;BYDAY={nth_weekday(start):+d}{weekday}"
    if frequency == Frequency.MONTHLY_DAY:
        return f"FREQ=MONTHLY;BYMONTHDAY={start.day}"
    raise RuleError(gettext("Please choose how often it repeats."), field="frequency")


def frequency_of(rule: str) -> str:
    parts = dict(part.split("=", 1) for part in rule.split(";"))
    if parts.get("FREQ") == "MONTHLY":
        return Frequency.MONTHLY_DAY if "BYMONTHDAY" in parts else Frequency.MONTHLY_WEEKDAY
    return {"1": Frequency.WEEKLY, "2": Frequency.FORTNIGHTLY, "4": Frequency.FOUR_WEEKLY}.get(
        parts.get("INTERVAL", "1"), Frequency.WEEKLY
    )


def describe(rule: str, start: date) -> str:
    """ "every 2 weeks on Wednesday", "every month on the second Wednesday", in the active
    language: one whole phrase per rhythm, the weekday and numbers put into it."""
    return _describe(rule, start, get_language())


# Which of the month's weekdays, one whole phrase each (an ordinal agrees with its weekday
# in some languages, so it is never a word put into a shared sentence).
_MONTHLY_WEEKDAY = {
    1: lambda weekday: gettext("every month on the first %(weekday)s") % {"weekday": weekday},
    2: lambda weekday: gettext("every month on the second %(weekday)s") % {"weekday": weekday},
    3: lambda weekday: gettext("every month on the third %(weekday)s") % {"weekday": weekday},
    4: lambda weekday: gettext("every month on the fourth %(weekday)s") % {"weekday": weekday},
    -1: lambda weekday: gettext("every month on the last %(weekday)s") % {"weekday": weekday},
}
_WEEKS = {Frequency.WEEKLY: 1, Frequency.FORTNIGHTLY: 2, Frequency.FOUR_WEEKLY: 4}


@lru_cache(maxsize=256)
def _describe(rule: str, start: date, language: str | None) -> str:
    frequency = frequency_of(rule)
    weekday = str(WEEKDAY_NAMES[start.weekday()])
    if frequency == Frequency.MONTHLY_WEEKDAY:
        return _MONTHLY_WEEKDAY[nth_weekday(start)](weekday)
    if frequency == Frequency.MONTHLY_DAY:
        return gettext("every month on day %(day)s") % {"day": start.day}
    weeks = _WEEKS.get(frequency, 1)
    return ngettext("every week on %(weekday)s", "every %(count)s weeks on %(weekday)s", weeks) % {
        "count": weeks,
        "weekday": weekday,
    }


def until_utc(until: date, tz: zoneinfo.ZoneInfo) -> datetime:
    """The last instant of the local `until` day, in UTC: RFC 5545 wants UNTIL in UTC when
    DTSTART names a timezone."""
    return datetime.combine(until, time(23, 59, 59), tzinfo=tz).astimezone(UTC)


def full_rule(rule: str, *, until: date | None, count: int | None, tz) -> str:
    """The rule with its end, as an .ics RRULE value."""
    if until is not None:
        return f"{rule};UNTIL={until_utc(until, tz):%Y%m%dT%H%M%SZ}"
    if count is not None:
        return f"{rule};COUNT={count}"
    return rule


@dataclass(frozen=True)
class Occurrence:
    local: datetime  # naive wall-clock time in the series' zone: the RECURRENCE-ID's value
    starts_at: datetime  # the aware instant (in the series' zone)


def _exists(naive: datetime, tz: zoneinfo.ZoneInfo) -> bool:
    aware = naive.replace(tzinfo=tz, fold=0)
    return aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == naive


def next_valid(naive: datetime, tz: zoneinfo.ZoneInfo) -> datetime:
    """The wall-clock time a skipped local time lands on (01:30 → 02:30 in London)."""
    return naive.replace(tzinfo=tz, fold=0).astimezone(UTC).astimezone(tz).replace(tzinfo=None)


def expand(
    *,
    rule: str,
    start: datetime,
    tz: zoneinfo.ZoneInfo,
    until: date | None = None,
    count: int | None = None,
    horizon: datetime | None = None,
) -> list[Occurrence]:
    """Every occurrence of the rule from the naive local `start`, or RuleError.

    Open-ended rules stop at `horizon` (an aware instant). A wall-clock time that does
    not exist on some date (spring forward) is refused with the dates and the next valid
    time; a time that happens twice (fall back) is the first of the two, as in the planner.
    """
    if until is not None and until < start.date():
        raise RuleError(
            gettext("The series would end before it starts. Please pick a later end date."),
            field="until",
        )
    if count is not None and not 1 <= count <= MAX_OCCURRENCES:
        raise RuleError(
            gettext("A series can have 1 to %(most)s sessions. Please pick a number in that range.")
            % {"most": MAX_OCCURRENCES},
            field="count",
        )
    if until is None and count is None and horizon is None:
        horizon = datetime.now(UTC) + HORIZON
    text = full_rule(rule, until=None, count=count, tz=tz)
    if until is not None:
        # Expanding in wall-clock time, so the end is the local day's end, naive too.
        text += f";UNTIL={datetime.combine(until, time(23, 59, 59)):%Y%m%dT%H%M%S}"
    try:
        recurrence = rrulestr(f"RRULE:{text}", dtstart=start)
    except (ValueError, TypeError):
        raise RuleError(
            gettext("That repeat rule is not one we know."), field="frequency"
        ) from None
    local_horizon = horizon.astimezone(tz).replace(tzinfo=None) if horizon else None
    starts = []
    for local in islice(recurrence, MAX_OCCURRENCES + 1):
        if local_horizon is not None and until is None and count is None and local > local_horizon:
            break
        starts.append(local)
    if len(starts) > MAX_OCCURRENCES:
        raise RuleError(
            gettext(
                "That makes more than %(most)s sessions. "
                "Please pick an earlier end date or a number of sessions."
            )
            % {"most": MAX_OCCURRENCES},
            field="until",
        )
    if not starts:
        raise RuleError(
            gettext("That rule gives no session at all. Please check the start and the end."),
            field="until",
        )
    missing = [local for local in starts if not _exists(local, tz)]
    if missing:
        # "29 March 2026", "29 mars 2026", "29 de marzo de 2026".
        day_format = r"j \d\e F \d\e Y" if get_language() == "es" else "j F Y"
        dates = ", ".join(dateformat.format(local, day_format) for local in missing)
        later = next_valid(missing[0], tz)
        raise RuleError(
            gettext(
                "%(time)s does not exist in %(zone)s on %(dates)s: the clocks go forward then. "
                "The next valid time is %(later)s; please pick a time that exists on every date."
            )
            % {
                "time": f"{start:%H:%M}",
                "zone": tz.key,
                "dates": dates,
                "later": f"{later:%H:%M}",
            },
            field="starts_local",
        )
    return [Occurrence(local, local.replace(tzinfo=tz, fold=0)) for local in starts]
