from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.core import context as allauth_context
from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from core.plugins import email_vouched_for

from . import languages
from .mail import email_enqueue


@dataclass(frozen=True)
class SiteNamed:
    """The site as allauth's templates read it (`current_site.name`, `.domain`), from
    settings: copsite runs without django.contrib.sites, so nothing else names it."""

    name: str
    domain: str


def site_named() -> SiteNamed:
    return SiteNamed(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    def is_email_verified(self, request, email):
        """An address something on the site vouches for (a community invitation followed from
        its email: communities registers that in core.plugins) counts as verified."""
        return super().is_email_verified(request, email) or email_vouched_for(request, email)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Setting up or changing two-step sign-in asks for the password again, unless
        the person signed in moments ago (within ACCOUNT_REAUTHENTICATION_TIMEOUT): someone
        sent to set it up at sign-in is not asked twice in a row."""
        required = super().is_reauthentication_required(app=app, **kwargs)
        request = allauth_context.request
        if not required or app != "allauth.mfa" or request is None:
            return required
        records = get_authentication_records(request, request.user)
        fresh = time.time() - account_settings.REAUTHENTICATION_TIMEOUT
        return not any(record.get("at", 0) > fresh for record in records)

    def save_user(self, request, user, form, commit=True):
        """A new person also keeps what the sign-up form asked besides the address and
        password: their name, and their device's timezone (already checked by the form:
        "" where the browser said nothing usable, and the site's default stays), and the
        language they signed up in (their emails are written in it)."""
        user = super().save_user(request, user, form, commit=False)
        user.language = user.language or languages.of_new_account()
        data = getattr(form, "cleaned_data", {})
        if data.get("display_name"):
            user.display_name = data["display_name"]
        if data.get("timezone"):
            user.timezone = data["timezone"]
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix, email, context):
        """Route allauth's email (verification, password reset…) through the same
        recorded, queued-after-commit path as all our email: never SMTP in a request.

        The templates (templates/account/email/) get the site's name and address from
        settings, and both parts, plain text and HTML, are recorded and sent."""
        context = {
            "request": allauth_context.request,
            "email": email,
            "SITE_URL": settings.SITE_URL,
            **context,
            "current_site": site_named(),
        }
        # A signed-up person's own language; before that, the language of the request
        # they are making (theirs: their browser's or the switcher's).
        user = context.get("user")
        if getattr(user, "language", ""):
            with languages.speaking(user):
                message = self.render_mail(template_prefix, email, context)
        else:
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
