from django.apps import AppConfig


class SessionsConfig(AppConfig):
    name = "sessions"
    # Relabelled because django.contrib.sessions already owns the label "sessions".
    label = "cop_sessions"
    verbose_name = "Sessions"

    def ready(self):
        from core.plugins import register_upcoming_sessions

        from . import (
            checklists,
            engagement,  # noqa: F401 -- registers the engagement signals.
            search,
        )
        from .models import Session

        # The directory (communities) shows each community's next session through this.
        register_upcoming_sessions(Session.objects.next_of_outer_community)
        # Steps of communities' checklists (first steps, setup).
        checklists.register()
        # What search finds of sessions (core.plugins.register_search).
        search.register()
