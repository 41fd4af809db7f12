"""Writes that moved out of views into services: the community's reminder settings and a
person's own settings."""

from __future__ import annotations

import pytest

from accounts.services import PROFILE_FIELDS, profile_update
from sessions.models import SessionSettings
from sessions.services import session_settings_save
from tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_session_settings_are_one_row_however_often_saved():
    community = CommunityFactory()

    session_settings_save(community=community, remind_24h=False, remind_1h=True)
    row = session_settings_save(community=community, remind_24h=True, remind_1h=False)

    assert SessionSettings.objects.filter(community=community).count() == 1
    row.refresh_from_db()
    assert (row.remind_24h, row.remind_1h) == (True, False)


def test_profile_update_saves_only_the_settings_pages_fields():
    person = UserFactory(display_name="Ada", is_leader=False)
    data = {name: getattr(person, name) for name in PROFILE_FIELDS}
    data["display_name"] = "Ada Lovelace"
    person.is_leader = True  # changed in memory, not offered by the page: never saved

    profile_update(user=person, data=data)

    person.refresh_from_db()
    assert (person.display_name, person.is_leader) == ("Ada Lovelace", False)
