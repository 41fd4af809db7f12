from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SessionsConfig(AppConfig):
    name = "sessions"
    # Relabelled because django.contrib.sessions already owns the label "sessions".
    label = "cop_sessions"
    verbose_name = "Sessions"

    def ready(self):
        from communities.signals import community_created
        from core.plugins import (
            register_coming_up,
            register_notification_kind,
            register_upcoming_sessions,
        )

        from . import (
            checklists,
            engagement,  # noqa: F401 -- registers the engagement signals.
            search,
        )
        from .models import Session
        from .services import builtin_templates_on_community_created

        # The directory (communities) shows each community's next session through this.
        register_upcoming_sessions(Session.objects.next_of_outer_community)
        # A check-in to a quiet member (communities) lists what's coming up through this.
        from .selectors import coming_up

        register_coming_up(coming_up)
        # Steps of communities' checklists (first steps, setup).
        checklists.register()
        # A new community starts with the built-in session templates in its library.
        community_created.connect(
            builtin_templates_on_community_created, dispatch_uid="copsite-builtin-templates"
        )
        # In-site notifications this app raises. A cancelled or moved session one
        # RSVP'd to is always emailed at once: the reminders may be turned off, this not.
        locked = _("you answered its RSVP, so you need to know. Turn reminders off above.")
        register_notification_kind(
            "session_cancelled",
            pgettext_lazy("meeting", "A session I RSVP'd to is cancelled"),
            "immediately",
            may_turn_off=False,
            locked_reason=locked,
            order=20,
        )
        register_notification_kind(
            "session_rescheduled",
            pgettext_lazy("meeting", "A session I RSVP'd to moves to a new time"),
            "immediately",
            may_turn_off=False,
            locked_reason=locked,
            order=21,
        )
        register_notification_kind(
            "session_changed",
            pgettext_lazy("meeting", "A session I'm going to changes (agenda, place, details)"),
            "digest",
            order=22,
        )
        register_notification_kind(
            "cofacilitation_invite",
            pgettext_lazy("meeting", "I'm invited to co-facilitate a session"),
            "digest",
            order=23,
        )
        # What search finds of sessions (core.plugins.register_search).
        search.register()
