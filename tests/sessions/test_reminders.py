"""Reminders with frozen time: due ones once, never twice, in the recipient's own time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction

from accounts.mail import email_flush
from accounts.models import EmailDelivery
from sessions import services
from sessions.models import Session, SessionSettings
from sessions.tasks import session_reminders_scan
from tests.accounts.test_mail import FlakyBackend
from tests.factories import MembershipFactory, RSVPFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
REMINDER_WORDS = {"Today", "Tomorrow", "Coming up", "In an hour"}


@pytest.fixture
def scan(django_capture_on_commit_callbacks):
    """One beat run at `at`: tests run inside a transaction, so its after-commit sends
    happen when the run ends, as they would when the task's work commits."""

    def run(at):
        with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
            return services.reminders_send_due()

    return run


def reminders():
    return [m for m in mail.outbox if m.subject.split(":")[0] in REMINDER_WORDS]


@pytest.fixture
def soon(world):
    world.session.starts_at = NOW + timedelta(hours=20)
    world.session.online_url = "https://meet.example.org/maps"
    world.session.save()
    RSVPFactory(session=world.session, user=world.member, response="going")
    return world.session


def test_due_reminder_is_sent_once_with_ics_link_and_unsubscribe(world, soon, scan):
    first = scan(NOW)
    second = scan(NOW + timedelta(minutes=5))

    assert (first, second) == (1, 0)
    [message] = reminders()
    html = message.alternatives[0][0]
    assert message.to == [world.member.email]
    assert message.subject == "Tomorrow: Causal loops (Sat 21 Mar, 08:00)"
    assert "Saturday 21 March 2026, 08:00–09:30 (Europe/London)" in message.body
    assert "Saturday 21 March 2026, 08:00–09:30 (Europe/London)" in html
    assert "https://meet.example.org/maps" in message.body
    assert 'href="https://meet.example.org/maps"' in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/unsubscribe/reminders/" in message.extra_headers["List-Unsubscribe"]
    filename, content, mimetype = message.attachments[0]
    assert (filename, mimetype) == (f"session-{soon.pk}.ics", "text/calendar")
    event = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart").astimezone(UTC) == NOW + timedelta(hours=20)


def test_the_hour_reminder_follows_the_day_reminder(world, soon, scan):
    scan(NOW)
    scan(NOW + timedelta(hours=19, minutes=5))
    scan(NOW + timedelta(hours=19, minutes=10))
    scan(NOW + timedelta(hours=21))

    assert [m.subject.split(":")[0] for m in reminders()] == ["Tomorrow", "In an hour"]


def test_nothing_is_due_more_than_a_day_ahead(world, soon, scan):
    assert scan(NOW - timedelta(hours=5)) == 0
    assert mail.outbox == []


def test_scan_twice_at_once_sends_once(world, soon, scan):
    scan(NOW)
    scan(NOW)

    assert len(reminders()) == 1
    assert EmailDelivery.objects.filter(kind="session_reminder").count() == 1


def test_retry_after_a_failure_mid_send_sends_nobody_twice(world, soon, monkeypatch, scan):
    RSVPFactory(session=soon, user=world.coordinator, response="maybe")
    RSVPFactory(session=soon, user=world.facilitator, response="going")
    real = services._session_email
    calls = []

    def dies_on_the_second(**kwargs):
        calls.append(kwargs["user"])
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(services, "_session_email", dies_on_the_second)
    with pytest.raises(RuntimeError):
        scan(NOW)
    sent_before_retry = len(reminders())
    monkeypatch.setattr(services, "_session_email", real)

    scan(NOW + timedelta(minutes=5))

    assert sent_before_retry == 1
    assert sorted(m.to[0] for m in reminders()) == sorted(
        [world.member.email, world.coordinator.email, world.facilitator.email]
    )


def test_retry_after_smtp_failure_sends_once(world, soon, monkeypatch, settings, scan):
    settings.EMAIL_BACKEND = "tests.accounts.test_mail.FlakyBackend"
    FlakyBackend.failures = 1
    scan(NOW)
    delivery = EmailDelivery.objects.get(kind="session_reminder")
    assert delivery.status == EmailDelivery.Status.FAILED

    scan(NOW + timedelta(minutes=5))
    email_flush()
    email_flush()

    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert delivery.status == EmailDelivery.Status.SENT


def test_reschedule_gets_new_reminders_for_the_new_time(
    world, soon, scan, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    scan(NOW)
    with time_machine.travel(NOW + timedelta(minutes=10), tick=False), capture(execute=True):
        data = {
            "title": soon.title,
            "description": "",
            "starts_at": soon.starts_at + timedelta(days=2),
            "duration_minutes": soon.duration_minutes,
            "location": "",
            "online_url": soon.online_url,
        }
        services.session_update(
            session=soon, user=world.facilitator, data=data, version=soon.version
        )

    scan(NOW + timedelta(minutes=15))
    scan(NOW + timedelta(days=2, minutes=5))
    scan(NOW + timedelta(days=2, minutes=10))

    subjects = [m.subject for m in mail.outbox]
    assert subjects == [
        "Tomorrow: Causal loops (Sat 21 Mar, 08:00)",
        "New time: Causal loops (Mon 23 Mar, 08:00)",
        "Tomorrow: Causal loops (Mon 23 Mar, 08:00)",
    ]


def test_cancelled_session_gets_a_notice_and_no_reminders(
    world, soon, scan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(session=soon, reason="Snow")

    scan(NOW)
    scan(NOW + timedelta(hours=19, minutes=30))

    assert [m.subject for m in mail.outbox] == ["Cancelled: Causal loops (Sat 21 Mar, 08:00)"]


def test_recipient_in_another_timezone_sees_their_local_time(world, soon, scan):
    world.member.timezone = "America/New_York"
    world.member.save()

    scan(NOW)

    [message] = reminders()
    # 08:00 GMT is 04:00 in New York (already on daylight time on 21 March 2026).
    assert "Saturday 21 March 2026, 04:00–05:30 (America/New_York)" in message.body
    assert "Saturday 21 March 2026, 04:00–05:30 (America/New_York)" in message.alternatives[0][0]


def test_a_0900_london_session_planned_across_the_dst_change_stays_0900(client, world, scan):
    client.force_login(world.facilitator)
    with time_machine.travel(NOW, tick=False):
        # Planned in GMT for a day after the clocks go forward (29 March 2026).
        client.post(
            "/c/riverside/sessions/new/",
            {"title": "Spring", "starts_local": "2026-03-30T09:00", "duration_minutes": "60"},
        )
    session = Session.objects.get(title="Spring")
    Session.objects.filter(pk=session.pk).update(status=Session.Status.SCHEDULED)
    RSVPFactory(session=session, user=world.member, response="going")

    scan(datetime(2026, 3, 29, 12, 0, tzinfo=UTC))

    assert session.starts_at == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    [message] = reminders()
    assert "Monday 30 March 2026, 09:00–10:00 (Europe/London)" in message.body
    event = icalendar.Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")[0]
    assert event.decoded("dtstart").strftime("%H:%M %Z") == "09:00 BST"


@pytest.mark.parametrize("switch", ["community", "user", "muted", "not_going", "left", "archived"])
def test_who_is_not_reminded(world, soon, switch, scan):
    person = UserFactory()
    membership = MembershipFactory(community=world.community, user=person)
    RSVPFactory(session=soon, user=person, response="going")
    soon.rsvps.filter(user=world.member).delete()
    if switch == "community":
        SessionSettings.objects.create(community=world.community, remind_24h=False)
    elif switch == "user":
        person.remind_24h = False
        person.save()
    elif switch == "muted":
        membership.muted = True
        membership.save()
    elif switch == "archived":
        world.community.archived = True
        world.community.save()
    elif switch == "not_going":
        soon.rsvps.filter(user=person).update(response="not_going")
    else:
        membership.status = "left"
        membership.save()

    assert scan(NOW) == 0
    assert mail.outbox == []


def test_community_switch_for_the_hour_reminder_leaves_the_day_one(world, soon, scan):
    SessionSettings.objects.create(community=world.community, remind_1h=False)

    scan(NOW)
    scan(NOW + timedelta(hours=19, minutes=30))

    assert [m.subject.split(":")[0] for m in reminders()] == ["Tomorrow"]


def test_beat_task_runs_the_scan(world, soon, django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        result = session_reminders_scan.delay()

    assert result.get() == 1
    assert len(reminders()) == 1


def test_scan_reads_due_sessions_through_the_index(world):
    queryset = Session.objects.due_for_reminders(NOW, within=timedelta(hours=24))

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()

    assert "session_due_idx" in plan


@pytest.mark.parametrize("n", [1, 10])
def test_scan_queries_grow_with_due_sessions_not_with_all_sessions(
    world, django_assert_max_num_queries, n, scan
):
    for _ in range(n):
        SessionFactory(community=world.community, starts_at=NOW + timedelta(days=5))
    SessionFactory(community=world.community, starts_at=NOW + timedelta(hours=3))

    with django_assert_max_num_queries(4):
        scan(NOW)


@pytest.mark.parametrize(
    "starts,word",
    [
        (datetime(2026, 3, 20, 22, 0, tzinfo=UTC), "Today"),
        (datetime(2026, 3, 21, 9, 0, tzinfo=UTC), "Tomorrow"),
    ],
)
def test_day_reminder_says_today_or_tomorrow_in_the_recipients_calendar(
    world, soon, scan, starts, word
):
    soon.starts_at = starts
    soon.save()

    scan(NOW)

    [message] = reminders()
    assert message.subject.startswith(f"{word}: Causal loops")


def test_day_word_follows_the_recipients_timezone(world, soon, scan):
    # 12:00 UTC is 21:00 in Tokyo; a 16:00 UTC start is 01:00 tomorrow there.
    world.member.timezone = "Asia/Tokyo"
    world.member.save()
    soon.starts_at = datetime(2026, 3, 20, 16, 0, tzinfo=UTC)
    soon.save()

    scan(NOW)

    [message] = reminders()
    assert message.subject == "Tomorrow: Causal loops (Sat 21 Mar, 01:00)"
