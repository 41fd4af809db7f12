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
