from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def model_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {
            "accounts",
            "account",
            "communities",
            "cop_sessions",
            "outcomes",
            "reviews",
            "reflections",
            "impact",
            "privacy",
        }
        and model._meta.label != "accounts.EmailDelivery"
    }


def test_seed_demo_is_idempotent(client):
    call_command("seed_demo", force=True)
    first = model_counts()

    call_command("seed_demo", force=True)

    assert model_counts() == first
    assert first["accounts.User"] >= 5


def test_seed_demo_accounts_log_in_with_the_demo_password(client):
    call_command("seed_demo", force=True)

    for email in (
        "coordinator@example.com",
        "facilitator@example.com",
        "member@example.com",
        "newcomer@example.com",
        "leader@example.com",
    ):
        assert client.login(email=email, password="practice-together"), email


def test_seed_demo_has_members_who_read_french_and_spanish(client):
    from accounts.models import User

    call_command("seed_demo", force=True)

    assert User.objects.get(email="farah@demo.copsite.org").language == "fr"
    assert User.objects.get(email="rosa@demo.copsite.org").language == "es"
    assert User.objects.get(email="member@example.com").language == ""


def test_the_demos_french_and_spanish_readers_get_their_digests_in_their_languages(
    django_capture_on_commit_callbacks, mailoutbox
):
    """What `make run`'s worker writes to var/mail for Farah and Rosa: their digests, built
    and sent through the real path, in French and in Spanish (and Mina's in English)."""
    from django.utils import timezone

    from accounts.digest import digest_send_batch
    from accounts.models import User

    call_command("seed_demo", force=True)
    people = list(
        User.objects.filter(
            email__in=["farah@demo.copsite.org", "rosa@demo.copsite.org", "member@example.com"]
        )
    )

    with django_capture_on_commit_callbacks(execute=True):
        digest_send_batch(people=people, now=timezone.now())

    subjects = {message.to[0]: message.subject for message in mailoutbox}
    assert "communautés" in subjects["farah@demo.copsite.org"]
    assert "comunidades" in subjects["rosa@demo.copsite.org"]
    assert "communities" in subjects["member@example.com"]
