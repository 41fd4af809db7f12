"""The Celery application: configured from Django settings (CELERY_ namespace)."""

from __future__ import annotations

import logging
import os
import time

from celery import Celery
from celery.signals import setup_logging, task_postrun, task_prerun, worker_init

from core.logs import task_id_var

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


@setup_logging.connect
def log_through_django_settings(**kwargs) -> None:
    """The worker and beat log as the web does (settings.LOGGING: every line with its task
    id, JSON with DJANGO_LOG_FORMAT=json) instead of Celery's own format. A receiver here
    is what tells Celery to leave logging alone."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


# Each running task's context-variable token, by task id, to restore after it: an eager
# task run inside a request or another task gives the id back to its caller's lines.
_task_tokens: dict[str, object] = {}


@task_prerun.connect
def task_id_on_log_lines(task_id=None, **kwargs) -> None:
    _task_tokens[task_id] = task_id_var.set(task_id)


@task_postrun.connect
def task_id_off_log_lines(task_id=None, **kwargs) -> None:
    token = _task_tokens.pop(task_id, None)
    try:
        task_id_var.reset(token)
    except (TypeError, ValueError):  # No token, or one from another context: just clear it.
        task_id_var.set(None)
