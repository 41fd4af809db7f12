"""In-site notifications (issue 16, item 3): the kind registry, notify() once per key with
each person's email choice, the /notifications/ page, the header's unread count, the
settings form, and the digest's section. People come from the cast (tests/people.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone

from accounts.digest import Period, sections_for
from accounts.models import EmailDelivery, Notification, NotificationPreference, User
from accounts.notifications import (
    email_choice,
    notification_mark_read,
    notifications_mark_all_read,
    notify,
)
from accounts.unsubscribe import unsubscribe
from core import plugins
from core.plugins import (
    NotificationKind,
    notification_kind,
    notification_kinds,
    register_notification_kind,
)
from tests.factories import UserFactory
from tests.racing import race

pytestmark = pytest.mark.django_db


def tell(person, key="k1", kind="join_decision", community=None, **kw):
    kw.setdefault("text", f"Something for {person.name} ({key})")
    kw.setdefault("url", "/communities/")
    return notify(person, kind, key=key, community=community, **kw)


def unread(person) -> int:
    return User.objects.get(pk=person.pk).unread_notifications


def choose(person, kind, email):
    NotificationPreference.objects.update_or_create(
        user=person, kind=kind, defaults={"email": email}
    )


@pytest.fixture
def scratch_kinds():
    """Kinds a test registers are taken away again afterwards."""
    before = dict(plugins._notification_kinds)
    yield
    plugins._notification_kinds.clear()
    plugins._notification_kinds.update(before)


# --- the registry ---------------------------------------------------------------------------


def test_each_app_registers_its_kinds_with_the_issues_defaults():
    kinds = {kind.key: kind for kind in notification_kinds()}

    assert {key: kinds[key].default_email for key in kinds} == {
        "response": "immediately",
        "mention": "immediately",
        "join_decision": "immediately",
        "session_cancelled": "immediately",
        "session_rescheduled": "immediately",
        "session_changed": "digest",
        "cofacilitation_invite": "digest",
        "review_waiting": "immediately",
        "review_received": "immediately",
        "review_reply": "immediately",
        "review_reminder": "immediately",
        "review_helpful": "immediately",
        "review_round_waiting": "immediately",
        "review_rephrase": "immediately",
        "action_assigned": "digest",
        "journey_celebration": "digest",
        "theme": "digest",
        "mentoring_paired": "immediately",
        "mentoring_ended": "immediately",
        "milestone_celebration": "digest",
    }
    assert [key for key, kind in kinds.items() if not kind.may_turn_off] == [
        "session_cancelled",
        "session_rescheduled",
    ]


def test_a_registered_kind_is_listed_by_order_and_found_by_key(scratch_kinds):
    register_notification_kind("zz_response", "A response to me", "immediately", order=1)

    assert notification_kinds()[0] == NotificationKind(
        "zz_response", "A response to me", "immediately", order=1
    )
    assert notification_kind("zz_response").choices == plugins.EMAIL_CHOICES
    assert notification_kind("nothing") is None


def test_a_kind_that_may_not_be_turned_off_offers_only_email_at_once(scratch_kinds):
    kind = register_notification_kind("zz_locked", "Locked", "immediately", may_turn_off=False)

    assert [value for value, _ in kind.choices] == ["immediately"]


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("x" * 41, "Too long", "digest"), {}),
        (("zz", "Unknown choice", "sometimes"), {}),
        (("zz", "Locked but quiet", "digest"), {"may_turn_off": False}),
    ],
)
def test_a_kind_registered_wrongly_is_refused(scratch_kinds, args, kwargs):
    with pytest.raises(ValueError):
        register_notification_kind(*args, **kwargs)


# --- notify: once per key, email by choice ---------------------------------------------------


def test_notify_twice_with_one_key_makes_one_notification_and_one_email(
    alice, riverside, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        first = tell(alice, community=riverside)
        second = tell(alice, community=riverside, text="Fired again")

    assert first == second
    assert Notification.objects.filter(recipient=alice).count() == 1
    assert (first.community_id, first.community_name) == (riverside.pk, "Riverside")
    assert EmailDelivery.objects.filter(recipient=alice).count() == 1
    assert [m.to for m in mailoutbox] == [[alice.email]]
    assert "Something for Alice" in mailoutbox[0].body
    assert "Something for Alice" in mailoutbox[0].alternatives[0][0]
    assert unread(alice) == 1


def test_a_retry_after_the_email_was_lost_sends_it_once(alice):
    """The notification is there but its email never was recorded (say the email came
    from a task that died): the retry with the same key sends it, and only once."""
    Notification.objects.create(recipient=alice, key="k1", kind="join_decision", text="t", url="/")

    tell(alice)
    tell(alice)

    assert EmailDelivery.objects.filter(recipient=alice).count() == 1
    assert Notification.objects.filter(recipient=alice).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="racing writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_workers_firing_one_event_at_once_make_one_notification_and_one_email(alice):
    errors = race(lambda: tell(alice, key="raced"))

    assert errors == []
    assert Notification.objects.filter(key="raced").count() == 1
    assert EmailDelivery.objects.filter(recipient=alice).count() == 1
    assert unread(alice) == 1


def test_the_apps_own_email_is_used_when_given(alice):
    sent = []

    tell(alice, email=lambda: sent.append("own"))

    assert sent == ["own"]
    assert not EmailDelivery.objects.exists()  # no generic email beside the app's own


@pytest.mark.parametrize(
    ("choice", "emails", "in_digest"),
    [("immediately", 1, False), ("digest", 0, True), ("never", 0, False)],
)
def test_each_choice_is_honoured(alice, riverside, choice, emails, in_digest):
    choose(alice, "join_decision", choice)
    own = []

    notification = tell(alice, community=riverside, email=lambda: own.append(1))

    assert len(own) == emails
    assert notification.emailed is (emails == 1)
    assert Notification.objects.filter(recipient=alice).count() == 1  # in the site, always
    assert bool(_digest_items(alice)) is in_digest


def test_the_default_is_used_until_a_person_chooses(alice):
    assert email_choice(alice, "join_decision") == "immediately"
    assert email_choice(alice, "journey_celebration") == "digest"
    assert email_choice(alice, "not_registered") == "never"


def test_a_cancelled_session_is_emailed_at_once_even_if_never_was_stored(alice):
    """A choice that could not have come from the form (a locked kind) changes nothing."""
    choose(alice, "session_cancelled", "never")
    own = []

    tell(alice, kind="session_cancelled", email=lambda: own.append(1))

    assert own == [1]
    assert email_choice(alice, "session_cancelled") == "immediately"


def test_news_with_a_date_within_48_hours_is_emailed_at_once_by_default(alice):
    soon, later = timezone.now() + timedelta(hours=47), timezone.now() + timedelta(days=5)

    assert email_choice(alice, "action_assigned", due_at=soon) == "immediately"
    assert email_choice(alice, "action_assigned", due_at=later) == "digest"
    choose(alice, "action_assigned", "digest")
    assert email_choice(alice, "action_assigned", due_at=soon) == "digest"


def test_a_notification_without_an_email_of_its_own_gets_the_short_one(alice, riverside, settings):
    settings.SITE_URL = "https://cop.example"
    choose(alice, "journey_celebration", "immediately")

    tell(alice, kind="journey_celebration", community=riverside, url="/c/riverside/")

    delivery = EmailDelivery.objects.get(recipient=alice)
    assert delivery.kind == "accounts:notification"
    assert delivery.subject.startswith("Riverside: Something for Alice")
    assert "https://cop.example/c/riverside/" in delivery.body_text
    assert 'href="https://cop.example/c/riverside/"' in delivery.body_html
    assert "/unsubscribe/notifications/" in delivery.headers["List-Unsubscribe"]


def test_one_click_unsubscribe_turns_every_kind_that_may_be_off_to_never(alice):
    unsubscribe(alice, "notifications")

    choices = dict(NotificationPreference.objects.filter(user=alice).values_list("kind", "email"))
    assert set(choices.values()) == {"never"}
    assert "session_cancelled" not in choices
    assert email_choice(alice, "join_decision") == "never"
    assert email_choice(alice, "session_cancelled") == "immediately"


def test_a_notification_key_is_unique_in_the_database(alice, bob):
    Notification.objects.create(recipient=alice, key="same", kind="x", text="t", url="/")
    with pytest.raises(IntegrityError):
        Notification.objects.create(recipient=bob, key="same", kind="x", text="t", url="/")


# --- the digest's section --------------------------------------------------------------------


def _digest_items(person):
    now = timezone.now() + timedelta(minutes=1)
    period = Period("weekly", "test", now - timedelta(days=7), now)
    sections = sections_for([person], now, {person.pk: period}).get(person.pk, [])
    return [item.text for s in sections if s.key == "notifications" for item in s.items]


def test_the_digest_carries_unread_notifications_left_for_it(alice, bob, riverside):
    tell(alice, key="a", kind="session_changed", community=riverside, text="Agenda changed")
    tell(alice, key="b", kind="session_changed", text="Read already")
    notification_mark_read(notification=Notification.objects.get(key="b"))
    tell(alice, key="c", kind="join_decision", text="Emailed at once")
    tell(alice, key="d", kind="journey_celebration", text="Celebrations say it")
    tell(bob, key="e", kind="session_changed", text="Bob's")

    assert _digest_items(alice) == ["Riverside: Agenda changed"]


# --- reading: mark one, mark all -------------------------------------------------------------


def test_mark_read_once_counts_down_once(alice):
    tell(alice, key="a")
    tell(alice, key="b")
    first = Notification.objects.get(key="a")

    notification_mark_read(notification=first)
    notification_mark_read(notification=first)

    assert unread(alice) == 1
    assert Notification.objects.get(key="a").read_at is not None


def test_mark_all_read_reads_only_mine(alice, bob):
    tell(alice, key="a")
    tell(alice, key="b")
    tell(bob, key="c")

    assert notifications_mark_all_read(user=alice) == 2
    assert notifications_mark_all_read(user=alice) == 0
    assert (unread(alice), unread(bob)) == (0, 1)
    assert Notification.objects.get(key="c").read_at is None


def test_staff_deleting_notifications_in_the_admin_keeps_the_count_true(client, alice, bob):
    staff = User.objects.create_superuser(email="staff@example.com", password="x")
    client.force_login(staff)
    for key in ("a", "b"):
        tell(alice, key=key)
    tell(bob, key="c")
    one = Notification.objects.get(key="a")

    client.post(f"/admin/accounts/notification/{one.pk}/delete/", {"post": "yes"})
    assert unread(alice) == 1
    client.post(
        "/admin/accounts/notification/",
        {
            "action": "delete_selected",
            "_selected_action": list(Notification.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )

    assert not Notification.objects.exists()
    assert (unread(alice), unread(bob)) == (0, 0)


# --- the page ---------------------------------------------------------------------------------


def test_the_page_groups_by_community_newest_first_and_marks_unread_in_words(
    client_as, alice, riverside, hillside
):
    now = timezone.now()
    for key, community, hours in [
        ("old-river", riverside, 5),
        ("hill", hillside, 3),
        ("site", None, 2),
        ("new-river", riverside, 1),
    ]:
        n = tell(alice, key=key, community=community, text=f"Note {key}")
        Notification.objects.filter(pk=n.pk).update(created_at=now - timedelta(hours=hours))
    notification_mark_read(notification=Notification.objects.get(key="hill"))

    page = client_as("alice").get("/notifications/").content.decode()

    headings = ["<h2", "Riverside", "Note new-river", "Note old-river", "Across copsite"]
    positions = [page.index(text) for text in headings[1:]]
    assert positions == sorted(positions)
    assert page.index("Across copsite") < page.index("Hillside") < page.index("Note hill")
    assert page.count('<span class="badge">New</span>') == 3
    assert "Mark all read" in page


def test_the_page_shows_only_my_own_notifications(client_as, alice, bob):
    tell(alice, key="a", text="For alice only")
    tell(bob, key="b", text="For bob only")

    page = client_as("bob").get("/notifications/").content.decode()

    assert "For bob only" in page
    assert "For alice only" not in page


def test_the_page_with_nothing_says_what_will_come(client_as, frank):
    page = client_as("frank").get("/notifications/").content.decode()

    assert "Nothing here yet" in page
    assert "Mark all read" not in page


def test_the_page_needs_a_person(client):
    response = client.get("/notifications/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_page_pages_without_counting(client_as, alice):
    for i in range(31):
        tell(alice, key=f"n{i:02d}", text=f"Note {i:02d}")

    client = client_as("alice")
    first = client.get("/notifications/")
    # "Older" names the page's oldest notification (core.paging.KeysetPage).
    older = first.context["page"].older_id
    second = client.get(f"/notifications/?before={older}").content.decode()
    # Someone else's notification names no place in my list: my newest page.
    others = tell(UserFactory(), key="theirs", text="Not mine")
    foreign = client.get(f"/notifications/?before={others.pk}").content.decode()

    assert "Note 30" in first.content.decode() and "Note 00" not in first.content.decode()
    assert f'href="?before={older}" rel="next"' in first.content.decode()
    assert "Note 00" in second and 'rel="prev"' in second
    assert "Note 30" not in second
    assert "Note 30" in foreign and "Not mine" not in foreign


def test_opening_one_marks_it_read_and_leads_to_it(client_as, alice):
    n = tell(alice, url="/c/riverside/")
    client = client_as("alice")

    response = client.post(f"/notifications/{n.pk}/open/")

    assert response.status_code == 302
    assert response["Location"] == "/c/riverside/"
    assert Notification.objects.get(pk=n.pk).read_at is not None
    assert unread(alice) == 0


def test_a_get_of_its_link_leads_to_it_but_marks_nothing_read(client_as, alice):
    # A browser prefetching links, or a mail client's preview, must not read it for them.
    n = tell(alice, url="/c/riverside/")

    response = client_as("alice").get(f"/notifications/{n.pk}/open/")

    assert response["Location"] == "/c/riverside/"
    assert Notification.objects.get(pk=n.pk).read_at is None
    assert unread(alice) == 1


def test_the_list_opens_each_by_a_post(client_as, alice):
    n = tell(alice, text="Something to open")

    page = client_as("alice").get("/notifications/").content.decode()

    assert f'<form method="post" action="/notifications/{n.pk}/open/"' in page
    assert f'href="/notifications/{n.pk}/open/"' not in page


def test_opening_one_never_leads_off_the_site(client_as, alice):
    n = tell(alice, url="//evil.example/")

    response = client_as("alice").get(f"/notifications/{n.pk}/open/")

    assert response["Location"] == "/notifications/"


@pytest.mark.parametrize("who", ["bob", "dave", "frank"])
def test_someone_elses_notification_is_a_404_and_stays_unread(client_as, alice, who):
    n = tell(alice)

    response = client_as(who).post(f"/notifications/{n.pk}/open/")

    assert response.status_code == 404
    assert client_as(who).get(f"/notifications/{n.pk}/open/").status_code == 404
    assert Notification.objects.get(pk=n.pk).read_at is None


@pytest.mark.parametrize("path", ["/notifications/999999/open/", "/notifications/1x/open/"])
def test_a_tampered_id_is_a_404(client_as, alice, path):
    assert client_as("alice").get(path).status_code == 404


def test_mark_all_read_is_a_post_and_comes_back_to_the_page(client_as, alice):
    tell(alice, key="a")
    tell(alice, key="b")
    client = client_as("alice")

    assert client.get("/notifications/read/").status_code == 405
    response = client.post("/notifications/read/", follow=True)

    assert response.redirect_chain == [("/notifications/", 302)]
    assert "every notification is marked read" in response.content.decode()
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()
    assert unread(alice) == 0


# --- the header's unread count ----------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 3])
def test_the_header_says_how_many_are_unread_in_words(client_as, alice, rows):
    for i in range(rows):
        tell(alice, key=f"n{i}")

    page = client_as("alice").get("/settings/").content.decode()

    label = f", {rows} unread notification{'s' if rows > 1 else ''}</span>"
    assert page.count(label) == 2  # the wide header and the phone menu


def test_the_header_says_nothing_when_all_is_read(client_as, alice):
    page = client_as("alice").get("/settings/").content.decode()

    assert "unread notification" not in page
    assert 'href="/notifications/"' in page


@pytest.mark.parametrize("rows", [0, 1, 12])
def test_the_header_count_costs_no_query(client_as, alice, rows, django_assert_num_queries):
    """The count comes with the user row the request loads anyway: a page costs the same
    with none, one or many unread (the settings page: session, user, my communities, my
    notification choices, whether my address is suppressed)."""
    for i in range(rows):
        tell(alice, key=f"n{i}")
    client = client_as("alice")

    with django_assert_num_queries(5):
        response = client.get("/settings/")

    assert response.status_code == 200
    assert ("unread notification" in response.content.decode()) is (rows > 0)


@pytest.mark.parametrize("rows", [1, 12])
def test_the_notifications_page_costs_a_fixed_number_of_queries(
    client_as, alice, hillside, rows, django_assert_num_queries
):
    for i in range(rows):
        tell(alice, key=f"n{i:02d}", community=hillside, text=f"Note {i:02d}")
    client = client_as("alice")

    # The session, the user, the page of notifications.
    with django_assert_num_queries(3):
        response = client.get("/notifications/")

    assert response.status_code == 200
    assert "Note 00" in response.content.decode()


# --- the settings form ----------------------------------------------------------------------


def test_settings_offer_each_kinds_choice_and_explain_the_locked_ones(client_as, alice):
    page = client_as("alice").get("/settings/").content.decode()

    assert 'name="notify-join_decision"' in page
    assert 'name="notify-journey_celebration"' in page
    assert 'name="notify-session_cancelled"' not in page
    assert "A session I RSVP&#x27;d to is cancelled — you answered its RSVP" in page


def test_settings_save_each_choice(client_as, alice):
    data = {f"notify-{kind.key}": kind.default_email for kind in notification_kinds()}
    data["notify-join_decision"] = "never"
    data["notify-session_changed"] = "immediately"
    data["notify-session_cancelled"] = "never"  # not a field: ignored

    response = client_as("alice").post("/settings/notifications/", data)

    assert response.status_code == 302
    assert response["Location"] == "/settings/#notification-emails"
    assert email_choice(alice, "join_decision") == "never"
    assert email_choice(alice, "session_changed") == "immediately"
    assert email_choice(alice, "session_cancelled") == "immediately"
    assert not NotificationPreference.objects.filter(kind="session_cancelled").exists()


@pytest.mark.parametrize("bad", ["sometimes", "never\x00", "x" * 5000])
def test_a_bad_choice_is_a_field_error_that_keeps_the_rest(client_as, alice, bad):
    data = {f"notify-{kind.key}": kind.default_email for kind in notification_kinds()}
    data["notify-join_decision"] = bad
    data["notify-session_changed"] = "never"

    response = client_as("alice").post("/settings/notifications/", data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in page
    assert '<option value="never" selected>' in page  # session_changed as chosen
    assert not NotificationPreference.objects.filter(user=alice).exists()


def test_the_settings_form_needs_a_post_and_a_person(client, client_as, alice):
    assert client_as("alice").get("/settings/notifications/").status_code == 405
    response = client.post("/settings/notifications/", {"notify-join_decision": "never"})
    assert response.status_code == 302
    assert not NotificationPreference.objects.exists()


# --- notify_many: many people, bounded queries ------------------------------------------------


def _people(n):
    from tests.factories import UserFactory

    return [UserFactory() for _ in range(n)]


@pytest.mark.parametrize("n", [1, 12])
def test_notify_many_costs_the_same_queries_for_one_person_and_many(
    db, n, django_assert_num_queries
):
    from accounts.notifications import notify_many

    people = _people(n)
    # A savepoint and its release; their choices, one insert, one recount, the rows read back.
    with django_assert_num_queries(6):
        made = notify_many(
            people,
            "action_assigned",
            key=lambda p: f"many:{p.pk}",
            text=lambda p: f"For {p.pk}",
            url="/",
        )

    assert len(made) == n
    assert all(unread(p) == 1 for p in people)
    assert not any(n.emailed for n in made)


def test_notify_many_is_once_per_key_and_follows_each_choice(db, mailoutbox):
    from accounts.notifications import notify_many

    keen, quiet = _people(2)
    choose(keen, "action_assigned", "immediately")

    for _ in range(2):
        notify_many(
            [keen, quiet, keen],
            "action_assigned",
            key=lambda p: f"many:{p.pk}",
            text="Something for you",
            url="/",
        )

    assert Notification.objects.filter(key__startswith="many:").count() == 2
    assert (unread(keen), unread(quiet)) == (1, 1)
    assert [n.emailed for n in Notification.objects.order_by("recipient_id")] == [True, False]


def test_leaving_a_community_takes_its_notifications_off_the_list_and_count(
    client_as, alice, riverside
):
    from communities.services import membership_leave

    tell(alice, key="there", community=riverside, text="About Riverside")
    tell(alice, key="site", text="About the site")

    membership_leave(membership=alice.memberships.get(community=riverside))

    page = client_as("alice").get("/notifications/").content.decode()
    assert "About Riverside" not in page and "About the site" in page
    assert unread(alice) == 1
