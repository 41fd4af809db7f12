from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "communities"

    def ready(self):
        from allauth.account.signals import user_signed_up

        from core.plugins import register_email_voucher

        from . import checklists
        from .invitations import invitation_vouches_for
        from .signals import accept_invitation_on_signup

        register_email_voucher(invitation_vouches_for)
        # Say hello; what we care about, purpose, invitations (checklists' own steps).
        checklists.register()

        user_signed_up.connect(accept_invitation_on_signup, dispatch_uid="copsite-invitation")
