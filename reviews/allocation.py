"""Who reviews whose work: a pure function, so its promises can be tested as properties.

The promises, in order of priority:

1. nobody reviews their own work, and nobody reviews the same piece twice;
2. every piece gets `per_work` reviewers, or every eligible attendee when fewer exist;
3. the load is spread as evenly as the first two allow (loads differ by at most one
   whenever such a spread exists);
4. where it costs nothing against 1–3, peripheral members' work goes to core and active
   members — legitimate peripheral participation: newcomers' work meets experience.

It is solved exactly as a minimum-cost flow (source → work → reviewer → sink): each extra
review a person takes costs more than the last (so the cheapest flow is the most even
one), and a peripheral author's work costs one unit more when given to a peripheral
reviewer. The balance cost outweighs every preference cost, so 3 always wins over 4.
Sessions are small (tens of attendees), so successive shortest paths are plenty.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

PERIPHERAL = 0


@dataclass(frozen=True)
class Work:
    id: int
    author: int
    author_rank: int  # 0 peripheral, 1 active, 2 core


@dataclass(frozen=True)
class Reviewer:
    id: int
    rank: int
    load: int = 0  # Reviews this person already carries in the round.


def preference_cost(work: Work, reviewer: Reviewer) -> int:
    """0 for a pairing the community prefers, 1 otherwise."""
    if work.author_rank == PERIPHERAL and reviewer.rank == PERIPHERAL:
        return 1
    return 0


class _Graph:
    def __init__(self, size: int):
        self.adjacent: list[list[int]] = [[] for _ in range(size)]
        self.to: list[int] = []
        self.capacity: list[int] = []
        self.cost: list[int] = []

    def add(self, start: int, end: int, capacity: int, cost: int) -> int:
        edge = len(self.to)
        for node, other, cap, price in ((start, end, capacity, cost), (end, start, 0, -cost)):
            self.adjacent[node].append(len(self.to))
            self.to.append(other)
            self.capacity.append(cap)
            self.cost.append(price)
        return edge

    def cheapest_path(self, source: int, sink: int) -> list[int] | None:
        """Bellman-Ford with a queue (costs may be negative on residual edges)."""
        size = len(self.adjacent)
        distance = [None] * size
        via = [-1] * size
        queued = [False] * size
        distance[source] = 0
        queue = deque([source])
        while queue:
            node = queue.popleft()
            queued[node] = False
            for edge in self.adjacent[node]:
                if self.capacity[edge] <= 0:
                    continue
                other = self.to[edge]
                candidate = distance[node] + self.cost[edge]
                if distance[other] is None or candidate < distance[other]:
                    distance[other] = candidate
                    via[other] = edge
                    if not queued[other]:
                        queued[other] = True
                        queue.append(other)
        if distance[sink] is None:
            return None
        path, node = [], sink
        while node != source:
            edge = via[node]
            path.append(edge)
            node = self.to[edge ^ 1]
        return path


def allocate(
    works: list[Work],
    reviewers: list[Reviewer],
    per_work: int,
    *,
    excluded: set[tuple[int, int]] = frozenset(),
) -> list[tuple[int, int]]:
    """Return (work id, reviewer id) pairs. `excluded` holds pairs that must not be made
    (a reviewer who declined that piece, or a pairing that already exists)."""
    if per_work < 1 or not works or not reviewers:
        return []
    eligible = {
        work.id: [
            reviewer
            for reviewer in reviewers
            if reviewer.id != work.author and (work.id, reviewer.id) not in excluded
        ]
        for work in works
    }
    demand = {work.id: min(per_work, len(eligible[work.id])) for work in works}
    total = sum(demand.values())
    if total == 0:
        return []
    balance = total + 1  # One more review for anyone outweighs every preference together.

    source, sink = 0, 1
    work_node = {work.id: 2 + index for index, work in enumerate(works)}
    reviewer_node = {r.id: 2 + len(works) + index for index, r in enumerate(reviewers)}
    graph = _Graph(2 + len(works) + len(reviewers))
    for work in works:
        graph.add(source, work_node[work.id], demand[work.id], 0)
    pair_edges: dict[int, tuple[int, int]] = {}
    for work in works:
        for reviewer in eligible[work.id]:
            edge = graph.add(
                work_node[work.id], reviewer_node[reviewer.id], 1, preference_cost(work, reviewer)
            )
            pair_edges[edge] = (work.id, reviewer.id)
    for reviewer in reviewers:
        # Unit edges of rising cost: the k-th extra review costs (load + k) × balance.
        most = sum(1 for work in works if reviewer in eligible[work.id])
        for extra in range(most):
            graph.add(reviewer_node[reviewer.id], sink, 1, (reviewer.load + extra) * balance)

    for _ in range(total):
        path = graph.cheapest_path(source, sink)
        if path is None:  # Cannot happen: every work's demand fits its eligible reviewers.
            break
        for edge in path:
            graph.capacity[edge] -= 1
            graph.capacity[edge ^ 1] += 1
    return sorted(pair for edge, pair in pair_edges.items() if graph.capacity[edge] == 0)
