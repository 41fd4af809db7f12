from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account import app_settings
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import EmailDelivery, User
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PREFS = {"digest": "weekly", "digest_weekday": 0, "digest_hour": 8}


def signup(client, email="sam@example.org", password1="a-good-long-passphrase", password2=None):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": password1, "password2": password2 or password1},
    )


def test_signup_queues_a_recorded_verification_email(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    delivery = EmailDelivery.objects.get()
    assert (delivery.kind, delivery.to_email, delivery.status) == (
        "account:email_confirmation_signup",
        "sam@example.org",
        "sent",
    )
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_signup_verification_link_logs_the_person_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signup(client)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    page = client.get("/" + path)
    response = client.post("/" + path)

    assert page.status_code == 200
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="sam@example.org").verified is True
    assert client.get(reverse("home")).status_code == 200


def without_tokens(response) -> str:
    """The page as a person reads it: each visitor's CSRF token differs, nothing else may."""
    return re.sub(r"[A-Za-z0-9]{64}", "", response.content.decode())


def test_signup_with_a_taken_address_answers_as_a_new_one_and_tells_its_owner(
    client, user, django_capture_on_commit_callbacks
):
    """Sign-up never reveals who has an account: a taken address gets the same answer as a
    new one, and the address's owner (not the person signing up) is told by email."""
    with django_capture_on_commit_callbacks(execute=True):
        taken = signup(client, email=user.email)
    stranger = Client()
    with django_capture_on_commit_callbacks(execute=True):
        new = stranger.post(
            reverse("account_signup"),
            {"email": "new@example.org", "password1": "a-good-long-passphrase",
             "password2": "a-good-long-passphrase"},
        )  # fmt: skip

    assert (taken.status_code, taken["Location"]) == (new.status_code, new["Location"])
    assert taken["Location"] == reverse("account_email_verification_sent")
    assert without_tokens(client.get(taken["Location"])).replace(user.email, "@") == (
        without_tokens(stranger.get(new["Location"])).replace("new@example.org", "@")
    )
    assert User.objects.filter(email=user.email).count() == 1
    told = next(m for m in mail.outbox if m.to == [user.email])
    assert "already exists" in told.body
    assert "/accounts/password/reset/" in told.body
    # Like every account email, it has an HTML part too (templates/account/email/).
    assert [mime for _, mime in told.alternatives] == ["text/html"]
    assert EmailDelivery.objects.get(to_email=user.email).kind == "account:account_already_exists"


def test_password_reset_for_an_unknown_address_answers_as_for_a_known_one(client, user):
    known = client.post(reverse("account_reset_password"), {"email": user.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert known["Location"] == reverse("account_reset_password_done")


@pytest.mark.parametrize(
    ("email", "password1", "password2", "field"),
    [
        ("not-an-email", "a-good-long-passphrase", None, "email"),
        ("sam@example.org", "123", None, "password1"),
        ("sam@example.org", "password", None, "password1"),
        ("sam@example.org", "a-good-long-passphrase", "a-different-passphrase", "password2"),
    ],
)
def test_signup_bad_input_gives_field_errors_and_keeps_the_email(
    client, email, password1, password2, field
):
    response = signup(client, email=email, password1=password1, password2=password2)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert f'value="{email}"' in response.content.decode()
    assert User.objects.count() == 0


def test_forged_verification_link_is_a_clear_page_not_an_error(client):
    page = client.get("/accounts/confirm-email/forged-key-123/")
    post = client.post("/accounts/confirm-email/forged-key-123/")

    assert page.status_code == 200
    assert "This link has already been used or has expired" in page.content.decode()
    assert post.status_code < 500
    assert not EmailAddress.objects.filter(verified=True).exists()


def test_expired_verification_link_is_a_clear_page_and_verifies_nothing(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signup(client)
    path = re.search(r"/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    days = app_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS

    with time_machine.travel(timezone.now() + timedelta(days=days, hours=1)):
        page = client.get(path)
        post = client.post(path)

    assert page.status_code == 200
    assert "This link has already been used or has expired" in page.content.decode()
    assert post.status_code < 500
    assert EmailAddress.objects.get(email="sam@example.org").verified is False


def test_password_reset_mail_is_queued_and_its_link_sets_a_new_password(
    client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": user.email})

    assert response.status_code == 302
    delivery = EmailDelivery.objects.get()
    assert (delivery.kind, delivery.to_email, delivery.status) == (
        "account:password_reset_key",
        user.email,
        "sent",
    )
    link = re.search(r"/accounts/password/reset/key/\S+/", mail.outbox[0].body).group(0)
    form = client.get(link, follow=True)
    changed = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"password1": "another-long-passphrase", "password2": "another-long-passphrase"},
    )
    assert changed.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-long-passphrase")


def test_change_email_sends_a_queued_verification_to_the_new_address(
    client, user, django_capture_on_commit_callbacks
):
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_email"), {"action_add": "", "email": "new@example.org"}
        )

    assert response.status_code == 302
    [delivery] = EmailDelivery.objects.all()
    assert (delivery.kind, delivery.to_email) == ("account:email_confirmation", "new@example.org")
    assert [m.to for m in mail.outbox] == [["new@example.org"]]
    user.refresh_from_db()
    # The address changes only once the new one is verified.
    assert user.email != "new@example.org"


def test_change_email_to_an_address_someone_else_uses_answers_as_any_other_and_moves_nothing(
    client, user
):
    """Adding an address never reveals that it has an account: the answer is the same as
    for a free address, and the address stays its owner's (allauth will not verify it for
    a second account)."""
    other = UserFactory(email="taken@example.org")
    client.force_login(user)

    taken = client.post(reverse("account_email"), {"action_add": "", "email": other.email})
    free = client.post(reverse("account_email"), {"action_add": "", "email": "free@example.org"})

    assert (taken.status_code, taken["Location"]) == (free.status_code, free["Location"])
    user.refresh_from_db()
    assert user.email != other.email
    assert EmailAddress.objects.get(email=other.email, verified=True).user == other


def test_login_with_email_and_password(client, user):
    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": "a-good-long-passphrase"},
    )

    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_settings_requires_login(client):
    response = client.get(reverse("settings"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_settings_saves_display_name_and_timezone(client, user):
    client.force_login(user)

    response = client.post(
        reverse("settings"), {**PREFS, "display_name": "Sam", "timezone": "Asia/Kolkata"}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.timezone) == ("Sam", "Asia/Kolkata")


def test_settings_unknown_timezone_is_a_field_error_and_keeps_the_name(client, user):
    client.force_login(user)

    response = client.post(
        reverse("settings"), {**PREFS, "display_name": "Sam", "timezone": "Mars/Olympus"}
    )

    assert response.status_code == 200
    assert "timezone" in response.context["form"].errors
    body = response.content.decode()
    assert 'value="Sam"' in body
    # The header still shows the saved name, not the one typed into a refused form.
    assert f"<span>{user.name}</span>" in body and "<span>Sam</span>" not in body
    user.refresh_from_db()
    assert user.timezone == "Europe/London"


def test_htmx_request_with_expired_login_redirects_the_whole_page(client):
    response = client.get(reverse("settings"), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("account_login"))


def test_user_with_a_vanished_timezone_falls_back_to_utc(client):
    person = UserFactory(timezone="Atlantis/Capital")
    client.force_login(person)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert str(person.zoneinfo) == "UTC"


def test_home_lists_my_communities_only(client, user, member_of, community):
    from tests.factories import CommunityFactory

    member_of(community)  # someone else
    mine = CommunityFactory(name="Mapping circle")
    from communities.models import Membership

    Membership.objects.create(community=mine, user=user)
    client.force_login(user)

    response = client.get(reverse("home"))

    panel = response.context["panels"][0]
    assert [m.community.name for m in panel.context["memberships"]] == ["Mapping circle"]


def test_healthz_answers(client):
    assert client.get("/healthz").json() == {"database": "ok", "cache": "ok", "broker": "ok"}


@pytest.mark.parametrize("communities", [1, 12])
def test_settings_page_lists_my_communities_in_a_fixed_number_of_queries(
    client, user, django_assert_num_queries, communities
):
    """The settings page's sections come from other apps' settings_panel()s: my
    communities with their mute switch (communities) and my calendar link (sessions);
    my notification email choices (one query); whether my address is suppressed (one)."""
    for i in range(communities):
        MembershipFactory(user=user, community__name=f"Circle {i:02d}")
    client.force_login(user)

    with django_assert_num_queries(5):
        response = client.get(reverse("settings"))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Mute Circle ") == communities
    assert "Your calendar" in page
