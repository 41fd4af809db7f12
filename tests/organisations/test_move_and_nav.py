"""Moving a community between organisations outside the admin (an admin of both, or staff;
a confirmation says what changes; 404 otherwise), the header's "Organisations" link for
leaders and admins, and "open within the organisation" not offered in the site's own
organisation (issue 19)."""

from __future__ import annotations

import pytest
from django.test import Client

from communities.models import Community, Organisation, OrganisationRole
from communities.organisations import grant, revoke
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def client_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def orgs():
    return (
        Organisation.objects.create(name="Clinics", slug="clinics"),
        Organisation.objects.create(name="Schools", slug="schools"),
    )


def test_an_admin_of_both_sees_what_changes_then_moves_it(orgs):
    clinics, schools = orgs
    community = CommunityFactory(
        organisation=clinics, name="Wound care", visibility=Community.Visibility.ORGANISATION
    )
    MembershipFactory(community=community)
    admin = UserFactory()
    for org in orgs:
        grant(org, admin, OrganisationRole.Role.ADMIN)
    grant(clinics, UserFactory(display_name="Cleo Clinics"), OrganisationRole.Role.LEADER)
    grant(schools, UserFactory(display_name="Sam Schools"), OrganisationRole.Role.LEADER)
    client = client_as(admin)
    url = f"/c/{community.slug}/move/"

    choose = client.get(url)
    nothing = client.post(url, {})
    preview = client.post(url, {"organisation": schools.pk})
    community.refresh_from_db()
    assert community.organisation == clinics  # nothing moves before the confirmation
    moved = client.post(url, {"organisation": schools.pk, "confirm": "yes"})

    community.refresh_from_db()
    text = preview.content.decode()
    assert choose.status_code == 200 and "Schools" in choose.content.decode()
    assert nothing.status_code == 400 and "Choose the organisation" in nothing.content.decode()
    assert "no longer see its dashboard and stories: Cleo Clinics." in text
    assert "Sam Schools" in text
    assert "so from now on to the people of Schools" in text
    assert "Its 1 member will belong to Schools" in text
    assert moved["Location"] == "/o/schools/settings/"
    assert (community.organisation, community.visibility) == (schools, "org")


def test_into_the_sites_own_organisation_open_within_becomes_request(orgs):
    clinics, _ = orgs
    community = CommunityFactory(organisation=clinics, visibility="org")
    staff = UserFactory(is_staff=True)

    response = client_as(staff).post(
        f"/c/{community.slug}/move/",
        {"organisation": Organisation.objects.default().pk, "confirm": "yes"},
    )

    community.refresh_from_db()
    assert response.status_code == 302
    assert (community.organisation.is_default, community.visibility) == (True, "request")


def test_an_admin_of_one_organisation_only_or_a_tampered_target_is_refused(orgs):
    clinics, schools = orgs
    community = CommunityFactory(organisation=clinics)
    admin = UserFactory()
    grant(clinics, admin, OrganisationRole.Role.ADMIN)
    other_admin = UserFactory()
    grant(schools, other_admin, OrganisationRole.Role.ADMIN)
    url = f"/c/{community.slug}/move/"

    assert client_as(admin).get(url).status_code == 404
    assert client_as(other_admin).get(url).status_code == 404
    assert client_as(other_admin).post(url, {"organisation": schools.pk}).status_code == 404
    grant(schools, admin, OrganisationRole.Role.ADMIN)
    tampered = client_as(admin).post(url, {"organisation": "999999", "confirm": "yes"})
    assert tampered.status_code == 400
    community.refresh_from_db()
    assert community.organisation == clinics


def test_the_header_offers_organisations_to_their_admins_and_leaders_only(orgs):
    clinics, _ = orgs
    admin, leader, member = UserFactory(), UserFactory(), UserFactory()
    grant(clinics, admin, OrganisationRole.Role.ADMIN)
    grant(clinics, leader, OrganisationRole.Role.LEADER)

    pages = {
        who: client_as(person).get("/o/")
        for who, person in (("admin", admin), ("leader", leader), ("member", member))
    }
    home = client_as(admin).get("/").content.decode()

    assert 'href="/o/">Organisations</a>' in home
    assert 'href="/o/">' not in client_as(member).get("/").content.decode()
    assert "/o/clinics/settings/" in pages["admin"].content.decode()
    assert "/o/clinics/dashboard/" in pages["leader"].content.decode()
    assert "/o/clinics/settings/" not in pages["leader"].content.decode()
    assert pages["member"].status_code == 404
    revoke(clinics, admin, OrganisationRole.Role.ADMIN)
    admin.refresh_from_db()
    assert not admin.is_organisation_admin


def test_open_within_the_organisation_is_not_offered_in_the_sites_own():
    coordinator = UserFactory()
    community = CommunityFactory(visibility="open")  # in the default organisation
    MembershipFactory(community=community, user=coordinator, role="coordinator")
    client = client_as(coordinator)

    settings_page = client.get(f"/c/{community.slug}/settings/").content.decode()
    new_page = client.get("/communities/new/").content.decode()
    tampered = client.post(
        "/communities/new/",
        {"name": "X", "domain": "d", "visibility": "org", "timezone": "Europe/London"},
    )

    assert 'value="org"' not in settings_page
    assert 'value="org"' not in new_page
    assert tampered.status_code == 200
    assert not Community.objects.filter(name="X").exists()
