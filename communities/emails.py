"""The communities app's emails in one module: who receives them and the context each
template is given. The services decide when to send; these functions decide what.

- `email_facilitators`: the one loop that emails each facilitator of a community who wants
  its notices (join requests, suggested journey moves).
- `membership_context` (a request to join and its answer), `move_suggestions_context`,
  `invitation_context`: each email's template context."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse

from accounts.mail import email_render_and_enqueue
from accounts.unsubscribe import list_unsubscribe_headers, unsubscribe_url

from .invitations import invitation_url, opt_out_url
from .models import Membership

if TYPE_CHECKING:
    from accounts.models import User

    from .models import Community, Invitation


def facilitators_to_notify(community: Community):
    """The community's active facilitators and coordinators who want its notices (join
    requests, suggested journey moves): one query, users included."""
    return (
        Membership.objects.active()
        .filter(
            community=community,
            role__in=[Membership.Role.FACILITATOR, Membership.Role.COORDINATOR],
            user__notify_facilitation=True,
        )
        .select_related("user")
    )


def facilitation_links(user: User) -> dict[str, str]:
    """The settings and one-click unsubscribe links every facilitation email carries."""
    return {
        "settings_url": settings.SITE_URL + reverse("settings"),
        "unsubscribe_url": unsubscribe_url(user, "facilitation"),
    }


def email_facilitators(
    community: Community, *, kind: str, key: Callable[[User], str], context: dict
) -> int:
    """Email `kind` ("communities:<name>", template communities/email/<name>) to each of the
    community's facilitators who want facilitation emails, each under `key(person)` (so
    exactly once per person), with `context` plus `to` and the facilitation links.
    Returns how many were addressed."""
    app, name = kind.split(":", 1)
    sent = 0
    for facilitator in facilitators_to_notify(community):
        person = facilitator.user
        email_render_and_enqueue(
            key=key(person),
            kind=kind,
            template_prefix=f"{app}/email/{name}",
            context={**context, "to": person, **facilitation_links(person)},
            to_email=person.email,
            recipient=person,
            headers=list_unsubscribe_headers(person, "facilitation"),
        )
        sent += 1
    return sent


def membership_context(membership: Membership) -> dict:
    """A request to join (to the facilitators) and its answer (to the requester)."""
    return {"membership": membership, "community": membership.community}


def move_suggestions_context(community: Community, suggestions: list) -> dict:
    return {"community": community, "suggestions": suggestions}


def invitation_context(invitation: Invitation) -> dict:
    return {
        "invitation": invitation,
        "community": invitation.community,
        "organisation": invitation.organisation,
        "url": invitation_url(invitation),
        "opt_out_url": opt_out_url(invitation.email),
    }


def checkin_context(checkin, by: User) -> dict:
    """A check-in to a quiet member: the community's own words, what's coming up (the
    sessions app's, through core.plugins), and who sent it."""
    from core.plugins import coming_up

    community = checkin.membership.community
    return {
        "community": community,
        "recipient": checkin.membership.user,
        "sender": by,
        "message": community.checkin_message,
        "sessions": [
            (session, settings.SITE_URL + session.get_absolute_url())
            for session in coming_up(community, 3)
        ],
        "community_url": settings.SITE_URL + community.get_absolute_url(),
        "settings_url": settings.SITE_URL + reverse("settings"),
    }
