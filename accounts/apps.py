from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and email"

    def ready(self):
        from core.plugins import register_mfa_role

        # COPSITE_MFA_REQUIRED_FOR's roles this app knows (communities adds coordinators).
        register_mfa_role("staff", lambda user: user.is_staff)
        register_mfa_role("leaders", lambda user: user.is_leader)
