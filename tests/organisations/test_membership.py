"""Belonging to an organisation (issue 19): an admin's role or invitation, a verified email
in its domains, or membership of one of its communities. A coordinator creates a community
in one of theirs (not where only admins create them); people whose verified email is in an
organisation's domains see its communities first in the directory."""

from __future__ import annotations

import pytest
from django.test import Client

from communities.models import Community, Organisation, OrganisationDomain, OrganisationRole
from communities.organisations import grant, may_create_in, organisations_of
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW = {"name": "Wound care", "domain": "Dressings that work.", "visibility": "open"}
NEW |= {"timezone": "Europe/London"}


@pytest.fixture
def clinics():
    org = Organisation.objects.create(name="Clinics", slug="clinics")
    OrganisationDomain.objects.create(organisation=org, domain="clinics.example.org")
    return org


def client_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_three_ways_to_belong(clinics):
    by_email = UserFactory(email="nia@Clinics.example.org")
    by_membership = MembershipFactory(community=CommunityFactory(organisation=clinics)).user
    by_role = UserFactory()
    grant(clinics, by_role, OrganisationRole.Role.MEMBER)
    unverified = UserFactory(email="sam@clinics.example.org", verified=False)
    unverified.emailaddress_set.update(verified=False)

    for person in (by_email, by_membership, by_role):
        assert list(organisations_of(person)) == [clinics]
    assert list(organisations_of(UserFactory())) == []
    assert list(organisations_of(unverified)) == []


def test_a_coordinator_chooses_among_their_organisations(clinics):
    nia = UserFactory(email="nia@clinics.example.org")
    client = client_as(nia)

    page = client.get("/communities/new/").content.decode()
    response = client.post("/communities/new/", {**NEW, "organisation": clinics.pk})
    tampered = client.post(
        "/communities/new/",
        {**NEW, "organisation": Organisation.objects.create(name="X", slug="x").pk},
    )

    assert "Clinics" in page and 'name="organisation"' in page
    assert response.status_code == 302
    assert Community.objects.get(name="Wound care").organisation == clinics
    assert tampered.status_code == 200  # a field error, not a community elsewhere
    assert Community.objects.filter(name="Wound care").count() == 1


def test_with_one_organisation_the_choice_is_made(clinics):
    frank = UserFactory()

    response = client_as(frank).post("/communities/new/", NEW)

    assert response.status_code == 302
    assert Community.objects.get(name="Wound care").organisation.is_default


def test_where_only_admins_create_others_cannot(clinics):
    default = Organisation.objects.default()
    default.admins_only_create = True
    default.save()
    clinics.admins_only_create = True
    clinics.save()
    nia = UserFactory(email="nia@clinics.example.org")

    assert list(may_create_in(nia)) == []
    response = client_as(nia).post("/communities/new/", NEW)
    assert response.status_code == 200
    assert "Only an organisation" in response.content.decode()
    grant(clinics, nia, OrganisationRole.Role.ADMIN)
    assert list(may_create_in(nia)) == [clinics]


def test_the_directory_lists_my_organisations_communities_first(clinics):
    CommunityFactory(name="Aardvarks", slug="aardvarks")
    CommunityFactory(name="Zebra clinic", slug="zebra", organisation=clinics)
    nia = UserFactory(email="nia@clinics.example.org")

    mine = client_as(nia).get("/communities/").content.decode()
    theirs = client_as(UserFactory()).get("/communities/").content.decode()

    assert mine.index("Zebra clinic") < mine.index("Aardvarks")
    assert "your organisation" in mine
    assert theirs.index("Aardvarks") < theirs.index("Zebra clinic")


def test_open_within_the_organisation_is_open_to_its_people_only(clinics):
    CommunityFactory(name="Ward talk", slug="ward-talk", organisation=clinics, visibility="org")
    nia = UserFactory(email="nia@clinics.example.org")
    frank = UserFactory()
    client, outsider = client_as(nia), client_as(frank)

    assert "Ward talk" in client.get("/communities/").content.decode()
    assert "Ward talk" not in outsider.get("/communities/").content.decode()
    assert outsider.get("/c/ward-talk/").status_code == 404
    assert outsider.post("/c/ward-talk/join/").status_code == 404
    assert client.get("/c/ward-talk/").status_code == 200
    assert client.post("/c/ward-talk/join/").status_code == 302
    assert client.post("/c/ward-talk/join/").status_code == 302  # a double submit
    assert Community.objects.get(slug="ward-talk").memberships.active().count() == 1
    assert "Ward talk" in client.get("/communities/").content.decode()
