"""What operators rely on: /healthz with each service down, request and task ids on every
log line (JSON by a setting), and Sentry only when SENTRY_DSN is set, without PII."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import logging
import os
import secrets
import subprocess
import sys
import threading
import uuid
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from copsite.celery import app
from core.logs import ContextFilter, JsonFormatter, TextFormatter, request_id_var, task_id_var
from tests.quality.test_faults import DEAD_REDIS, broker_down

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
ALL_OK = {"database": "ok", "cache": "ok", "broker": "ok"}


def embedded_default_env(var_dir, **extra) -> dict[str, str]:
    """`make run`'s environment (SQLite and the broker folder under var_dir), plus extra."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "SENTRY_")) and k not in ("REDIS_URL", "DATABASE_URL")
    }
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "copsite.settings",
        "COPSITE_VAR_DIR": str(var_dir),
        **extra,
    }


def run_shell(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- /healthz -------------------------------------------------------------------------------


def test_healthz_answers_ok_for_every_service(client):
    response = client.get("/healthz")

    assert (response.status_code, response.json()) == (200, ALL_OK)


def test_healthz_says_the_cache_is_degraded_and_stays_200_while_it_is_down(client, settings):
    from copsite import settings as production

    settings.CACHES = {"default": {**production.REDIS_CACHE, "LOCATION": DEAD_REDIS}}

    response = client.get("/healthz")

    assert (response.status_code, response.json()) == (200, {**ALL_OK, "cache": "degraded"})


def test_healthz_says_the_broker_is_degraded_and_stays_200_while_it_is_down(client):
    with broker_down():
        response = client.get("/healthz")

    assert (response.status_code, response.json()) == (200, {**ALL_OK, "broker": "degraded"})


@contextlib.contextmanager
def filesystem_broker(folder: Path):
    saved = (app.conf.broker_url, app.conf.broker_transport_options, app._pool)
    app.conf.broker_url = "filesystem://localhost//"
    app.conf.broker_transport_options = {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "control_folder": str(folder / "control"),
    }
    app._pool = None
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.broker_transport_options, app._pool = saved


def test_healthz_checks_the_embedded_defaults_broker_folder(client, tmp_path):
    (tmp_path / "control").mkdir()
    with filesystem_broker(tmp_path):
        usable = client.get("/healthz").json()
    with filesystem_broker(tmp_path / "missing"):
        missing = client.get("/healthz")

    assert usable == ALL_OK
    assert (missing.status_code, missing.json()) == (200, {**ALL_OK, "broker": "degraded"})


def test_healthz_is_503_when_the_database_is_down(tmp_path):
    """A real unreachable database (nothing listens on port 1), in a process of its own; the
    cache and broker are the embedded default's, which work."""
    code = (
        "from django.test import Client; import json; r = Client().get('/healthz'); "
        "print(r.status_code, json.dumps(r.json()))"
    )
    env = embedded_default_env(tmp_path, DATABASE_URL="postgres://copsite@127.0.0.1:1/copsite")

    result = run_shell(code, env)

    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert (status, json.loads(body)) == ("503", {**ALL_OK, "database": "down"}), result.stderr


def test_healthz_answers_a_probe_by_address_over_plain_http_under_production_settings(
    client, settings
):
    """A load balancer or compose asks by the container's address, without HTTPS: neither
    the host check nor the HTTPS redirect stands in its way; other pages keep both."""
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["copsite.example.org"]
    settings.SECURE_SSL_REDIRECT = True

    probes = [client.get(path, HTTP_HOST="10.0.0.7:8000") for path in ("/healthz", "/healthz/")]
    other = client.get("/accounts/login/", HTTP_HOST="10.0.0.7:8000")

    assert [(p.status_code, p.json()) for p in probes] == [(200, ALL_OK)] * 2
    assert other.status_code == 400


# --- Request ids ----------------------------------------------------------------------------


def test_a_well_formed_request_id_from_the_proxy_is_kept(client):
    given = str(uuid.uuid4())

    assert client.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given


@pytest.mark.parametrize("given", ["", "short", "has spaces in it", "x" * 200, "a\u00e9bcdefgh"])
def test_a_missing_or_malformed_request_id_is_replaced_by_a_new_one(client, given):
    headers = {"HTTP_X_REQUEST_ID": given} if given else {}

    first = client.get("/healthz", **headers)["X-Request-ID"]
    second = client.get("/healthz", **headers)["X-Request-ID"]

    assert uuid.UUID(first).version == 4
    assert first != second


class Keep(logging.Handler):
    def __init__(self):
        super().__init__()
        self.addFilter(ContextFilter())
        self.records = []

    def emit(self, record):
        self.records.append(record)


def test_every_line_of_a_request_carries_its_id_even_after_the_middleware(client):
    """Django logs a 404 after the middleware has returned the response: still in the request."""
    keep = Keep()
    logging.getLogger("django.request").addHandler(keep)
    try:
        response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="proxy-id-12345")
    finally:
        logging.getLogger("django.request").removeHandler(keep)

    assert response.status_code == 404
    assert [(r.getMessage(), r.request_id) for r in keep.records] == [
        ("Not Found: /no-such-page/", "proxy-id-12345")
    ]
    assert request_id_var.get() is None


# --- Log format -----------------------------------------------------------------------------


def json_lines(stderr: str) -> list[dict]:
    return [json.loads(line) for line in stderr.splitlines() if line.strip()]


def test_json_logs_are_one_object_per_line_with_the_request_or_task_id(tmp_path):
    """The real settings with DJANGO_LOG_FORMAT=json: a request whose page is missing (Django
    logs the 404, after the middleware has returned), a line in a task, and an error with
    its traceback, each one JSON object on its own line."""
    code = """
import logging
from django.test import Client
from copsite.celery import app

@app.task(name="tests.log_line")
def log_line():
    logging.getLogger("copsite.test").warning("in the task")

response = Client().get("/no-such-page/", HTTP_X_REQUEST_ID="req-from-proxy-1")
log_line.apply(task_id="task-id-1")
try:
    1 / 0
except ZeroDivisionError:
    logging.getLogger("copsite.test").exception("it broke")
"""
    result = run_shell(code, embedded_default_env(tmp_path, DJANGO_LOG_FORMAT="json"))

    assert result.returncode == 0, result.stderr
    lines = json_lines(result.stderr)
    keys = {"timestamp", "level", "logger", "message", "request_id", "task_id"}
    assert all(keys <= set(line) for line in lines), lines
    by_message = {line["message"]: line for line in lines}
    not_found = by_message["Not Found: /no-such-page/"]
    assert (not_found["level"], not_found["logger"]) == ("WARNING", "django.request")
    assert (not_found["request_id"], not_found["task_id"]) == ("req-from-proxy-1", None)
    assert by_message["in the task"]["task_id"] == "task-id-1"
    assert by_message["in the task"]["request_id"] is None
    broke = by_message["it broke"]
    assert broke["level"] == "ERROR"
    assert broke["exc_info"].startswith("Traceback") and "ZeroDivisionError" in broke["exc_info"]
    assert broke["task_id"] is None


def test_text_logs_name_the_request_id_or_a_dash():
    handler_output = io.StringIO()
    handler = logging.StreamHandler(handler_output)
    handler.addFilter(ContextFilter())
    handler.setFormatter(TextFormatter())
    logger = logging.getLogger("copsite.test.text")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        token = request_id_var.set("abc-123-def")
        logger.warning("in a request")
        request_id_var.reset(token)
        token = task_id_var.set("task-9")
        logger.warning("in a task")
        task_id_var.reset(token)
    finally:
        logger.removeHandler(handler)
        logger.propagate = True

    first, second = handler_output.getvalue().splitlines()
    assert "request_id=abc-123-def task_id=- in a request" in first
    assert "request_id=- task_id=task-9 in a task" in second


def test_json_formatter_keeps_a_message_with_newlines_and_quotes_on_one_line():
    record = logging.makeLogRecord(
        {"name": "x", "levelname": "INFO", "msg": 'two\nlines "quoted" %s', "args": ("é",)}
    )
    ContextFilter().filter(record)

    line = JsonFormatter().format(record)

    assert "\n" not in line
    assert json.loads(line)["message"] == 'two\nlines "quoted" é'


# --- Sentry ---------------------------------------------------------------------------------


class Envelopes(BaseHTTPRequestHandler):
    """A stand-in for Sentry's ingest: keeps every envelope posted to it."""

    received: list[bytes]

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        self.server.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Envelopes)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_sentry_is_not_initialised_without_a_dsn(tmp_path):
    code = "import sentry_sdk; print(sentry_sdk.get_client().is_active())"

    result = run_shell(code, embedded_default_env(tmp_path))

    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def test_an_error_in_a_view_reaches_sentry_without_personal_data(tmp_path, sentry_server):
    """A view that fails after something put the person's email and address on the scope,
    asked for with cookies, a forwarded-for address and an email in the query string."""
    email, cookie, address = "sam.secret@example.org", secrets.token_hex(16), "203.0.113.77"
    # The values come from the environment: the script's own lines are in the event's stack.
    code = """
import os
import sentry_sdk
from django.test import Client
from django.urls import clear_url_caches, path
from copsite import urls

email, cookie, address = os.environ["T_EMAIL"], os.environ["T_COOKIE"], os.environ["T_ADDRESS"]

def boom(request):
    sentry_sdk.set_user({"id": "42", "email": email, "ip_address": address})
    raise RuntimeError(f"it broke for {email}")

urls.urlpatterns.append(path("boom", boom))
clear_url_caches()
print(sentry_sdk.get_client().is_active())
client = Client(raise_request_exception=False, HTTP_X_FORWARDED_FOR=address)
client.cookies["remember"] = cookie
print(client.get("/boom", {"email": email}).status_code)
sentry_sdk.flush(10)
"""
    dsn = f"http://publickey@127.0.0.1:{sentry_server.server_port}/1"
    env = embedded_default_env(
        tmp_path, SENTRY_DSN=dsn, T_EMAIL=email, T_COOKIE=cookie, T_ADDRESS=address
    )

    result = run_shell(code, env)

    assert result.stdout.split()[-2:] == ["True", "500"], result.stderr
    sent = b"".join(sentry_server.received).decode()
    assert "RuntimeError" in sent and "it broke for [email]" in sent
    assert email not in sent
    assert cookie not in sent
    assert address not in sent
    events = [
        json.loads(line)
        for line in sent.splitlines()
        if line.startswith("{") and '"exception"' in line
    ]
    assert events and all(event.get("user", {}) in ({}, {"id": "42"}) for event in events)


def test_check_deploy_stays_clean_with_json_logs_and_sentry(tmp_path):
    env = embedded_default_env(
        tmp_path,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="copsite.example.org",
        DJANGO_LOG_FORMAT="json",
        SENTRY_DSN="http://publickey@127.0.0.1:1/1",
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_an_unknown_log_format_fails_loudly(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=embedded_default_env(tmp_path, DJANGO_LOG_FORMAT="xml"),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "DJANGO_LOG_FORMAT must be text or json" in result.stderr


def test_compose_checks_the_web_by_healthz_and_logs_json_with_sentry_optional():
    import yaml

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]

    assert "http://127.0.0.1:8000/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DJANGO_LOG_FORMAT"] == "${DJANGO_LOG_FORMAT:-json}"
        assert env["SENTRY_DSN"] == "${SENTRY_DSN:-}"
