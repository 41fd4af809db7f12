"""The benchmark harness itself keeps working: a small run writes sane figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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
        assert row.get("custom_queries", 0) <= 35, page
    # The dashboards are timed three ways: computing their figures, from the cache, and
    # computing a custom period's the first time (nothing of it kept: more to count).
    for page in ("community_dashboard", "portfolio"):
        row = figures["pages"][page]
        assert row["cold_ms"] > 0, page
        assert row["queries"] < row["cold_queries"] <= row["custom_queries"], page
        assert row["custom_ms"] > 0, page
    assert figures["digests_10k_s"] > 0
    # Each member's first digest, what the scales compare, timed apart.
    assert figures["digest_first_ms"] > 0
    # The reminder scan says what it had to do, so its cost can be read per session due.
    assert figures["reminder_scan_ms"] > 0
    assert figures["reminder_sessions_due"] >= 0
    assert figures["reminders_recorded"] >= 0


def test_a_quick_run_has_databases_of_its_own():
    """The harness test above runs the quick bench: it must never reseed a developer's
    full-size bench database (`--reuse` keeps those for minutes of seeding)."""
    from tools.bench import bench_purpose

    names = {bench_purpose(m, quick=q) for m in (1, 5) for q in (False, True)}

    assert names == {"bench", "bench5", "bench_quick", "bench5_quick"}


def test_scratch_databases_are_named_after_the_checkouts_own_database():
    from tools.bench import scratch_database_name

    url = "postgres://postgres@127.0.0.1:5432/copsite_wtc"

    assert scratch_database_name(url, "bench") == "copsite_wtc_bench"
    assert scratch_database_name(url, "load") == "copsite_wtc_load"
    assert scratch_database_name("postgres://postgres@127.0.0.1:5432", "bench") == "copsite_bench"


def test_a_larger_scale_spreads_history_as_scale_one_did_with_the_main_community_growing():
    import random

    from tools.bench import Spread

    one = Spread(random.Random(1), list(range(20)), 1)
    five = Spread(random.Random(1), list(range(100)), 5)

    # Scale 1 is the round-robin and the uniform choice it always was.
    assert [one.nth(i) for i in range(40)] == list(range(20)) * 2
    # At 5 the main community keeps its twentieth: five times scale 1's history.
    nth = [five.nth(i) for i in range(5_000)]
    assert nth.count(0) == 250
    assert {nth.count(k) for k in range(1, 100)} <= {47, 48}
    picks = [five.pick() for _ in range(20_000)]
    assert 900 <= picks.count(0) <= 1_100
    assert max(picks.count(k) for k in range(1, 100)) < 300


@pytest.mark.django_db
def test_seeding_at_scale_two_puts_the_communities_in_organisations_the_leader_leads_one():
    import datetime as dt

    from django.utils import timezone

    from communities.checklists import first_steps_cards
    from communities.models import Community, Membership, Organisation
    from reflections.models import Reflection
    from sessions.models import Session
    from tools.bench import scaled, seed

    base = {
        "communities": 3,
        "members": 60,
        "sessions": 30,
        "rsvps": 150,
        "reflections": 300,
        "reviews": 40,
    }

    site = seed(scaled(base, 2), 2)

    organisations = list(Organisation.objects.filter(slug__startswith="organisation-"))
    assert len(organisations) == 2
    for organisation in organisations:
        assert Community.objects.filter(organisation=organisation).count() == 3
    assert list(Organisation.objects.led_by(site["leader"])) == [organisations[0]]
    assert site["community"].organisation == organisations[0]
    # The main community holds a third of the history, as at scale 1: twice as much.
    assert Session.objects.filter(community=site["community"], series=None).count() == 20
    assert 160 <= Reflection.objects.filter(community=site["community"]).count() <= 240
    assert site["reviews"] == 80
    # The timed facilitator has run the main community for a year at every scale, so
    # their home shows the same panels (no "first steps here" card from a recent joining).
    facilitating = Membership.objects.get(community=site["community"], user=site["facilitator"])
    assert facilitating.joined_at.date() == (timezone.now() - dt.timedelta(days=365)).date()
    assert first_steps_cards(site["facilitator"]) == []


def test_scales_compare_each_members_first_digest():
    """At scale 1 the 10,000 digests are five days of 2,000 members, at scale 5 one day of
    10,000: only the first day's are alike (each member's first digest looks back
    further), so the comparison uses those, and an older bench.json the averages."""
    from tools.bench import compare

    base = {"pages": {}, "digest_ms": 2.0, "digest_first_ms": 2.6}
    scaled = {"pages": {}, "multiple": 5, "digest_ms": 2.7, "digest_first_ms": 2.8}
    older = {"pages": {}, "digest_ms": 2.0}

    assert compare(base, scaled)["digest_ms"]["growth"] == round(2.8 / 2.6, 2)
    assert compare(older, scaled)["digest_ms"]["growth"] == round(2.7 / 2.0, 2)
