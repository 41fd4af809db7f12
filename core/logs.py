"""Every log line says which request or task wrote it, and can be one JSON object.

The request id (core.middleware.RequestIdMiddleware) and the Celery task id
(copsite/celery.py) live in context variables while their request or task runs;
ContextFilter, on every handler (settings.LOGGING), copies them onto each record, so
Django's, Celery's and our own loggers' lines all carry them. Outside a request or a task
(start-up, the worker waiting for messages) both are "-" in text and null in JSON.

DJANGO_LOG_FORMAT=json gives one JSON object per line (JsonFormatter): timestamp (UTC,
ISO 8601), level, logger, message, request_id, task_id and, for an error, exc_info as
the usual traceback text.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
task_id_var: ContextVar[str | None] = ContextVar("task_id", default=None)

TEXT_FORMAT = (
    "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s task_id=%(task_id)s %(message)s"
)


class ContextFilter(logging.Filter):
    """Puts the current request id and task id on every record (None outside them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.task_id = task_id_var.get()
        return True


class TextFormatter(logging.Formatter):
    """The plain format, with "-" for an id that does not apply."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", TEXT_FORMAT)
        super().__init__(*args, **kwargs)

    def format(self, record: logging.LogRecord) -> str:
        for name in ("request_id", "task_id"):
            if getattr(record, name, None) is None:
                setattr(record, name, "-")
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per record. Written here rather than taken from python-json-logger:
    the fields are fixed and few, and the standard library's json does all the work."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "task_id": getattr(record, "task_id", None),
        }
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc_info"] = record.exc_text
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def logging_config(log_format: str, level: str) -> dict:
    """settings.LOGGING for DJANGO_LOG_FORMAT ("text" or "json") and DJANGO_LOG_LEVEL."""
    formatter = "json" if log_format == "json" else "text"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "core.logs.ContextFilter"}},
        "formatters": {
            "text": {"()": "core.logs.TextFormatter"},
            "json": {"()": "core.logs.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["context"],
                "formatter": formatter,
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # Django's own loggers write through the one handler above too (by default they
        # have handlers of their own, whose lines carry neither id nor JSON).
        "loggers": {
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.server": {"handlers": [], "level": level, "propagate": True},
        },
    }
