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
from django.utils.crypto import salted_hmac

from .models import Invitation, InvitationOptOut

VALID_FOR = timedelta(days=14)
SESSION_KEY = "copsite_invitation_token"
_signer = signing.Signer(salt="copsite.communities.invitation")
_opt_out_signer = signing.Signer(salt="copsite.communities.invitation-opt-out")
_HASH_SALT = "copsite.communities.invitation-opt-out.address"


def invitation_token(invitation: Invitation) -> str:
    return _signer.sign(f"{invitation.pk}.{invitation.nonce}")


def invitation_url(invitation: Invitation) -> str:
    path = reverse("communities:invitation", kwargs={"token": invitation_token(invitation)})
    return settings.SITE_URL + path


def invitation_from_token(token: str) -> tuple[Invitation | None, str]:
    """(invitation, "") when the link can be used, else (invitation or None, why not):
    "forged", "expired", "revoked", "used" or "archived" (the community was archived).
    The same for an organisation's invitation (`invitation.organisation`, no community)."""
    try:
        pk, nonce = (int(part) for part in _signer.unsign(token).split("."))
    except (signing.BadSignature, ValueError):
        return None, "forged"
    invitation = (
        Invitation.objects.select_related("community", "organisation", "invited_by")
        .filter(pk=pk)
        .first()
    )
    if invitation is None or invitation.nonce != nonce:
        # A superseded link (the invitation was re-sent) is as good as revoked.
        return invitation, "revoked" if invitation else "forged"
    if invitation.accepted_at:
        return invitation, "used"
    if invitation.revoked_at:
        return invitation, "revoked"
    if not invitation.is_usable:
        return invitation, "expired"
    if invitation.community is not None and invitation.community.archived:
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


# --- "Don't invite me again" -------------------------------------------------------------


def address_hash(email: str, *, secret: str | None = None) -> str:
    """The keyed hash an opted-out address is kept as: HMAC-SHA256 of the address, trimmed
    and lower-cased, under the site's secret key (never the address itself)."""
    return salted_hmac(
        _HASH_SALT, email.strip().lower(), secret=secret, algorithm="sha256"
    ).hexdigest()


def _address_hashes(email: str) -> list[str]:
    """The address's hash under the current secret key and any old ones still accepted
    (SECRET_KEY_FALLBACKS), so rotating the key does not quietly forget anyone's wish."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [address_hash(email, secret=secret) for secret in secrets]


def opted_out(emails: list[str]) -> set[str]:
    """Those of `emails` whose owners asked not to be invited again, trimmed and
    lower-cased (one query)."""
    hashes = {h: email.strip().lower() for email in emails for h in _address_hashes(email)}
    if not hashes:
        return set()
    found = InvitationOptOut.objects.filter(address_hash__in=list(hashes))
    return {hashes[h] for h in found.values_list("address_hash", flat=True)}


def opt_out_token(email: str) -> str:
    """A signed token naming the address's hash: the link carries no address."""
    return _opt_out_signer.sign(address_hash(email))


def hash_from_opt_out_token(token: str) -> str | None:
    try:
        value = _opt_out_signer.unsign(token)
    except signing.BadSignature:
        return None
    return value if len(value) == 64 else None


def opt_out_url(email: str) -> str:
    path = reverse("communities:invitation_opt_out", kwargs={"token": opt_out_token(email)})
    return settings.SITE_URL + path


def opt_out_headers(email: str) -> dict[str, str]:
    """RFC 8058 one-click headers, as every list we send carries (accounts.unsubscribe):
    a mail client's "unsubscribe" on an invitation stops invitations to this address."""
    return {
        "List-Unsubscribe": f"<{opt_out_url(email)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def invitations_listed(invitations) -> list[Invitation]:
    """The sent invitations a page lists (the newest 200), each marked `opted_out` when its
    address has since asked not to be invited, so nobody presses Re-send in vain (one query
    for the whole list)."""
    rows = list(invitations.select_related("invited_by", "accepted_by")[:200])
    unwilling = opted_out([row.email for row in rows if not row.accepted_at])
    for row in rows:
        row.opted_out = row.email.strip().lower() in unwilling
    return rows
