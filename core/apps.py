from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from django.core.signals import request_finished

        from .logs import request_id_var

        def request_id_off_log_lines(**kwargs):
            request_id_var.set(None)

        request_finished.connect(request_id_off_log_lines, dispatch_uid="core.request_id")

        # PostgreSQL's functions copsite's SQL uses, on SQLite too (the embedded default).
        from django.db.backends.signals import connection_created

        from .sqlite import add_functions

        connection_created.connect(add_functions, dispatch_uid="core.sqlite_functions")
