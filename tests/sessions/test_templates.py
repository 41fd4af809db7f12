"""Session templates (issue 15, item 5): the services that save, apply and give them, and
the pages that use them (save as template, new session from template, the library), as
the cast sees them (tests/sessions/conftest.py `world`)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from communities.services import community_create
from outcomes.models import Outcome
from sessions import services
from sessions.builtin_templates import BUILTIN_TEMPLATES
from sessions.models import AgendaItem, Session, SessionTemplate, TemplateItem
from tests.factories import (
    AgendaItemFactory,
    OutcomeFactory,
    SessionFactory,
    SessionTemplateFactory,
    TemplateItemFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
TOKEN_INPUT = re.compile(r'<input type="hidden" name="submission_token" value="([\w-]+)">')
REVIEW, REFLECT, ACTIVITY = (
    AgendaItem.Kind.REVIEW_ACTIONS,
    AgendaItem.Kind.REFLECT,
    AgendaItem.Kind.ACTIVITY,
)


def plan(session):
    return list(
        session.agenda_items.order_by("position").values_list(
            "title", "minutes", "kind", "position"
        )
    )


def clinic(community, **fields):
    """A template of three items: the review bookend, an activity aligned to an agreed
    outcome of the community, and the reflect bookend."""
    template = SessionTemplateFactory(community=community, name="Clinic", **fields)
    TemplateItemFactory(template=template, position=0, title="Review", minutes=10, kind=REVIEW)
    work = TemplateItemFactory(
        template=template, position=1, title="Live mapping", minutes=40, description="Messy."
    )
    TemplateItemFactory(template=template, position=2, title="Reflect", minutes=15, kind=REFLECT)
    return template, work


# --- services ---------------------------------------------------------------------------


def test_apply_template_copies_items_in_order_with_minutes_kinds_and_outcomes(world):
    template, work = clinic(world.community)
    outcome = OutcomeFactory(community=world.community)
    work.aligned_outcomes.add(outcome)
    # Positions out of step with creation: the template's order is its positions.
    TemplateItemFactory(template=template, position=1, title="Pick projects", minutes=5)
    session = SessionFactory(community=world.community)

    services.apply_template(session, template)

    assert plan(session) == [
        ("Review", 10, REVIEW, 0),
        ("Live mapping", 40, ACTIVITY, 1),
        ("Pick projects", 5, ACTIVITY, 2),
        ("Reflect", 15, REFLECT, 3),
    ]
    mapping = session.agenda_items.get(title="Live mapping")
    assert mapping.description == "Messy."
    assert list(mapping.aligned_outcomes.all()) == [outcome]


def test_apply_template_replaces_the_sessions_agenda_and_leaves_the_template_alone(world):
    template, _ = clinic(world.community)
    session = SessionFactory(community=world.community)
    AgendaItemFactory(session=session, title="Old plan")

    services.apply_template(session, template)
    session.agenda_items.filter(title="Live mapping").update(minutes=50)

    assert [row[0] for row in plan(session)] == ["Review", "Live mapping", "Reflect"]
    assert template.items.get(title="Live mapping").minutes == 40


def test_apply_template_skips_outcomes_retired_deleted_or_of_another_community(world):
    template, work = clinic(world.community)
    agreed = OutcomeFactory(community=world.community, statement="agreed")
    retired = OutcomeFactory(community=world.community, status=Outcome.Status.RETIRED)
    proposed = OutcomeFactory(community=world.community, status=Outcome.Status.PROPOSED)
    gone = OutcomeFactory(community=world.community)
    elsewhere = OutcomeFactory(community=world.other_community)
    work.aligned_outcomes.add(agreed, retired, proposed, gone, elsewhere)
    gone.delete()
    session = SessionFactory(community=world.community)

    services.apply_template(session, template)

    mapping = session.agenda_items.get(title="Live mapping")
    assert list(mapping.aligned_outcomes.all()) == [agreed]


def test_template_title_puts_the_date_of_the_communitys_calendar_in_the_pattern(world):
    world.community.timezone = "Pacific/Auckland"
    template = SessionTemplateFactory(title_pattern="Clinic, {date} ({not a placeholder})")
    # 20:00 UTC on 20 March is already 21 March in Auckland.
    starts_at = datetime(2026, 3, 20, 20, 0, tzinfo=UTC)

    title = services.template_title(template, starts_at, world.community.zoneinfo)

    assert title == "Clinic, 21 Mar 2026 ({not a placeholder})"


def test_template_title_without_a_pattern_is_the_name_and_never_too_long():
    empty = SessionTemplateFactory(name="Show and tell", title_pattern="")
    long = SessionTemplateFactory(title_pattern="{date}" * 33)
    starts_at = datetime(2026, 3, 20, 20, 0, tzinfo=UTC)

    assert services.template_title(empty, starts_at, UTC) == "Show and tell"
    assert len(services.template_title(long, starts_at, UTC)) == 200


def test_session_from_template_titles_and_describes_an_empty_draft_from_the_template(world):
    template, _ = clinic(world.community, title_pattern="Clinic, {date}", description="Bring one.")
    data = {"title": "", "description": "", "starts_at": datetime(2026, 4, 2, 17, 30, tzinfo=UTC)}

    session = services.session_from_template(
        community=world.community, user=world.facilitator, template=template, data=data
    )

    assert (session.title, session.description, session.status) == (
        "Clinic, 2 Apr 2026",
        "Bring one.",
        Session.Status.DRAFT,
    )
    assert list(session.facilitators.all()) == [world.facilitator]
    assert [row[0] for row in plan(session)] == ["Review", "Live mapping", "Reflect"]


def test_save_from_session_keeps_the_plan_and_its_outcomes(world):
    outcome = OutcomeFactory(community=world.community)
    session = world.session
    session.description = "Bring a map."
    session.save()
    services.agenda_bookend_add(session=session, kind=REVIEW)
    services.agenda_item_add(
        session=session,
        data={"title": "Live mapping", "minutes": 40, "aligned_outcomes": [outcome]},
    )
    services.agenda_bookend_add(session=session, kind=REFLECT)

    template = services.template_save_from_session(
        session=session, user=world.facilitator, name="Our clinic", title_pattern="Clinic {date}"
    )

    assert (template.community, template.description, template.duration_minutes) == (
        world.community,
        "Bring a map.",
        90,
    )
    items = list(template.items.order_by("position"))
    assert [(i.title, i.minutes, i.kind) for i in items] == [
        ("Review our open actions", 10, REVIEW),
        ("Live mapping", 40, ACTIVITY),
        ("Reflect", 10, REFLECT),
    ]
    assert list(items[1].aligned_outcomes.all()) == [outcome]


def test_saving_a_template_under_a_name_the_community_uses_is_refused(world):
    SessionTemplateFactory(community=world.community, name="Our clinic")

    with pytest.raises(services.TemplateNameTaken):
        services.template_save_from_session(
            session=world.session, user=world.facilitator, name="Our clinic", title_pattern=""
        )

    assert SessionTemplate.objects.filter(community=world.community).count() == 1


def test_a_new_community_starts_with_three_built_ins_that_close_the_loop(frank):
    community = community_create(creator=frank, name="Loops", domain="Maps", timezone="UTC")

    templates = list(community.session_templates.order_by("name"))

    assert [t.name for t in templates] == [
        "Clinic on real work",
        "Retro that ends in actions",
        "Show and tell",
    ]
    for template in templates:
        items = list(template.items.order_by("position"))
        assert (items[0].title, items[0].kind) == ("Review our open actions", REVIEW)
        assert (items[-1].title, items[-1].kind) == ("Reflect", REFLECT)
        assert sum(item.minutes for item in items) == template.duration_minutes
        assert "{date}" in template.title_pattern
    clinic_plan = community.session_templates.get(builtin="clinic")
    assert "live, messy" in clinic_plan.description


def test_the_built_ins_use_the_planners_bookend_words():
    for plan_ in BUILTIN_TEMPLATES:
        first, last = plan_["items"][0], plan_["items"][-1]
        assert (first["title"], first["kind"]) == (services.BOOKENDS[REVIEW][0], REVIEW)
        assert (last["title"], last["kind"]) == (services.BOOKENDS[REFLECT][0], REFLECT)


def test_built_ins_are_given_once_and_never_over_a_name_in_use(world):
    SessionTemplateFactory(community=world.community, name="Show and tell")

    first = services.builtin_templates_create(community=world.community)
    again = services.builtin_templates_create(community=world.community)

    assert (first, again) == (2, 0)
    assert world.community.session_templates.count() == 3


# --- pages ------------------------------------------------------------------------------


def library_url(community):
    return reverse("sessions:templates", args=[community.slug])


def save_url(session):
    return reverse("sessions:template_save", args=[session.community.slug, session.pk])


def new_url(community, template=None):
    url = reverse("sessions:new", args=[community.slug])
    return f"{url}?template={template.pk}" if template else url


def edit_url(template):
    return reverse("sessions:template_edit", args=[template.community.slug, template.pk])


def delete_url(template):
    return reverse("sessions:template_delete", args=[template.community.slug, template.pk])


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("leader", 404),
        ("other_member", 404),
        ("member", 404),
        ("facilitator", 200),
        ("coordinator", 200),
    ],
)
def test_template_pages_are_the_facilitators(client, world, role, status):
    template, _ = clinic(world.community)
    if world.user(role):
        client.force_login(world.user(role))

    pages = [
        library_url(world.community),
        save_url(world.session),
        edit_url(template),
        delete_url(template),
        new_url(world.community, template),
    ]

    assert [client.get(page).status_code for page in pages] == [status] * len(pages)


def test_a_member_cannot_save_edit_or_delete_templates(client, world):
    template, _ = clinic(world.community)
    client.force_login(world.member)

    saved = client.post(save_url(world.session), {"name": "Mine", "title_pattern": ""})
    edited = client.post(edit_url(template), {"name": "Renamed"})
    deleted = client.post(delete_url(template))

    assert (saved.status_code, edited.status_code, deleted.status_code) == (404, 404, 404)
    assert list(SessionTemplate.objects.values_list("name", flat=True)) == ["Clinic"]


def test_another_communitys_template_is_404_everywhere(client, world):
    theirs, _ = clinic(world.other_community)
    client.force_login(world.coordinator)
    slug = world.community.slug

    pages = [
        reverse("sessions:template_edit", args=[slug, theirs.pk]),
        reverse("sessions:template_delete", args=[slug, theirs.pk]),
        f"{new_url(world.community)}?template={theirs.pk}",
    ]

    assert [client.get(page).status_code for page in pages] == [404, 404, 404]
    assert [client.post(page, {"name": "x"}).status_code for page in pages] == [404, 404, 404]
    assert SessionTemplate.objects.get(pk=theirs.pk).name == "Clinic"


@pytest.mark.parametrize("junk", ["abc", "", "-1", "1e3", "\x00", "9" * 30])
def test_junk_template_ids_in_the_new_session_page_are_404(client, world, junk):
    client.force_login(world.facilitator)

    response = client.get(new_url(world.community), {"template": junk})

    assert response.status_code == 404


def test_the_library_lists_the_templates_with_their_plans(client, world):
    template, _ = clinic(world.community, title_pattern="Clinic, {date}")
    client.force_login(world.facilitator)

    page = client.get(library_url(world.community)).content.decode()

    assert "Clinic, {date}" in page
    assert "Live mapping" in page and "loop: reflect" in page
    assert f'href="{new_url(world.community, template)}"' in page
    assert f'href="{edit_url(template)}"' in page


def test_the_library_says_what_to_do_when_it_is_empty(client, world):
    client.force_login(world.facilitator)

    page = client.get(library_url(world.community)).content.decode()

    assert "No templates yet" in page


def test_the_planner_and_the_session_page_offer_save_as_template(client, world):
    client.force_login(world.facilitator)

    planner = client.get(reverse("sessions:edit", args=["riverside", world.session.pk]))
    detail = client.get(world.session.get_absolute_url())

    assert f'href="{save_url(world.session)}"' in planner.content.decode()
    assert f'href="{save_url(world.session)}"' in detail.content.decode()


def test_save_as_template_makes_one_template_on_a_double_submit(client, world):
    AgendaItemFactory(session=world.session, title="Live mapping", minutes=40)
    client.force_login(world.facilitator)
    form = client.get(save_url(world.session)).content.decode()
    token = TOKEN_INPUT.search(form).group(1)
    data = {"name": "Our clinic", "title_pattern": "Clinic, {date}", "submission_token": token}

    first = client.post(save_url(world.session), data)
    second = client.post(save_url(world.session), data)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == library_url(world.community)
    template = SessionTemplate.objects.get()
    assert (template.name, template.created_by) == ("Our clinic", world.facilitator)
    assert list(template.items.values_list("title", flat=True)) == ["Live mapping"]


def test_save_as_template_works_for_a_held_session_too(client, world):
    world.session.status = Session.Status.COMPLETED
    world.session.save()
    client.force_login(world.facilitator)

    response = client.post(save_url(world.session), {"name": "Held", "title_pattern": ""})

    assert response.status_code == 302
    assert SessionTemplate.objects.filter(name="Held").exists()


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("x" * 10_000, "Ensure this value has at most 200 characters"),
        ("Our\x00clinic", "Null characters are not allowed."),
        ("Clinic", "already has a template of that name"),
    ],
)
def test_save_as_template_bad_names_are_field_errors_that_keep_the_typing(
    client, world, name, error
):
    clinic(world.community)
    client.force_login(world.facilitator)

    response = client.post(save_url(world.session), {"name": name, "title_pattern": "Kept {date}"})

    page = response.content.decode()
    assert response.status_code == 200
    assert error in page
    assert 'value="Kept {date}"' in page
    assert SessionTemplate.objects.count() == 1


def test_save_as_template_refuses_a_nul_in_the_title_pattern(client, world):
    client.force_login(world.facilitator)

    response = client.post(save_url(world.session), {"name": "Ok", "title_pattern": "a\x00b"})

    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    assert not SessionTemplate.objects.exists()


def test_the_new_session_page_offers_the_communitys_templates_only(client, world):
    ours, _ = clinic(world.community)
    clinic(world.other_community)
    SessionTemplateFactory(community=world.other_community, name="Hillside secret")
    client.force_login(world.facilitator)

    page = client.get(new_url(world.community)).content.decode()

    assert f'href="{new_url(world.community, ours)}"' in page
    assert "Hillside secret" not in page


@time_machine.travel(NOW, tick=False)
def test_new_session_from_template_plans_its_title_length_and_agenda(client, world):
    template, _ = clinic(
        world.community, title_pattern="Clinic, {date}", duration_minutes=75, description="Bring."
    )
    client.force_login(world.facilitator)
    form = client.get(new_url(world.community, template)).content.decode()
    assert 'value="75"' in form and "Bring." in form
    assert f'action="{new_url(world.community, template)}"' in form

    response = client.post(
        new_url(world.community, template),
        {
            "title": "",
            "description": "",
            "starts_local": "2026-04-02T18:30",
            "duration_minutes": "75",
        },
    )

    session = Session.objects.get(title="Clinic, 2 Apr 2026")
    assert response.status_code == 302
    assert response["Location"] == reverse("sessions:edit", args=["riverside", session.pk])
    assert (session.duration_minutes, session.description) == (75, "Bring.")
    assert [row[0] for row in plan(session)] == ["Review", "Live mapping", "Reflect"]


@time_machine.travel(NOW, tick=False)
def test_new_session_without_a_template_still_needs_a_title(client, world):
    client.force_login(world.facilitator)

    response = client.post(
        new_url(world.community),
        {"title": "", "starts_local": "2026-04-02T18:30", "duration_minutes": "60"},
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Session.objects.filter(community=world.community, status="draft").exists()


@time_machine.travel(NOW, tick=False)
def test_new_session_from_template_skips_an_outcome_retired_since(client, world):
    template, work = clinic(world.community)
    outcome = OutcomeFactory(community=world.community)
    work.aligned_outcomes.add(outcome)
    Outcome.objects.filter(pk=outcome.pk).update(status=Outcome.Status.RETIRED)
    client.force_login(world.facilitator)

    response = client.post(
        new_url(world.community, template),
        {"title": "From the clinic", "starts_local": "2026-04-02T18:30", "duration_minutes": "60"},
    )

    assert response.status_code == 302
    session = Session.objects.get(title="From the clinic")
    assert not AgendaItem.aligned_outcomes.through.objects.filter(
        agendaitem__session=session
    ).exists()


def item_rows(template, rows, **extra):
    """The library editor's POST: the template's fields and its items formset."""
    data = {
        "name": template.name,
        "title_pattern": template.title_pattern,
        "description": template.description,
        "duration_minutes": str(template.duration_minutes),
        "items-TOTAL_FORMS": str(len(rows)),
        "items-INITIAL_FORMS": str(sum(1 for row in rows if row.get("item"))),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"items-{index}-{key}"] = value
    data.update(extra)
    return data


def test_editing_renames_reorders_removes_and_adds_items(client, world):
    template, work = clinic(world.community)
    review, reflect = template.items.get(kind=REVIEW), template.items.get(kind=REFLECT)
    outcome = OutcomeFactory(community=world.community)
    work.aligned_outcomes.add(outcome)
    client.force_login(world.facilitator)
    assert client.get(edit_url(template)).status_code == 200

    rows = [
        {"item": review.pk, "title": "Our actions", "minutes": "5", "ORDER": "1"},
        {"item": work.pk, "title": "Mapping", "minutes": "40", "ORDER": "3"},
        {"item": reflect.pk, "title": "Reflect", "minutes": "15", "ORDER": "4", "DELETE": "on"},
        {"title": "Warm-up", "minutes": "10", "description": "Pairs.", "ORDER": "2"},
    ]
    response = client.post(edit_url(template), item_rows(template, rows, name="Clinic, renamed"))

    assert response.status_code == 302
    template.refresh_from_db()
    assert template.name == "Clinic, renamed"
    items = list(template.items.order_by("position"))
    assert [(i.title, i.minutes, i.kind) for i in items] == [
        ("Our actions", 5, REVIEW),
        ("Warm-up", 10, ACTIVITY),
        ("Mapping", 40, ACTIVITY),
    ]
    assert list(items[2].aligned_outcomes.all()) == [outcome]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "n" * 10_000}, "Ensure this value has at most 200 characters"),
        ({"name": "a\x00b"}, "Null characters are not allowed."),
        ({"name": "Taken"}, "already has a template of that name"),
        ({"duration_minutes": "0"}, "at least one minute"),
        ({"items-0-title": "a\x00b"}, "Null characters are not allowed."),
        ({"items-0-minutes": "-5"}, "at least one minute"),
        ({"items-0-item": "999999"}, "no longer in the template"),
        ({"items-TOTAL_FORMS": "junk"}, "ManagementForm data is missing or has been tampered"),
    ],
)
def test_editing_with_bad_input_changes_nothing_and_says_why(client, world, change, error):
    template, work = clinic(world.community)
    SessionTemplateFactory(community=world.community, name="Taken")
    client.force_login(world.facilitator)
    rows = [{"item": work.pk, "title": "Mapping", "minutes": "40", "ORDER": "1"}]

    response = client.post(edit_url(template), item_rows(template, rows, **change))

    assert response.status_code == 200
    assert error in response.content.decode()
    assert template.items.count() == 3
    assert SessionTemplate.objects.get(pk=template.pk).name == "Clinic"


def test_an_item_of_another_template_cannot_be_edited_through_this_one(client, world):
    template, _ = clinic(world.community)
    _, theirs = clinic(world.other_community)
    client.force_login(world.facilitator)
    rows = [{"item": theirs.pk, "title": "Hijacked", "minutes": "1", "ORDER": "1"}]

    response = client.post(edit_url(template), item_rows(template, rows))

    assert response.status_code == 200
    assert "no longer in the template" in response.content.decode()
    assert TemplateItem.objects.get(pk=theirs.pk).title == "Live mapping"


def test_delete_asks_first_then_deletes_on_post_and_sessions_keep_their_plans(client, world):
    template, _ = clinic(world.community)
    session = SessionFactory(community=world.community)
    services.apply_template(session, template)
    client.force_login(world.facilitator)

    confirm = client.get(delete_url(template))
    assert SessionTemplate.objects.filter(pk=template.pk).exists()
    response = client.post(delete_url(template))

    assert "Delete “Clinic”?" in confirm.content.decode()
    assert response.status_code == 302
    assert response["Location"] == library_url(world.community)
    assert not SessionTemplate.objects.filter(pk=template.pk).exists()
    assert session.agenda_items.count() == 3


def test_the_facilitate_menu_links_the_library(client, world):
    client.force_login(world.facilitator)

    home = reverse("communities:home", args=["riverside"])

    facilitator_page = client.get(home).content.decode()
    library = client.get(library_url(world.community)).content.decode()
    client.force_login(world.member)
    member_page = client.get(home).content.decode()

    assert f'href="{library_url(world.community)}"' in facilitator_page
    assert f'href="{library_url(world.community)}"' not in member_page
    # On the library itself, the Facilitate menu marks where the facilitator is.
    assert '<details class="current">' in library
