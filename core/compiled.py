"""Querysets compiled to SQL once and run again with other values.

Building a queryset and compiling it to SQL is most of a small query's time in Python
(Django keeps no compiled statement: every request builds and compiles its querysets
afresh), and some queries run on every page (the community and the viewer's membership,
`communities.access.community_for`) or are large (search, quiet voices). Django has no
public way to keep a compiled queryset, so this module does it with what Django itself
uses: a queryset built once over stand-in values is compiled, the stand-ins are found
among the SQL's parameters, and each run puts its own values in their places; its rows
become model instances as Django's ModelIterable makes them (the compiler's converters,
`Model.from_db`, the related objects of `select_related`, the annotations).

A stand-in must be a value no real query passes (a negative id, a string of private-use
characters) and of the type the real values have; when a stand-in is not found among the
parameters as given (a backend that rewrote it), there is nothing to keep and the caller
builds its queryset afresh (`Compiled.run` does so by itself). A date or time among the
parameters that is not a stand-in is most likely a clock reading the queryset was built
with (`timezone.now()`): kept, it would stay that instant for ever, so such a queryset is
not kept either. A compiler belongs to its thread's connection, so each thread keeps its
own compiled queries."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators

# At most this many compiled queries per thread and Compiled (search keeps one per viewer).
KEPT_MAX = 512


def stand_in_moment(day: int = 0) -> dt.datetime:
    """A stand-in date and time (UTC) that no real query passes: `day` days after 1 January
    1900, before any date copsite accepts. Stand-ins are matched per Compiled, so one query's
    moments need only differ from each other."""
    return dt.datetime(1900, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=day)


@dataclass(frozen=True)
class CompiledQuery:
    """One queryset's SQL and what turns its rows into what the queryset gives."""

    sql: str
    params: tuple
    # For each parameter, the index of the stand-in it is (in the stand-ins given), or -1.
    places: tuple[int, ...]
    compiler: Any
    using: str
    # Model instances (a queryset's rows), else `values_list()` rows (tuples).
    makes_instances: bool
    # How ModelIterable makes instances of the rows: the model's columns among them, their
    # attribute names, the related objects of `select_related`.
    fields: tuple[int, int] = (0, 0)
    init_list: tuple[str, ...] = ()
    populators: tuple = ()

    @classmethod
    def of(
        cls,
        queryset,
        stand_ins: Sequence,
        *,
        sql_only: bool = False,
        required: Collection[int] | None = None,
    ) -> CompiledQuery | None:
        """`queryset` compiled, or None when a stand-in is missing from its parameters
        (only those at the indexes `required`, when given: values a query may not use), a
        date or time among them is not a stand-in (a clock reading), or the queryset gives
        something else than model instances or `values_list()` tuples (dictionaries, flat
        or named values) — with `sql_only`, whatever it gives: only its `statement` is
        used then."""
        iterable = queryset._iterable_class
        if iterable not in (ModelIterable, ValuesListIterable) and not sql_only:
            return None
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # Matches nothing by construction: Django asks nothing.
            return None
        places = tuple(_place(param, stand_ins) for param in params)
        if not set(range(len(stand_ins)) if required is None else required) <= set(places):
            return None
        if any(at < 0 and _a_time(param) for param, at in zip(params, places, strict=True)):
            return None
        if iterable is not ModelIterable:
            return cls(sql, tuple(params), places, compiler, queryset.db, False)
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return cls(
            sql,
            tuple(params),
            places,
            compiler,
            queryset.db,
            True,
            fields=(start, end),
            init_list=tuple(column[0].target.attname for column in select[start:end]),
            populators=tuple(get_related_populators(klass_info, select, queryset.db)),
        )

    def statement(self, values: Sequence) -> tuple[str, list]:
        """The SQL and its parameters with `values` in the stand-ins' places."""
        places = zip(self.params, self.places, strict=True)
        return self.sql, [values[at] if at >= 0 else param for param, at in places]

    def _fetch(self, values: Sequence) -> list:
        sql, params = self.statement(values)
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def rows(self, values: Sequence) -> list[tuple]:
        """The rows, as a `values_list()` queryset gives them (converted)."""
        return [tuple(row) for row in self.compiler.results_iter([self._fetch(values)])]

    def instances(self, values: Sequence) -> list:
        """The model instances, as Django's ModelIterable makes them from the rows."""
        compiler = self.compiler
        model = compiler.klass_info["model"]
        start, end = self.fields
        init_list = list(self.init_list)
        annotations = compiler.annotation_col_map
        made = []
        for row in compiler.results_iter([self._fetch(values)]):
            item = model.from_db(self.using, init_list, row[start:end])
            for populator in self.populators:
                populator.populate(row, item)
            for name, at in annotations.items():
                setattr(item, name, row[at])
            made.append(item)
        return made


# A date or time as SQLite is sent it (Django adapts them to text there).
_TIME_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2})?")


def _a_time(param) -> bool:
    """A date or time, or its text as SQLite gets it: unless a stand-in, a clock reading."""
    return isinstance(param, dt.date) or (isinstance(param, str) and bool(_TIME_TEXT.match(param)))


def _place(param, stand_ins: Sequence) -> int:
    for at, stand_in in enumerate(stand_ins):
        if type(param) is type(stand_in) and param == stand_in:
            return at
    return -1


class Compiled:
    """A query of a few values, built by `build(*values, **options)`, compiled once per
    thread and set of options (what shapes the query: a limit, a flag) over `stand_ins`,
    and run with the real values.

    >>> by_slug = Compiled(lambda slug: Community.objects.filter(slug=slug)[:1], "\\ue000")
    >>> by_slug.run("riverside")  # [<Community: Riverside>]

    Where the number of values depends on the options (a list of ids, several periods),
    `stand_ins_for(**options)` gives the stand-ins instead of fixed ones, and
    `required_for(**options)` the indexes of those a query must use (every one unless
    given). `sql_only`: the query is only ever read as SQL (`statement`), to be wrapped in
    a statement of its own.
    """

    def __init__(
        self,
        build: Callable[..., Any],
        *stand_ins,
        stand_ins_for: Callable[..., Sequence] | None = None,
        required_for: Callable[..., Collection[int]] | None = None,
        sql_only: bool = False,
    ) -> None:
        self.build = build
        self.stand_ins = stand_ins
        self.stand_ins_for = stand_ins_for
        self.required_for = required_for
        self.sql_only = sql_only
        self._local = threading.local()

    def compiled(self, **options) -> CompiledQuery | None:
        kept = getattr(self._local, "kept", None)
        if kept is None:
            kept = self._local.kept = {}
        key = tuple(sorted(options.items()))
        if key not in kept:
            if len(kept) >= KEPT_MAX:
                kept.clear()
            stand_ins = self.stand_ins_for(**options) if self.stand_ins_for else self.stand_ins
            built = self.build(*stand_ins, **options)
            required = self.required_for(**options) if self.required_for else None
            kept[key] = CompiledQuery.of(
                built, stand_ins, sql_only=self.sql_only, required=required
            )
        return kept[key]

    def statement(self, *values, **options) -> tuple[str, list]:
        """The SQL and parameters of `build(*values, **options)`: compiled once, or built
        and compiled afresh when it cannot be kept. Raises EmptyResultSet as Django's
        compiler does for a query that matches nothing by construction."""
        query = self.compiled(**options)
        if query is None:
            built = self.build(*values, **options)
            return built.query.get_compiler(built.db).as_sql()
        return query.statement(values)

    def run(self, *values, **options) -> list:
        """What `list(build(*values, **options))` gives: model instances or `values_list()`
        tuples as compiled, anything else built afresh."""
        query = self.compiled(**options)
        if query is None:
            return list(self.build(*values, **options))
        return query.instances(values) if query.makes_instances else query.rows(values)
