from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and email")

    def ready(self):
        from allauth.account.signals import email_confirmed
        from anymail.signals import tracking

        from core.plugins import register_mfa_role

        from . import bounces

        # The email service's bounces and complaints fill the suppression list; confirming
        # an address again empties it (accounts/bounces.py).
        tracking.connect(bounces.tracking_received, dispatch_uid="accounts.bounces.tracking")
        email_confirmed.connect(
            bounces.email_confirmed_received, dispatch_uid="accounts.bounces.email_confirmed"
        )
        checks.register(check_email_webhook)

        # COPSITE_MFA_REQUIRED_FOR's roles this app knows (communities adds coordinators).
        register_mfa_role("staff", lambda user: user.is_staff)
        register_mfa_role("leaders", lambda user: user.is_leader)


def check_email_webhook(app_configs=None, **kwargs):
    """`manage.py check` says when the email service's bounces would not be recorded."""
    from .bounces import webhook_configuration_problems

    return [
        checks.Warning(problem, id="accounts.W001") for problem in webhook_configuration_problems()
    ]
