"""Leaders are leaders of an organisation (issue 19): each sees its communities' portfolio,
dashboards, stories and CSVs, and nothing of another organisation's; a person may lead
several. Refusals are 404."""

from __future__ import annotations

import pytest
from django.test import Client

from communities.models import Organisation, OrganisationRole
from communities.organisations import grant, revoke
from impact.models import ImpactStory
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs():
    a = Organisation.objects.create(name="Clinics", slug="clinics")
    b = Organisation.objects.create(name="Schools", slug="schools")
    river = CommunityFactory(name="Riverclinic", slug="riverclinic", organisation=a)
    hill = CommunityFactory(name="Hillschool", slug="hillschool", organisation=b)
    for community in (river, hill):
        ImpactStory.objects.create(
            community=community,
            author=MembershipFactory(community=community).user,
            title=f"Story of {community.name}",
            what_happened="We met.",
            status=ImpactStory.Status.PUBLISHED,
        )
    return a, b, river, hill


def client_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_leader_sees_their_organisation_and_nothing_of_another(orgs):
    a, _b, river, hill = orgs
    client = client_as(UserFactory(leads=[a]))

    portfolio = client.get("/dashboard/").content.decode()
    csv = client.get("/dashboard/?format=csv&chart=portfolio").content.decode()
    stories = client.get("/stories/").content.decode()

    assert "Riverclinic" in portfolio and "Hillschool" not in portfolio
    assert "Riverclinic" in csv and "Hillschool" not in csv
    assert "Story of Riverclinic" in stories and "Story of Hillschool" not in stories
    assert client.get("/c/riverclinic/dashboard/").status_code == 200
    assert client.get("/o/clinics/dashboard/").status_code == 200
    story = ImpactStory.objects.get(community=hill)
    for url in (
        "/c/hillschool/dashboard/",
        "/c/hillschool/dashboard/report/",
        "/c/hillschool/dashboard/?format=csv&chart=loops",
        "/o/schools/dashboard/",
        "/o/schools/dashboard/report/",
        "/o/schools/dashboard/?format=csv&chart=portfolio",
        "/o/nowhere/dashboard/",
        f"/stories/{story.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post("/o/schools/dashboard/refresh/").status_code == 404
    assert river.organisation == a


def test_a_person_may_lead_several_organisations(orgs):
    a, b, _river, _hill = orgs
    client = client_as(UserFactory(leads=[a, b]))

    both = client.get("/dashboard/").content.decode()
    one = client.get("/o/schools/dashboard/").content.decode()

    assert "Riverclinic" in both and "Hillschool" in both
    assert "Hillschool" in one and "Riverclinic" not in one
    assert 'href="/o/clinics/dashboard/' in both  # the picker


def test_an_organisation_admin_who_does_not_lead_sees_no_dashboard(orgs):
    a, _b, _river, _hill = orgs
    admin = UserFactory()
    grant(a, admin, OrganisationRole.Role.ADMIN)
    client = client_as(admin)

    assert client.get("/dashboard/").status_code == 404
    assert client.get("/o/clinics/dashboard/").status_code == 404
    assert client.get("/c/riverclinic/dashboard/").status_code == 404


def test_granting_and_revoking_keeps_the_leader_flag_and_grants_once(orgs):
    a, b, _river, _hill = orgs
    person = UserFactory()

    assert grant(a, person, "leader") is True
    assert grant(a, person, "leader") is False  # a double submit grants once
    grant(b, person, "leader")
    revoke(a, person, "leader")
    person.refresh_from_db()
    assert person.is_leader
    assert OrganisationRole.objects.filter(user=person).count() == 1
    revoke(b, person, "leader")
    person.refresh_from_db()
    assert not person.is_leader
    assert client_as(person).get("/dashboard/").status_code == 404


@pytest.mark.parametrize("communities", [1, 6])
def test_one_organisations_portfolio_query_count_is_independent_of_communities(
    orgs, django_assert_num_queries, communities
):
    a, _b, _river, _hill = orgs
    for _ in range(communities):
        CommunityFactory(organisation=a)
    client = client_as(UserFactory(leads=[a]))
    client.get("/o/clinics/dashboard/")  # figures cached

    # session, person, the organisation (the access check), its communities, the
    # organisations led (the picker), the stories.
    with django_assert_num_queries(6):
        response = client.get("/o/clinics/dashboard/")

    assert response.status_code == 200
