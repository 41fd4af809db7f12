from __future__ import annotations

from django.dispatch import Signal

from .invitations import SESSION_KEY, invitation_from_token

# Sent by services.community_create, inside its transaction, with `community` and
# `creator`: a higher app that gives every new community something of its own (sessions:
# the built-in session templates) connects to it in its AppConfig.ready(), so communities
# never imports it.
community_created = Signal()


def accept_invitation_on_signup(sender, request, user, **kwargs):
    """Someone who signed up through an invitation link lands as a member: the invitation
    they followed is accepted as soon as their account exists (if it was sent to the
    address they signed up with; otherwise they accept it themselves, logged in)."""
    from .services import CommunityError, invitation_accept

    token = request.session.get(SESSION_KEY) if request is not None else None
    if not token:
        return
    invitation, problem = invitation_from_token(token)
    if problem or invitation.email.lower() != user.email.lower():
        return
    try:
        invitation_accept(invitation=invitation, user=user)
    except CommunityError:
        return
    request.session.pop(SESSION_KEY, None)


def accept_organisation_invitation_on_login(sender, request, user, **kwargs):
    """Someone who followed an organisation's invitation and logs in with the address it
    was sent to belongs to the organisation at once (a community's invitation still asks
    them to press Join: joining a community is theirs to decide on its page)."""
    from .invitations import invitation_address_state
    from .services import CommunityError, invitation_accept

    token = request.session.get(SESSION_KEY) if request is not None else None
    if not token:
        return
    invitation, problem = invitation_from_token(token)
    if problem or invitation.organisation_id is None:
        return
    if invitation_address_state(invitation, user) != "verified":
        return
    try:
        invitation_accept(invitation=invitation, user=user)
    except CommunityError:
        return
    request.session.pop(SESSION_KEY, None)
