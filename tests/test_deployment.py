"""What production relies on: compose wiring, deploy checks, settings from the environment."""

from __future__ import annotations

import importlib
import os
import secrets
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    full_env.update(DJANGO_SETTINGS_MODULE="copsite.settings", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="copsite.example.org",
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_debug_off_without_a_secret_key_fails_loudly():
    result = run_manage("check", DJANGO_DEBUG="0")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_seed_demo_refuses_with_debug_off_unless_forced():
    result = run_manage("seed_demo", DJANGO_DEBUG="0", DJANGO_SECRET_KEY=secrets.token_urlsafe(50))

    assert result.returncode != 0
    assert "needs --force" in result.stderr


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_production_services_with_health_checks():
    services = compose()["services"]

    assert set(services) == {"postgres", "redis", "migrate", "web", "worker", "beat"}
    for name in ("postgres", "redis", "web", "worker"):
        assert services[name]["healthcheck"]["test"], name
    assert services["beat"]["deploy"]["replicas"] == 1


def test_compose_commands_name_real_modules():
    services = compose()["services"]

    web = services["web"]["command"]
    assert web[0] == "gunicorn"
    module, attribute = web[1].split(":")
    assert hasattr(importlib.import_module(module), attribute)
    for name in ("worker", "beat"):
        command = services[name]["command"]
        assert command[:3] == ["celery", "-A", "copsite"]
        assert command[3] == name
    assert importlib.import_module("copsite.celery").app.main == "copsite"
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]


def test_compose_app_services_wait_for_healthy_dependencies_and_share_env():
    services = compose()["services"]

    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://")
    assert (ROOT / "Dockerfile").exists()


def test_compose_keeps_database_connections_and_checks_each_before_use():
    """Compose's app services keep their connections a minute by default: a request then
    pays no new PostgreSQL backend (README: Performance), and a kept connection that died
    (a restarted database) is noticed before a request uses it."""
    services = compose()["services"]
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["DJANGO_CONN_MAX_AGE"] == "${DJANGO_CONN_MAX_AGE:-60}"

    result = run_manage(
        "shell",
        "--verbosity=0",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default'];"
        " print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])",
        DJANGO_CONN_MAX_AGE="60",
    )

    assert result.stdout.split() == ["60", "True"], result.stderr


def test_the_image_builds_the_translation_catalogs():
    """The .mo files are not kept in git (make install builds them): the image must too,
    after the code is copied in, or every page would be in English."""
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    copy = lines.index("COPY . .")
    compile_step = lines.index("RUN python -m tools.i18n compile")
    assert compile_step > copy


def test_compose_app_services_share_one_media_volume_where_files_are_stored():
    document = compose()
    services = document["services"]

    for name in ("web", "worker", "beat"):
        root = services[name]["environment"]["COPSITE_MEDIA_ROOT"]
        assert f"media:{root}" in services[name]["volumes"], name
    assert "media" in document["volumes"]


def test_a_database_host_that_hangs_fails_after_the_connect_timeout():
    """A host that takes the connection and never answers (a half-dead database server, a
    firewall that drops) fails a request and /healthz after DJANGO_DB_CONNECT_TIMEOUT,
    rather than holding a web worker for as long as TCP waits."""
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        result = run_manage(
            "shell",
            "-c",
            "from django.db import connection; connection.ensure_connection()",
            DATABASE_URL=f"postgres://nobody@127.0.0.1:{port}/nothing",
            DJANGO_DB_CONNECT_TIMEOUT="1",
        )

    assert result.returncode != 0
    assert "timeout" in result.stderr.lower()


def test_postgresql_never_compiles_a_page_query_to_machine_code(db):
    """JIT compiling cost 0.6-1.3 s on a 7 ms list query (its visibility subqueries were
    costed per row above jit_above_cost): copsite's connections turn it off."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_postgresql_prices_an_index_read_as_on_ssd(db):
    """With PostgreSQL's default random_page_cost (4) the planner read every attendance
    record of the site for one community's quiet voices and its dashboard's figures, which
    grew with the site (community home 5.6x the floor at scale 1, 8.8x at scale 5; 7.3x
    with 1.1). copsite's connections use 1.1 unless DJANGO_DB_RANDOM_PAGE_COST says."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert float(cursor.fetchone()[0]) == 1.1
