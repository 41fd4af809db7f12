from django.apps import AppConfig


class ReflectionsConfig(AppConfig):
    name = "reflections"

    def ready(self):
        from . import engagement  # noqa: F401 -- registers the reflections_shared signal.
