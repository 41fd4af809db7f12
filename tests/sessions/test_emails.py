"""sessions.emails: one context for every email about a session."""

from __future__ import annotations

import pytest

from sessions.emails import reflect_url, session_email_context, session_url
from tests.factories import CommunityFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_session_email_names_both_timezones_and_links_the_session(settings):
    settings.SITE_URL = "https://cop.example"
    session = SessionFactory(community=CommunityFactory(slug="maps", timezone="Asia/Tokyo"))
    person = UserFactory(timezone="Europe/Paris")

    context = session_email_context(session, person, reflect_url="r")

    assert (context["session"], context["community"], context["recipient"]) == (
        session,
        session.community,
        person,
    )
    assert (context["user_tz"], context["community_tz"]) == ("Europe/Paris", "Asia/Tokyo")
    assert context["session_url"] == session_url(session)
    assert session_url(session) == f"https://cop.example/c/maps/sessions/{session.pk}/"
    assert context["settings_url"] == "https://cop.example/settings/"
    assert context["reflect_url"] == "r"


def test_the_reflect_link_preselects_the_session(settings):
    settings.SITE_URL = "https://cop.example"
    session = SessionFactory(community=CommunityFactory(slug="maps"))

    assert reflect_url(session) == (
        f"https://cop.example/c/maps/reflections/new/?session={session.pk}"
    )
