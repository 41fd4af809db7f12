"""Mentoring: how many mentoring pairs were active (issue 18). A pair is two people, so
the figure rests on the people in the pairs: 1–4 of them and it is hidden (the privacy
floor), and, like every figure about people, it covers whole months only (`window`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef, Q

from communities.models import MentoringPair
from core.privacy import people_figure

from ..periods import Period
from .common import ids_of


def _active_in(period: Period, prefix: str = "") -> Q:
    """Pairs active at some time in the period: begun before its end, not ended before
    its start."""
    return Q(**{f"{prefix}started_at__lt": period.end_dt}) & (
        Q(**{f"{prefix}ended_at": None}) | Q(**{f"{prefix}ended_at__gte": period.start_dt})
    )


def mentoring_pairs_in(
    communities: Iterable, windows: list[Period | None]
) -> list[dict[int, int | None]]:
    """{community id: pairs active in the window} for each window (None: no whole month
    yet, so no figure). The people behind it are counted once each (a person mentoring
    in one pair and mentored in another is one person); fewer than 5 people: None. One
    grouped query for every window."""
    ids = ids_of(communities)
    measures = {}
    spans = [(i, w) for i, w in enumerate(windows) if w is not None]
    for i, window in spans:
        active = _active_in(window)
        # Mentors who are also a newcomer of a pair active in the same window.
        also_newcomer = Exists(
            MentoringPair.objects.filter(
                _active_in(window), community=OuterRef("community"), newcomer=OuterRef("mentor")
            )
        )
        measures[f"pairs{i}"] = Count("pk", filter=active)
        measures[f"mentors{i}"] = Count("mentor", filter=active, distinct=True)
        measures[f"newcomers{i}"] = Count("newcomer", filter=active, distinct=True)
        measures[f"both{i}"] = Count("mentor", filter=active & Q(also_newcomer), distinct=True)
    results: list[dict[int, int | None]] = [
        dict.fromkeys(ids, 0 if w is not None else None) for w in windows
    ]
    if not spans:
        return results
    rows = (
        MentoringPair.objects.filter(community__in=ids)
        .values("community")
        .annotate(**measures)
        .order_by()
    )
    for row in rows:
        for i, _window in spans:
            people = row[f"mentors{i}"] + row[f"newcomers{i}"] - row[f"both{i}"]
            results[i][row["community"]] = people_figure(row[f"pairs{i}"], people)
    return results
