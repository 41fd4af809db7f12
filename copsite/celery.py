"""The Celery application: configured from Django settings (CELERY_ namespace)."""

from __future__ import annotations

import logging
import os
import time

from celery import Celery
from celery.signals import worker_init

from .broker import broker_folders_prepare

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copsite.settings")

app = Celery("copsite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)
BROKER_FOLDER_RETRY_SECONDS = 5


@worker_init.connect
def wait_for_the_broker_folder(**kwargs) -> None:
    """The embedded default's worker waits for a broken broker folder to be fixed rather
    than exiting for good; settings have already said what is wrong, in one line."""
    from django.conf import settings

    if not getattr(settings, "BROKER_FOLDER_PROBLEM", None):
        return
    while broker_folders_prepare(settings.BROKER_DIR):
        time.sleep(BROKER_FOLDER_RETRY_SECONDS)
    logger.warning(
        "The task broker's folder %s is usable now; the worker starts.", settings.BROKER_DIR
    )
