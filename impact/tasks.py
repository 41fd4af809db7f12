from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from communities.models import Community

from .figures import windows_for
from .figures.computed import community_series
from .figures.headlines import period_counts
from .figures.windows import store_from_scratch, write_stored
from .models import StoredFigures
from .periods import PRESETS, Period


@shared_task
def store_window_figures() -> int:
    """Nightly, just after midnight UTC: the figures over whole months of every preset
    period (its window and the one before) of every live community, computed from scratch
    and stored (`impact.figures.windows`), so the first dashboard of the day, and of a new
    month, reads them instead of computing them. Rows stored before this run and not
    recomputed by it (custom periods', past windows') are removed: a custom period's are
    computed again when asked. Returns how many communities."""
    started = timezone.now()
    people, months = set(), set()
    for days in PRESETS.values():
        window, window_before = windows_for(Period.last(days))
        if window is not None:
            people |= {window, window_before}
            months.add(window)
    communities = list(Community.objects.filter(archived=False).order_by("pk"))
    ordered = sorted(people, key=lambda w: (w.start, w.end))
    store_from_scratch(communities, ordered, sorted(months, key=lambda w: (w.start, w.end)))
    # What of the presets' periods and their previous ones lies in ended months keeps its
    # counts resting on people (impact.figures.headlines): counted now, one statement per
    # preset.
    ids = [community.pk for community in communities]
    for days in PRESETS.values():
        period = Period.last(days)
        write_stored(period_counts(ids, [period, period.previous()], {})[1])
        # And each community's sessions and shared reflections of those ended months.
        if period.split() is not None:
            for community in communities:
                write_stored(community_series(community, period, {})[1])
    StoredFigures.objects.filter(computed_at__lt=started).delete()
    return len(communities)
