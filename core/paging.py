"""Pagination without COUNT, for long lists read newest first: by page number (QuickPage)
or by "older than this one" links that cost the same at any depth (KeysetPage)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, Subquery

from core.compiled import Compiled

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


# The query parameters that choose a page (a page number, or a row to start older or newer
# than): a page's links keep every other parameter (its filters) and replace these.
PAGING_PARAMS = ("page", "before", "after")


class KeysetPage:
    """One page of a long list read newest first, reached by "older than this one" links.

    OFFSET reads and throws away every row before the page, so page 300 of a list costs
    300 pages; a keyset page starts just past a row named by its id (`?before=<id>` for
    older rows, `?after=<id>` for newer ones) and reads only its own rows from an index in
    `(field, id)` order, at any depth. The named row is looked up inside `queryset` in the
    same query, so an id the viewer may not see (or one deleted since) names nothing: the
    page is then the newest, as is the page of a missing or malformed id. Fetching one row
    more than the page shows says whether the list goes on that way; the other way always
    does (the named row is there). `load`, if given, turns the chosen slice (of `queryset`,
    still a query) into the rows shown, in the same query: annotate only the page's rows.
    It must keep every row (a filter by their ids does); the rows come back in the list's
    order whatever order it loads them in. `ascending=True` reads a list soonest first
    instead (upcoming sessions): "older" is then further along the list, later in time.
    `queryset` may instead be a KeysetQuery bound to a request's values (`query.of(…)`,
    its loading its own): the same pages from reads compiled once.
    """

    def __init__(
        self,
        queryset,
        params,
        per_page: int,
        *,
        field: str,
        load=None,
        keys=("before", "after"),
        ascending: bool = False,
    ):
        self.per_page = per_page
        self._field = field
        self._load = load
        self._ascending = ascending
        # The query parameters naming the row: another pair lets two lists page apart on
        # one page (`includes/keyset_pagination.html` writes the page's own).
        self.before_key, self.after_key = keys
        before, after = row_id(params.get(self.before_key)), row_id(params.get(self.after_key))
        rows = []
        if before is not None:
            rows = self._fetch(queryset, before, older=True)
            self._has_previous, self._has_next = True, len(rows) > per_page
            rows = rows[:per_page]
        elif after is not None:
            rows = self._fetch(queryset, after, older=False)
            self._has_previous, self._has_next = len(rows) > per_page, True
            rows = rows[:per_page][::-1]
        if not rows:
            rows = self._fetch(queryset, None, older=True)
            self._has_previous, self._has_next = False, len(rows) > per_page
            rows = rows[:per_page]
        self.object_list = rows

    def _fetch(self, queryset, anchor_id: int | None, *, older: bool) -> list:
        """The rows further along the list from the anchor (`older`), else back from it,
        in the order read: descending in time when going along a newest-first list or
        back along a soonest-first one."""
        field = self._field
        descending = older != self._ascending
        limit = self.per_page + 1
        if isinstance(queryset, KeysetRows):
            rows = queryset.read(field, anchor_id, descending=descending, limit=limit)
            if queryset.query.load is None:
                return rows
        else:
            chosen = keyset_slice(queryset, field, anchor_id, descending=descending, limit=limit)
            if self._load is None:
                return list(chosen)
            rows = list(self._load(chosen))
        rows.sort(key=lambda row: (getattr(row, field), row.pk), reverse=descending)
        return rows

    def __iter__(self) -> Iterator:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def __bool__(self) -> bool:
        return bool(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    def has_next(self) -> bool:
        """Whether older rows exist (the "Older" link; later ones in a soonest-first list)."""
        return self._has_next

    def has_previous(self) -> bool:
        """Whether newer rows exist (the "Newer" link)."""
        return self._has_previous

    def has_other_pages(self) -> bool:
        return self._has_next or self._has_previous

    @property
    def older_id(self) -> int:
        """The id the "Older" link names: the page's oldest row."""
        return self.object_list[-1].pk

    @property
    def newer_id(self) -> int:
        """The id the "Newer" link names: the page's newest row."""
        return self.object_list[0].pk


def keyset_slice(queryset, field: str, anchor_id: int | None, *, descending: bool, limit: int):
    """`queryset`'s next `limit` rows in `(field, id)` order (`descending` or not), from
    just past the row `anchor_id` names (looked up inside `queryset`: an id it does not
    hold names nothing, and the slice is empty), or from the start without one."""
    chosen = queryset
    if anchor_id is not None:
        anchor = Subquery(queryset.filter(pk=anchor_id).values(field)[:1])
        side = "lt" if descending else "gt"
        chosen = queryset.filter(
            Q(**{f"{field}__{side}": anchor}) | Q(**{field: anchor, f"pk__{side}": anchor_id})
        )
    order = (f"-{field}", "-pk") if descending else (field, "pk")
    return chosen.order_by(*order)[:limit]


# The anchor row's id in a compiled keyset read: no row has it.
ANCHOR_STAND_IN = -20_181_499


class KeysetQuery:
    """A keyset list whose reads are compiled once per shape (core.compiled) and run with
    each request's ids: for a list built from ids alone. `build(*values, **options)` gives
    the list's queryset and `load(chosen, *values, **options)`, if given, the rows shown
    (as KeysetPage's `queryset` and `load`); `stand_ins` stand for the values when
    compiling, the anchor row's id beside them, and `options` (a viewer's flags: they shape
    the query) choose a compiled query each. Neither may read anything of the request but
    its values and options: whatever else they used would be compiled into the query and
    served to the next viewer. `KeysetPage(query.of(*values, **options), …)` reads a page
    with it; where it cannot be kept (a stand-in missing from the SQL), each read is built
    afresh, with the same rows."""

    def __init__(self, build: Callable, *stand_ins, load: Callable | None = None) -> None:
        self.build = build
        self.load = load
        self._compiled = Compiled(
            self._query,
            stand_ins_for=lambda *, anchored, **_options: (
                (*stand_ins, ANCHOR_STAND_IN) if anchored else stand_ins
            ),
        )

    def _query(self, *values, anchored: bool, field: str, descending: bool, limit: int, **options):
        anchor_id = values[-1] if anchored else None
        values = values[:-1] if anchored else values
        chosen = keyset_slice(
            self.build(*values, **options), field, anchor_id, descending=descending, limit=limit
        )
        return chosen if self.load is None else self.load(chosen, *values, **options)

    def of(self, *values, **options) -> KeysetRows:
        """This list for these values (and options), for a KeysetPage to read."""
        return KeysetRows(self, values, options)


@dataclass(frozen=True)
class KeysetRows:
    """A KeysetQuery bound to one request's values: what a KeysetPage reads pages of."""

    query: KeysetQuery
    values: tuple
    options: dict[str, Any] = field(default_factory=dict)

    def read(self, field: str, anchor_id: int | None, *, descending: bool, limit: int) -> list:
        anchored = anchor_id is not None
        values = (*self.values, anchor_id) if anchored else self.values
        return self.query._compiled.run(
            *values,
            anchored=anchored,
            field=field,
            descending=descending,
            limit=limit,
            **self.options,
        )


def row_id(value) -> int | None:
    """A query parameter naming a row by its id: the id, or None when it is missing or not
    a plain decimal of a size an id can have (tampered values name nothing)."""
    text = str(value or "")
    if not text.isdecimal() or len(text) > 18:
        return None
    return int(text)
