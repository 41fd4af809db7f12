from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone
from django.utils.html import escape

from accounts.models import User
from communities.invitations import invitation_token
from communities.models import (
    CheckIn,
    Community,
    Invitation,
    JourneyStep,
    Membership,
    Milestone,
    OldSlug,
)
from tests.factories import (
    CommunityFactory,
    InvitationFactory,
    JourneyStepFactory,
    MembershipFactory,
    MoveSuggestionFactory,
    SessionFactory,
    UserFactory,
)
from tests.factories.communities import MentoringPairFactory
from tests.html import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (queued email) as a real request would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def logged_in(client, user):
    client.force_login(user)
    return client


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Create, directory, home -----------------------------------------------------------


def test_community_new_makes_the_creator_its_coordinator_at_the_core(client, user):
    response = logged_in(client, user).post(
        "/communities/new/",
        {
            "name": "  Systems   Thinking ",
            "domain": "Seeing wholes.",
            "visibility": "request",
            "timezone": "Europe/Paris",
        },
    )

    community = Community.objects.get()
    assert response["Location"] == "/c/systems-thinking/"
    assert (community.name, community.slug, community.timezone) == (
        "Systems Thinking",
        "systems-thinking",
        "Europe/Paris",
    )
    membership = Membership.objects.get()
    assert (membership.user, membership.role, membership.level) == (user, "coordinator", "core")


@pytest.mark.parametrize(("name", "slug"), [("Community 1", "community-1-2"), ("New", "new-2")])
def test_community_new_slug_is_unique_and_never_reserved(client, user, name, slug):
    CommunityFactory(slug="community-1")

    logged_in(client, user).post(
        "/communities/new/",
        {"name": name, "domain": "x", "visibility": "open", "timezone": "UTC"},
    )

    assert Community.objects.filter(name=name).get().slug == slug


def test_community_new_bad_input_gives_field_errors_and_saves_nothing(client, user):
    response = logged_in(client, user).post(
        "/communities/new/",
        {"name": "x" * 121, "domain": "", "visibility": "secret", "timezone": "Mars/Base"},
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "domain", "visibility", "timezone"}
    assert 'value="' + "x" * 121 + '"' in response.content.decode()
    assert Community.objects.count() == Membership.objects.count() == 0


def test_directory_lists_open_and_request_communities_with_counts(client, user):
    open_ = CommunityFactory(name="Alpha", visibility="open")
    MembershipFactory.create_batch(3, community=open_)
    MembershipFactory(community=open_, status="left")
    CommunityFactory(name="Beta", visibility="request")
    CommunityFactory(name="Gamma", visibility="invite")
    CommunityFactory(name="Delta", archived=True)
    SessionFactory(community=open_, title="Mapping night")

    response = logged_in(client, user).get("/communities/")

    page = response.context["page"]
    assert [(c.name, c.member_count) for c in page] == [("Alpha", 3), ("Beta", 0)]
    assert page[0].next_session_title == "Mapping night"
    assert "Mapping night" in response.content.decode()


@pytest.mark.parametrize(("query", "names"), [("alp", ["Alpha"]), ("rivers", ["Beta"])])
def test_directory_search_matches_name_and_domain(client, user, query, names):
    CommunityFactory(name="Alpha")
    CommunityFactory(name="Beta", domain="Rivers and their people.")

    response = logged_in(client, user).get("/communities/", {"q": query})

    assert [c.name for c in response.context["page"]] == names


def test_directory_htmx_search_renders_only_the_results(client, user):
    CommunityFactory(name="Alpha")

    response = logged_in(client, user).get("/communities/", {"q": "zzz"}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert 'id="directory-results"' in body
    assert "<h1>" not in body
    assert "No community matches" in body


# A directory that fits on its first page is read in one query and never counted; a longer
# one is counted too (session, user, the first page, its count).
@pytest.mark.parametrize(("rows", "queries"), [(1, 3), (30, 3), (31, 4), (40, 4)])
def test_directory_query_count_is_bounded(client, user, rows, queries, django_assert_num_queries):
    for i in range(rows):
        community = CommunityFactory(name=f"Circle {i:02d}")
        MembershipFactory(community=community)
        SessionFactory(community=community)
    logged_in(client, user)

    with django_assert_num_queries(queries):
        response = client.get("/communities/")

    assert response.status_code == 200
    assert "Circle 00" in response.content.decode()


@pytest.mark.parametrize("rows", [0, 29, 30, 31, 61])
def test_directory_pages_and_counts_whatever_its_length(client, user, rows):
    for i in range(rows):
        CommunityFactory(name=f"Circle {i:02d}", domain="Rivers")
    logged_in(client, user)
    pages = max(1, -(-rows // 30))

    seen = []
    for number in range(1, pages + 1):
        page = client.get("/communities/", {"page": number}).context["page"]
        assert (page.number, page.paginator.num_pages, page.paginator.count) == (
            number,
            pages,
            rows,
        )
        assert page.has_next() == (number < pages)
        seen += [community.name for community in page]
    first = client.get("/communities/", {"q": "rivers"})

    assert seen == [f"Circle {i:02d}" for i in range(rows)]
    assert first.context["page"].paginator.count == rows
    assert [c.name for c in first.context["page"]] == seen[:30]
    if rows:
        assert f"{rows} match" in first.content.decode()


def test_home_shows_inward_moves_as_celebrations_and_never_outward(client, community, member_of):
    viewer = member_of(community)
    sam = MembershipFactory(community=community, user__display_name="Sam", level="active")
    JourneyStepFactory(membership=sam, from_level="peripheral", to_level="active")
    kit = MembershipFactory(community=community, user__display_name="Kit")
    JourneyStepFactory(membership=kit, from_level="active", to_level="peripheral")

    facilitator = member_of(community, role="facilitator")

    body = logged_in(client, viewer).get(f"/c/{community.slug}/").content.decode()
    as_facilitator = logged_in(client, facilitator).get(f"/c/{community.slug}/").content.decode()

    # Levels are between a person and the facilitators: members celebrate the step only.
    assert "Sam took a step further in — welcome!" in body
    assert "peripheral" not in body
    assert "Sam moved from peripheral to active — welcome further in!" in as_facilitator
    assert "Kit" not in as_facilitator.split("Celebrations")[1].split("</section>")[0]


def test_home_for_a_non_member_offers_joining_without_celebrations(client, community, user):
    sam = MembershipFactory(community=community, user__display_name="Sam")
    JourneyStepFactory(membership=sam)

    body = logged_in(client, user).get(f"/c/{community.slug}/").content.decode()

    assert community.domain in body
    assert "Join this community" in body
    assert "Sam moved" not in body


def test_home_renders_other_apps_community_panels(client, community, member_of, monkeypatch):
    from communities import views
    from core.plugins import Panel

    seen = []

    def fake_collect(hook, request, access):
        seen.append((hook, access.community, access.membership.user))
        return [Panel("communities/includes/home_panel.html", {"memberships": []})]

    monkeypatch.setattr(views, "collect_panels", fake_collect)

    person = member_of(community)
    body = logged_in(client, person).get(f"/c/{community.slug}/").content.decode()

    assert seen == [("community_panel", community, person)]
    assert "My communities" in body


# --- Settings and slugs ----------------------------------------------------------------


def settings_data(community, **overrides):
    data = {
        "name": community.name,
        "slug": community.slug,
        "domain": community.domain,
        "purpose": "",
        "visibility": community.visibility,
        "timezone": "Europe/London",
        "language": community.language,
        "engagement_window_days": 90,
    }
    from communities import engagement

    for level, values in engagement.thresholds_for(community).items():
        for name, value in values.items():
            data[f"threshold_{level}_{name}"] = value
    data.update(overrides)
    return data


def test_settings_saves_fields_and_thresholds(client, community, member_of):
    client = logged_in(client, member_of(community, role="coordinator"))

    response = client.post(
        f"/c/{community.slug}/settings/",
        settings_data(community, name="Renamed", threshold_active_reviews_given=9),
    )

    community.refresh_from_db()
    assert response.status_code == 302
    assert community.name == "Renamed"
    assert community.engagement_thresholds["active"]["reviews_given"] == 9


def test_settings_choose_the_search_language_and_refuse_an_unknown_one(
    client, community, member_of
):
    client = logged_in(client, member_of(community, role="coordinator"))
    url = f"/c/{community.slug}/settings/"

    page = client.get(url).content.decode()
    saved = client.post(url, settings_data(community, language="french"))
    refused = client.post(url, settings_data(community, language="klingon"))

    community.refresh_from_db()
    assert 'name="language"' in page
    assert saved.status_code == 302
    assert community.language == "french"
    assert set(refused.context["form"].errors) == {"language"}


def test_settings_slug_changes_once_and_the_old_url_redirects(client, community, member_of):
    client = logged_in(client, member_of(community, role="coordinator"))
    old = community.slug

    client.post(f"/c/{old}/settings/", settings_data(community, slug="new-home"))
    community.refresh_from_db()
    second = client.post("/c/new-home/settings/", settings_data(community, slug="third-home"))
    redirect = client.get(f"/c/{old}/members/?level=core")

    community.refresh_from_db()
    assert (community.slug, community.slug_changed) == ("new-home", True)
    assert second.status_code == 302
    assert OldSlug.objects.get().slug == old
    assert redirect.status_code == 301
    assert redirect["Location"] == "/c/new-home/members/?level=core"


def renamed(visibility: str) -> Community:
    """A community of `visibility` that moved from /c/old-home/ to /c/new-home/."""
    community = CommunityFactory(slug="new-home", visibility=visibility, slug_changed=True)
    OldSlug.objects.create(community=community, slug="old-home")
    return community


@pytest.mark.parametrize("path", ["", "members/", "sessions/"])
@pytest.mark.parametrize("who", ["stranger", "other_member"])
def test_old_slug_of_an_invite_only_community_is_the_404_of_a_slug_that_never_existed(
    client, path, who
):
    renamed(Community.Visibility.INVITE)
    person = UserFactory() if who == "stranger" else MembershipFactory().user
    client.force_login(person)

    old = client.get(f"/c/old-home/{path}")
    never = client.get(f"/c/never-was/{path}")

    assert old.status_code == never.status_code == 404
    assert old.content == never.content
    assert "new-home" not in old.content.decode()


def test_old_slug_of_an_invite_only_community_sends_anonymous_visitors_to_log_in(client):
    renamed(Community.Visibility.INVITE)

    old = client.get("/c/old-home/")
    never = client.get("/c/never-was/")

    assert old.status_code == never.status_code == 302
    assert old["Location"] == never["Location"].replace("never-was", "old-home")
    assert "new-home" not in old["Location"]


@pytest.mark.parametrize("visibility", ["invite", "request", "open"])
def test_old_slug_redirects_members_whatever_the_visibility(client, member_of, visibility):
    community = renamed(visibility)
    client.force_login(member_of(community))

    response = client.get("/c/old-home/members/?level=core")

    assert response.status_code == 301
    assert response["Location"] == "/c/new-home/members/?level=core"


def test_old_slug_redirects_leaders_to_the_dashboard_they_may_see(client, erin):
    renamed(Community.Visibility.INVITE)
    client.force_login(erin)

    response = client.get("/c/old-home/dashboard/")

    assert response.status_code == 301
    assert response["Location"] == "/c/new-home/dashboard/"


@pytest.mark.parametrize("visibility", ["request", "open"])
def test_old_slug_of_a_directory_community_redirects_outsiders(client, visibility):
    renamed(visibility)
    client.force_login(UserFactory())

    response = client.get("/c/old-home/")

    assert response.status_code == 301
    assert response["Location"] == "/c/new-home/"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("slug", ["new", "taken", "Not A Slug!"])
def test_settings_refuses_a_taken_reserved_or_malformed_slug(client, community, member_of, slug):
    CommunityFactory(slug="taken")
    client = logged_in(client, member_of(community, role="coordinator"))

    response = client.post(f"/c/{community.slug}/settings/", settings_data(community, slug=slug))

    assert response.status_code == 200
    assert "slug" in response.context["form"].errors
    assert not OldSlug.objects.exists()


def test_settings_bad_thresholds_are_field_errors_and_nothing_is_saved(
    client, community, member_of
):
    client = logged_in(client, member_of(community, role="coordinator"))

    response = client.post(
        f"/c/{community.slug}/settings/",
        settings_data(community, name="Renamed", threshold_core_work_shared=-1,
                      engagement_window_days=3),
    )  # fmt: skip

    community.refresh_from_db()
    assert set(response.context["form"].errors) == {
        "threshold_core_work_shared",
        "engagement_window_days",
    }
    assert community.name != "Renamed"


def test_archive_and_unarchive(client, community, member_of):
    client = logged_in(client, member_of(community, role="coordinator"))

    client.post(f"/c/{community.slug}/settings/archive/", {"archived": "1"})
    community.refresh_from_db()
    archived = community.archived
    client.post(f"/c/{community.slug}/settings/archive/", {"archived": "0"})
    community.refresh_from_db()

    assert (archived, community.archived) == (True, False)


def test_unknown_community_under_c_is_still_404(client, user):
    assert logged_in(client, user).get("/c/nowhere/members/").status_code == 404


# --- Joining, requests, leaving --------------------------------------------------------


def test_join_open_community_with_one_click(client, community, user):
    response = logged_in(client, user).post(f"/c/{community.slug}/join/")

    membership = Membership.objects.get(user=user)
    assert response["Location"] == f"/c/{community.slug}/"
    assert (membership.status, membership.level, membership.role) == (
        "active",
        "peripheral",
        "member",
    )


def test_join_again_after_leaving_reactivates_the_membership(client, community, user):
    MembershipFactory(community=community, user=user, status="left", level="active")

    logged_in(client, user).post(f"/c/{community.slug}/join/")

    assert Membership.objects.get(user=user).status == "active"


def test_join_archived_community_is_refused_kindly(client, user):
    community = CommunityFactory(archived=True)

    response = logged_in(client, user).post(f"/c/{community.slug}/join/", follow=True)

    assert "not open to join" in " ".join(messages_of(response))
    assert not Membership.objects.exists()


def test_join_request_notifies_facilitators_and_twice_is_refused(client, user, commit):
    community = CommunityFactory(visibility="request")
    facilitator = MembershipFactory(community=community, role="facilitator").user
    client = logged_in(client, user)

    with commit():
        client.post(f"/c/{community.slug}/join/", {"note": "I map rivers."})
    second = client.post(f"/c/{community.slug}/join/", {"note": "again"}, follow=True)

    membership = Membership.objects.get(user=user)
    assert (membership.status, membership.request_note) == ("requested", "I map rivers.")
    assert "already with the facilitators" in " ".join(messages_of(second))
    assert [m.to for m in mail.outbox] == [[facilitator.email]]
    assert "I map rivers." in mail.outbox[0].body
    assert "I map rivers." in mail.outbox[0].alternatives[0][0]
    assert "Your request to join is with the facilitators" in second.content.decode()


def test_join_request_note_too_long_is_a_field_error(client, user):
    community = CommunityFactory(visibility="request")

    response = logged_in(client, user).post(f"/c/{community.slug}/join/", {"note": "x" * 1001})

    assert "note" in response.context["form"].errors
    assert not Membership.objects.exists()


def test_join_invite_only_community_is_404(client, user):
    community = CommunityFactory(visibility="invite")

    assert logged_in(client, user).post(f"/c/{community.slug}/join/").status_code == 404


@pytest.mark.parametrize(
    ("decision", "status", "subject"),
    [("approve", "active", "Welcome to"), ("decline", "left", "Your request to join")],
)
def test_join_request_decision_tells_the_requester(
    client, member_of, commit, decision, status, subject
):
    community = CommunityFactory(visibility="request")
    request = MembershipFactory(community=community, status="requested")
    client = logged_in(client, member_of(community, role="facilitator"))

    with commit():
        client.post(f"/c/{community.slug}/requests/{request.pk}/{decision}/")
    again = client.post(f"/c/{community.slug}/requests/{request.pk}/{decision}/")

    request.refresh_from_db()
    assert request.status == status
    assert again.status_code == 404
    [message] = mail.outbox
    assert message.to == [request.user.email]
    assert message.subject.startswith(subject)
    assert community.name in message.body
    assert community.name in message.alternatives[0][0]


def test_archived_community_declines_but_does_not_approve_requests(client, member_of, commit):
    community = CommunityFactory(visibility="request", archived=True)
    first = MembershipFactory(community=community, status="requested")
    second = MembershipFactory(community=community, status="requested")
    logged_in(client, member_of(community, role="facilitator"))

    approve = client.post(f"/c/{community.slug}/requests/{first.pk}/approve/", follow=True)
    with commit():
        client.post(f"/c/{community.slug}/requests/{second.pk}/decline/")

    first.refresh_from_db()
    second.refresh_from_db()
    assert messages_of(approve) == ["This community is archived and not taking new members."]
    assert (first.status, second.status) == ("requested", "left")
    assert [m.to for m in mail.outbox] == [[second.user.email]]


def test_requests_page_lists_pending_requests(client, member_of):
    community = CommunityFactory(visibility="request")
    MembershipFactory(community=community, status="requested", request_note="Hello there")

    response = logged_in(client, member_of(community, role="facilitator")).get(
        f"/c/{community.slug}/requests/"
    )

    assert "Hello there" in response.content.decode()


def test_leave_community(client, community, member_of):
    person = member_of(community)

    response = logged_in(client, person).post(f"/c/{community.slug}/leave/")

    assert response["Location"] == "/"
    assert Membership.objects.get(user=person).status == "left"


def test_last_coordinator_cannot_leave(client, community, member_of):
    coordinator = member_of(community, role="coordinator")

    response = logged_in(client, coordinator).post(f"/c/{community.slug}/leave/", follow=True)

    assert "only coordinator" in " ".join(messages_of(response))
    assert Membership.objects.get(user=coordinator).status == "active"


# --- Roles -----------------------------------------------------------------------------


def test_coordinator_appoints_a_facilitator(client, community, member_of):
    client = logged_in(client, member_of(community, role="coordinator"))
    member = MembershipFactory(community=community)

    client.post(f"/c/{community.slug}/members/{member.pk}/role/", {"role": "facilitator"})

    member.refresh_from_db()
    assert member.role == "facilitator"


def test_last_coordinator_cannot_be_demoted_but_one_of_two_can(client, community, member_of):
    coordinator = member_of(community, role="coordinator")
    mine = Membership.objects.get(user=coordinator)
    client = logged_in(client, coordinator)

    refused = client.post(
        f"/c/{community.slug}/members/{mine.pk}/role/", {"role": "member"}, follow=True
    )
    mine.refresh_from_db()
    refused_role = mine.role
    MembershipFactory(community=community, role="coordinator")
    client.post(f"/c/{community.slug}/members/{mine.pk}/role/", {"role": "member"})
    mine.refresh_from_db()

    assert "at least one coordinator" in " ".join(messages_of(refused))
    assert (refused_role, mine.role) == ("coordinator", "member")


def test_role_bad_value_is_refused(client, community, member_of):
    client = logged_in(client, member_of(community, role="coordinator"))
    member = MembershipFactory(community=community)

    response = client.post(
        f"/c/{community.slug}/members/{member.pk}/role/", {"role": "king"}, follow=True
    )

    member.refresh_from_db()
    assert member.role == "member"
    assert "Choose member, facilitator or coordinator." in messages_of(response)


# --- Members page ----------------------------------------------------------------------


def test_members_grouped_by_level_with_badges_and_aspirations_for_facilitators(
    client, community, member_of
):
    MembershipFactory(
        community=community, level="core", role="facilitator", user__display_name="Ada"
    )
    MembershipFactory(
        community=community, user__display_name="Ben", aspiration="I'm happy to mentor"
    )
    facilitator = member_of(community, role="facilitator")

    response = logged_in(client, facilitator).get(f"/c/{community.slug}/members/")

    groups = {g["level"]: [m.user.name for m in g["people"]] for g in response.context["groups"]}
    assert groups["core"] == ["Ada"]
    assert "Ben" in groups["peripheral"]
    body = response.content.decode()
    assert '<span class="aspiration">“I&#x27;m happy to mentor”</span>' in body
    assert '<h2 id="level-peripheral">Peripheral' in body
    assert 'name="level"' in body


def test_a_coordinator_sets_each_members_role_from_their_row(client, community, member_of):
    ben = MembershipFactory(
        community=community, role="facilitator", user__display_name="Ben <b>", introduction="Hi"
    )
    coordinator = member_of(community, role="coordinator")
    facilitator = member_of(community, role="facilitator")

    body = logged_in(client, coordinator).get(f"/c/{community.slug}/members/").content.decode()

    assert (
        f'<form method="post" action="/c/{community.slug}/members/{ben.pk}/role/" '
        'class="inline role-form"><input type="hidden" name="csrfmiddlewaretoken"'
    ) in body
    label = f'<label for="role-{ben.pk}" class="visually-hidden">Role of Ben &lt;b&gt;</label>'
    assert label in body
    assert '<option value="facilitator" selected>facilitator</option>' in body
    assert '<option value="member">member</option>' in body
    assert 'Set role<span class="visually-hidden"> of Ben &lt;b&gt;</span></button>' in body
    assert '<span class="introduction">Hi</span>' in body
    assert f'?member={ben.pk}">journey<span class="visually-hidden"> of Ben &lt;b&gt;' in body
    client.logout()
    body = logged_in(client, facilitator).get(f"/c/{community.slug}/members/").content.decode()
    assert "role-form" not in body and "csrfmiddlewaretoken" in body  # the filter's own
    client.logout()
    coordinator.language = "fr"
    coordinator.save()
    french = logged_in(client, coordinator).get(f"/c/{community.slug}/members/").content.decode()
    assert 'Définir le rôle<span class="visually-hidden"> de Ben &lt;b&gt;</span>' in french
    assert '<option value="facilitator" selected>animateur·rice</option>' in french


LEVEL_WORDS = ("peripheral", "Peripheral", "core", "Core", "all levels", 'name="level"')


def test_members_shows_a_plain_member_people_by_name_and_no_levels(client, community, member_of):
    MembershipFactory(
        community=community,
        level="core",
        role="facilitator",
        user__display_name="Ada",
        introduction="Runs the Tuesday huddles",
    )
    MembershipFactory(
        community=community, user__display_name="Ben", aspiration="I'm happy to mentor"
    )
    member = MembershipFactory(community=community, user__display_name="Cy", level="active")

    response = logged_in(client, member.user).get(f"/c/{community.slug}/members/")

    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["groups"] is None
    assert [m.user.name for m in response.context["page"]] == ["Ada", "Ben", "Cy"]
    assert '<span class="introduction">Runs the Tuesday huddles</span>' in body
    assert "Ada facilitator" in text(body)
    assert "happy to mentor" not in body
    member_list = body[body.index('id="member-list"') :]
    for word in LEVEL_WORDS:
        assert word not in member_list, word
    assert 'name="level"' not in body


def test_members_level_filter_is_ignored_for_plain_members(client, community):
    MembershipFactory(community=community, user__display_name="Ada", level="core")
    viewer = MembershipFactory(community=community, user__display_name="Cy")

    response = logged_in(client, viewer.user).get(
        f"/c/{community.slug}/members/", {"level": "core"}
    )

    assert response.status_code == 200
    assert [m.user.name for m in response.context["page"]] == ["Ada", "Cy"]
    assert "with these filters" not in response.content.decode()


@pytest.mark.parametrize(("shown", "seen"), [(False, False), (True, True)])
def test_members_see_an_aspiration_only_where_the_person_switched_it_on(
    client, community, member_of, shown, seen
):
    MembershipFactory(
        community=community,
        user__display_name="Ben",
        aspiration="I'm happy to mentor",
        show_aspiration=shown,
    )
    as_member = logged_in(client, member_of(community)).get(f"/c/{community.slug}/members/")
    as_facilitator = logged_in(client, member_of(community, role="facilitator")).get(
        f"/c/{community.slug}/members/"
    )

    mentor = '<span class="aspiration">“I&#x27;m happy to mentor”</span>'
    assert (mentor in as_member.content.decode()) is seen
    assert mentor in as_facilitator.content.decode()


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"level": "core"}, ["Ada"]),
        ({"role": "coordinator"}, []),
        ({"q": "be"}, ["Ben"]),
        ({"q": "BEN.LOCAL"}, ["Ben"]),
        # The domain is not searched: it would match everyone at one organisation.
        ({"q": "clinic.example"}, []),
    ],
)
def test_members_filters(client, community, member_of, params, names):
    MembershipFactory(
        community=community,
        level="core",
        role="facilitator",
        user__display_name="Ada",
        user__email="ada@clinic.example",
    )
    MembershipFactory(
        community=community,
        user__display_name="Ben",
        aspiration="I'm happy to mentor",
        user__email="ben.local@clinic.example",
    )
    viewer = MembershipFactory(
        community=community, level="active", role="facilitator", user__display_name="Cy"
    )

    response = logged_in(client, viewer.user).get(f"/c/{community.slug}/members/", params)

    shown = [m.user.name for group in response.context["groups"] for m in group["people"]]
    assert shown == names


def test_members_aspiration_filter_works_for_facilitators(client, community):
    MembershipFactory(community=community, user__display_name="Ada", level="core")
    MembershipFactory(
        community=community, user__display_name="Ben", aspiration="I'm happy to mentor"
    )
    viewer = MembershipFactory(community=community, role="facilitator", level="core")

    response = logged_in(client, viewer.user).get(
        f"/c/{community.slug}/members/", {"aspiration": "I'm happy to mentor"}
    )

    assert response.status_code == 200
    assert shown_names(response) == ["Ben"]
    assert 'name="aspiration"' in response.content.decode()


def test_members_aspiration_filter_is_absent_and_ignored_for_plain_members(client, community):
    """Aspirations are between a person and the facilitators: a member cannot find out who
    would like to facilitate by filtering for it."""
    MembershipFactory(community=community, user__display_name="Ada", level="core")
    MembershipFactory(
        community=community, user__display_name="Ben", aspiration="I'm happy to mentor"
    )
    viewer = MembershipFactory(community=community, level="active", user__display_name="Cy")
    logged_in(client, viewer.user)
    url = f"/c/{community.slug}/members/"

    unfiltered = client.get(url)
    filtered = client.get(url, {"aspiration": "I'm happy to mentor"})

    assert filtered.status_code == 200
    assert plain_names(filtered) == plain_names(unfiltered) == ["Ada", "Ben", "Cy"]
    assert filtered.context["total"] == 3
    assert 'name="aspiration"' not in filtered.content.decode()
    assert "with these filters" not in filtered.content.decode()


def test_members_htmx_filter_renders_only_the_list(client, community, member_of):
    response = logged_in(client, member_of(community)).get(
        f"/c/{community.slug}/members/", {"level": "core"}, HTTP_HX_REQUEST="true"
    )

    body = response.content.decode()
    assert 'id="member-list"' in body
    assert "<h1>" not in body


@pytest.mark.parametrize("rows", [1, 120])
def test_members_query_count_is_bounded(
    client, community, member_of, rows, django_assert_num_queries
):
    coordinator = member_of(community, role="coordinator")
    MembershipFactory.create_batch(rows, community=community, aspiration="I'm happy to mentor")
    MembershipFactory.create_batch(rows, community=community, status="requested")
    logged_in(client, coordinator)

    with django_assert_num_queries(7):
        response = client.get(f"/c/{community.slug}/members/")

    assert response.status_code == 200
    assert escape(response.context["page"][0].user.name) in response.content.decode()

    assert response.context["total"] == rows + 1
    assert len(response.context["page"]) == min(rows + 1, 50)


def plain_names(response):
    return [m.user.name for m in response.context["page"]]


def shown_names(response):
    return [m.user.name for group in response.context["groups"] for m in group["people"]]


def level_counts(response):
    return {group["level"]: group["count"] for group in response.context["groups"]}


@pytest.fixture
def crowd(community):
    """3 core, 60 active and 60 peripheral members, named so that name order is clear."""
    for level, n in (("core", 3), ("active", 60), ("peripheral", 60)):
        for i in range(n):
            MembershipFactory(
                community=community, level=level, user__display_name=f"{level} {i:03}"
            )
    return community


def test_members_pages_run_core_then_active_then_peripheral(client, crowd, member_of):
    viewer = MembershipFactory(
        community=crowd, level="core", role="facilitator", user__display_name="core zoe"
    )
    client = logged_in(client, viewer.user)

    pages = [client.get(f"/c/{crowd.slug}/members/", {"page": n}) for n in (1, 2, 3)]

    first, second, third = (shown_names(page) for page in pages)
    assert first == ["core 000", "core 001", "core 002", "core zoe"] + [
        f"active {i:03}" for i in range(46)
    ]
    assert second[:14] == [f"active {i:03}" for i in range(46, 60)]
    assert second[14:] == [f"peripheral {i:03}" for i in range(36)]
    assert third == [f"peripheral {i:03}" for i in range(36, 60)]
    assert {tuple(level_counts(page).items()) for page in pages} == {
        (("core", 4), ("active", 60), ("peripheral", 60))
    }
    assert [page.context["total"] for page in pages] == [124, 124, 124]


def test_members_level_on_another_page_links_to_it(client, crowd, member_of):
    client = logged_in(client, member_of(crowd, role="facilitator"))

    response = client.get(f"/c/{crowd.slug}/members/", {"page": 3})

    body = response.content.decode()
    assert '<a href="?page=1">See the core members on page 1</a>' in body
    assert '<a href="?page=2">See the active members on page 2</a>' in body
    assert "No one here" not in body


def test_members_page_links_keep_the_filters(client, crowd, member_of):
    client = logged_in(client, member_of(crowd, role="facilitator", level="core"))

    response = client.get(f"/c/{crowd.slug}/members/", {"q": "e", "role": "member", "page": "2"})

    body = response.content.decode()
    assert response.context["page"].number == 2
    assert '<a href="?q=e&amp;role=member&amp;page=1" rel="prev">Previous page</a>' in body
    assert '<a href="?q=e&amp;role=member&amp;page=3" rel="next">Next page</a>' in body
    assert "123 members with these filters, 51 to 100 on this page." in body


def test_members_htmx_page_renders_only_the_list_with_its_links(client, crowd, member_of):
    client = logged_in(client, member_of(crowd, role="facilitator"))

    response = client.get(f"/c/{crowd.slug}/members/", {"level": "active"}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert "<h1>" not in body
    assert '<a href="?level=active&amp;page=2" rel="next">Next page</a>' in body


@pytest.mark.parametrize(
    ("page", "number"),
    # NUL in a query parameter is a 404 before any view (tests/quality/test_junk_input.py).
    [("99", 3), ("-1", 3), ("0", 3), ("²", 1), ("", 1), ("1.5", 1)],
)
def test_members_page_out_of_range_or_junk_shows_the_last_or_first(
    client, crowd, member_of, page, number
):
    client = logged_in(client, member_of(crowd))

    response = client.get(f"/c/{crowd.slug}/members/", {"page": page})

    assert (response.status_code, response.context["page"].number) == (200, number)


def test_members_filters_count_every_page_not_just_this_one(client, crowd, member_of):
    client = logged_in(client, member_of(crowd, level="core", role="facilitator"))

    response = client.get(f"/c/{crowd.slug}/members/", {"level": "peripheral"})

    assert level_counts(response) == {"core": 0, "active": 0, "peripheral": 60}
    assert response.context["total"] == 60
    assert len(shown_names(response)) == 50
    assert response.content.decode().count("No one here with these filters right now.") == 2


# --- Invitations -----------------------------------------------------------------------


def test_invitations_many_addresses_invalid_reported_valid_sent(
    client, community, member_of, commit
):
    inviter = member_of(community, role="facilitator")
    existing = member_of(community)
    client = logged_in(client, inviter)

    with commit():
        response = client.post(
            f"/c/{community.slug}/invitations/",
            {
                "emails": f"a@example.org, not-an-email\nb@example.org a@example.org "
                f"{existing.email}",
                "message": "Come map with us.",
            },
            follow=True,
        )

    notes = " ".join(messages_of(response))
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "a@example.org",
        "b@example.org",
    ]
    assert "“not-an-email” is not an email address" in notes
    assert f"{existing.email} is already a member" in notes
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    message = mail.outbox[0]
    assert message.subject == f"You're invited to join {community.name}"
    assert "Come map with us." in message.body
    assert "/invitations/" in message.body
    assert "/invitations/" in message.alternatives[0][0]


def test_invitations_address_too_long_to_store_is_reported_and_the_rest_sent(
    client, community, member_of, commit
):
    """Valid by the RFC's grammar but over 254 characters: PostgreSQL would refuse it."""
    client = logged_in(client, member_of(community, role="facilitator"))
    too_long = "a" * 64 + "@" + ("b" * 60 + ".") * 3 + "c" * 50 + ".com"

    with commit():
        response = client.post(
            f"/c/{community.slug}/invitations/",
            {"emails": f"{too_long} c@example.org"},
            follow=True,
        )

    assert response.status_code == 200
    assert f"“{too_long}” is not an email address" in " ".join(messages_of(response))
    assert list(Invitation.objects.values_list("email", flat=True)) == ["c@example.org"]


def test_invitations_nothing_valid_is_a_field_error(client, community, member_of):
    client = logged_in(client, member_of(community, role="facilitator"))

    response = client.post(f"/c/{community.slug}/invitations/", {"emails": "nope, also-no"})

    assert "nope, also-no" in response.context["form"].errors["emails"][0]
    assert not Invitation.objects.exists()


def test_invitation_resend_replaces_the_link_and_revoke_kills_it(
    client, community, member_of, commit
):
    invitation = InvitationFactory(community=community)
    first = invitation_token(invitation)
    client = logged_in(client, member_of(community, role="facilitator"))

    with commit():
        client.post(f"/c/{community.slug}/invitations/{invitation.pk}/resend/")
    invitation.refresh_from_db()
    second = invitation_token(invitation)
    old_link = client.get(f"/invitations/{first}/")
    client.post(f"/c/{community.slug}/invitations/{invitation.pk}/revoke/")
    new_link = client.get(f"/invitations/{second}/")

    assert len(mail.outbox) == 1 and second in mail.outbox[0].body
    assert (old_link.status_code, old_link.context["problem"]) == (400, "revoked")
    assert (new_link.status_code, new_link.context["problem"]) == (400, "revoked")


def test_invitation_forged_and_expired_links_are_refused(client, community):
    invitation = InvitationFactory(
        community=community, expires_at=timezone.now() - timedelta(minutes=1)
    )

    forged = client.get(f"/invitations/{invitation.pk}.0:forgedsignature/")
    expired = client.get(f"/invitations/{invitation_token(invitation)}/")

    assert (forged.status_code, forged.context["problem"]) == (400, "forged")
    assert (expired.status_code, expired.context["problem"]) == (400, "expired")


def test_archived_community_sends_and_honours_no_invitations(client, community, member_of):
    """Archived means "not taking new members": by invitation neither."""
    facilitator = member_of(community, role="facilitator")
    outstanding = InvitationFactory(community=community, email="late@example.org")
    invitee = UserFactory(email="late@example.org")
    community.archived = True
    community.save()

    logged_in(client, facilitator)
    page = client.get(f"/c/{community.slug}/invitations/")
    sent = client.post(
        f"/c/{community.slug}/invitations/", {"emails": "new@example.org"}, follow=True
    )
    resent = client.post(f"/c/{community.slug}/invitations/{outstanding.pk}/resend/", follow=True)
    logged_in(client, invitee)
    landing = client.get(f"/invitations/{invitation_token(outstanding)}/")
    accepted = client.post(f"/invitations/{invitation_token(outstanding)}/")

    archived = "This community is archived and not taking new members."
    assert "Send invitations" not in page.content.decode()
    assert messages_of(sent) == [archived]
    assert messages_of(resent) == [archived]
    assert (landing.status_code, landing.context["problem"]) == (400, "archived")
    assert accepted.status_code == 400
    assert list(Invitation.objects.values_list("email", flat=True)) == ["late@example.org"]
    assert not Membership.objects.filter(community=community, user=invitee).exists()
    assert mail.outbox == []


def signup(client, email, next_url=""):
    password = "a-good-long-passphrase"
    return client.post(
        "/accounts/signup/",
        {"email": email, "password1": password, "password2": password, "next": next_url},
    )


def test_invitation_sign_up_lands_as_a_verified_member(client, commit):
    community = CommunityFactory(visibility="invite")
    invitation = InvitationFactory(community=community, email="river@example.org")
    link = f"/invitations/{invitation_token(invitation)}/"

    landing = client.get(link)
    with commit():
        response = signup(client, "River@example.org", link)
    after = client.get(response["Location"])

    person = User.objects.get(email__iexact="river@example.org")
    assert 'href="/accounts/signup/?next=' in landing.content.decode()
    assert EmailAddress.objects.get(user=person).verified is True
    assert Membership.objects.get(user=person).status == "active"
    assert response["Location"] == link
    assert after["Location"] == f"/c/{community.slug}/"
    assert mail.outbox == []  # no verification email: the invitation vouched for it
    invitation.refresh_from_db()
    assert invitation.accepted_by == person


def test_invitation_sign_up_with_another_address_is_not_vouched_for(client, commit):
    invitation = InvitationFactory(email="river@example.org")

    client.get(f"/invitations/{invitation_token(invitation)}/")
    with commit():
        signup(client, "someone-else@example.org")

    assert EmailAddress.objects.get().verified is False
    assert not Membership.objects.exists()


def test_invitation_accepted_by_a_logged_in_person_once(client, user):
    invitation = InvitationFactory(email=user.email)
    link = f"/invitations/{invitation_token(invitation)}/"
    client = logged_in(client, user)

    page = client.get(link)
    accepted = client.post(link)
    stranger = logged_in(client, UserFactory()).get(link)

    assert "Join " + invitation.community.name in page.content.decode()
    assert accepted["Location"] == f"/c/{invitation.community.slug}/"
    assert Membership.objects.get(user=user).status == "active"
    assert (stranger.status_code, stranger.context["problem"]) == (400, "used")


def test_invitation_for_someone_already_a_member_sends_them_home(client, community, member_of):
    person = member_of(community)
    invitation = InvitationFactory(community=community, email=person.email)

    response = logged_in(client, person).get(f"/invitations/{invitation_token(invitation)}/")

    assert response["Location"] == f"/c/{community.slug}/"


# --- Journeys --------------------------------------------------------------------------


def test_confirm_suggestion_without_js_moves_the_member_and_celebrates(
    client, community, member_of, signal_data
):
    facilitator = member_of(community, role="facilitator")
    sam = MembershipFactory(community=community, user__display_name="Sam")
    suggestion = MoveSuggestionFactory(membership=sam)
    client = logged_in(client, facilitator)

    response = client.post(
        f"/c/{community.slug}/journeys/suggestions/{suggestion.pk}/confirm/",
        {"note": "Lovely to have you"},
    )
    home = client.get(f"/c/{community.slug}/").content.decode()

    sam.refresh_from_db()
    step = JourneyStep.objects.get()
    assert response["Location"] == f"/c/{community.slug}/journeys/"
    assert sam.level == "active"
    assert (step.confirmed_by, step.evidence, step.note) == (
        facilitator,
        suggestion.evidence,
        "Lovely to have you",
    )
    assert "Sam moved from peripheral to active — welcome further in!" in home


def test_confirm_suggestion_with_htmx_returns_the_updated_row(client, community, member_of):
    suggestion = MoveSuggestionFactory(membership=MembershipFactory(community=community))
    client = logged_in(client, member_of(community, role="facilitator"))

    response = client.post(
        f"/c/{community.slug}/journeys/suggestions/{suggestion.pk}/confirm/",
        HTTP_HX_REQUEST="true",
    )
    again = client.post(
        f"/c/{community.slug}/journeys/suggestions/{suggestion.pk}/confirm/",
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert body.strip().startswith(f'<li id="suggestion-{suggestion.pk}"')
    assert "Confirmed" in body
    assert "already been answered" in again.content.decode()
    assert JourneyStep.objects.count() == 1


def test_dismiss_suggestion(client, community, member_of):
    suggestion = MoveSuggestionFactory(membership=MembershipFactory(community=community))
    client = logged_in(client, member_of(community, role="facilitator"))

    client.post(f"/c/{community.slug}/journeys/suggestions/{suggestion.pk}/dismiss/")

    suggestion.refresh_from_db()
    assert suggestion.status == "dismissed"
    assert not JourneyStep.objects.exists()


def test_outward_confirmed_move_is_not_celebrated(client, community, member_of):
    facilitator = member_of(community, role="facilitator")
    kit = MembershipFactory(community=community, level="active", user__display_name="Kit")
    suggestion = MoveSuggestionFactory(membership=kit, to_level="peripheral")
    client = logged_in(client, facilitator)

    client.post(f"/c/{community.slug}/journeys/suggestions/{suggestion.pk}/confirm/")
    home = client.get(f"/c/{community.slug}/").content.decode()
    their_home = logged_in(client, kit.user).get("/").content.decode()

    kit.refresh_from_db()
    assert kit.level == "peripheral"
    assert "Kit moved" not in home
    assert "welcome further in" not in home
    assert "welcome further in" not in their_home


def test_manual_move_with_a_note(client, community, member_of):
    member = MembershipFactory(community=community)
    client = logged_in(client, member_of(community, role="facilitator"))

    client.post(
        f"/c/{community.slug}/journeys/move/",
        {"person": member.user_id, "to_level": "core", "note": "Runs our mapping clinic."},
    )

    member.refresh_from_db()
    assert member.level == "core"
    assert JourneyStep.objects.get().note == "Runs our mapping clinic."


def test_manual_move_bad_input_is_field_errors(client, community, member_of):
    member = MembershipFactory(community=community)
    foreign = MembershipFactory()
    client = logged_in(client, member_of(community, role="facilitator"))

    same = client.post(
        f"/c/{community.slug}/journeys/move/",
        {"person": member.user_id, "to_level": "peripheral", "note": "x"},
    )
    other = client.post(
        f"/c/{community.slug}/journeys/move/",
        {"person": foreign.user_id, "to_level": "core", "note": ""},
    )

    assert "to_level" in same.context["move_form"].errors
    assert set(other.context["move_form"].errors) == {"person", "note"}
    assert not JourneyStep.objects.exists()


def test_manual_move_starts_by_finding_the_person_not_a_select_of_everyone(
    client, community, member_of
):
    facilitator = member_of(community, role="facilitator")
    sam = MembershipFactory(community=community, user__display_name="Sam Rivers")
    MembershipFactory(community=community, user__display_name="Ola Stone")
    gone = MembershipFactory(community=community, status="left", user__display_name="Sam Gone")
    client = logged_in(client, facilitator)
    url = f"/c/{community.slug}/journeys/"
    move = f"/c/{community.slug}/journeys/move/"

    start = client.get(url).content.decode()
    found = client.post(move, {"person_q": "sam", "find": "person"}).content.decode()
    nobody = client.post(move, {"person_q": "zed", "find": "person"}).content.decode()
    chosen = client.get(url, {"member": sam.pk}).content.decode()
    left = client.get(url, {"member": gone.pk}).content.decode()

    moving = start.split("move-heading")[1]
    assert 'name="person" value=' not in moving and "<select" not in moving
    assert f'name="person" value="{sam.user_id}" id="id_person_{sam.user_id}">' in found
    assert "Ola Stone" not in found and "Sam Gone" not in found
    assert "Nobody here matches “zed”" in nobody
    assert f'value="{sam.user_id}" id="id_person_{sam.user_id}" checked>' in chosen
    assert "Sam Gone is not a member now" in left
    assert "Record the move" not in left


def test_manual_move_error_keeps_the_chosen_person(client, community, member_of):
    sam = MembershipFactory(community=community, user__display_name="Sam Rivers")
    client = logged_in(client, member_of(community, role="facilitator"))

    response = client.post(
        f"/c/{community.slug}/journeys/move/",
        {"person": sam.user_id, "to_level": "core", "note": ""},
    )

    page = response.content.decode()
    assert set(response.context["move_form"].errors) == {"note"}
    assert f'value="{sam.user_id}" id="id_person_{sam.user_id}" checked>' in page


def test_manual_move_of_someone_from_elsewhere_asks_to_choose_a_member(
    client, community, member_of
):
    client = logged_in(client, member_of(community, role="facilitator"))

    response = client.post(
        f"/c/{community.slug}/journeys/move/",
        {"person": MembershipFactory().user_id, "to_level": "core", "note": "x"},
    )

    assert response.status_code == 200
    assert "Choose someone who is an active member of this community." in response.content.decode()
    assert not JourneyStep.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/communities/?q=a%00b",
        "/c/{slug}/journeys/?member=%C2%B2",
        "/c/{slug}/journeys/?member=99999999999999999999999",
    ],
)
def test_junk_in_search_and_member_parameters_is_never_a_server_error(
    client, community, member_of, path
):
    """NUL breaks a PostgreSQL query parameter; "²" passes isdigit() but not int()."""
    client = logged_in(client, member_of(community, role="facilitator"))

    response = client.get(path.format(slug=community.slug))

    assert response.status_code in (200, 404)


def test_confirm_note_with_a_nul_character_is_saved_without_it(client, community, member_of):
    suggestion = MoveSuggestionFactory(membership=MembershipFactory(community=community))
    client = logged_in(client, member_of(community, role="facilitator"))

    response = client.post(
        f"/c/{community.slug}/journeys/suggestions/{suggestion.pk}/confirm/",
        {"note": "well\x00 done"},
    )

    assert response.status_code == 302
    assert JourneyStep.objects.get().note == "well done"


def test_journeys_history_can_show_one_member(client, community, member_of):
    ada = MembershipFactory(community=community, user__display_name="Ada")
    JourneyStepFactory(membership=ada)
    JourneyStepFactory(membership=MembershipFactory(community=community))
    client = logged_in(client, member_of(community, role="facilitator"))

    response = client.get(f"/c/{community.slug}/journeys/", {"member": ada.pk})

    assert [s.membership for s in response.context["history"]] == [ada]


def test_journeys_history_rows_say_when_who_what_by_whom_and_why(client, community, member_of):
    facilitator = member_of(community, role="facilitator", user__display_name="Bo")
    ada = MembershipFactory(community=community, user__display_name="Ada <b>")
    JourneyStepFactory(
        membership=ada,
        confirmed_by=facilitator,
        evidence="Came to 4 sessions",
        note="<script>x</script>",
        created_at=datetime(2026, 3, 5, 23, 30, tzinfo=UTC),
    )
    JourneyStepFactory(membership=MembershipFactory(community=community), note="By hand")
    facilitator.timezone = "Asia/Tokyo"  # 5 March, 23:30 UTC is the 6th in Tokyo
    facilitator.save()

    page = logged_in(client, facilitator).get(f"/c/{community.slug}/journeys/").content.decode()

    rows = page.split("<tbody>")[1].split("</tbody>")[0]
    assert (
        '<span class="person"><span class="avatar tone-' in rows
        and "Ada &lt;b&gt;</span></td><td>peripheral → active</td><td>Bo</td>"
        "<td>Came to 4 sessions<br>&lt;script&gt;x&lt;/script&gt;</td></tr>"
        in rows
    )
    assert "6 Mar 2026" in rows
    assert "<td>—</td><td>By hand</td>" in rows
    assert "<script>" not in rows


@pytest.mark.parametrize("rows", [1, 40])
def test_journeys_query_count_is_bounded(
    client, community, member_of, rows, django_assert_num_queries, signal_data
):
    """(signal_data: the factory's suggestions rest on its `test_attended` signal, whose
    words the page writes from the signals.)"""
    facilitator = member_of(community, role="facilitator")
    quiet_since = timezone.now() - timedelta(days=3)
    for n in range(rows):
        membership = MembershipFactory(community=community, quiet_since=quiet_since)
        MoveSuggestionFactory(membership=membership)
        JourneyStepFactory(membership=membership, confirmed_by=facilitator)
        if n % 2 == 0:
            CheckIn.objects.create(membership=membership, spell_started_at=quiet_since)
    logged_in(client, facilitator)

    # Suggestions in and the one step back (2), the quiet members and their hellos (2).
    with django_assert_num_queries(9):
        response = client.get(f"/c/{community.slug}/journeys/")
    # The person to move is found with the picker: two queries more (the chosen person
    # and the matches), however many members there are.
    with django_assert_num_queries(11):
        found = client.post(
            f"/c/{community.slug}/journeys/move/",
            {"person": facilitator.pk, "person_q": "person", "find": "person"},
        )

    assert response.status_code == found.status_code == 200
    assert escape("test sessions: 4 (last 90 days)") in response.content.decode()
    assert len(response.context["suggestions"]) == rows
    assert len(response.context["quiet"]) == rows
    assert response.content.decode().count("Hello sent on") == (rows + 1) // 2
    # The chosen facilitator, and up to ten of the members who match.
    assert found.content.decode().count('name="person" value=') == 1 + min(rows, 10)


def test_journeys_refresh_button_makes_suggestions(client, community, member_of, signal_data):
    from .helpers import only_test_signal

    data, _ = signal_data
    community.engagement_thresholds = only_test_signal(1, 5)
    community.save()
    grows = MembershipFactory(community=community)
    data[(community.pk, grows.user_id)] = 2
    client = logged_in(client, member_of(community, role="facilitator"))

    response = client.post(f"/c/{community.slug}/journeys/refresh/", follow=True)

    assert "1 new suggestion." in messages_of(response)
    assert "test sessions: 2" in response.content.decode()


# --- My membership and home page -------------------------------------------------------


def test_membership_page_shows_my_journey_and_invitations_toward_the_next_level(
    client, community, signal_data
):
    from .helpers import only_test_signal

    data, _ = signal_data
    community.engagement_thresholds = only_test_signal(3, 6)
    community.save()
    mine = MembershipFactory(community=community, level="active")
    JourneyStepFactory(membership=mine, note="So glad you're here")
    data[(community.pk, mine.user_id)] = 2

    body = logged_in(client, mine.user).get(f"/c/{community.slug}/me/").content.decode()

    assert "peripheral → active" in body
    assert "So glad you&#x27;re here" in body
    assert "6 test sessions" in body
    assert "test sessions: 2" in body
    assert "none is required" in body


def test_membership_page_sets_an_aspiration(client, community, member_of):
    person = member_of(community)

    logged_in(client, person).post(
        f"/c/{community.slug}/me/",
        {
            "aspiration": "I'd like to facilitate",
            "introduction": "  Nurse in Leeds,\r\n here for huddles  ",
            "show_aspiration": "on",
        },
    )

    mine = Membership.objects.get(user=person)
    assert mine.aspiration == "I'd like to facilitate"
    assert mine.introduction == "Nurse in Leeds, here for huddles"
    assert mine.show_aspiration is True


def test_membership_page_refuses_an_introduction_over_one_line_s_limit(
    client, community, member_of
):
    person = member_of(community)

    response = logged_in(client, person).post(
        f"/c/{community.slug}/me/", {"introduction": "x" * 161}
    )

    assert response.status_code == 200
    assert Membership.objects.get(user=person).introduction == ""


def test_home_page_celebrates_my_inward_move_and_links_my_communities(client, community, member_of):
    person = member_of(community, level="active")
    JourneyStepFactory(membership=Membership.objects.get(user=person))

    body = logged_in(client, person).get("/").content.decode()

    assert f"You moved from peripheral to active in {community.name}" in body
    assert f'<a href="/c/{community.slug}/">{community.name}</a>' in body


def test_nav_links_to_the_directory(client, user):
    body = logged_in(client, user).get("/").content.decode()

    assert '<a href="/communities/"' in body


@pytest.mark.parametrize("rows", [1, 30])
def test_community_home_query_count_is_bounded(
    client, community, member_of, rows, django_assert_num_queries, monkeypatch
):
    from communities import views

    # Other apps' panels are bounded by their own tests; this counts the home's own.
    monkeypatch.setattr(views, "collect_panels", lambda *args: [])
    viewer = member_of(community)
    for membership in MembershipFactory.create_batch(rows, community=community):
        JourneyStepFactory(membership=membership)
    # Milestones beside the steps: the viewer's own first session with their buddy.
    for _ in range(rows):
        pair = MentoringPairFactory(community=community, newcomer=viewer)
        Milestone.objects.create(
            membership=Membership.objects.get(community=community, user=viewer),
            kind=Milestone.Kind.BUDDY_FIRST_SESSION,
            pair=pair,
            detail="Mapping clinic",
            key=f"test:{pair.pk}",
        )
        pair.ended_at = timezone.now()
        pair.save()
    logged_in(client, viewer)

    with django_assert_num_queries(6):
        response = client.get(f"/c/{community.slug}/")

    assert response.status_code == 200
    assert " took a step further in" in response.content.decode()
    assert "Your first session with your buddy" in response.content.decode()

    assert len(response.context["celebrations"]) == min(rows, 8)


def test_community_home_celebrates_only_recent_moves(client, community, member_of):
    old = MembershipFactory(community=community, user__display_name="Olde")
    JourneyStepFactory(membership=old, created_at=timezone.now() - timedelta(days=120))

    body = logged_in(client, member_of(community)).get(f"/c/{community.slug}/").content.decode()

    assert "Olde moved" not in body


def test_home_page_tells_facilitators_what_is_waiting(client, community, member_of):
    facilitator = member_of(community, role="facilitator")
    MembershipFactory(community=community, status="requested")
    MoveSuggestionFactory.create_batch(2, membership__community=community)
    MoveSuggestionFactory(membership__community=CommunityFactory())  # not theirs

    body = logged_in(client, facilitator).get("/").content.decode()

    assert f"1 request to join {community.name}" in body
    assert f"2 suggested journey moves in {community.name}" in body


def test_home_page_shows_members_nothing_waiting(client, community, member_of):
    MembershipFactory(community=community, status="requested")
    MoveSuggestionFactory(membership__community=community)

    body = logged_in(client, member_of(community)).get("/").content.decode()

    assert "Waiting for you" not in body


@pytest.mark.parametrize("rows", [1, 20])
def test_home_panel_query_count_is_bounded(rf, rows, django_assert_num_queries):
    from django.template.loader import render_to_string

    from communities.panels import home_panel

    person = UserFactory()
    for _ in range(rows):
        membership = MembershipFactory(user=person, role="facilitator", level="active")
        JourneyStepFactory(membership=membership)
        MembershipFactory(community=membership.community, status="requested")
        MoveSuggestionFactory(membership__community=membership.community)
    request = rf.get("/")
    request.user = person

    # 6 (was 9): my memberships, active and asked, in one query that the first steps reuse;
    # the requests to join and the suggested moves waiting for me counted in one.
    with django_assert_num_queries(6):
        panel = home_panel(request)
        html = render_to_string(panel.template, {"panel": panel.context}, request=request)

    assert html.count("suggested journey move") == rows
    assert html.count("1 request to join") == rows


@time_machine.travel("2026-11-23 08:00 +00:00", tick=False)  # tokens carry a timestamp
def test_facilitator_notices_carry_one_click_unsubscribe_and_respect_it(client, user, commit):
    from accounts.unsubscribe import unsubscribe_url

    community = CommunityFactory(visibility="request")
    keen = MembershipFactory(community=community, role="facilitator").user
    quiet = MembershipFactory(community=community, role="coordinator").user
    client = logged_in(client, user)
    Client = type(client)
    Client().post(unsubscribe_url(quiet, "facilitation"))  # one click, no cookies

    with commit():
        client.post(f"/c/{community.slug}/join/", {"note": "I map rivers."})

    quiet.refresh_from_db()
    assert quiet.notify_facilitation is False
    assert [m.to for m in mail.outbox] == [[keen.email]]
    message = mail.outbox[0]
    url = unsubscribe_url(keen, "facilitation")
    assert message.extra_headers["List-Unsubscribe"].startswith(f"<{url}>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Stop these notices: {url}" in message.body
    assert f'href="{url}"' in message.alternatives[0][0]


def test_plain_text_email_parts_are_not_html_escaped(client, commit):
    community = CommunityFactory(visibility="request", name="Maps & Rivers")
    facilitator = MembershipFactory(community=community, role="facilitator").user
    asker = UserFactory(display_name="Siobhán O'Brien")
    client = logged_in(client, asker)

    with commit():
        client.post(f"/c/{community.slug}/join/", {"note": "Rivers <3 & maps"})

    message = mail.outbox[0]
    assert message.to == [facilitator.email]
    assert "Siobhán O'Brien has asked to join Maps & Rivers." in message.body
    assert "Rivers <3 & maps" in message.body
    assert "&amp;" not in message.subject + message.body and "&#x27;" not in message.body
    assert "O&#x27;Brien" in message.alternatives[0][0]  # the HTML part stays escaped
