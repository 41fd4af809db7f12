from __future__ import annotations

import uuid

from allauth.account.adapter import DefaultAccountAdapter
from django.core.mail import EmailMultiAlternatives

from core.plugins import email_vouched_for

from .mail import email_enqueue


class AccountAdapter(DefaultAccountAdapter):
    def is_email_verified(self, request, email):
        """An address something on the site vouches for (a community invitation followed from
        its email: communities registers that in core.plugins) counts as verified."""
        return super().is_email_verified(request, email) or email_vouched_for(request, email)

    def send_mail(self, template_prefix, email, context):
        """Route allauth's email (verification, password reset…) through the same
        recorded, queued-after-commit path as all our email: never SMTP in a request."""
        message = self.render_mail(template_prefix, email, context)
        html = ""
        if isinstance(message, EmailMultiAlternatives):
            html = next((c for c, mime in message.alternatives if mime == "text/html"), "")
        email_enqueue(
            key=f"account:{uuid.uuid4()}",
            kind="account:" + template_prefix.rsplit("/", 1)[-1],
            to_email=email,
            subject=message.subject,
            body_text=message.body,
            body_html=html,
        )
