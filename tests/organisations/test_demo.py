"""The demo has the site's own organisation and a second one: the demo leader sees the
first's communities and nothing of the second's."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from communities import demo

pytestmark = pytest.mark.django_db


def test_the_demo_leader_sees_one_organisation_and_not_the_other():
    call_command("seed_demo", force=True)
    call_command("seed_demo", force=True)  # a second run changes nothing
    client = Client()
    client.force_login(User.objects.get(email="leader@example.com"))

    portfolio = client.get("/dashboard/").content.decode()
    other = demo.OTHER_COMMUNITY

    assert "Systems Mapping Practice" in portfolio
    assert other["name"] not in portfolio
    assert client.get(f"/c/{other['slug']}/dashboard/").status_code == 404
    assert client.get(f"/o/{demo.OTHER_ORGANISATION['slug']}/dashboard/").status_code == 404
    rae = Client()
    rae.force_login(User.objects.get(email=demo.OTHER_LEADER[0]))
    assert other["name"] in rae.get("/dashboard/").content.decode()


def test_the_demo_organisation_has_an_admin_and_a_waiting_email_invitation():
    call_command("seed_demo", force=True)
    call_command("seed_demo", force=True)
    rae = Client()
    rae.force_login(User.objects.get(email=demo.OTHER_LEADER[0]))

    page = rae.get(f"/o/{demo.OTHER_ORGANISATION['slug']}/invitations/").content.decode()

    assert demo.OTHER_INVITEE in page
    assert "outstanding" in page
    assert 'href="/o/">Organisations</a>' in rae.get("/").content.decode()
