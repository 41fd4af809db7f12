"""Profile one bench page: `python -m tools.profile PAGE [--repeat N] [--queries]
[--explain] [--cold]`.

Uses the bench database an earlier `python -m tools.bench` seeded at scale 1 (run that
first), requests PAGE as the bench does (the facilitator; the leader for the portfolio),
then prints pyinstrument's call tree over `--repeat` warm requests (`--cold`: each after
removing the dashboard's cached figures); `--queries` prints each SQL statement with its
time, `--explain` PostgreSQL's planning and execution time of each. For finding what
dominates a page before changing it; speed itself is only ever judged by the bench.
"""

import argparse
import time

from tools import bench


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("page")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--queries", action="store_true", help="print each query and its time")
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument(
        "--explain",
        action="store_true",
        help="PostgreSQL: each query's planning and execution time (EXPLAIN ANALYZE)",
    )
    parser.add_argument(
        "--cold", action="store_true", help="dashboards: remove the cached figures before each"
    )
    args = parser.parse_args(argv)
    bench.setup_django(reuse=True, multiple=args.scale)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    call_command("collectstatic", verbosity=0, interactive=False)
    site = bench.seeded_site()
    url = bench.page_urls(site)[args.page]
    client = Client()
    client.force_login(site["leader"] if args.page == "portfolio" else site["facilitator"])
    from impact import snapshot

    key = bench.dashboard_cache_keys(site)[args.page] if args.cold else None

    def request():
        if key:
            snapshot.forget(key)
        return client.get(url)

    for _ in range(3):
        assert request().status_code == 200
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    with profiler:
        for _ in range(args.repeat):
            request()
    each = (time.perf_counter() - started) * 1000 / args.repeat
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    print(f"{url}: {each:.1f} ms a request under the profiler")
    if args.queries:
        with CaptureQueriesContext(connection) as queries:
            request()
        for query in queries.captured_queries:
            print(f"{float(query['time']) * 1000:7.2f} ms  {query['sql'][:300]}")
    if args.explain:
        with CaptureQueriesContext(connection) as queries:
            request()
        print("planning  execution  query")
        for query in queries.captured_queries:
            planning, execution = explain(connection, query["sql"])
            print(f"{planning:8.2f} {execution:10.2f}  {query['sql'][:150]}")


def explain(connection, sql: str) -> tuple[float, float]:
    """A captured query's planning and execution time in ms, from EXPLAIN ANALYZE (the
    statement as it was sent: psycopg shows it with its values in place)."""
    if not sql.lstrip().upper().startswith(("SELECT", "(SELECT", "WITH")):
        return 0.0, 0.0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0][0]
    return plan["Planning Time"], plan["Execution Time"]


if __name__ == "__main__":
    main()
