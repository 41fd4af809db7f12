"""`make test` runs the suite in several processes at once (pytest-xdist): each keeps its own
test database, media folder, broker folder and Celery queue, named after its worker id."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


def test_the_media_folder_and_the_celery_queue_are_this_processs_own():
    assert Path(settings.MEDIA_ROOT).name.startswith(f"copsite-media-{WORKER}-")
    assert settings.CELERY_TASK_DEFAULT_QUEUE.startswith(f"copsite-test-{WORKER}-")


@pytest.mark.skipif(bool(settings.REDIS_URL), reason="the broker is Redis: queues keep apart")
def test_the_filesystem_broker_folder_is_this_processs_own():
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS

    assert Path(options["data_folder_in"]).name.startswith(f"copsite-broker-{WORKER}-")
    assert options["data_folder_out"] == options["data_folder_in"]


@pytest.mark.skipif(WORKER == "main", reason="one process: the one test database")
def test_the_test_database_is_this_processs_own(db):
    if connection.vendor == "sqlite":
        # SQLite's test database lives in this process's memory: no other process sees it.
        assert connection.settings_dict["NAME"].startswith("file:memorydb")
    else:
        assert connection.settings_dict["NAME"].endswith(f"_{WORKER}")
