from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "communities"

    def ready(self):
        from allauth.account.signals import user_logged_in, user_signed_up

        from core.plugins import (
            register_email_voucher,
            register_mfa_role,
            register_notification_kind,
        )

        from . import (
            checklists,
            mentoring,  # noqa: F401 -- registers its engagement signal.
        )
        from .access import is_coordinator_anywhere
        from .invitations import invitation_vouches_for
        from .signals import accept_invitation_on_signup, accept_organisation_invitation_on_login

        register_email_voucher(invitation_vouches_for)
        # COPSITE_MFA_REQUIRED_FOR="coordinators": whoever coordinates an active community.
        register_mfa_role("coordinators", is_coordinator_anywhere)
        # Say hello; what we care about, purpose, invitations (checklists' own steps).
        checklists.register()
        # In-site notifications this app raises (accounts records them and emails them).
        register_notification_kind(
            "join_decision", _("An answer to my request to join"), "immediately", order=10
        )
        register_notification_kind(
            "journey_celebration",
            _("A step further in on my journey"),
            "digest",
            digest_elsewhere=True,  # The digest's "Celebrations" tells it.
            order=70,
        )

        # Mentoring (opt-in on both sides): told once when paired, and when it ends.
        register_notification_kind(
            "mentoring_paired", _("I'm paired with a mentor or a newcomer"), "immediately", order=72
        )
        register_notification_kind(
            "mentoring_ended", _("My mentoring pairing ends"), "immediately", order=73
        )
        register_notification_kind(
            "milestone_celebration",
            _("A milestone of mine (e.g. a first session with my buddy)"),
            "digest",
            order=71,
        )

        user_signed_up.connect(accept_invitation_on_signup, dispatch_uid="copsite-invitation")
        user_logged_in.connect(
            accept_organisation_invitation_on_login, dispatch_uid="copsite-organisation-invitation"
        )
