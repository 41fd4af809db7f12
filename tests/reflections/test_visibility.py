"""Every visibility × every role, on every place a reflection can show up."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from communities.access import community_for
from reflections.models import Reflection
from reflections.panels import community_panel
from tests.factories import ReflectionFactory

pytestmark = pytest.mark.django_db

ROLES = ["author", "member", "facilitator", "coordinator", "leader", "non_member"]
SEES = {
    "private": {"author"},
    "facilitators": {"author", "facilitator", "coordinator"},
    "community": {"author", "member", "facilitator", "coordinator"},
}
CASES = [(v, role, role in SEES[v]) for v in SEES for role in ROLES]
TITLE = "Zebrafish insight"


@pytest.fixture
def reflection_for(cast):
    def make(visibility):
        return ReflectionFactory(
            community=cast.community,
            author=cast.author,
            visibility=visibility,
            title=TITLE,
            body="The quokka principle held.",
        )

    return make


@pytest.mark.parametrize(("visibility", "role", "sees"), CASES)
def test_detail_visibility(client, cast, reflection_for, visibility, role, sees):
    reflection = reflection_for(visibility)
    client.force_login(getattr(cast, role))

    response = client.get(reflection.get_absolute_url())

    assert response.status_code == (200 if sees else 404)


@pytest.mark.parametrize(("visibility", "role", "sees"), CASES)
def test_list_visibility(client, cast, reflection_for, visibility, role, sees):
    reflection_for(visibility)
    client.force_login(getattr(cast, role))

    response = client.get(reverse("reflections:list", args=[cast.community.slug]))

    if role in ("leader", "non_member"):
        assert response.status_code == 404
    else:
        assert (TITLE in response.content.decode()) == sees


@pytest.mark.parametrize(("visibility", "role", "sees"), CASES)
def test_search_results_visibility(client, cast, reflection_for, visibility, role, sees):
    reflection_for(visibility)
    client.force_login(getattr(cast, role))

    response = client.get(reverse("reflections:list", args=[cast.community.slug]), {"q": "quokka"})

    if role in ("leader", "non_member"):
        assert response.status_code == 404
    else:
        assert (TITLE in response.content.decode()) == sees


@pytest.mark.parametrize(("visibility", "role", "sees"), CASES)
def test_visible_to_queryset(cast, reflection_for, visibility, role, sees):
    reflection = reflection_for(visibility)

    visible = Reflection.objects.visible_to(getattr(cast, role))

    assert (reflection in visible) == sees


@pytest.mark.parametrize(("visibility", "role"), [(v, r) for v in SEES for r in ROLES])
def test_home_shows_a_reflection_to_its_author_only(client, cast, reflection_for, visibility, role):
    reflection_for(visibility)
    client.force_login(getattr(cast, role))

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert (TITLE in response.content.decode()) == (role == "author")


@pytest.mark.parametrize(("visibility", "role"), [(v, r) for v in SEES for r in ROLES])
def test_community_panel_shows_community_reflections_to_members_only(
    rf, cast, reflection_for, visibility, role
):
    reflection_for(visibility)
    request = rf.get("/")
    request.user = getattr(cast, role)

    community = community_for(request.user, cast.community.slug, public=True)

    panel = community_panel(request, community)
    html = (
        render_to_string(panel.template, {"panel": panel.context}, request=request) if panel else ""
    )

    member = role in ("author", "member", "facilitator", "coordinator")
    assert (panel is not None) == member
    assert (TITLE in html) == (visibility == "community" and member)


@pytest.mark.parametrize(("visibility", "role"), [(v, r) for v in SEES for r in ROLES])
def test_exports_hold_only_my_own_reflections(client, cast, reflection_for, visibility, role):
    reflection_for(visibility)
    client.force_login(getattr(cast, role))

    zipped = client.get(reverse("reflections:export_zip"))
    table = client.get(reverse("reflections:export_csv"))

    archive = zipfile.ZipFile(io.BytesIO(zipped.content))
    in_zip = any(TITLE in archive.read(name).decode() for name in archive.namelist())
    rows = list(csv.reader(io.StringIO(table.content.decode())))
    assert in_zip == (role == "author")
    assert any(TITLE in row for row in rows[1:]) == (role == "author")


@pytest.mark.parametrize(("visibility", "role"), [(v, r) for v in SEES for r in ROLES])
def test_digest_preview_shows_others_community_reflections_to_members_only(
    client, cast, reflection_for, visibility, role
):
    reflection_for(visibility)
    client.force_login(getattr(cast, role))

    page = client.get(reverse("digest_preview"))
    email = client.get(reverse("digest_preview_email"))

    # The digest carries what others shared with the whole community: never a private or
    # facilitators-only reflection, and not the reader's own.
    member = role in ("member", "facilitator", "coordinator")
    shown = visibility == "community" and member
    assert (page.status_code, email.status_code) == (200, 200)
    assert (TITLE in page.content.decode()) == shown
    assert (TITLE in email.content.decode()) == shown


def test_a_member_who_left_no_longer_sees_community_reflections(client, cast, reflection_for):
    reflection = reflection_for("community")
    membership = cast.member.memberships.get()
    membership.status = "left"
    membership.save()

    assert reflection not in Reflection.objects.visible_to(cast.member)


def test_anonymous_sees_nothing(cast, reflection_for):
    from django.contrib.auth.models import AnonymousUser

    reflection_for("community")

    assert list(Reflection.objects.visible_to(AnonymousUser())) == []
