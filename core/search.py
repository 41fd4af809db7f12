"""Full-text search, the parts below every app: the languages a community may search in,
the stored search vector each searchable table keeps on PostgreSQL, and highlighted
snippets made safe to show. The registry of what is searchable is core.plugins
(`register_search`); the search page itself is the search app, above every app.

Why a stored column kept by a trigger, not an expression index: each row is indexed with
its community's text-search configuration (English stems "maps" to "map", French does
not), and an index expression cannot read another table. A column filled by a BEFORE
trigger can, and it stays right whatever writes the row (a form, bulk_create, an
`update()`, the demo seeder). The column is not a model field: it is PostgreSQL's only, so
SQLite, where search falls back to `icontains`, never has it, and no list of reflections
carries a tsvector it never shows. `StoredVector` names it in a query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db.migrations.operations.base import Operation
from django.db.models import BooleanField, Expression, F, Func, Q, Subquery, Value
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

# The languages a community can search in, as PostgreSQL's text-search configurations
# (their names are the stored values). "simple" lower-cases words without stemming: right
# for every language PostgreSQL does not stem.
LANGUAGES = [
    ("english", _("English")),
    ("french", _("French")),
    ("spanish", _("Spanish")),
    ("portuguese", _("Portuguese")),
    ("german", _("German")),
    ("italian", _("Italian")),
    ("dutch", _("Dutch")),
    ("simple", _("Another language (words matched as written)")),
]
DEFAULT_LANGUAGE = "english"
CONFIGS = [name for name, _label in LANGUAGES]


def configs_for(languages) -> list[str]:
    """The configurations to parse a query in, for communities in `languages`: theirs, and
    always "simple" (a word as written, whatever the language of a row out of their
    communities, e.g. a story a leader reads) and the default."""
    return sorted({*languages, "simple", DEFAULT_LANGUAGE} & set(CONFIGS))


COLUMN = "search_vector"
# What a query may hold: longer ones are cut (a person never types 300 characters to find
# something; the cut keeps parsing and ranking cheap).
QUERY_MAX = 300

# ts_headline marks the hits with these; the text around them is escaped before they
# become <mark>, so what a person wrote is never HTML. Private-use characters no keyboard
# types: if someone pastes one, the worst is a stray highlight, still escaped.
START_SEL = "\ue000"
STOP_SEL = "\ue001"
HEADLINE_OPTIONS = {"max_words": 30, "min_words": 12, "max_fragments": 2}


class StoredVector(Expression):
    """The stored `search_vector` column of the queryset's own table (see the module)."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.{COLUMN}", []


class InSubquery(Func):
    """`column IN (subquery)`, written `column = ANY(ARRAY(subquery))` on PostgreSQL.

    The same test; only the plan differs. PostgreSQL runs an `IN (subquery)` beside other
    conditions OR-ed with it as a hashed subplan checked row by row: a search then tests
    every row of the table (50,000 reflections) against the query. `ANY(ARRAY(…))` is
    computed once up front (an InitPlan) and compared through the column's index, so
    `author = me OR community = ANY(my communities)` becomes two index scans OR-ed.
    """

    output_field = BooleanField()
    conditional = True
    arg_joiner = " IN "
    template = "(%(expressions)s)"

    def __init__(self, column: str, subquery, **extra):
        super().__init__(F(column), Subquery(subquery), **extra)

    def as_postgresql(self, compiler, connection, **extra):
        # Subquery's SQL comes in its own parentheses: "= ANY(ARRAY(SELECT …))".
        return self.as_sql(
            compiler, connection, arg_joiner=" = ANY(ARRAY", template="(%(expressions)s))"
        )


class AnyOf(Func):
    """`column = ANY(%s)`: the ids as one array parameter, so the SQL is the same however
    many there are (a compiled query keeps it and is given other ids; search.selectors)."""

    output_field = BooleanField()
    conditional = True
    arg_joiner = " = ANY("
    template = "(%(expressions)s))"

    def __init__(self, column: str, ids, **extra):
        super().__init__(F(column), Value(ids), **extra)


@dataclass(frozen=True)
class Among:
    """The communities a viewer is an active member of (`member`) and those where they
    facilitate or coordinate (`facilitating`), read before a search runs, as ids.

    A visibility rule given them tests `community = ANY(ids)` instead of reading the
    memberships in subqueries: the same rows (the ids come from the same memberships, read
    on the same request), but PostgreSQL sees the ids, estimates how many rows each
    community holds, and walks an index on (community, visibility) for each part of the
    rule, rather than every row of the viewer's communities tested against hashed
    subplans. The search's compiled SQL keeps placeholders and takes each request's ids."""

    member: Any
    facilitating: Any

    def member_q(self, column: str = "community") -> Q:
        return Q(AnyOf(column, self.member))

    def facilitating_q(self, column: str = "community") -> Q:
        return Q(AnyOf(column, self.facilitating))


def search_query(text: str, configs=CONFIGS) -> SearchQuery:
    """`text` as a web-search query ("quoted phrases", or, -not: never a syntax error,
    whatever is typed) in each of `configs` at once (the languages of the communities
    searched). Each row was indexed in its community's language; OR-ing the query's forms
    in each language matches every row with the stems of its own, and keeps the query one
    constant that the GIN index answers."""
    query = None
    for config in configs:
        part = SearchQuery(text, config=config, search_type="websearch")
        query = part if query is None else query | part
    return query


def highlighted(headline: str) -> SafeString:
    """A ts_headline (or fallback) snippet as HTML: the text escaped, the hits in <mark>."""
    html, marking = [], False
    for chunk in headline.replace(STOP_SEL, START_SEL).split(START_SEL):
        text = escape(chunk)
        html.append(f"<mark>{text}</mark>" if marking and text else text)
        marking = not marking
    return mark_safe("".join(html))  # noqa: S308 -- every chunk is escaped above.


def marked_in_python(text: str, needle: str, *, width: int = 200) -> str:
    """The fallback's snippet (SQLite): up to `width` characters around the first hit of
    `needle`, the hits between START_SEL and STOP_SEL, as ts_headline marks them."""
    if not text:
        return ""
    lower, low_needle = text.lower(), needle.lower()
    at = lower.find(low_needle) if low_needle else -1
    start = max(0, at - width // 3) if at > 0 else 0
    window = text[start : start + width]
    if not low_needle:
        return window
    out, i, lower_window = [], 0, window.lower()
    while (found := lower_window.find(low_needle, i)) >= 0:
        out += [window[i:found], START_SEL, window[found : found + len(needle)], STOP_SEL]
        i = found + len(needle)
    out.append(window[i:])
    return ("…" if start else "") + "".join(out)


# --- The migration operation -------------------------------------------------------------


class AddSearchVector(Operation):
    """Give a table its stored search vector on PostgreSQL (on SQLite: nothing).

    `weighted` lists (column, weight) of the row's own text columns, weight "A" (title)
    to "D"; `extra` lists (SQL expression over NEW, weight) for text kept elsewhere (a
    session's agenda). The row's community (its `community_id`) gives the configuration.
    Installs: the column, its GIN index, a BEFORE trigger that fills it, a trigger on the
    community that refreshes its rows when its language changes, and, for each
    `touched_by` (table, foreign-key column), a trigger there that refreshes the row it
    points to. Then fills the column for every existing row."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name, weighted, extra=(), touched_by=()):
        self.model_name = model_name
        self.weighted = list(weighted)
        self.extra = list(extra)
        self.touched_by = list(touched_by)

    def deconstruct(self):
        kwargs = {"model_name": self.model_name, "weighted": self.weighted}
        if self.extra:
            kwargs["extra"] = self.extra
        if self.touched_by:
            kwargs["touched_by"] = self.touched_by
        return (self.__class__.__name__, [], kwargs)

    def state_forwards(self, app_label, state):
        pass  # The column is the database's only (see the module).

    def describe(self):
        return f"Stored search vector for {self.model_name}"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_search_vector"

    def _tables(self, app_label, state):
        model = state.apps.get_model(app_label, self.model_name)
        community = model._meta.get_field("community").related_model
        return model, community._meta.db_table

    def forward_sql(self, model, community_table: str) -> list[str]:
        table = model._meta.db_table
        parts = [
            # A JSON column (a reflection's answers to prompts) gives its string values
            # only, never its keys.
            f"setweight(to_tsvector(cfg, coalesce(NEW.{column}, '{{}}'::jsonb)), '{weight}')"
            if model._meta.get_field(column).get_internal_type() == "JSONField"
            else f"setweight(to_tsvector(cfg, coalesce(NEW.{column}, '')), '{weight}')"
            for column, weight in self.weighted
        ] + [
            f"setweight(to_tsvector(cfg, coalesce(({sql}), '')), '{weight}')"
            for sql, weight in self.extra
        ]
        columns = ", ".join([column for column, _weight in self.weighted] + [COLUMN])
        statements = [
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {COLUMN} tsvector",
            f"CREATE INDEX IF NOT EXISTS {table}_search_idx ON {table} USING gin ({COLUMN})",
            f"""CREATE OR REPLACE FUNCTION {table}_search_fill() RETURNS trigger AS $$
DECLARE cfg regconfig;
BEGIN
  SELECT coalesce(language, 'simple')::regconfig INTO cfg
    FROM {community_table} WHERE id = NEW.community_id;
  NEW.{COLUMN} := {" || ".join(parts)};
  RETURN NEW;
END $$ LANGUAGE plpgsql""",  # noqa: S608 -- names from model metadata, never from input.
            f"""CREATE TRIGGER {table}_search_fill BEFORE INSERT OR UPDATE OF
  {columns}, community_id ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_search_fill()""",
            f"""CREATE OR REPLACE FUNCTION {table}_search_relanguage() RETURNS trigger AS $$
BEGIN
  UPDATE {table} SET {COLUMN} = NULL WHERE community_id = NEW.id;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",  # noqa: S608 -- names from model metadata, never from input.
            f"""CREATE TRIGGER {table}_search_relanguage AFTER UPDATE OF language
  ON {community_table} FOR EACH ROW WHEN (OLD.language IS DISTINCT FROM NEW.language)
  EXECUTE FUNCTION {table}_search_relanguage()""",
        ]
        for other, key in self.touched_by:
            statements += [
                f"""CREATE OR REPLACE FUNCTION {other}_{table}_search_touch() RETURNS trigger
AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE {table} SET {COLUMN} = NULL WHERE id = OLD.{key};
  END IF;
  IF TG_OP <> 'DELETE' THEN
    UPDATE {table} SET {COLUMN} = NULL WHERE id = NEW.{key};
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",  # noqa: S608 -- names from model metadata, never from input.
                f"""CREATE TRIGGER {other}_{table}_search_touch AFTER INSERT OR UPDATE OR DELETE
  ON {other} FOR EACH ROW EXECUTE FUNCTION {other}_{table}_search_touch()""",
            ]
        statements.append(f"UPDATE {table} SET {COLUMN} = NULL")  # noqa: S608 -- names from model metadata, never from input.
        return statements

    def backward_sql(self, model, community_table: str) -> list[str]:
        table = model._meta.db_table
        statements = [
            f"DROP TRIGGER IF EXISTS {other}_{table}_search_touch ON {other}"
            for other, _key in self.touched_by
        ] + [
            f"DROP FUNCTION IF EXISTS {other}_{table}_search_touch()"
            for other, _key in self.touched_by
        ]
        return [
            *statements,
            f"DROP TRIGGER IF EXISTS {table}_search_relanguage ON {community_table}",
            f"DROP FUNCTION IF EXISTS {table}_search_relanguage()",
            f"DROP TRIGGER IF EXISTS {table}_search_fill ON {table}",
            f"DROP FUNCTION IF EXISTS {table}_search_fill()",
            f"ALTER TABLE {table} DROP COLUMN IF EXISTS {COLUMN}",
        ]

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in self.forward_sql(*self._tables(app_label, to_state)):
            schema_editor.execute(statement, params=None)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in self.backward_sql(*self._tables(app_label, from_state)):
            schema_editor.execute(statement, params=None)
