"""Small values that format themselves: what a dashboard cell, a CSV cell and a summary
sentence say about one figure, decided in one place.

- `Count`: a number of things; resting on people (`people=`), it hides itself when they
  are 1–4 (`core.privacy`, the site's one floor), and a count already withheld upstream
  (None) is hidden too.
- `Percent`: part ÷ whole. Hidden when its part is (or when it rests on 1–4 people); "–"
  (not applicable) when there is nothing to divide by.
- `Number`: a measure shown to a fixed number of places (a Gini coefficient, an average
  rating, a median of days); "–" when there is none, hidden when withheld.

Each one: `str()` for pages and sentences ("fewer than 5", "–", "79 %", "0.23"), `.csv`
for exports ("<5", "–", or a number kept a number), `.number` for drawing (None draws
nothing), `.hidden` and `.value`. They are frozen and hold plain data, so a cached
snapshot of the figures can carry them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import get_format, number_format
from django.utils.translation import gettext, gettext_lazy

from core import privacy

# The privacy floor's words, kind: a figure resting on 1–4 people is simply not shown.
# Lazy, so each page says it in its reader's language (cached figures carry no words).
HIDDEN = gettext_lazy("fewer than 5")
HIDDEN_CSV = "<5"
NOT_APPLICABLE = "–"


def decimal(value: float, places: int) -> str:
    """`value` to `places` decimals with the active language's decimal mark ("0.23",
    "0,23"); no thousands grouping (USE_THOUSAND_SEPARATOR is off site-wide)."""
    # Rounded here: number_format cuts the digits past `places` off.
    return number_format(Decimal(f"{value:.{places}f}"), places)


def percent_text(share: float, places: int = 0) -> str:
    """A share (0–1) as the active language writes a percentage: "79 %", "12,5 %"."""
    return gettext("%(number)s %%") % {"number": decimal(share * 100, places)}


def plain(value: float) -> str:
    """A chart axis tick: as short as it goes ("5", "2.5"), in the language's decimal mark."""
    text = f"{value:g}"
    return text.replace(".", get_format("DECIMAL_SEPARATOR")) if "." in text else text


class Value:
    """What every value type answers; subclasses define `hidden`, `value` and `_text`."""

    hidden: bool
    value: float | int | None

    @property
    def number(self) -> float | int | None:
        """The value to draw, or None (hidden or not applicable: a gap)."""
        return None if self.hidden else self.value

    def __str__(self) -> str:
        if self.hidden:
            return str(HIDDEN)
        if self.value is None:
            return NOT_APPLICABLE
        return self._text()

    @property
    def csv(self):
        if self.hidden:
            return HIDDEN_CSV
        if self.value is None:
            return NOT_APPLICABLE
        return self._csv()

    def _text(self) -> str:
        return str(self.value)

    def _csv(self):
        return self.value


@dataclass(frozen=True)
class Count(Value):
    """A count. `people`: how many people it rests on (a count of people rests on
    itself: `Count.of_people`); None when it counts events, which the floor leaves alone.
    `count` None means withheld upstream (hidden)."""

    count: int | None
    people: int | None = None

    @classmethod
    def of_people(cls, n: int | None) -> Count:
        return cls(n, n)

    @property
    def hidden(self) -> bool:
        return self.count is None or privacy.too_few(self.people)

    @property
    def value(self) -> int | None:
        return None if self.hidden else self.count


@dataclass(frozen=True)
class Percent(Value):
    """part ÷ whole, shown as a whole percentage ("79 %"), written to CSV as a decimal
    fraction with four places. `part` None: withheld upstream (hidden); `whole` 0 or
    None: nothing to divide by ("–")."""

    part: int | float | None
    whole: int | float | None
    people: int | None = None

    @classmethod
    def withheld(cls) -> Percent:
        """A share whose whole is itself withheld: hidden."""
        return cls(None, 1)

    @property
    def applicable(self) -> bool:
        return bool(self.whole)

    @property
    def hidden(self) -> bool:
        return self.applicable and (self.part is None or privacy.too_few(self.people))

    @property
    def value(self) -> float | None:
        if not self.applicable or self.hidden:
            return None
        return self.part / self.whole

    def _text(self) -> str:
        return percent_text(self.value)

    def _csv(self) -> Decimal:
        return Decimal(f"{self.value:.4f}")


@dataclass(frozen=True)
class Number(Value):
    """A measure to `places` decimals ("0.23", "3.2", "13"); None: none ("–"). Resting on
    `people`, it hides itself below the floor (an average needs 5 or more people)."""

    measure: float | None
    places: int = 2
    people: int | None = None

    @property
    def hidden(self) -> bool:
        return privacy.too_few(self.people)

    @property
    def value(self) -> float | None:
        return None if self.hidden else self.measure

    def _text(self) -> str:
        return decimal(self.value, self.places)

    def _csv(self) -> Decimal:
        return Decimal(f"{self.value:.{self.places}f}")


def hidden(cell) -> bool:
    """True for a withheld cell: None, or a value hidden by the floor."""
    return cell is None or (isinstance(cell, Value) and cell.hidden)


def text(cell) -> str:
    """Any table cell as a page shows it: a value formats itself, None (withheld) is
    "fewer than 5", anything else is its text."""
    return str(HIDDEN) if cell is None else str(cell)


def csv_cell(cell):
    """Any table cell as a CSV writes it: "<5" for withheld, numbers kept numbers."""
    if cell is None:
        return HIDDEN_CSV
    if isinstance(cell, Value):
        return cell.csv
    return cell


def number(cell) -> float | int | None:
    """Any table cell as a chart draws it: a number, or None for a gap."""
    if isinstance(cell, Value):
        return cell.number
    if isinstance(cell, bool):
        return None
    return cell if isinstance(cell, int | float) else None
