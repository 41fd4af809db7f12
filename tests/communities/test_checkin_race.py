"""A hello sent by several clicks at once (a double submit, two facilitators): one
check-in, one email, no server error. Real parallel requests, so PostgreSQL only."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import EmailDelivery
from communities import services
from communities.models import CheckIn
from tests.factories import CommunityFactory, MembershipFactory
from tests.racing import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_parallel_hellos_make_one_checkin_and_one_email():
    if connection.vendor != "postgresql":
        pytest.skip("parallel writers need PostgreSQL (SQLite serialises every write)")
    community = CommunityFactory()
    facilitators = [
        MembershipFactory(community=community, role="facilitator").user for _ in range(2)
    ]
    quiet = MembershipFactory(community=community, joined_at=timezone.now() - timedelta(days=400))
    services.move_suggestions_refresh(community=community)
    url = f"/c/{community.slug}/journeys/hello/{quiet.pk}/"
    clients = []
    for n in range(6):
        client = Client()
        client.force_login(facilitators[n % 2])
        clients.append(client)
    lock = threading.Lock()
    statuses: list[int] = []

    def work():
        with lock:
            client = clients.pop()
        statuses.append(client.post(url).status_code)

    assert race(work, workers=6) == []
    assert statuses == [302] * 6
    assert CheckIn.objects.filter(membership=quiet).count() == 1
    assert EmailDelivery.objects.filter(kind="communities:checkin").count() == 1
