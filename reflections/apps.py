from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReflectionsConfig(AppConfig):
    name = "reflections"

    def ready(self):
        from core.plugins import (
            register_link,
            register_notification_kind,
            register_row_annotation,
            register_text_saved,
        )

        from . import (
            checklists,
            engagement,  # noqa: F401 -- registers the reflections_shared signal.
            search,
        )

        # Sessions invite people to reflect on a session (its page and email) through this.
        register_link("reflect", "reflections:new")
        # Steps of communities' checklists (first steps, setup).
        checklists.register()
        # In-site notifications this app raises. An action due within 48 hours is
        # emailed at once to whoever has not chosen (accounts.notifications.SOON).
        register_notification_kind(
            "action_assigned",
            _("An action given to me"),
            "digest",
            digest_elsewhere=True,  # The digest's "Your open actions" lists it.
            order=40,
        )
        # Responses and mentions are told at once unless the person chooses otherwise; the
        # digest's "Conversations" section carries responses too.
        register_notification_kind(
            "response",
            _("A response to something I wrote, or a reply to mine"),
            "immediately",
            digest_elsewhere=True,
            order=10,
        )
        register_notification_kind("mention", _("Someone mentions me"), "immediately", order=11)
        # A theme gathered from what I wrote, and that theme becoming an action: news for
        # the digest, where "Conversations" sits.
        register_notification_kind(
            "theme",
            _("A theme gathered from what I wrote, or made an action"),
            "digest",
            order=12,
        )
        # What search finds of reflections (core.plugins.register_search).
        search.register()
        # Response counts on the peer-review page's work and the sessions list.
        from .selectors import response_counts_of_sessions, response_counts_of_work

        register_row_annotation("work", response_counts_of_work)
        register_row_annotation("session", response_counts_of_sessions)
        # Replies to peer reviews may @mention people (reviews cannot import us).
        from .mentions import text_saved

        register_text_saved(text_saved)
