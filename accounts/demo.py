"""Demo people: ready-made accounts for `make run` (demo only: the password is public)."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from .models import User

DEMO_PASSWORD = "practice-together"  # noqa: S105 -- published in README, demo data only.

DEMO_PEOPLE = [
    ("coordinator@example.com", "Cora Coordinator", "coordinates the main community", False),
    ("facilitator@example.com", "Femi Facilitator", "facilitates the main community", False),
    ("member@example.com", "Mina Member", "an active member", False),
    ("newcomer@example.com", "Noor Newcomer", "just arrived", False),
    ("leader@example.com", "Lee Leader", "sees impact dashboards", True),
]


def seed(people: dict[str, User]) -> None:
    for email, name, _about, is_leader in DEMO_PEOPLE:
        people[email] = demo_user(email, name, is_leader=is_leader)


def demo_user(
    email: str, name: str, *, is_leader: bool = False, tz: str = "", language: str = ""
) -> User:
    """Get or create a demo person with a verified address; changes nothing when present."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, display_name=name, is_leader=is_leader)
        if tz:
            user.timezone = tz
        user.language = language
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user
