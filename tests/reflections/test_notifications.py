"""Reflections raise a notification when an action is given to someone (issue 16, item 3):
once per action and owner, never for an action one gives oneself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import EmailDelivery, Notification
from reflections import services

pytestmark = pytest.mark.django_db


def data(owner, **extra):
    return {
        "title": "Bring rough sketches",
        "description": "",
        "owner": owner,
        "due_date": None,
        "loop_level": "",
        "session": None,
        "reflections": [],
        **extra,
    }


def test_an_action_given_to_someone_tells_them_once(cast):
    action = services.action_create(
        community=cast.community, created_by=cast.facilitator, data=data(cast.member)
    )
    services.action_update(action=action, data=data(cast.member), by=cast.facilitator)

    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind) == (cast.member, "action_assigned")
    assert notification.text == "Bob asked you to take on an action: “Bring rough sketches”."
    assert notification.url == action.get_absolute_url()
    assert not EmailDelivery.objects.exists()  # the digest's open actions by default


def test_an_action_one_takes_on_oneself_tells_nobody(cast):
    services.action_create(community=cast.community, created_by=cast.member, data=data(cast.member))

    assert not Notification.objects.exists()


def test_a_new_owner_is_told_and_an_action_due_tomorrow_is_emailed_at_once(cast):
    action = services.action_create(
        community=cast.community, created_by=cast.facilitator, data=data(cast.facilitator)
    )
    tomorrow = timezone.localdate() + timedelta(days=1)

    services.action_update(
        action=action, data=data(cast.author, due_date=tomorrow), by=cast.facilitator
    )

    notification = Notification.objects.get()
    assert notification.recipient == cast.author
    assert notification.text.endswith(f", due {tomorrow.day} {tomorrow:%b}.")
    assert EmailDelivery.objects.get().kind == "accounts:notification"
