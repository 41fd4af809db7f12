"""Migration tests' one helper: the migration heads a database had before a given step."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def heads_before(app: str, name: str) -> list[tuple[str, str | None]]:
    """Every app at its newest migration that does not need `app` past `name`; `app` at
    `name`. An app whose migrations all came later (privacy's first one needs the
    organisations) is left unmigrated (None), so the plan back is backwards only."""
    graph = MigrationExecutor(connection).loader.graph
    later = set(graph.backwards_plan((app, name))) - {(app, name)}
    heads = []
    for leaf in graph.leaf_nodes():
        node = leaf
        while node is not None and node in later:
            parents = [p.key for p in graph.node_map[node].parents if p.key[0] == node[0]]
            node = parents[0] if parents else None
        heads.append(node or (leaf[0], None))
    return heads


def nodes(heads: list[tuple[str, str | None]]) -> list[tuple[str, str]]:
    """`heads` without the unmigrated apps: what `loader.project_state` takes."""
    return [head for head in heads if head[1] is not None]
