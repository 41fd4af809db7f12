from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from communities.models import Membership
from reviews import services
from tests.factories import (
    AttendanceFactory,
    MembershipFactory,
    OutcomeFactory,
    SessionFactory,
    UserFactory,
)


@dataclass
class Cast:
    """Riverside with a completed session attended by the author (peripheral) and the
    reviewer (core); alice, a member who did not attend; bob, the facilitator; and people
    from outside: dave, another community's member, and frank, in no community at all."""

    community: object
    session: object
    outcome: object
    author: object
    reviewer: object
    member: object
    facilitator: object
    other: object
    outsider: object
    other_community: object

    def user(self, role: str):
        return None if role == "anonymous" else getattr(self, role)

    def attend(self, user):
        AttendanceFactory(session=self.session, user=user)
        return user

    def join(self, level=Membership.Level.ACTIVE, role=Membership.Role.MEMBER, **fields):
        return MembershipFactory(
            community=self.community, level=level, role=role, user=UserFactory(**fields)
        ).user

    def share(self, author=None, **fields):
        fields.setdefault("title", "Our causal loop map")
        return services.work_share(session=self.session, author=author or self.author, **fields)

    def open_round(self, *, anonymous=False, per_work=1, due_in=7):
        return services.review_round_open(
            session=self.session,
            by=self.facilitator,
            outcomes=[self.outcome],
            reviewers_per_work=per_work,
            anonymous=anonymous,
            due_on=timezone.localdate() + timedelta(days=due_in),
        )


@pytest.fixture
def cast(riverside, hillside, alice, bob, dave, frank):
    """The cast (tests/people.py) around a completed session in Riverside: alice (active)
    as the member who did not attend, bob (core) as the facilitator, dave as the other
    community's member, frank as the outsider; plus an author and a reviewer who attended."""
    Membership.objects.filter(community=riverside, user=alice).update(level="active")
    Membership.objects.filter(community=riverside, user=bob).update(level="core")

    def join(level, **fields):
        user = UserFactory(**fields)
        MembershipFactory(community=riverside, level=level, user=user)
        return user

    session = SessionFactory(
        community=riverside,
        title="Causal loops",
        starts_at=timezone.now() - timedelta(days=2),
        status="completed",
    )
    result = Cast(
        community=riverside,
        session=session,
        outcome=OutcomeFactory(
            community=riverside,
            statement="map complex systems more confidently",
            review_prompts=["Are the loops clear?", "What is missing?"],
        ),
        author=join("peripheral", display_name="Ada Author"),
        reviewer=join("core", display_name="Rosa Reviewer"),
        member=alice,
        facilitator=bob,
        other=dave,
        outsider=frank,
        other_community=hillside,
    )
    result.attend(result.author)
    result.attend(result.reviewer)
    return result


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            # A fixed date, not now: the bytes are test parameters, and each pytest-xdist
            # process collects them for itself; two collections a second apart must agree.
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), content)
    return buffer.getvalue()


def office_bytes(main_part: str, *, extra: dict[str, bytes] | None = None) -> bytes:
    return zip_bytes(
        {"[Content_Types].xml": b"<Types/>", main_part: b"<document/>", **(extra or {})}
    )


@pytest.fixture
def docx_bytes() -> bytes:
    return office_bytes("word/document.xml")
