"""The daily retention task (privacy.retention): email records, left members' words, exports."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import EmailDelivery
from communities.models import JourneyStep, Membership
from communities.services import membership_leave
from privacy import exports
from privacy.models import Export
from privacy.retention import enforce_retention
from privacy.tasks import enforce_retention as enforce_retention_task
from tests.factories import JourneyStepFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def delivery(key: str, *, days_old: int, status=EmailDelivery.Status.SENT) -> EmailDelivery:
    return EmailDelivery.objects.create(
        key=key,
        kind="k",
        to_email="someone@example.org",
        subject="Hello someone",
        body_text="Dear someone",
        status=status,
        created_at=NOW - timedelta(days=days_old),
    )


def test_email_records_older_than_the_retention_go(settings):
    settings.COPSITE_RETAIN_EMAIL_DAYS = 180
    delivery("reminder:24h:1:2:20260101T0900", days_old=181)
    delivery("digest:2:weekly:2026-W01", days_old=179)
    delivery("response:3:2", days_old=181, status=EmailDelivery.Status.GAVE_UP)

    result = enforce_retention(now=NOW)

    assert result.emails_deleted == 2
    assert list(EmailDelivery.objects.values_list("key", flat=True)) == ["digest:2:weekly:2026-W01"]


def test_email_records_still_waiting_are_never_deleted(settings):
    delivery("queued:1", days_old=400, status=EmailDelivery.Status.QUEUED)

    enforce_retention(now=NOW)

    assert EmailDelivery.objects.filter(key="queued:1").count() == 1


def test_email_records_whose_key_may_recur_are_kept_empty(settings):
    """A review still overdue is nudged by a scan: its key must stay to stay exactly once."""
    delivery("review-nudge:7", days_old=200)

    result = enforce_retention(now=NOW)
    enforce_retention(now=NOW)  # a second run changes nothing more

    kept = EmailDelivery.objects.get(key="review-nudge:7")
    assert result.emails_emptied == 1
    assert (kept.subject, kept.body_text) == ("", "")
    assert kept.to_email == "expired@erased.invalid"


def _left(days_ago: int | None, **fields) -> Membership:
    membership = MembershipFactory(
        status=Membership.Status.LEFT,
        introduction="I work in the north clinic",
        aspiration="lead a session",
        **fields,
    )
    if days_ago is not None:
        membership.left_at = NOW - timedelta(days=days_ago)
        membership.save(update_fields=["left_at"])
    JourneyStepFactory(membership=membership, note="Ran the triage session", evidence="3")
    return membership


def test_left_memberships_are_anonymised_after_the_retention(settings):
    settings.COPSITE_RETAIN_LEFT_MEMBER_DAYS = 365
    old = _left(366)
    recent = _left(364)

    result = enforce_retention(now=NOW)

    old.refresh_from_db()
    recent.refresh_from_db()
    assert result.memberships_anonymised == 1
    assert (old.introduction, old.aspiration) == ("", "")
    assert recent.introduction == "I work in the north clinic"
    assert list(JourneyStep.objects.filter(membership=old).values_list("note", flat=True)) == [""]


def test_a_left_membership_without_a_date_is_dated_by_the_first_run(settings):
    undated = _left(None)

    enforce_retention(now=NOW)
    a_year_later = enforce_retention(now=NOW + timedelta(days=366))

    undated.refresh_from_db()
    assert a_year_later.memberships_anonymised == 1
    assert undated.introduction == ""


def test_a_member_who_rejoined_keeps_their_words(settings):
    membership = _left(400)
    membership.status = Membership.Status.ACTIVE
    membership.save(update_fields=["status"])

    enforce_retention(now=NOW)

    membership.refresh_from_db()
    assert (membership.left_at, membership.introduction) == (None, "I work in the north clinic")


def test_leaving_records_when(riverside):
    membership = MembershipFactory(community=riverside, user=UserFactory())

    membership_leave(membership=membership)

    membership.refresh_from_db()
    assert membership.left_at is not None


def test_retention_task_runs_every_rule(settings, alice):
    delivery("reminder:old", days_old=500)
    stale = exports.export_request(user=alice)[0]
    Export.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=8))

    result = enforce_retention_task.apply().get()

    assert result == {
        "emails_deleted": 1,
        "emails_emptied": 0,
        "memberships_anonymised": 0,
        "exports_deleted": 1,
    }
    assert not Export.objects.exists()


@pytest.mark.parametrize("rows", [1, 5])
def test_retention_queries_do_not_grow_with_rows(rows, django_assert_num_queries):
    for n in range(rows):
        delivery(f"reminder:{n}", days_old=500)
        delivery(f"review-nudge:{n}", days_old=500)
        _left(400)
        stale = exports.export_request(user=UserFactory())[0]
        Export.objects.filter(pk=stale.pk).update(created_at=NOW - timedelta(days=8))

    # 12 for the email records and memberships, 4 for the exports (their transaction's
    # savepoint and release, reading the stale ones for their files' sake, one DELETE).
    with django_assert_num_queries(16):
        enforce_retention(now=NOW)
