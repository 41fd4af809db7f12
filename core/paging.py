"""Pagination without COUNT, for long lists read newest first."""

from __future__ import annotations

from collections.abc import Iterator

# A page number past this is not one a person reaches by clicking "Older"; capping it keeps
# the OFFSET within what every database accepts.
MAX_PAGE = 10_000


class QuickPage:
    """One page of a queryset, knowing only whether a newer and an older page exist.

    Django's Paginator counts every matching row to print "page 3 of 120". On a list that
    must apply visibility rules to every row (reflections) that COUNT cost as much as the
    page itself, and nobody needs the total to go one page older: fetching one row more
    than the page shows is enough to know there is another page.
    """

    def __init__(self, queryset, number, per_page: int, *, load=None, show=None):
        """`load`, if given, turns the page's slice of `queryset` (e.g. of its ids, still a
        query) into the rows to show, in the same query: see
        reflections.views.reflection_list for why. It must keep every row (a filter by
        those ids does). `show`, if given instead, turns the chosen rows, as a list of the
        page's rows only, into what is shown and may leave some out (the search: a row
        hidden meanwhile); whether an older page exists is then known from the rows
        chosen, so "More results" never vanishes before the last page."""
        self.number = _page_number(number)
        self.per_page = per_page
        self._load = load
        rows = self._fetch(queryset)
        if not rows and self.number > 1:
            # Beyond the last page (an old link, a hand-typed number): show the first.
            self.number = 1
            rows = self._fetch(queryset)
        self._has_next = len(rows) > per_page
        self.object_list = rows[:per_page]
        if show is not None and self.object_list:
            self.object_list = list(show(self.object_list))

    def _fetch(self, queryset) -> list:
        offset = (self.number - 1) * self.per_page
        chosen = queryset[offset : offset + self.per_page + 1]
        return list(self._load(chosen) if self._load else chosen)

    def __iter__(self) -> Iterator:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def _page_number(value) -> int:
    text = str(value or "")
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    if not text.isdecimal() or len(text) > 6:
        return 1
    return min(max(int(text), 1), MAX_PAGE)
