"""/settings/delete/ and /privacy/: re-authentication first, the two steps, the refusal
for a last coordinator, and a second submit that finds the account already gone."""

from __future__ import annotations

import time

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communities.models import Membership
from reflections.models import Reflection
from tests.factories import (
    PASSWORD,
    CommunityFactory,
    MembershipFactory,
    ReflectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DELETE = "/settings/delete/"


def remember_sign_in(client: Client, user, **record) -> None:
    """What allauth records in the session when `user` signs in (how, and when: now)."""
    session = client.session
    session["account_authentication_methods_user"] = str(user.pk)
    session["account_authentication_methods"] = [{"at": time.time(), **record}]
    session.save()


def recently_signed_in(user) -> Client:
    """A client signed in as `user` who confirmed their password moments ago, so
    re-authentication is not asked for."""
    client = Client()
    client.force_login(user)
    remember_sign_in(client, user, method="password", reauthenticated=True)
    return client


def test_delete_page_without_recent_sign_in_asks_who_you_are(client_as):
    response = client_as("alice").get(DELETE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_delete_page_for_anonymous_goes_to_login(client_as):
    response = client_as("anonymous").get(DELETE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_delete_after_reauthenticating_with_password_opens_the_page(alice, client_as):
    client = client_as("alice")
    reauth = client.get(DELETE)["Location"]

    back = client.post(reauth, {"password": PASSWORD})
    page = client.get(back["Location"])

    assert (back.status_code, back["Location"]) == (302, DELETE)
    assert page.status_code == 200
    assert "What is deleted, always" in page.content.decode()


def _organisation_only_person():
    person = UserFactory()
    person.set_unusable_password()
    person.save()
    SocialAccount.objects.create(user=person, provider="openid_connect", uid="sso-only")
    return person


def test_delete_for_an_organisation_only_person_asks_them_to_sign_in_again(riverside):
    client = Client()
    client.force_login(_organisation_only_person())

    response = client.get(DELETE)

    assert response.status_code == 200
    assert "Confirm it's you" in response.content.decode()
    assert "What is deleted, always" not in response.content.decode()


def test_delete_for_an_organisation_only_person_just_signed_in_opens_the_page(riverside):
    person = _organisation_only_person()
    client = Client()
    client.force_login(person)
    remember_sign_in(client, person, method="socialaccount", provider="openid_connect")

    response = client.get(DELETE)

    assert response.status_code == 200
    assert "What is deleted, always" in response.content.decode()


def test_delete_page_says_what_happens(alice):
    response = recently_signed_in(alice).get(DELETE)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Your private reflections and those you shared with facilitators only." in html
    assert "a former member" in html
    assert 'name="keep_reflections"' in html


def test_delete_choices_then_confirmation_then_gone(alice, riverside):
    ReflectionFactory(author=alice, community=riverside, title="Kept words")
    ReflectionFactory(
        author=alice,
        community=riverside,
        title="Private words",
        visibility=Reflection.Visibility.PRIVATE,
    )
    client = recently_signed_in(alice)
    choices = {
        "keep_reflections": "keep",
        "keep_responses": "delete",
        "keep_work": "delete",
        "keep_actions": "keep",
        "keep_stories": "delete",
    }

    confirm = client.post(DELETE, choices)
    assert confirm.status_code == 200
    assert "Delete my account for good?" in confirm.content.decode()
    assert User.objects.get(pk=alice.pk).is_active is True  # nothing yet

    done = client.post(DELETE, {**choices, "confirm": "on"})

    assert (done.status_code, done["Location"]) == (302, reverse("privacy:deleted"))
    assert list(Reflection.objects.values_list("title", "author__display_name")) == [
        ("Kept words", "a former member")
    ]
    assert User.objects.get(pk=alice.pk).is_active is False
    assert client.get(reverse("privacy:deleted")).status_code == 200  # signed out


def test_delete_submitted_twice_answers_without_error(alice):
    client = recently_signed_in(alice)
    choices = {
        f"keep_{k}": "keep" for k in ("reflections", "responses", "work", "actions", "stories")
    }
    client.post(DELETE, {**choices, "confirm": "on"})

    again = client.post(DELETE, {**choices, "confirm": "on"})

    assert again.status_code == 302


def test_delete_with_tampered_choices_keeps_the_form(alice):
    response = recently_signed_in(alice).post(DELETE, {"keep_reflections": "burn"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert User.objects.get(pk=alice.pk).is_active is True


def test_delete_by_the_last_coordinator_is_refused_with_the_communities(carol, riverside):
    client = recently_signed_in(carol)

    page = client.get(DELETE)
    refused = client.post(
        DELETE,
        {f"keep_{k}": "keep" for k in ("reflections", "responses", "work", "actions", "stories")}
        | {"confirm": "on"},
    )

    assert reverse("communities:members", args=[riverside.slug]) in page.content.decode()
    assert refused.status_code == 200
    assert "cannot be deleted yet" in refused.content.decode()
    assert User.objects.get(pk=carol.pk).is_active is True


@pytest.mark.parametrize("communities", [1, 6])
def test_delete_page_queries_are_bounded(communities, django_assert_num_queries):
    person = UserFactory()
    for _ in range(communities):
        MembershipFactory(
            community=CommunityFactory(), user=person, role=Membership.Role.COORDINATOR
        )
    client = recently_signed_in(person)

    # Session, user, allauth's three two-step checks, the communities to hand over.
    with django_assert_num_queries(6):
        response = client.get(DELETE)

    assert response.status_code == 200
    assert "First, hand over your communities" in response.content.decode()


def test_privacy_page_is_public_and_states_the_retention(client_as, settings):
    settings.COPSITE_RETAIN_EMAIL_DAYS = 90

    response = client_as("anonymous").get("/privacy/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Records of emails we sent are deleted after 90 days" in html
    assert "at least 5 people" in html
    assert 'href="/settings/delete/"' in html


def test_every_page_links_the_privacy_page_in_its_footer(client_as):
    html = client_as("anonymous").get(reverse("account_login")).content.decode()

    assert 'href="/privacy/"' in html


def test_privacy_page_queries(client_as, django_assert_num_queries):
    client = client_as("anonymous")

    with django_assert_num_queries(0):
        response = client.get("/privacy/")

    assert response.status_code == 200
