from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"

    def ready(self):
        from core.plugins import register_notification_kind

        from . import (
            engagement,  # noqa: F401 -- registers work_shared and reviews_given.
            search,
        )

        # In-site notifications this app raises. Review emails were sent at once before
        # notifications had choices, and still are unless a person chooses otherwise; the
        # digest's review sections already list what waits and what came in.
        # "Email me about peer reviews" (a profile setting older than these choices)
        # still stops every review email.
        hint = _("Emailed only while “email me about peer reviews” is ticked above.")
        register_notification_kind(
            "review_waiting",
            _("A peer review waiting for me"),
            "immediately",
            digest_elsewhere=True,
            order=30,
            hint=hint,
        )
        register_notification_kind(
            "review_received",
            _("A review of my work"),
            "immediately",
            digest_elsewhere=True,
            order=31,
            hint=hint,
        )
        register_notification_kind(
            "review_reply", _("A reply to a review I wrote"), "immediately", order=32, hint=hint
        )
        # The round's cadence (reviews.facilitation): reminders and a new due date, to
        # reviewers; the authors still waiting, to facilitators; and a "this helped"
        # from an author, to its reviewer alone.
        register_notification_kind(
            "review_reminder",
            _("A reminder about a peer review I haven't written yet"),
            "immediately",
            order=33,
            hint=hint,
        )
        register_notification_kind(
            "review_helpful",
            _("An author found my review helpful"),
            "immediately",
            order=34,
            hint=hint,
        )
        register_notification_kind(
            "review_round_waiting",
            _("Authors still waiting for reviews in a round I facilitate"),
            "immediately",
            order=35,
            hint=hint,
        )
        # The release step: a facilitator asks for a rephrase before releasing.
        register_notification_kind(
            "review_rephrase",
            _("A facilitator asks me to rephrase a review"),
            "immediately",
            order=36,
            hint=hint,
        )
        # What search finds of shared work (core.plugins.register_search).
        search.register()
