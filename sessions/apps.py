from django.apps import AppConfig


class SessionsConfig(AppConfig):
    name = "sessions"
    # Relabelled because django.contrib.sessions already owns the label "sessions".
    label = "cop_sessions"
    verbose_name = "Sessions"

    def ready(self):
        from communities.signals import community_created
        from core.plugins import register_upcoming_sessions

        from . import (
            checklists,
            engagement,  # noqa: F401 -- registers the engagement signals.
        )
        from .models import Session
        from .services import builtin_templates_on_community_created

        # The directory (communities) shows each community's next session through this.
        register_upcoming_sessions(Session.objects.next_of_outer_community)
        # Steps of communities' checklists (first steps, setup).
        checklists.register()
        # A new community starts with the built-in session templates in its library.
        community_created.connect(
            builtin_templates_on_community_created, dispatch_uid="copsite-builtin-templates"
        )
