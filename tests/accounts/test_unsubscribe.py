from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from accounts.unsubscribe import list_unsubscribe_headers, unsubscribe_token, unsubscribe_url

pytestmark = pytest.mark.django_db


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@time_machine.travel("2026-11-23 08:00 +00:00", tick=False)  # tokens carry a timestamp
def test_list_unsubscribe_headers_offer_url_mailto_and_one_click(user):
    headers = list_unsubscribe_headers(user, "digest")

    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url_part, mailto_part = headers["List-Unsubscribe"].split(", ")
    assert url_part == f"<{unsubscribe_url(user, 'digest')}>"
    assert mailto_part.startswith("<mailto:")


def test_cookieless_post_unsubscribes_at_once(user):
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        path_of(unsubscribe_url(user, "digest")), {"List-Unsubscribe": "One-Click"}
    )

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.digest == "off"


def test_get_only_asks_and_changes_nothing(client, user):
    response = client.get(path_of(unsubscribe_url(user, "reminders")))

    assert response.status_code == 200
    assert b"Unsubscribe from session reminders and invitations to reflect" in response.content
    user.refresh_from_db()
    assert (user.remind_24h, user.remind_1h) == (True, True)


def test_post_unsubscribes_reminders_of_both_kinds(client, user):
    client.post(path_of(unsubscribe_url(user, "reminders")))

    user.refresh_from_db()
    assert (user.remind_24h, user.remind_1h, user.digest) == (False, False, "weekly")


@pytest.mark.parametrize(
    "path",
    [
        "/unsubscribe/digest/{token}x/",
        "/unsubscribe/reminders/{token}/",  # a digest token used for another list
        "/unsubscribe/nonsense/{token}/",
        "/unsubscribe/digest/not-a-token/",
    ],
)
def test_tampered_or_foreign_tokens_get_a_clear_page(client, user, path):
    token = unsubscribe_token(user, "digest")

    response = client.post(path.format(token=token))

    assert response.status_code == 400
    assert b"couldn't use that unsubscribe link" in response.content
    user.refresh_from_db()
    assert (user.digest, user.remind_24h) == ("weekly", True)


def test_settings_resubscribes(client, user):
    client.post(path_of(unsubscribe_url(user, "digest")))
    client.force_login(user)

    client.post(
        "/settings/",
        {
            "display_name": user.display_name,
            "timezone": user.timezone,
            "digest": "daily",
            "digest_weekday": 0,
            "digest_hour": 7,
            "remind_24h": "on",
        },
    )

    user.refresh_from_db()
    assert (user.digest, user.digest_hour, user.remind_24h, user.remind_1h) == (
        "daily",
        7,
        True,
        False,
    )


def test_settings_group_notifications_and_resubscribe_facilitator_notices(client, user):
    Client().post(path_of(unsubscribe_url(user, "facilitation")))
    client.force_login(user)
    page = client.get("/settings/").content.decode()

    client.post(
        "/settings/",
        {
            "display_name": user.display_name,
            "timezone": user.timezone,
            "digest": "weekly",
            "digest_weekday": 0,
            "digest_hour": 8,
            "notify_facilitation": "on",
        },
    )

    user.refresh_from_db()
    notifications = page.split("<legend>Notifications</legend>", 1)[1].split("</fieldset>", 1)[0]
    for name in ("digest", "digest_weekday", "digest_hour", "remind_24h", "notify_facilitation"):
        assert f'name="{name}"' in notifications
    assert 'name="display_name"' not in notifications
    assert user.notify_facilitation is True


def test_an_expired_token_gets_the_clear_page_and_changes_nothing(client, user):
    from accounts.unsubscribe import MAX_AGE

    with time_machine.travel(dt.datetime(2025, 1, 6, 8, 0, tzinfo=dt.UTC), tick=False):
        url = path_of(unsubscribe_url(user, "digest"))
    later = dt.datetime(2025, 1, 6, 8, 0, tzinfo=dt.UTC) + dt.timedelta(seconds=MAX_AGE + 60)

    with time_machine.travel(later, tick=False):
        asked = client.get(url)
        posted = Client().post(url)

    user.refresh_from_db()
    assert (asked.status_code, posted.status_code) == (400, 400)
    assert b"couldn't use that unsubscribe link" in posted.content
    assert b'href="/settings/"' in posted.content
    assert user.digest == "weekly"
