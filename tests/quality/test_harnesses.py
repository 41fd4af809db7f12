"""The benchmark harness itself keeps working: a small run writes sane figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_benchmark_runs_and_every_page_stays_within_the_query_budget(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["COPSITE_VAR_DIR"] = str(tmp_path)

    result = subprocess.run(
        [sys.executable, "-m", "tools.bench", "--quick"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads((tmp_path / "bench.json").read_text())
    assert set(figures["pages"]) >= {"home", "sessions", "reflections", "outcomes", "reviews"}
    assert figures["scale"]["reviews"] == 500  # a twentieth of the 10,000 peer reviews
    for page, row in figures["pages"].items():
        assert 0 < row["queries"] <= 25, page
        # Computing a community's figures afresh is 28 queries (the second edition's
        # figures: peer review as a practice, every voice, the pulse, mentoring; the
        # contributions one query), each one grouped query whatever the size.
        assert row.get("cold_queries", 0) <= 35, page
    # The dashboards are timed both ways: computing their figures, and from the cache.
    for page in ("community_dashboard", "portfolio"):
        row = figures["pages"][page]
        assert row["cold_ms"] > 0, page
        assert row["queries"] < row["cold_queries"], page
    assert figures["digests_10k_s"] > 0


def test_scratch_databases_are_named_after_the_checkouts_own_database():
    from tools.bench import scratch_database_name

    url = "postgres://postgres@127.0.0.1:5432/copsite_wtc"

    assert scratch_database_name(url, "bench") == "copsite_wtc_bench"
    assert scratch_database_name(url, "load") == "copsite_wtc_load"
    assert scratch_database_name("postgres://postgres@127.0.0.1:5432", "bench") == "copsite_bench"
