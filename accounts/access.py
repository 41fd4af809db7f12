"""Object-level rules for what accounts keeps of a person: a notification is its
recipient's alone; anyone else's id, or one that does not exist, is a 404."""

from __future__ import annotations

from django.http import Http404

from .models import Notification


def notification_for(user, pk) -> Notification:
    """`user`'s own notification `pk`, else 404."""
    notification = Notification.objects.filter(recipient=user, pk=pk).first()
    if notification is None:
        raise Http404("No such notification.")
    return notification
