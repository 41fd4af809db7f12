"""Invitation links: signed (so they cannot be forged), expiring, single-use, and revocable.

The token signs the invitation's id and nonce. Re-sending bumps the nonce, so only the
newest link works; accepting or revoking marks the row, so a used link stops working.
"""

from __future__ import annotations

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Invitation

VALID_FOR = timedelta(days=14)
SESSION_KEY = "copsite_invitation_token"
_signer = signing.Signer(salt="copsite.communities.invitation")


def invitation_token(invitation: Invitation) -> str:
    return _signer.sign(f"{invitation.pk}.{invitation.nonce}")


def invitation_url(invitation: Invitation) -> str:
    path = reverse("communities:invitation", kwargs={"token": invitation_token(invitation)})
    return settings.SITE_URL + path


def invitation_from_token(token: str) -> tuple[Invitation | None, str]:
    """(invitation, "") when the link can be used, else (invitation or None, why not):
    "forged", "expired", "revoked", "used" or "archived" (the community was archived)."""
    try:
        pk, nonce = (int(part) for part in _signer.unsign(token).split("."))
    except (signing.BadSignature, ValueError):
        return None, "forged"
    invitation = Invitation.objects.select_related("community", "invited_by").filter(pk=pk).first()
    if invitation is None or invitation.nonce != nonce:
        # A superseded link (the invitation was re-sent) is as good as revoked.
        return invitation, "revoked" if invitation else "forged"
    if invitation.accepted_at:
        return invitation, "used"
    if invitation.revoked_at:
        return invitation, "revoked"
    if not invitation.is_usable:
        return invitation, "expired"
    if invitation.community.archived:
        return invitation, "archived"
    return invitation, ""


def invitation_vouches_for(request, email: str) -> bool:
    """True when the person signing up followed a still-valid invitation sent to `email`:
    the invitation proves they read that mailbox, so the address counts as verified."""
    token = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not token:
        return False
    invitation, problem = invitation_from_token(token)
    return not problem and invitation.email.lower() == email.lower()


def invitation_address_state(invitation: Invitation, user) -> str:
    """Whether `user` may use `invitation`: "verified" when the address it was sent to is
    one of their verified addresses, "unverified" when they have added it but not yet
    verified it, and "" when it is not theirs. An invitation belongs to its address, so a
    link forwarded (or leaked) to another account is no key to the community."""
    verified = (
        EmailAddress.objects.filter(user=user, email__iexact=invitation.email)
        .values_list("verified", flat=True)
        .order_by("-verified")
        .first()
    )
    if verified is None:
        return ""
    return "verified" if verified else "unverified"
