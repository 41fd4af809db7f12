from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "communities"

    def ready(self):
        from allauth.account.signals import user_signed_up

        from .signals import accept_invitation_on_signup

        user_signed_up.connect(accept_invitation_on_signup, dispatch_uid="copsite-invitation")
