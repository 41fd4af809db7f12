"""An organisation's settings page (issue 19): its admins (not site staff) manage its
leaders, admins, email domains and who creates communities in it. Bad input keeps what was
typed; a double submit grants once; another organisation's role is a 404."""

from __future__ import annotations

import pytest
from django.test import Client

from communities.models import Organisation, OrganisationDomain, OrganisationRole
from communities.organisations import grant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return Organisation.objects.create(name="Clinics", slug="clinics")


@pytest.fixture
def admin(org):
    person = UserFactory()
    grant(org, person, OrganisationRole.Role.ADMIN)
    return person


def client_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_admin_adds_a_leader_once_and_the_leader_sees_the_portfolio(org, admin):
    client = client_as(admin)
    lee = UserFactory(email="lee@clinics.example.org")

    for _ in range(2):  # a double submit
        response = client.post(
            "/o/clinics/people/add/", {"email": "LEE@clinics.example.org", "role": "leader"}
        )
        assert response.status_code == 302
    lee.refresh_from_db()

    assert OrganisationRole.objects.filter(organisation=org, user=lee).count() == 1
    assert lee.is_leader
    assert client_as(lee).get("/o/clinics/dashboard/").status_code == 200


def test_an_unknown_address_or_role_keeps_what_was_typed(org, admin):
    response = client_as(admin).post(
        "/o/clinics/people/add/", {"email": "nobody@example.org", "role": "emperor"}
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert "nobody@example.org" in html
    assert "Nobody has an account" in html
    assert not OrganisationRole.objects.exclude(user=admin).exists()


def test_domains_are_validated_and_one_organisation_each(org, admin):
    other = Organisation.objects.create(name="Schools", slug="schools")
    OrganisationDomain.objects.create(organisation=other, domain="schools.example.org")
    client = client_as(admin)

    bad = client.post(
        "/o/clinics/settings/",
        {"name": "Clinics", "domains": "not a domain\nschools.example.org"},
    )
    good = client.post(
        "/o/clinics/settings/",
        {"name": "Clinics", "domains": "@Clinics.Example.org\nclinics.example.org\n\n"},
    )

    assert bad.status_code == 200
    assert "is not an email domain" in bad.content.decode()
    assert "belongs to another organisation" in bad.content.decode()
    assert good.status_code == 302
    assert list(org.domains.values_list("domain", flat=True)) == ["clinics.example.org"]


def test_the_last_admin_stays_and_another_organisations_role_is_404(org, admin):
    other = Organisation.objects.create(name="Schools", slug="schools")
    theirs = OrganisationRole.objects.create(organisation=other, user=UserFactory(), role="leader")
    mine = OrganisationRole.objects.get(organisation=org, user=admin)
    client = client_as(admin)

    assert client.post(f"/o/clinics/people/{theirs.pk}/remove/").status_code == 404
    assert client.post(f"/o/clinics/people/{mine.pk}/remove/").status_code == 302
    assert OrganisationRole.objects.filter(pk__in=[theirs.pk, mine.pk]).count() == 2
    assert client.get("/o/schools/settings/").status_code == 404


def test_site_staff_who_are_not_its_admins_get_404(org):
    staff = UserFactory(is_staff=True, is_superuser=True)

    assert client_as(staff).get("/o/clinics/settings/").status_code == 404


@pytest.mark.parametrize("people", [1, 12])
def test_settings_page_query_count_is_bounded(org, admin, django_assert_num_queries, people):
    for _ in range(people):
        grant(org, UserFactory(), OrganisationRole.Role.LEADER)
    client = client_as(admin)

    # session, person, the organisation (the access check), its domains (the form), its
    # leaders and admins, its communities, how many organisations they administer (to
    # offer moving a community), its waiting invitations.
    with django_assert_num_queries(8):
        response = client.get("/o/clinics/settings/")

    assert response.status_code == 200
