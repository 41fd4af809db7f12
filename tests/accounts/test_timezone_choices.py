"""The timezone select: common zones first, canonical Area/City names only, and a saved
legacy alias kept so that saving the settings unchanged never fails."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.forms import COMMON_TIMEZONES, ProfileForm, timezone_choices
from communities.forms import CommunityForm, CommunitySettingsForm
from tests.factories import CommunityFactory, UserFactory

PREFS = {"digest": "weekly", "digest_weekday": 0, "digest_hour": 8}


def offered(choices) -> list[str]:
    values = []
    for value, label in choices:
        values += [name for name, _ in label] if isinstance(label, list | tuple) else [value]
    return values


def test_choices_are_common_zones_then_canonical_zones_without_legacy_aliases():
    (common_label, common), (all_label, everything) = timezone_choices()
    names = [name for name, _ in everything]

    assert (common_label, all_label) == ("Common", "All zones")
    assert [name for name, _ in common] == list(COMMON_TIMEZONES)
    assert names == sorted(names)
    assert {"Europe/London", "Asia/Kolkata", "Europe/Amsterdam", "Europe/Kyiv", "UTC"} <= set(names)
    for legacy in ("Zulu", "W-SU", "GB", "US/Eastern", "Asia/Calcutta", "posixrules", "Factory"):
        assert legacy not in names
    assert not [name for name in names if name.startswith("Etc/")]
    assert [name for name in names if "/" not in name] == ["UTC"]


@pytest.mark.django_db
def test_the_settings_page_lists_common_zones_first(client):
    client.force_login(UserFactory())

    content = client.get(reverse("settings")).content.decode()

    assert '<optgroup label="Common">' in content
    assert content.index('<optgroup label="Common">') < content.index('label="All zones"')
    assert 'data-device-zone="offer"' in content
    assert "Etc/GMT+5" not in content
    assert "W-SU" not in content


@pytest.mark.django_db
def test_a_saved_legacy_zone_is_shown_selected_and_saving_it_unchanged_works(client):
    person = UserFactory(timezone="Asia/Calcutta")
    client.force_login(person)

    page = client.get(reverse("settings")).content.decode()
    response = client.post(
        reverse("settings"), {**PREFS, "display_name": "Sam", "timezone": "Asia/Calcutta"}
    )

    assert '<option value="Asia/Calcutta" selected>Asia/Calcutta (saved)</option>' in page
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.display_name, person.timezone) == ("Sam", "Asia/Calcutta")


@pytest.mark.django_db
def test_a_legacy_zone_someone_else_saved_is_not_offered_to_me():
    form = ProfileForm(
        data={**PREFS, "timezone": "Asia/Calcutta"}, instance=UserFactory(timezone="UTC")
    )

    assert not form.is_valid()
    assert "timezone" in form.errors
    assert "Asia/Calcutta" not in offered(form.fields["timezone"].choices)


@pytest.mark.django_db
def test_community_forms_keep_their_saved_zone_and_a_new_community_may_take_the_devices():
    community = CommunityFactory(timezone="Europe/Kiev")

    settings_form = CommunitySettingsForm(instance=community)
    new_form = CommunityForm()

    assert offered(settings_form.fields["timezone"].choices)[0] == "Europe/Kiev"
    assert settings_form.fields["timezone"].widget.attrs["data-device-zone"] == "offer"
    assert "Europe/Kiev" not in offered(new_form.fields["timezone"].choices)
    assert new_form.fields["timezone"].widget.attrs["data-device-zone"] == "choose"
    # A re-shown form (with errors) keeps what the person sent: never chosen for them.
    assert CommunityForm(data={}).fields["timezone"].widget.attrs["data-device-zone"] == "offer"
