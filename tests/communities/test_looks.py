"""A community's colour and emoji (issue 14, "look like a place people gather"): chosen
when it is created and in its settings, checked (a colour from the palette; one short
emoji, never text), shown in its header and on its cards; existing communities were given
a colour from their name by a data migration."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from communities import engagement
from communities.models import Community
from core.looks import PALETTE, tone_for
from tests.factories import CommunityFactory
from tests.html import text

pytestmark = pytest.mark.django_db

NEW = {"name": "Quiet Makers", "domain": "Making things, slowly.", "visibility": "open"}
NEW["timezone"] = "Europe/London"


def settings_data(community, **overrides):
    data = {
        "name": community.name,
        "slug": community.slug,
        "domain": community.domain,
        "purpose": community.purpose,
        "visibility": community.visibility,
        "colour": community.colour,
        "emoji": community.emoji,
        "timezone": community.timezone,
        "language": community.language,
        "engagement_window_days": 90,
    }
    for level, values in engagement.thresholds_for(community).items():
        for name, value in values.items():
            data[f"threshold_{level}_{name}"] = value
    return {**data, **overrides}


def test_a_new_community_keeps_the_colour_and_emoji_chosen(client_as):
    response = client_as("frank").post(
        "/communities/new/", {**NEW, "colour": "plum", "emoji": "🧶"}
    )

    community = Community.objects.get(name="Quiet Makers")
    assert response.status_code == 302
    assert (community.colour, community.emoji) == ("plum", "🧶")


def test_a_new_community_without_a_chosen_colour_gets_its_names(client_as):
    client_as("frank").post("/communities/new/", NEW)

    community = Community.objects.get(name="Quiet Makers")
    assert (community.colour, community.emoji) == (tone_for("Quiet Makers"), "")


def test_the_create_form_offers_the_palette_by_name(client_as):
    page = client_as("frank").get("/communities/new/").content.decode()

    for key, (label, _hex) in PALETTE.items():
        assert f'value="{key}"' in page
        assert str(label) in text(page)
    assert 'name="emoji"' in page


@pytest.mark.parametrize(
    ("emoji", "error"),
    [
        ("We knit on Tuesdays", "Choose one emoji, or leave this empty."),
        ("ab", "Only an emoji fits here (no letters, numbers or spaces)."),
        ("🧶\x00", "Null characters are not allowed."),
        ("🧶" * 9, "Choose one emoji, or leave this empty."),
    ],
)
def test_a_new_community_with_text_for_an_emoji_is_a_field_error_keeping_what_was_typed(
    client_as, emoji, error
):
    response = client_as("frank").post("/communities/new/", {**NEW, "emoji": emoji})

    assert response.status_code == 200
    assert response.context["form"].errors["emoji"] == [error]
    assert 'value="Quiet Makers"' in response.content.decode()
    assert not Community.objects.filter(name="Quiet Makers").exists()


def test_a_colour_outside_the_palette_is_a_field_error(client_as):
    response = client_as("frank").post("/communities/new/", {**NEW, "colour": "#ff0000"})

    assert response.status_code == 200
    assert "colour" in response.context["form"].errors
    assert not Community.objects.filter(name="Quiet Makers").exists()


def test_settings_change_the_colour_and_emoji(cast):
    response = cast.client("carol").post(
        "/c/riverside/settings/", settings_data(cast.riverside, colour="amber", emoji="🌊")
    )

    cast.riverside.refresh_from_db()
    assert response.status_code == 302
    assert (cast.riverside.colour, cast.riverside.emoji) == ("amber", "🌊")


def test_settings_without_a_colour_keep_the_one_the_community_has(cast):
    Community.objects.filter(pk=cast.riverside.pk).update(colour="rust", emoji="🌊")

    cast.riverside.refresh_from_db()
    cast.client("carol").post(
        "/c/riverside/settings/", settings_data(cast.riverside, colour="", emoji="")
    )

    cast.riverside.refresh_from_db()
    assert (cast.riverside.colour, cast.riverside.emoji) == ("rust", "")


def test_settings_refuse_a_sentence_for_an_emoji_and_save_nothing(cast):
    response = cast.client("carol").post(
        "/c/riverside/settings/",
        settings_data(cast.riverside, name="Renamed", emoji="river people"),
    )

    cast.riverside.refresh_from_db()
    assert response.status_code == 200
    assert "emoji" in response.context["form"].errors
    assert 'value="river people"' in response.content.decode()
    assert (cast.riverside.name, cast.riverside.emoji) == ("Riverside", "")


def test_the_community_header_shows_its_emoji_on_its_colour(cast):
    Community.objects.filter(pk=cast.riverside.pk).update(colour="violet", emoji="🌊")

    page = cast.client("alice").get("/c/riverside/").content.decode()

    assert (
        '<span class="community-mark tone-violet mark-large" data-mark="🌊" aria-hidden="true">'
        in page
    )
    assert "community-band tone-violet" in page


def test_without_an_emoji_the_mark_is_the_names_initial(cast):
    page = cast.client("alice").get("/c/riverside/").content.decode()

    assert 'data-mark="R"' in page


def test_directory_cards_carry_each_communitys_colour_and_emoji(cast):
    CommunityFactory(name="Tidepool", colour="green", emoji="🐚")

    page = cast.client("frank").get("/communities/").content.decode()

    assert "community-card community-band tone-green" in page
    assert 'data-mark="🐚"' in page


def test_my_communities_on_my_home_carry_their_marks(cast):
    Community.objects.filter(pk=cast.riverside.pk).update(colour="blue", emoji="🌊")

    page = cast.client("alice").get("/").content.decode()

    assert '<span class="community-mark tone-blue mark-small" data-mark="🌊"' in page


# --- the data migration: existing communities take a colour from their name -------------

BEFORE = ("communities", "0007_membership_introduction")
AFTER = ("communities", "0008_community_colour_emoji")


@pytest.mark.django_db(transaction=True)
def test_existing_communities_get_a_colour_from_their_name_when_migrated():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        old = MigrationExecutor(connection).loader.project_state([BEFORE]).apps
        OldCommunity = old.get_model("communities", "Community")
        names = ["Riverside", "Hillside", "Tidepool", "Quiet Makers", "Ωmega circle"]
        for name in names:
            OldCommunity.objects.create(name=name, slug=name.lower().replace(" ", "-"))

        MigrationExecutor(connection).migrate([AFTER])

        colours = dict(Community.objects.values_list("name", "colour"))
        assert colours == {name: tone_for(name) for name in names}
        # The names above do not all land on one colour: the migration really chose.
        assert len(set(colours.values())) > 1
        assert set(Community.objects.values_list("emoji", flat=True)) == {""}
    finally:
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
