from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.db import connection

from accounts.digest import GRACE_HOURS, digest_send_due, due_people
from accounts.models import EmailDelivery
from communities.models import JourneyStep, Membership
from reflections.models import Reflection
from sessions.models import RSVP, Session
from tests.factories import (
    CommunityFactory,
    ReflectionFactory,
    SessionFactory,
    UserFactory,
)
from tests.racing import race

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
# Monday 2026-11-23 08:00 in London (GMT): the default digest moment.
MONDAY_8_LONDON = dt.datetime(2026, 11, 23, 8, 0, tzinfo=LONDON)


@pytest.fixture
def world(riverside, alice, hillside, dave):
    """The cast's Riverside seen by alice (a peripheral member), with Ada (another member,
    further in, built here) writing and moving; plus things alice must never see, in dave's
    Hillside."""
    assert Membership.objects.get(user=alice).level == "peripheral"
    community = riverside
    ada = UserFactory(display_name="Ada")
    ada_membership = Membership.objects.create(community=community, user=ada, level="active")
    last_week = MONDAY_8_LONDON - dt.timedelta(days=3)
    session = SessionFactory(
        community=community, title="Live mapping", starts_at=MONDAY_8_LONDON + dt.timedelta(days=2)
    )
    RSVP.objects.create(session=session, user=alice, response="going")
    SessionFactory(
        community=community,
        title="Still a draft",
        status=Session.Status.DRAFT,
        starts_at=MONDAY_8_LONDON + dt.timedelta(days=1),
    )
    ReflectionFactory(
        community=community, author=ada, title="What the map hid", created_at=last_week
    )
    ReflectionFactory(
        community=community,
        author=ada,
        title="Ada's private doubts",
        visibility=Reflection.Visibility.PRIVATE,
        created_at=last_week,
    )
    ReflectionFactory(
        community=community,
        author=ada,
        title="For facilitators only",
        visibility=Reflection.Visibility.FACILITATORS,
        created_at=last_week,
    )
    JourneyStep.objects.create(
        membership=ada_membership, from_level="peripheral", to_level="active", created_at=last_week
    )
    JourneyStep.objects.create(
        membership=ada_membership, from_level="core", to_level="active", created_at=last_week
    )
    elsewhere = hillside  # dave's
    SessionFactory(community=elsewhere, title="Not Alice's session")
    ReflectionFactory(community=elsewhere, title="Not Alice's reflection", created_at=last_week)
    return {"alice": alice, "ada": ada, "community": community}


@pytest.fixture
def send_at(django_capture_on_commit_callbacks):
    """Run the hourly task at `moment`, letting its after-commit dispatch run too."""

    def run(moment):
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return digest_send_due()

    return run


def test_digest_has_exactly_the_expected_sections_and_items(world, send_at):
    send_at(MONDAY_8_LONDON)

    alices = [m for m in mail.outbox if m.to == ["alice@example.org"]]
    assert len(alices) == 1
    text, html = alices[0].body, alices[0].alternatives[0][0]
    for part in (text, html):
        assert "Live mapping" in part
        assert "What the map hid" in part
        assert "Ada moved from peripheral to active in Riverside." in part
        assert "easy ways in" in part.lower()
        for secret in (
            "Still a draft",
            "private doubts",
            "For facilitators only",
            "Not Alice's",
            "from core to active",
        ):
            assert secret not in part
    assert "You said: going" in text
    assert "http://127.0.0.1:8000/c/riverside/sessions/" in text
    assert alices[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_digest_celebrates_my_own_move_warmly(world, send_at):
    alice_membership = Membership.objects.get(user=world["alice"])
    JourneyStep.objects.create(
        membership=alice_membership,
        from_level="peripheral",
        to_level="active",
        created_at=MONDAY_8_LONDON - dt.timedelta(days=2),
    )

    send_at(MONDAY_8_LONDON)

    body = next(m.body for m in mail.outbox if m.to == ["alice@example.org"])
    assert "You moved from peripheral to active in Riverside." in body
    assert "welcome further in!" in body


def test_empty_digest_is_neither_sent_nor_recorded(send_at, frank):
    # frank, in no community, has nothing to be told.

    send_at(MONDAY_8_LONDON)

    assert mail.outbox == []
    assert EmailDelivery.objects.filter(kind="digest").count() == 0


def test_hourly_task_run_twice_sends_one_digest(world, send_at):
    send_at(MONDAY_8_LONDON)
    send_at(MONDAY_8_LONDON + dt.timedelta(minutes=5))

    assert len([m for m in mail.outbox if m.to == ["alice@example.org"]]) == 1
    assert EmailDelivery.objects.filter(kind="digest", recipient=world["alice"]).count() == 1


def test_not_the_chosen_hour_or_day_sends_nothing(world, send_at):
    send_at(MONDAY_8_LONDON - dt.timedelta(hours=1))
    send_at(MONDAY_8_LONDON + dt.timedelta(hours=GRACE_HOURS))
    send_at(MONDAY_8_LONDON + dt.timedelta(days=1))

    assert mail.outbox == []


def test_a_missed_hour_is_caught_up_by_a_later_run_once(world, send_at):
    # The 08:00 run never happened (beat or broker down); the next runs find alice again.
    send_at(MONDAY_8_LONDON + dt.timedelta(hours=1))
    send_at(MONDAY_8_LONDON + dt.timedelta(hours=2))
    send_at(MONDAY_8_LONDON + dt.timedelta(hours=GRACE_HOURS - 1))

    assert len([m for m in mail.outbox if m.to == ["alice@example.org"]]) == 1


def test_an_hour_skipped_by_the_clocks_going_forward_still_gets_its_digest(world, send_at):
    # London skips 01:00-02:00 on 2026-03-29: a 01:00 daily digest goes at 02:00 BST.
    User = type(world["alice"])
    User.objects.filter(pk=world["alice"].pk).update(digest="daily", digest_hour=1)
    SessionFactory(
        community=world["community"],
        title="Spring session",
        starts_at=dt.datetime(2026, 3, 30, 18, 0, tzinfo=dt.UTC),
    )

    send_at(dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC))  # 02:00 BST

    assert len([m for m in mail.outbox if m.to == ["alice@example.org"]]) == 1


def test_a_late_catch_up_never_crosses_local_midnight(send_at, frank):
    person = frank
    person.timezone, person.digest, person.digest_hour = "Europe/London", "daily", 23
    person.save()

    just_after_midnight = dt.datetime(2026, 11, 24, 0, 30, tzinfo=dt.UTC)

    assert person not in due_people(just_after_midnight)


def test_muted_community_stays_out_of_the_digest(world, send_at):
    Membership.objects.filter(user=world["alice"]).update(muted=True)

    send_at(MONDAY_8_LONDON)

    assert [m for m in mail.outbox if m.to == ["alice@example.org"]] == []


def test_digest_off_sends_nothing(world, send_at):
    world["alice"].digest = "off"
    world["alice"].save()

    send_at(MONDAY_8_LONDON)

    assert [m for m in mail.outbox if m.to == ["alice@example.org"]] == []


def test_daily_digest_goes_out_every_day_once(world, send_at):
    world["alice"].digest = "daily"
    world["alice"].save()

    send_at(MONDAY_8_LONDON)
    send_at(MONDAY_8_LONDON + dt.timedelta(days=1))
    send_at(MONDAY_8_LONDON + dt.timedelta(days=1, minutes=30))

    keys = sorted(
        EmailDelivery.objects.filter(kind="digest", recipient=world["alice"]).values_list(
            "key", flat=True
        )
    )
    assert [key.rsplit(":", 1)[1] for key in keys] == ["2026-11-23", "2026-11-24"]


@pytest.mark.parametrize(
    ("tz", "utc_moment"),
    [
        # Europe/London: GMT in winter, BST in summer.
        ("Europe/London", dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)),
        ("Europe/London", dt.datetime(2026, 6, 22, 7, 0, tzinfo=dt.UTC)),
        # America/Los_Angeles: PST (UTC-8) in winter, PDT (UTC-7) in summer.
        ("America/Los_Angeles", dt.datetime(2026, 11, 23, 16, 0, tzinfo=dt.UTC)),
        ("America/Los_Angeles", dt.datetime(2026, 6, 22, 15, 0, tzinfo=dt.UTC)),
        # Asia/Kolkata: UTC+5:30 all year; the Monday-08:00 hour starts at 02:30 UTC.
        ("Asia/Kolkata", dt.datetime(2026, 11, 23, 2, 30, tzinfo=dt.UTC)),
    ],
)
def test_each_member_is_due_at_their_own_local_hour_across_dst(frank, tz, utc_moment):
    person = frank
    person.timezone = tz
    person.save()

    due_an_hour_before = list(due_people(utc_moment - dt.timedelta(hours=1)))
    due_now = list(due_people(utc_moment))
    due_after_the_grace = list(due_people(utc_moment + dt.timedelta(hours=GRACE_HOURS)))

    assert due_an_hour_before == []
    assert due_now == [person]
    assert due_after_the_grace == []


def test_the_week_of_the_dst_change_still_gets_exactly_one_digest(world, send_at):
    # Clocks in London went back on Sunday 2026-10-25; Monday 26th 08:00 is GMT (08:00 UTC).
    world["community"].sessions.update(starts_at=dt.datetime(2026, 10, 28, 9, 0, tzinfo=dt.UTC))
    hours = [dt.datetime(2026, 10, 26, h, 0, tzinfo=dt.UTC) for h in range(5, 14)]

    due = [world["alice"] in due_people(h) for h in hours]
    for hour in hours:
        send_at(hour)

    assert due == [False, False, False, True, True, True, True, False, False]
    assert len([m for m in mail.outbox if m.to == ["alice@example.org"]]) == 1
    recorded = EmailDelivery.objects.get(kind="digest", recipient=world["alice"])
    assert recorded.created_at == hours[3]  # 08:00 GMT, the first due hour


def test_member_with_an_invalid_stored_timezone_is_treated_as_utc(world, send_at):
    world["alice"].timezone = "Mars/Olympus"
    world["alice"].save()

    send_at(dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC))

    assert len([m for m in mail.outbox if m.to == ["alice@example.org"]]) == 1


def test_selection_and_rendering_use_the_same_queries_for_1_and_40_members(
    world, django_assert_max_num_queries
):
    with time_machine.travel(MONDAY_8_LONDON, tick=False):
        with django_assert_max_num_queries(40) as one:
            digest_send_due()
        EmailDelivery.objects.all().delete()
        for _ in range(40):
            Membership.objects.create(community=world["community"], user=UserFactory())
        with django_assert_max_num_queries(40):
            digest_send_due()
    # Delivery costs three queries per email (claim, read, mark); the rest is per batch.
    assert len(one.captured_queries) > 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="racing workers need PostgreSQL")
def test_two_workers_racing_send_one_digest_each(world, send_at):
    errors = race(lambda: send_at(MONDAY_8_LONDON))

    assert errors == []
    assert len([m for m in mail.outbox if m.to == ["alice@example.org"]]) == 1


def test_preview_shows_what_would_be_sent_now(client, world):
    client.force_login(world["alice"])

    with time_machine.travel(MONDAY_8_LONDON, tick=False):
        response = client.get("/settings/digest-preview/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "Live mapping" in content
    assert "private doubts" not in content
    assert mail.outbox == []


def test_preview_of_an_empty_digest_says_so(client, user):
    client.force_login(user)

    response = client.get("/settings/digest-preview/")

    assert "no digest would go out" in response.content.decode()


def test_mute_toggles_only_my_membership(client, world):
    other = Membership.objects.get(user=world["ada"])
    mine = Membership.objects.get(user=world["alice"])
    client.force_login(world["alice"])

    client.post(f"/settings/communities/{mine.pk}/mute/")
    response = client.post(f"/settings/communities/{other.pk}/mute/")

    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.muted, other.muted, response.status_code) == (True, False, 404)


def test_digest_lists_my_open_actions_overdue_first(world, send_at):
    from tests.factories import ActionFactory

    later = ActionFactory(
        community=world["community"],
        owner=world["alice"],
        title="Try a new map legend",
        due_date=dt.date(2026, 12, 10),
    )
    overdue = ActionFactory(
        community=world["community"],
        owner=world["alice"],
        title="Share the template",
        due_date=dt.date(2026, 11, 1),
    )
    ActionFactory(
        community=world["community"], owner=world["alice"], title="Done already", status="done"
    )
    ActionFactory(community=world["community"], owner=world["ada"], title="Ada's own action")

    send_at(MONDAY_8_LONDON)

    body = next(m.body for m in mail.outbox if m.to == ["alice@example.org"])
    assert body.index(overdue.title) < body.index(later.title)
    assert "Overdue since 1 Nov" in body
    assert "Done already" not in body
    assert "Ada's own action" not in body


def test_digest_offers_proposed_outcomes_i_have_not_endorsed(world, send_at):
    from outcomes.models import Endorsement
    from tests.factories import OutcomeFactory

    fresh = OutcomeFactory(community=world["community"], status="proposed", statement="map loops")
    done = OutcomeFactory(community=world["community"], status="proposed", statement="map power")
    Endorsement.objects.create(outcome=done, user=world["alice"])
    OutcomeFactory(community=world["community"], status="agreed", statement="already agreed")

    send_at(MONDAY_8_LONDON)

    message = next(m for m in mail.outbox if m.to == ["alice@example.org"])
    for part in (message.body, message.alternatives[0][0]):
        assert f"We want to be able to {fresh.statement}" in part
        assert "map power" not in part
        assert "already agreed" not in part


def test_digest_offers_one_click_rsvp_links_that_land_on_the_page(world, send_at):
    session = Session.objects.get(title="Live mapping")

    send_at(MONDAY_8_LONDON)

    message = next(m for m in mail.outbox if m.to == ["alice@example.org"])
    base = f"http://127.0.0.1:8000{session.get_absolute_url()}"
    for part in (message.body, message.alternatives[0][0]):
        # alice said "going": the other two answers are offered, each one click away.
        assert f"{base}?rsvp=maybe#rsvp-box" in part
        assert f"{base}?rsvp=not_going#rsvp-box" in part
        assert f"{base}?rsvp=going#rsvp-box" not in part


def test_following_an_rsvp_link_changes_nothing_until_confirmed(client, world):
    session = Session.objects.get(title="Live mapping")
    client.force_login(world["alice"])

    with time_machine.travel(MONDAY_8_LONDON, tick=False):
        landed = client.get(session.get_absolute_url(), {"rsvp": "maybe"})
        unchanged = RSVP.objects.get(session=session, user=world["alice"]).response
        client.post(f"{session.get_absolute_url()}rsvp/", {"response": "maybe"})
    confirmed = RSVP.objects.get(session=session, user=world["alice"]).response

    content = landed.content.decode()
    assert landed.status_code == 200
    assert "You chose “maybe” in your digest." in content
    assert 'value="maybe" aria-pressed="false" class="" autofocus>' in content
    assert (unchanged, confirmed) == ("going", "maybe")


@pytest.mark.parametrize("answer", ["going", "yes please", "<script>"])
def test_an_rsvp_link_with_the_current_or_a_junk_answer_asks_nothing(client, world, answer):
    session = Session.objects.get(title="Live mapping")
    client.force_login(world["alice"])

    with time_machine.travel(MONDAY_8_LONDON, tick=False):
        response = client.get(session.get_absolute_url(), {"rsvp": answer})

    assert response.status_code == 200
    assert "in your digest" not in response.content.decode()


def test_preview_frames_the_very_email_html_and_shows_its_plain_text(client, world):
    client.force_login(world["alice"])

    with time_machine.travel(MONDAY_8_LONDON, tick=False):
        page = client.get("/settings/digest-preview/")
        framed = client.get("/settings/digest-preview/email.html")
        digest_send_due()
    sent = EmailDelivery.objects.get(recipient=world["alice"], kind="digest")

    assert framed.status_code == 200
    assert framed.content.decode() == sent.body_html.replace(
        "<body", '<base target="_top">\n<body', 1
    )
    assert framed["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in framed["Content-Security-Policy"]
    assert "script-src 'none'" in framed["Content-Security-Policy"]
    content = page.content.decode()
    assert 'src="/settings/digest-preview/email.html"' in content
    assert "Stop this digest:" in content  # the plain-text template's footer
    assert "Live mapping" in content


def test_preview_shows_what_was_shared_since_the_last_digest(client, world, send_at):
    send_at(MONDAY_8_LONDON)  # this week's digest carries last week's "What the map hid"
    ReflectionFactory(
        community=world["community"],
        author=world["ada"],
        title="Written on Wednesday",
        created_at=MONDAY_8_LONDON + dt.timedelta(days=2),
    )
    client.force_login(world["alice"])

    with time_machine.travel(MONDAY_8_LONDON + dt.timedelta(days=3), tick=False):
        content = client.get("/settings/digest-preview/").content.decode()

    assert "Written on Wednesday" in content
    assert "What the map hid" not in content  # already sent on Monday


def test_preview_before_this_periods_digest_includes_the_period_that_ended(client, world):
    ReflectionFactory(
        community=world["community"],
        author=world["ada"],
        title="Written this morning",
        created_at=MONDAY_8_LONDON - dt.timedelta(hours=2),
    )
    client.force_login(world["alice"])

    with time_machine.travel(MONDAY_8_LONDON - dt.timedelta(hours=1), tick=False):
        content = client.get("/settings/digest-preview/").content.decode()

    assert "What the map hid" in content
    assert "Written this morning" in content


@pytest.mark.parametrize("stored", ["", "Europe", "America/", "Etc/../UTC", "Mars/Olympus"])
def test_a_blank_or_unusable_stored_timezone_never_stops_the_hourly_run(world, send_at, stored):
    User = type(world["alice"])
    User.objects.filter(pk=world["alice"].pk).update(timezone=stored)
    UserFactory(email="kolkata@example.org", timezone="Asia/Kolkata")

    send_at(dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC))

    assert len([m for m in mail.outbox if m.to == ["alice@example.org"]]) == 1


def test_a_community_deleted_between_selection_and_rendering(world, send_at):
    from accounts.digest import digest_send_batch

    with time_machine.travel(MONDAY_8_LONDON, tick=False):
        people = list(due_people(MONDAY_8_LONDON))
        world["community"].delete()
        recorded = digest_send_batch(people=people, now=MONDAY_8_LONDON)

    # alice's only community is gone: nothing left to say to her, so nothing recorded; the
    # rest of the batch goes on as usual.
    assert EmailDelivery.objects.filter(kind="digest", recipient=world["alice"]).count() == 0
    assert len(recorded) == EmailDelivery.objects.filter(kind="digest").count() == 1


def test_a_retried_batch_sends_nothing_twice(world, send_at, django_capture_on_commit_callbacks):
    from accounts.digest import digest_send_batch
    from accounts.mail import email_deliver_batch

    with time_machine.travel(MONDAY_8_LONDON, tick=False):
        people = list(due_people(MONDAY_8_LONDON))
        with django_capture_on_commit_callbacks(execute=True):
            first = digest_send_batch(people=people, now=MONDAY_8_LONDON)
        # The batch task is redelivered (acks_late after a lost ack), and the scan runs again.
        email_deliver_batch(delivery_ids=first)
        with django_capture_on_commit_callbacks(execute=True):
            again = digest_send_batch(people=people, now=MONDAY_8_LONDON)

    recipients = [m.to[0] for m in mail.outbox]
    assert first and again == []
    assert len(recipients) == len(first) == len(set(recipients))
    assert "alice@example.org" in recipients


def test_smtp_failure_mid_batch_retries_the_failed_and_never_resends_the_sent(
    world, send_at, settings
):
    from accounts.mail import email_flush
    from tests.accounts.test_mail import FlakyBackend

    for n in range(3):
        Membership.objects.create(
            community=world["community"], user=UserFactory(email=f"p{n}@example.org")
        )
    settings.EMAIL_BACKEND = "tests.accounts.test_mail.FlakyBackend"
    FlakyBackend.failures = 2  # the SMTP server refuses the first two messages of the batch

    send_at(MONDAY_8_LONDON)
    failed = set(EmailDelivery.objects.filter(status="failed").values_list("pk", flat=True))
    sent_first = set(EmailDelivery.objects.filter(status="sent").values_list("pk", flat=True))
    with time_machine.travel(MONDAY_8_LONDON + dt.timedelta(minutes=2), tick=False):
        email_flush()

    deliveries = EmailDelivery.objects.filter(kind="digest")
    assert len(failed) == 2 and len(sent_first) == deliveries.count() - 2
    assert set(deliveries.values_list("status", flat=True)) == {"sent"}
    recipients = [m.to[0] for m in mail.outbox]
    assert sorted(recipients) == sorted(set(recipients))  # nobody got two
    assert len(recipients) == deliveries.count()


def test_every_link_in_both_parts_is_absolute(world, send_at):
    import re

    from tests.factories import ActionFactory, OutcomeFactory

    ActionFactory(community=world["community"], owner=world["alice"], title="Sketch first")
    OutcomeFactory(community=world["community"], status="proposed", statement="map loops")

    send_at(MONDAY_8_LONDON)

    message = next(m for m in mail.outbox if m.to == ["alice@example.org"])
    hrefs = re.findall(r'href="([^"]*)"', message.alternatives[0][0])
    text_urls = re.findall(r"(?:https?://|/)\S*", message.body)
    assert len(hrefs) >= 8
    assert [h for h in hrefs if not h.startswith("http://127.0.0.1:8000/")] == []
    assert [u for u in text_urls if not u.startswith("http://127.0.0.1:8000/")] == []


@pytest.mark.parametrize("rows", [1, 25])
def test_preview_pages_cost_a_fixed_number_of_queries(
    client, world, django_assert_num_queries, rows
):
    from tests.factories import ActionFactory

    for _ in range(rows):
        community = CommunityFactory()
        Membership.objects.create(community=community, user=world["alice"])
        SessionFactory(community=community, starts_at=MONDAY_8_LONDON + dt.timedelta(days=1))
        ReflectionFactory(community=community, created_at=MONDAY_8_LONDON - dt.timedelta(days=1))
        ActionFactory(community=community, owner=world["alice"])
    client.force_login(world["alice"])

    # 17: each app's digest sections read the batch's memberships once, and peer review
    # (moved out of outcomes into its own app) now does so separately; 18: the
    # notifications left for the digest, with each one's choice, in one more; 19:
    # conversations read the new responses once (and nothing more when there are none).
    with time_machine.travel(MONDAY_8_LONDON, tick=False):
        with django_assert_num_queries(19):
            page = client.get("/settings/digest-preview/")
        with django_assert_num_queries(19):
            framed = client.get("/settings/digest-preview/email.html")

    assert page.status_code == framed.status_code == 200
    assert page.content.decode().count("/reflections/") >= rows
    assert framed.content.decode().count("/reflections/") >= rows


def test_easy_ways_in_invite_a_first_reflection_alongside_the_news(world, send_at):
    send_at(MONDAY_8_LONDON)

    message = next(m for m in mail.outbox if m.to == ["alice@example.org"])
    ways_in = message.body.split("EASY WAYS IN", 1)[1]
    assert "Come along to “Live mapping”" in ways_in
    assert "Jot down one thing you noticed lately in Riverside" in ways_in
    assert "http://127.0.0.1:8000/c/riverside/reflections/new/" in ways_in
    assert message.body.count("EASY WAYS IN") == 1
    assert "Jot down" in message.alternatives[0][0]


def test_a_first_reflection_invitation_alone_sends_no_digest(send_at, alice):
    # alice, a peripheral member of a Riverside where nothing has happened yet.
    assert Membership.objects.get(user=alice).level == "peripheral"

    send_at(MONDAY_8_LONDON)

    assert mail.outbox == []
    assert EmailDelivery.objects.filter(kind="digest").count() == 0


def test_no_first_reflection_invitation_once_i_have_reflected(world, send_at):
    ReflectionFactory(
        community=world["community"],
        author=world["alice"],
        visibility=Reflection.Visibility.PRIVATE,
        created_at=MONDAY_8_LONDON - dt.timedelta(days=30),
    )

    send_at(MONDAY_8_LONDON)

    body = next(m.body for m in mail.outbox if m.to == ["alice@example.org"])
    assert "Jot down" not in body
    assert "Come along to “Live mapping”" in body


def test_a_reflection_elsewhere_still_leaves_the_first_reflection_invitation(
    world, send_at, hillside
):
    # alice wrote in Hillside (a community of her own there) but never in Riverside, where
    # she stays on the edge: Riverside's invitation stands, and Hillside's never comes.
    Membership.objects.create(community=hillside, user=world["alice"], level="peripheral")
    ReflectionFactory(
        community=hillside,
        author=world["alice"],
        created_at=MONDAY_8_LONDON - dt.timedelta(days=30),
    )

    send_at(MONDAY_8_LONDON)

    body = next(m.body for m in mail.outbox if m.to == ["alice@example.org"])
    assert "Jot down one thing you noticed lately in Riverside" in body
    assert f"Jot down one thing you noticed lately in {hillside.name}" not in body


def test_preview_frame_may_grow_to_the_email_but_never_runs_its_script(client, world):
    client.force_login(world["alice"])

    with time_machine.travel(MONDAY_8_LONDON, tick=False):
        content = client.get("/settings/digest-preview/").content.decode()

    sandbox = re.search(r'<iframe class="digest-frame"[^>]* sandbox="([^"]*)"', content).group(1)
    assert set(sandbox.split()) == {
        "allow-same-origin",  # site.js reads the email's height to show all of it
        "allow-popups",
        "allow-top-navigation-by-user-activation",
    }
    assert "data-fit-content" in content
    # Without JavaScript the frame scrolls; the email can also be opened whole.
    assert '<a href="/settings/digest-preview/email.html">Open the email' in content
