"""The period a dashboard looks at, and the picker that chooses it.

A period is a run of whole days in UTC, `start` to `end` inclusive. Its previous period is
the run of the same length that ends the day before it starts, so every figure can stand
beside its own trend.

Figures about people (averages of what people gave, counts of distinct people) are not
computed over a period's days: two periods a day apart would differ by that day's one
rating. They cover the period's *whole months* instead (`Period.whole_months`): every UTC
calendar month the period touches that has already ended, so two periods that touch the
same months, or one view today and another tomorrow, give the very same figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.utils import dateformat, timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from core.templatetags.dates import when

UTC = dt.UTC
MAX_DAYS = 5 * 366
# The dates a custom period may use. Far beyond them a period's previous period (or the day
# after its end) falls off Python's calendar, so they are refused as field errors.
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)
PRESETS = {"30": 30, "90": 90, "365": 365}
DEFAULT_PRESET = "365"


def month_start(now: dt.datetime | None = None) -> dt.datetime:
    """The first instant of the month now running (UTC): what lies before it has ended."""
    now = (now or timezone.now()).astimezone(UTC)
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @classmethod
    def last(cls, days: int, today: dt.date | None = None) -> Period:
        today = today or timezone.now().astimezone(UTC).date()
        return cls(today - dt.timedelta(days=days - 1), today)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_dt(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=UTC)

    @property
    def end_dt(self) -> dt.datetime:
        """The first instant after the period (exclusive bound)."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=UTC)

    @property
    def held_until_dt(self) -> dt.datetime:
        """Where the period's held sessions end: its end, or now when that comes first (a
        session still ahead is not held yet)."""
        return min(self.end_dt, timezone.now())

    @property
    def joined_by_dt(self) -> dt.datetime:
        """Who counts as a member in the period: those who joined before it ended."""
        return self.end_dt

    def bounds(self) -> Bounds:
        """The period's instants, the clock read once (`Bounds`)."""
        return Bounds(self.start_dt, self.end_dt, self.held_until_dt, self.end_dt)

    def split(self, now: dt.datetime | None = None) -> tuple[Bounds, Period] | None:
        """A period still running that began in a month that has ended, in two parts: its
        days in ended months (bounds that count as members those who joined before the
        whole period ends, as the period does) and its days from the first of this month
        (a period). Its counts resting on people are the two parts' (`impact.figures.
        headlines`): the first part changes only when a write touches an ended month. None
        for a period wholly in ended months or wholly in this one."""
        split = month_start(now)
        if self.end_dt <= split or self.start_dt >= split:
            return None
        return Bounds(self.start_dt, split, split, self.end_dt), Period(split.date(), self.end)

    def in_closed_months(self) -> bool:
        """True when the whole period lies in months that have ended (UTC): a write this
        month never touches it, and one that may touch an ended month forgets what is
        stored about it (impact.signals)."""
        return self.end_dt <= month_start()

    def previous(self) -> Period:
        return Period(self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1))

    def months(self) -> list[dt.date]:
        """The first day of every calendar month the period touches, oldest first."""
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + dt.timedelta(days=32)).replace(day=1)
        return months

    def label(self) -> str:
        """The period in words, in the active language: "7 Dec 2025 – 6 Dec 2026"."""
        return f"{when(self.start)} – {when(self.end)}"

    def whole_months(self, today: dt.date | None = None) -> Period | None:
        """The whole calendar months (UTC) the period touches that have ended by `today`,
        as one period from the first month's first day to the last month's last day; None
        when none has ended yet. The month still running is left out: its figures would
        change from one day to the next, and the change is one person's."""
        today = today or timezone.now().astimezone(UTC).date()
        first = self.start.replace(day=1)
        last = min(self.end.replace(day=1), add_months(today.replace(day=1), -1))
        if last < first:
            return None
        return Period(first, add_months(last, 1) - dt.timedelta(days=1))

    def previous_months(self) -> Period:
        """For a run of whole months: the same number of months just before it."""
        count = len(self.months())
        return Period(add_months(self.start, -count), self.start - dt.timedelta(days=1))

    def month_label(self) -> str:
        """A run of whole months in words, in the active language: "Nov 2026",
        "Nov–Dec 2026", "Dec 2025–Nov 2026" ("nov.–déc. 2026", "nov–dic 2026")."""
        if (self.start.year, self.start.month) == (self.end.year, self.end.month):
            return month_year(self.start)
        if self.start.year == self.end.year:
            return f"{when(self.start, 'month')}–{month_year(self.end)}"
        return f"{month_year(self.start)}–{month_year(self.end)}"

    def query(self) -> str:
        return f"period=custom&start={self.start.isoformat()}&end={self.end.isoformat()}"


@dataclass(frozen=True)
class Bounds:
    """A period as a figure's query reads it: its first instant, the first instant after
    it, and where its held sessions end (`Period.held_until_dt`). The queries that take
    bounds read the clock nowhere else, so one built over stand-in bounds can be compiled
    once and run with a real period's (`impact.figures.common.FigureQuery`)."""

    start_dt: dt.datetime
    end_dt: dt.datetime
    held_until_dt: dt.datetime
    # Who counts as a member in it (`figures.common.by_a_member`): those who joined before
    # this instant, its end but for the ended months of a running period (`Period.split`).
    joined_by_dt: dt.datetime


def add_months(month: dt.date, count: int) -> dt.date:
    """The first day of the month `count` months after (or before) `month`'s."""
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def month_year(month: dt.date) -> str:
    """A month and its year in the active language: "Dec 2026", "déc. 2026", "dic 2026"."""
    return f"{when(month, 'month')} {month.year}"


def months_label(window: Period | None) -> str:
    """What a page calls a window of whole months, or says when there is none yet."""
    return window.month_label() if window else gettext("no whole month yet")


def _day(day: dt.date) -> str:
    """A day in full, in the active language: "1 January 2000", "1 janvier 2000"."""
    # Translators: a Django date format for a day written in full (j day, F month, Y year).
    return dateformat.format(day, pgettext("date format", "j F Y"))


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Days to show"),
        choices=[
            ("30", _("last 30 days")),
            ("90", _("last 90 days")),
            ("365", _("last 365 days")),
            ("custom", _("from – to")),
        ],
        initial=DEFAULT_PRESET,
        required=False,
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        preset = data.get("period") or DEFAULT_PRESET
        data["period"] = preset
        if preset != "custom":
            return data
        start, end = data.get("start"), data.get("end")
        if "start" in self.errors or "end" in self.errors:
            return data
        if start is None:
            self.add_error("start", gettext("Choose the first day of the period."))
        elif start < EARLIEST:
            words = gettext("Choose a day from %(day)s on.") % {"day": _day(EARLIEST)}
            self.add_error("start", words)
            start = None
        if end is None:
            self.add_error("end", gettext("Choose the last day of the period."))
        elif end > LATEST:
            self.add_error("end", gettext("Choose a day up to %(day)s.") % {"day": _day(LATEST)})
            end = None
        if start and end:
            if start > end:
                self.add_error("end", gettext("“To” must be on or after “From”."))
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error("end", gettext("Choose a period of at most 5 years."))
        return data

    def chosen(self) -> Period:
        """The chosen period; the default (last 365 days) while the form has errors."""
        if not self.is_valid():
            return Period.last(PRESETS[DEFAULT_PRESET])
        data = self.cleaned_data
        if data["period"] == "custom":
            return Period(data["start"], data["end"])
        return Period.last(PRESETS[data["period"]])


def period_form(params) -> PeriodForm:
    """The picker bound to the query string, or unbound (the default) when nothing is asked."""
    if any(key in params for key in ("period", "start", "end")):
        return PeriodForm(params)
    return PeriodForm(initial={"period": DEFAULT_PRESET})


def picker_params(form: PeriodForm) -> dict[str, str]:
    """The picker's choice as query parameters (empty for the default or while the form
    has errors), so "Refresh now" returns to the very period the person was looking at."""
    if not form.is_bound or not form.is_valid():
        return {}
    data = form.cleaned_data
    if data["period"] == "custom":
        return {
            "period": "custom",
            "start": data["start"].isoformat(),
            "end": data["end"].isoformat(),
        }
    return {"period": data["period"]}
