"""`make run PORT=8001` serves on that port, and the embedded broker's URL names a host so
kombu never warns "No hostname was supplied" (the web at every enqueue, worker and beat)."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from kombu import Connection

from copsite.broker import BROKER_URL

ROOT = Path(__file__).resolve().parent.parent


def test_the_filesystem_broker_url_draws_no_hostname_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="kombu"):
        connection = Connection(BROKER_URL)
        connection.info()
        connection.as_uri()
    assert connection.transport_cls == "filesystem"
    assert "No hostname" not in caplog.text


def test_make_run_hands_its_port_to_the_web_process_and_the_links_in_emails():
    makefile = (ROOT / "Makefile").read_text()
    procfile = (ROOT / "Procfile.dev").read_text()
    assert re.search(r"^PORT \?= 8000$", makefile, re.M)
    assert "honcho -f Procfile.dev start --port $(PORT)" in makefile
    assert 'SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}"' in makefile
    assert "runserver 127.0.0.1:${PORT:-8000}" in procfile
