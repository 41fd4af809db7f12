"""Fast, isolated settings for the suite: the real stack, minus slowness and shared state."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid

from copsite.settings import *  # noqa: F403 -- the test settings are the real ones, adjusted.
from copsite.settings import DATABASES, REDIS_URL

# A test database is thrown away: its commits need not wait for the disk. The suite commits
# often (each process's migrations, transactional tests' flushes, the crawl's demo data),
# and each wait for an fsync is a core left idle.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"]["options"] += " -c synchronous_commit=off"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Rate limits would make repeated sign-ups in tests flaky; production keeps them.
ACCOUNT_RATE_LIMITS = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# `make test` runs the suite in several processes at once (pytest-xdist), and each reads
# these settings for itself: each gets its own media folder, broker folder and queue below,
# named after its worker id (gw0, gw1, …; "main" for a run in one process) so that anything
# left behind says whose it was. pytest-django gives the test databases the same suffix
# (test_copsite_gw0, …).
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


def _scratch_folder(purpose: str) -> str:
    """A fresh temporary folder for this test process alone, removed when the process exits."""
    folder = tempfile.mkdtemp(prefix=f"copsite-{purpose}-{XDIST_WORKER}-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


MEDIA_ROOT = _scratch_folder("media")
# Always the process's own memory, even when REDIS_URL is set (CI): a Redis shared with
# other runs would hand one run's cached dashboard figures to another whose ids coincide.
# tests/conftest.py empties it before every test.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tasks run inline in ordinary tests; the worker tests switch this off and run a real
# worker on the real broker (Redis when REDIS_URL is set, else the filesystem transport).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# A queue of its own per test process, so neither a developer's running worker nor the
# worker another xdist process starts (tests/test_worker.py) ever eats this one's messages.
CELERY_TASK_DEFAULT_QUEUE = f"copsite-test-{XDIST_WORKER}-{uuid.uuid4().hex[:12]}"
if not REDIS_URL:
    _broker = _scratch_folder("broker")
    for _folder in ("processed", "control"):
        os.makedirs(os.path.join(_broker, _folder), exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": _broker,
        "data_folder_out": _broker,
        "processed_folder": os.path.join(_broker, "processed"),
        "control_folder": os.path.join(_broker, "control"),
        "store_processed": False,
    }
