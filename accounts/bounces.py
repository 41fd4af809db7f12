"""Addresses that stop receiving: the suppression list and what fills and empties it.

With an email service configured (copsite/email_service.py), its tracking webhook posts to
/anymail/<esp>/tracking/; django-anymail checks the basic-auth secret
(ANYMAIL_WEBHOOK_SECRET), turns the service's own payload into a normalised tracking event
and sends the `anymail.signals.tracking` signal, which `tracking_received` hears. A hard
bounce ("bounced", unless the service says it was soft), a refusal ("rejected") or a spam
complaint ("complained") puts the address on the list; accounts/mail.py sends nothing more
to it. Soft bounces, deliveries, opens and the rest change nothing.

The person sees it on their settings page and asks to confirm the address again
(`email_reconfirm_start`); allauth's confirmation link, once followed, sends
`email_confirmed`, which clears the suppression (`email_confirmed_received`).
"""

from __future__ import annotations

import logging
from email.utils import parseaddr
from functools import cache

from allauth.account.internal.flows.email_verification import (
    send_verification_email_to_address,
)
from allauth.account.models import EmailAddress
from anymail.signals import EventType
from django.conf import settings
from django.core.exceptions import BadRequest, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import Resolver404, resolve

from .models import EmailSuppression, normalized_address

logger = logging.getLogger(__name__)

SUPPRESSING_EVENTS = {
    EventType.BOUNCED: EmailSuppression.Reason.BOUNCED,
    EventType.REJECTED: EmailSuppression.Reason.REJECTED,
    EventType.COMPLAINED: EmailSuppression.Reason.COMPLAINED,
}
# Services whose "bounced" also covers soft bounces (anymail maps most soft bounces to
# "deferred"; these keep them as "bounced" and say "soft" only in their own payload).
SOFT_BOUNCE_EVENTS = {"soft_bounce", "activity.soft_bounced", "soft_bounced"}
SPARKPOST_SOFT_CLASSES = {"20", "21", "22", "23", "24", "70"}
# Refusals about us, not the recipient: a receiving server enforcing our domain's DMARC
# policy (Postmark's "DMARCPolicy") says our SPF/DKIM are wrong, not that the address is.
ABOUT_THE_SENDER = {"DMARCPolicy"}


def is_soft_bounce(esp_event) -> bool:
    """Whether the service's own payload calls this bounce temporary."""
    if not isinstance(esp_event, dict):
        return False
    if esp_event.get("Type") in {"SoftBounce", "Transient", "DnsError"}:  # Postmark
        return True
    kind = esp_event.get("event") or (esp_event.get("data") or {}).get("type")
    if kind in SOFT_BOUNCE_EVENTS:  # Brevo, Mandrill; MailerSend
        return True
    if kind == "bounce" and esp_event.get("hard_bounce") is False:  # Mailjet
        return True
    sparkpost = (esp_event.get("msys") or {}).get("message_event") or {}
    return str(sparkpost.get("bounce_class", "")) in SPARKPOST_SOFT_CLASSES


def recipient_address(recipient) -> str:
    """The bare, lower-cased address of an event's recipient; "" for anything else."""
    address = parseaddr(str(recipient or ""))[1]
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return normalized_address(address)


@transaction.atomic
def email_suppress(
    *,
    address: str,
    reason: str,
    esp_name: str = "",
    event_id: str = "",
    description: str = "",
    occurred_at=None,
) -> tuple[EmailSuppression, bool]:
    """Put `address` on the suppression list. An address already there keeps its first
    record: the same webhook delivered twice (services retry) changes nothing."""
    return EmailSuppression.objects.get_or_create(
        address=normalized_address(address),
        defaults={
            "reason": reason,
            "esp_name": esp_name[:40],
            "event_id": (event_id or "")[:255],
            "description": description,
            "occurred_at": occurred_at,
        },
    )


def email_suppression_clear(*, address: str) -> bool:
    """Take `address` off the suppression list; True when it was on it."""
    deleted, _ = EmailSuppression.objects.for_address(address).delete()
    return bool(deleted)


def tracking_received(sender, event, esp_name: str, **kwargs) -> None:
    """anymail's `tracking` signal: suppress the recipient of a hard bounce, a refusal or
    a complaint."""
    reason = SUPPRESSING_EVENTS.get(event.event_type)
    if reason is None:
        return
    if reason == EmailSuppression.Reason.BOUNCED and is_soft_bounce(event.esp_event):
        return
    if isinstance(event.esp_event, dict) and event.esp_event.get("Type") in ABOUT_THE_SENDER:
        logger.warning("%s: refused by DMARC policy; check SPF and DKIM (README).", esp_name)
        return
    address = recipient_address(event.recipient)
    if not address:
        logger.warning("%s %s event without a usable recipient.", esp_name, event.event_type)
        return
    said = [part for part in (event.description, event.mta_response) if part]
    _, created = email_suppress(
        address=address,
        reason=reason,
        esp_name=esp_name,
        event_id=event.event_id or "",
        description="\n".join(str(part) for part in said),
        occurred_at=event.timestamp,
    )
    if created:
        logger.info("Suppressed %s: %s (%s).", address, reason, esp_name)


def email_confirmed_received(sender, request, email_address, **kwargs) -> None:
    """allauth's `email_confirmed` signal: a confirmed address receives mail again."""
    if email_suppression_clear(address=email_address.email):
        logger.info("Suppression of %s cleared: the address was confirmed.", email_address.pk)


def suppression_of(user) -> EmailSuppression | None:
    """The suppression of `user`'s address, if it is on the list."""
    return EmailSuppression.objects.for_address(user.email).first()


def email_reconfirm_start(*, request, user) -> bool:
    """Send `user` a link to confirm their suppressed address again.

    allauth confirms only an address it holds as unconfirmed, so the address is marked so
    until the link is followed (as after a change of address: the site keeps working for
    the person while they are signed in). True when a link was sent.
    """
    if suppression_of(user) is None:
        return False
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        return False
    if address.verified:
        address.verified = False
        address.save(update_fields=["verified"])
    return send_verification_email_to_address(request, address)


# --- The webhook: anymail's view for the configured service, and no other ---------------


def webhook_configuration_problems() -> list[str]:
    """What keeps the configured service's tracking webhook from recording bounces, for
    `manage.py check` (an ESP's own settings, such as Mailgun's signing key, are otherwise
    only missed when its first webhook arrives)."""
    esp = getattr(settings, "COPSITE_EMAIL_ESP", "")
    if not esp:
        return []
    if not getattr(settings, "ANYMAIL", {}).get("WEBHOOK_SECRET"):
        return [
            f"COPSITE_EMAIL_ESP={esp} but ANYMAIL_WEBHOOK_SECRET is not set: the tracking "
            "webhook is off, so bounces and complaints are not recorded."
        ]
    try:
        match = resolve(f"/{esp}/tracking/", urlconf="anymail.urls")
    except Resolver404:
        return [f"django-anymail has no tracking webhook for {esp}: bounces are not recorded."]
    try:
        match.func.view_class(**match.func.view_initkwargs)
    except Exception as error:  # Whatever the ESP's view finds missing, said as it says it.
        return [f"The {esp} tracking webhook cannot start: {error}"]
    return []


def tracking_webhook_view(esp: str):
    """anymail's tracking webhook view for `esp` when it is the configured email service
    and a webhook secret is set; None otherwise (the address then does not exist: without
    a secret anyone on the web could suppress anyone)."""
    configured = getattr(settings, "COPSITE_EMAIL_ESP", "")
    secret = getattr(settings, "ANYMAIL", {}).get("WEBHOOK_SECRET")
    if not configured or esp != configured or not secret:
        return None
    try:
        match = resolve(f"/{esp}/tracking/", urlconf="anymail.urls")
    except Resolver404:
        return None
    return _refusing_malformed(match.func.view_class).as_view(**match.func.view_initkwargs)


@cache
def _refusing_malformed(view_class):
    """anymail's view, answering 400 to a payload it cannot read. (anymail lets a parsing
    error become a 500, which the service would retry for days.) A wrong secret is already
    a 400: anymail raises SuspiciousOperation."""

    class RefusingMalformed(view_class):
        def parse_events(self, request):
            # Any error a payload can make a parser raise (ValueError, KeyError, TypeError…).
            try:
                return super().parse_events(request)
            except Exception as error:
                logger.warning("%s webhook payload not understood: %r", self.esp_name, error)
                raise BadRequest("Webhook payload not understood.") from error

    RefusingMalformed.__name__ = f"RefusingMalformed{view_class.__name__}"
    return RefusingMalformed
