from django.apps import AppConfig


class SessionsConfig(AppConfig):
    name = "sessions"
    # Relabelled because django.contrib.sessions already owns the label "sessions".
    label = "cop_sessions"
    verbose_name = "Sessions"

    def ready(self):
        from . import engagement  # noqa: F401 -- registers the engagement signals.
