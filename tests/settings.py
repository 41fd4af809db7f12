"""Fast, isolated settings for the suite: the real stack, minus slowness and shared state."""

import os
import tempfile
import uuid

from copsite.settings import *  # noqa: F403 -- the test settings are the real ones, adjusted.
from copsite.settings import REDIS_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Rate limits would make repeated sign-ups in tests flaky; production keeps them.
ACCOUNT_RATE_LIMITS = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = tempfile.mkdtemp(prefix="copsite-media-")
# Always the process's own memory, even when REDIS_URL is set (CI): a Redis shared with
# other runs would hand one run's cached dashboard figures to another whose ids coincide.
# tests/conftest.py empties it before every test.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tasks run inline in ordinary tests; the worker tests switch this off and run a real
# worker on the real broker (Redis when REDIS_URL is set, else the filesystem transport).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# A queue of its own per run, so a developer's running worker never eats test messages.
CELERY_TASK_DEFAULT_QUEUE = f"copsite-test-{uuid.uuid4().hex[:12]}"
if not REDIS_URL:
    _broker = tempfile.mkdtemp(prefix="copsite-broker-")
    for _folder in ("processed", "control"):
        os.makedirs(os.path.join(_broker, _folder), exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": _broker,
        "data_folder_out": _broker,
        "processed_folder": os.path.join(_broker, "processed"),
        "control_folder": os.path.join(_broker, "control"),
        "store_processed": False,
    }
