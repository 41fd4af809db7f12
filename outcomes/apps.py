from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"

    def ready(self):
        from . import engagement  # noqa: F401 -- registers work_shared and reviews_given.
