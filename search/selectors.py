"""The search itself: one ranked list over every registered kind (core.plugins), each
kind's rows first scoped by its own app to what the viewer may see.

The page is chosen in one query (a UNION ALL of each kind's matches: kind, id, date,
rank), without COUNT: QuickPage fetches one row more than it shows. Only then are the
chosen rows loaded, kind by kind, with their snippets: ts_headline is the costly part, and
it runs for the rows shown, never for every match. Loading goes through the provider's
scoped queryset again, so a row that stopped being visible meanwhile is left out.

On PostgreSQL rows match on their stored search vector (core.search); elsewhere (SQLite,
the embedded default) the search is an honest `icontains` on the same fields: no stems,
no ranking beyond "the title holds it".
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from django.contrib.postgres.search import SearchHeadline, SearchRank, SearchVectorExact
from django.db import connection
from django.db.models import (
    Case,
    F,
    FloatField,
    Func,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.functions import NullIf

from communities.mentions import as_plain_text
from communities.models import Membership
from core.compiled import Compiled, CompiledQuery
from core.plugins import SearchProvider, search_providers
from core.search import (
    CONFIGS,
    HEADLINE_OPTIONS,
    START_SEL,
    STOP_SEL,
    Among,
    AnyOf,
    StoredVector,
    highlighted,
    marked_in_python,
    search_query,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.utils.safestring import SafeString


# The loop level asked for rows whose level is not chosen yet ("Not sure yet"), as the
# reflections filter names it.
NO_LEVEL = "none"


@dataclass(frozen=True)
class Criteria:
    text: str
    community: Any = None
    kind: str = ""
    loop_level: str = ""
    since: date | None = None
    until: date | None = None
    # The text-search configurations to parse `text` in (core.search.configs_for).
    configs: tuple[str, ...] = tuple(CONFIGS)


@dataclass(frozen=True)
class Hit:
    kind: str
    noun: str
    title: SafeString
    snippet: SafeString
    url: str
    community: Any
    when: Any
    loop_level: str = ""


# The viewer's active memberships with their communities, compiled once (core.compiled): a
# stand-in for the viewer's id.
_memberships_of = Compiled(
    lambda user_id: (
        Membership.objects.active()
        .filter(user=user_id)
        .select_related("community")
        .order_by("community__name")
    ),
    -20_181_405,
)


def communities_of(user) -> list:
    """The communities `user` is an active member of, by name: the community filter's
    choices, the languages a query is parsed in and, by `among`, the ids the rules of
    the kinds that take them test (each marked `facilitating`: there they facilitate or
    coordinate)."""
    # One query from the person's active memberships, each with its community: the same
    # rows as filtering communities by membership, without building a subquery per role.
    rank = Membership.ROLE_RANK
    facilitator = rank[Membership.Role.FACILITATOR]
    communities = []
    for membership in _memberships_of.run(user.pk):
        community = membership.community
        community.facilitating = rank[membership.role] >= facilitator
        communities.append(community)
    return communities


def among(communities) -> Among:
    """The viewer's communities (`communities_of`) as the ids a search's rules test."""
    return Among(
        member=[c.pk for c in communities],
        facilitating=[c.pk for c in communities if c.facilitating],
    )


def full_text() -> bool:
    """Whether the database searches by words and stems (PostgreSQL) or by `icontains`."""
    return connection.vendor == "postgresql"


def _narrowed(rows: QuerySet, provider: SearchProvider, criteria: Criteria) -> QuerySet:
    if criteria.community is not None:
        rows = rows.filter(community=criteria.community)
    if criteria.loop_level:
        level = "" if criteria.loop_level == NO_LEVEL else criteria.loop_level
        rows = rows.filter(**{provider.loop_field: level})
    if criteria.since:
        rows = rows.filter(**{f"{provider.date_field}__date__gte": criteria.since})
    if criteria.until:
        rows = rows.filter(**{f"{provider.date_field}__date__lte": criteria.until})
    return rows


def _fallback_condition(provider: SearchProvider, text: str) -> Q:
    condition = Q()
    lookups = (provider.title_field, *provider.text_fields, *provider.fallback_lookups)
    for lookup in filter(None, lookups):
        condition |= Q(**{f"{lookup}__icontains": text})
    return condition


def _fallback_rank(provider: SearchProvider, text: str):
    """SQLite's only ranking: a hit in the title above one in the text."""
    if not provider.title_field:
        return Value(0.5, output_field=FloatField())
    return Case(
        When(**{f"{provider.title_field}__icontains": text}, then=Value(1.0)),
        default=Value(0.5),
        output_field=FloatField(),
    )


class Matches:
    """The compiled union of `matching`, sliced as core.paging.QuickPage slices a queryset:
    `matches[offset:stop]` runs it with LIMIT and OFFSET and gives its rows as dicts."""

    def __init__(self, sql: str, params: tuple):
        self.sql, self.params = sql, params

    def __getitem__(self, window: slice) -> list[dict]:
        start = window.start or 0
        with connection.cursor() as cursor:
            cursor.execute(
                f"{self.sql} LIMIT %s OFFSET %s", [*self.params, window.stop - start, start]
            )
            columns = [column.name for column in cursor.description]
            return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


# Building the union of seven scoped querysets and compiling it is most of a search's
# time in Python (tens of milliseconds; the query itself, a few). The compiled SQL is kept
# per viewer and criteria, the words left as a parameter: it is compiled with SENTINEL as
# the words, and each search puts its words where SENTINEL was. What each provider's
# `visible(user)` returns is a query over the database as it is when it runs (memberships,
# roles, hidden rows are all read then), decided in Python only from the user's own row
# (e.g. whether they are a leader): the key holds that whole row, so any change to it
# compiles afresh. The registry (kinds and providers) is in the key too.
SENTINEL = "\ue000search words\ue001"
# The viewer's communities (core.search.Among) are left as parameters the same way.
AMONG_SENTINEL = Among(member="\ue000member of\ue001", facilitating="\ue000facilitating\ue001")
COMPILED_MAX = 512
_compiled: dict = {}
_compiled_lock = threading.Lock()


def _compiled_key(user, criteria: Criteria):
    row = tuple(getattr(user, field.attname) for field in user._meta.concrete_fields)
    providers = tuple((kind, id(provider)) for kind, provider in search_providers().items())
    community = getattr(criteria.community, "pk", None)
    return repr((row, providers, community, replace(criteria, text="", community=None)))


def matching(user, criteria: Criteria, among: Among | None = None) -> Matches | QuerySet | None:
    """The viewer's matches as rows of (kind, item, when, rank), best first; None when no
    kind can match (e.g. a loop level asked of kinds that have none). On PostgreSQL the
    compiled union (Matches, see `_compiled`); elsewhere the queryset. `among`: the
    viewer's communities, read on this request (`among()`), for the kinds whose rule
    takes them (SearchProvider.visible_among); without, every rule reads memberships."""
    if not full_text():  # SQLite: every rule reads memberships (AnyOf is PostgreSQL's).
        return _matching(user, criteria)
    key = (_compiled_key(user, criteria), among is None)
    compiled = _compiled.get(key)
    if compiled is None:
        sentinel = None if among is None else AMONG_SENTINEL
        rows = _matching(user, replace(criteria, text=SENTINEL), sentinel)
        if rows is None:
            compiled = (None, (), {})
        else:
            sql, params = rows.query.sql_with_params()
            at = _placeholders(params)
            if SENTINEL not in at.values():  # Never a search without its words: compile
                return _matching(user, criteria, among)  # each time.
            compiled = (sql, tuple(params), at)
        with _compiled_lock:
            if len(_compiled) >= COMPILED_MAX:
                _compiled.clear()
            _compiled[key] = compiled
    sql, params, at = compiled
    if sql is None:
        return None
    given = {SENTINEL: criteria.text}
    if among is not None:
        given |= {
            AMONG_SENTINEL.member: list(among.member),
            AMONG_SENTINEL.facilitating: list(among.facilitating),
        }
    return Matches(sql, tuple(given[at[i]] if i in at else p for i, p in enumerate(params)))


def _placeholders(params) -> dict[int, str]:
    """Where the words and the viewer's communities are among a compiled query's params."""
    kept = (SENTINEL, AMONG_SENTINEL.member, AMONG_SENTINEL.facilitating)
    return {i: param for i, param in enumerate(params) if isinstance(param, str) and param in kept}


def _matching(user, criteria: Criteria, among: Among | None = None) -> QuerySet | None:
    query = search_query(criteria.text, criteria.configs) if full_text() else None
    branches = []
    for kind, provider in search_providers().items():
        if criteria.kind and kind != criteria.kind:
            continue
        if criteria.loop_level and provider.loop_field is None:
            continue
        if among is not None and provider.visible_among is not None:
            rows = provider.visible_among(user, among)
        else:
            rows = provider.visible(user)
        rows = _narrowed(rows, provider, criteria)
        if query is not None:
            rows = rows.filter(SearchVectorExact(StoredVector(), query)).annotate(
                rank=SearchRank(StoredVector(), query)
            )
        else:
            # Across a relation (a session's agenda) icontains may meet a row twice: a
            # subquery of ids keeps each once.
            model = rows.model
            ids = model.objects.filter(_fallback_condition(provider, criteria.text))
            rows = rows.filter(pk__in=ids.values("pk")).annotate(
                rank=_fallback_rank(provider, criteria.text)
            )
        branches.append(
            rows.order_by()
            .annotate(kind=Value(kind), item=F("pk"), when=F(provider.date_field))
            .values("kind", "item", "when", "rank")
        )
    if not branches:
        return None
    rows = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    return rows.order_by("-rank", "-when", "kind", "-item")


# A written mention, @[Name](id), as PostgreSQL's regexp_replace reads it: a snippet shows
# "@Name" as communities.mentions.as_plain_text does, never the markup or the person's id.
MENTION_PATTERN = r"@\[([^][]{1,100})\]\([0-9]{1,18}\)"


def _plain(field: str) -> Func:
    return Func(
        F(field),
        Value(MENTION_PATTERN),
        Value("@\\1"),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def _text_of(provider: SearchProvider):
    """The kind's text fields as one text for ts_headline (PostgreSQL only), mentions as
    plain @Name, the empty ones left out so no snippet starts with a row of separators."""
    fields = provider.text_fields
    if not fields:
        return Value("", output_field=TextField())
    if len(fields) == 1:
        return _plain(fields[0])
    return Func(
        Value(" … "),
        *(NullIf(_plain(name), Value("")) for name in fields),
        function="CONCAT_WS",
        output_field=TextField(),
    )


def _shown(user, provider: SearchProvider, criteria: Criteria, ids: Q) -> QuerySet:
    """The kind's rows (`ids`: which) as `user` may see them now, with what a hit shows:
    scoped by the provider again, so a row hidden since the page was chosen is left out."""
    rows = provider.visible(user).filter(ids).select_related("community", *provider.related)
    rows = rows.annotate(
        hit_title=provider.title() if provider.title else F(provider.title_field),
        hit_loop=F(provider.loop_field) if provider.loop_field else Value(""),
    )
    if full_text():
        query = search_query(criteria.text, criteria.configs)
        config = F("community__language")
        marks = {"start_sel": START_SEL, "stop_sel": STOP_SEL, "config": config}
        rows = rows.annotate(
            marked_title=SearchHeadline(F("hit_title"), query, highlight_all=True, **marks),
            marked_text=SearchHeadline(_text_of(provider), query, **marks, **HEADLINE_OPTIONS),
        )
    return rows


# Each page's rows are loaded kind by kind with the same scoped query as `matching`, words
# and ids apart: like the union, it is compiled once per viewer, criteria and kind and kept
# (as `_compiled` explains), the words and the ids left as parameters. A compiled query
# keeps Django's compiler, which knows how to turn its rows into model instances; a
# compiler belongs to its thread's connection, so each thread keeps its own.
IDS_SENTINEL = "\ue000search ids\ue001"
_loaders = threading.local()


def _loader(user, provider: SearchProvider, kind: str, criteria: Criteria) -> CompiledQuery | None:
    """The compiled loading query of `kind` for `user` and `criteria` (None: no words or
    ids found among its parameters, so it cannot be kept; the caller loads afresh). Run
    with (the words, the ids)."""
    kept = getattr(_loaders, "kept", None)
    if kept is None:
        kept = _loaders.kept = {}
    key = (_compiled_key(user, criteria), kind)
    if key in kept:
        return kept[key]
    ids = Q(AnyOf("pk", IDS_SENTINEL))
    rows = _shown(user, provider, replace(criteria, text=SENTINEL), ids)
    loader = CompiledQuery.of(rows, (SENTINEL, IDS_SENTINEL))
    if len(kept) >= COMPILED_MAX:
        kept.clear()
    kept[key] = loader
    return loader


def hits(user, chosen, criteria: Criteria) -> list[Hit]:
    """The chosen (kind, item) rows as Hits, in their order, each with its highlighted
    title and snippet: one query per kind on the page."""
    text = criteria.text
    chosen = list(chosen)
    providers = search_providers()
    loaded: dict[tuple[str, int], Any] = {}
    for kind in dict.fromkeys(row["kind"] for row in chosen):
        provider = providers[kind]
        ids = [row["item"] for row in chosen if row["kind"] == kind]
        loader = _loader(user, provider, kind, criteria) if full_text() else None
        if loader is None:
            rows = _shown(user, provider, criteria, Q(pk__in=ids))
        else:
            rows = loader.instances((criteria.text, ids))
        for row in rows:
            loaded[(kind, row.pk)] = (provider, row)
    result = []
    for row in chosen:
        if (found := loaded.get((row["kind"], row["item"]))) is None:
            continue
        provider, item = found
        result.append(_hit(row["kind"], provider, item, text, row["when"]))
    return result


def _hit(kind: str, provider: SearchProvider, item, text: str, when) -> Hit:
    if hasattr(item, "marked_title"):
        title, snippet = item.marked_title, item.marked_text
    else:
        body = " … ".join(
            filter(None, (as_plain_text(getattr(item, f)) for f in provider.text_fields))
        )
        title = marked_in_python(item.hit_title, text, width=1000)
        snippet = marked_in_python(body, text)
    return Hit(
        kind=kind,
        noun=provider.noun,
        title=highlighted(title),
        snippet=highlighted(snippet or ""),
        url=item.get_absolute_url(),
        community=item.community,
        when=when,
        loop_level=item.hit_loop or "",
    )
