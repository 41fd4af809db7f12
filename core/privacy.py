"""The privacy floor: no figure shown to anyone rests on fewer than 5 people.

One place for the rule, used by every page, report and CSV that counts people or averages
what people gave (the dashboards, the outcome page's community average). A count of 1–4
people becomes None, which pages write "fewer than 5" and CSVs "<5"; zero stays visible,
because "nobody" names no one. An average needs 5 or more people behind it.
"""

from __future__ import annotations

THRESHOLD = 5


def too_few(people: int | None) -> bool:
    """True when a figure rests on 1–4 people (never for 0: nobody is named by it)."""
    return people is not None and 0 < people < THRESHOLD


def people_figure(value: int | None, people: int | None = None) -> int | None:
    """`value`, or None when it rests on 1–4 people (`people` defaults to the value, for
    a count of people)."""
    if value is None:
        return None
    return None if too_few(value if people is None else people) else value


def average_figure(average: float | None, people: int) -> float | None:
    """An average of what people gave, or None unless 5 or more people gave it."""
    return average if people >= THRESHOLD else None


def protect_row(values: dict[str, int]) -> tuple[dict[str, int | None], int | None]:
    """Suppress a row's small cells and return it with its total.

    Cells of 1–4 become None. If exactly one cell is hidden and the total is shown, the
    smallest other cell is hidden too, so the hidden one is not the total minus the rest.
    A total under 5 is hidden itself.
    """
    total = sum(values.values())
    shown: dict[str, int | None] = {key: people_figure(value) for key, value in values.items()}
    hidden = [key for key, value in shown.items() if value is None]
    if len(hidden) == 1 and people_figure(total) is not None:
        others = sorted((v, k) for k, v in shown.items() if v is not None)
        if others:
            shown[others[0][1]] = None
    return shown, people_figure(total)
