"""core.compiled: a queryset compiled once gives, for any values, what building it afresh
gives (model instances with their converted fields, related objects and annotations, or
values_list rows), on PostgreSQL and SQLite alike."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from communities.models import Community, Membership
from core.compiled import Compiled, CompiledQuery
from tests.factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db
SLUG = "\ue000slug\ue001"


def _members(community_id: int, level: str):
    return (
        Membership.objects.filter(community_id=community_id, level=level)
        .select_related("user", "community")
        .annotate(communities_of_user=Count("user__memberships"))
        .order_by("pk")
    )


def test_a_compiled_query_gives_what_the_queryset_gives_for_each_value():
    made = [
        CommunityFactory(
            slug=f"c{i}",
            engagement_thresholds={"active": i},
            created_at=datetime(2026, 1, 1 + i, 9, 30, tzinfo=UTC),
        )
        for i in range(3)
    ]
    by_slug = Compiled(lambda slug: Community.objects.filter(slug=slug)[:1], SLUG)

    for community in made:
        [found] = by_slug.run(community.slug)
        [built] = Community.objects.filter(slug=community.slug)[:1]
        assert found.pk == built.pk == community.pk
        # Converted as the queryset converts them: JSON to a dict, times to aware datetimes.
        assert found.engagement_thresholds == built.engagement_thresholds
        assert found.created_at == built.created_at == community.created_at
        assert found._state.db == "default" and not found._state.adding
    assert by_slug.run("nowhere") == []


def test_related_objects_and_annotations_come_as_the_queryset_makes_them():
    one, other = CommunityFactory(), CommunityFactory()
    first = MembershipFactory(community=one, level=Membership.Level.ACTIVE)
    MembershipFactory(community=other, user=first.user)
    MembershipFactory(community=one, level=Membership.Level.ACTIVE)
    MembershipFactory(community=one, level=Membership.Level.CORE)
    members = Compiled(_members, -1, "\ue000level\ue001")

    found = members.run(one.pk, Membership.Level.ACTIVE)
    built = list(_members(one.pk, Membership.Level.ACTIVE))

    assert [m.pk for m in found] == [m.pk for m in built]
    assert [(m.user.email, m.community.name) for m in found] == [
        (m.user.email, m.community.name) for m in built
    ]
    assert [m.communities_of_user for m in found] == [2, 1]
    assert [m.pk for m in members.run(one.pk, Membership.Level.CORE)] == [
        m.pk for m in _members(one.pk, Membership.Level.CORE)
    ]


def test_values_list_rows_come_as_tuples():
    community = CommunityFactory(slug="riverbank", name="Riverbank")
    names = Compiled(
        lambda slug: Community.objects.filter(slug=slug).values_list("pk", "name"), SLUG
    )

    assert names.run("riverbank") == [(community.pk, "Riverbank")]


def test_a_stand_in_the_query_never_passes_is_built_afresh_each_time():
    CommunityFactory(slug="a")
    # The value is not a parameter of the query (it only chooses a constant): nothing to
    # keep, and every run builds the queryset with its own value.
    ignoring = Compiled(lambda slug: Community.objects.filter(slug="a" if slug else "b"), SLUG)

    assert ignoring.compiled() is None
    assert [c.slug for c in ignoring.run("yes")] == ["a"]
    assert ignoring.run("") == []


def test_each_thread_compiles_its_own():
    by_slug = Compiled(lambda slug: Community.objects.filter(slug=slug)[:1], SLUG)
    here = by_slug.compiled()
    there = []
    thread = threading.Thread(target=lambda: there.append(by_slug.compiled()))
    thread.start()
    thread.join()

    assert isinstance(here, CompiledQuery) and isinstance(there[0], CompiledQuery)
    assert there[0] is not here and there[0].sql == here.sql
    assert by_slug.compiled() is here


def test_flat_values_are_built_afresh():
    CommunityFactory(slug="riverbank")
    flat = Compiled(
        lambda slug: Community.objects.filter(slug=slug).values_list("slug", flat=True), SLUG
    )

    assert flat.compiled() is None
    assert flat.run("riverbank") == ["riverbank"]


def test_a_query_that_matches_nothing_by_construction_asks_nothing(django_assert_num_queries):
    CommunityFactory(slug="a")
    nothing = Compiled(lambda slug: Community.objects.filter(slug=slug, pk__in=[]), SLUG)

    with django_assert_num_queries(0):
        assert nothing.run("a") == []
    assert nothing.compiled() is None


def test_a_clock_reading_built_into_the_query_is_never_kept():
    # The time is not a stand-in: kept, the query would ask about this instant for ever.
    since = Compiled(
        lambda slug: Community.objects.filter(slug=slug, created_at__lt=timezone.now()), SLUG
    )

    assert since.compiled() is None
    made = CommunityFactory(slug="riverbank")
    assert since.run("riverbank") == [made]


def test_stand_ins_per_shape_and_those_a_query_may_leave_unused():
    one, other = CommunityFactory(slug="one"), CommunityFactory(slug="other")

    def build(*values, count):
        ids = values[:count]  # the time (values[count]) is not used
        return Community.objects.filter(pk__in=ids).order_by("pk").values_list("slug")

    shapes = Compiled(
        build,
        stand_ins_for=lambda count: [*range(-count, 0), datetime(1900, 1, 1, tzinfo=UTC)],
        required_for=lambda count: set(range(count)),  # the time may go unused
    )

    assert shapes.run(one.pk, other.pk, timezone.now(), count=2) == [("one",), ("other",)]
    assert shapes.run(other.pk, timezone.now(), count=1) == [("other",)]
    assert shapes.compiled(count=1) is not shapes.compiled(count=2)
    everything = Compiled(build, stand_ins_for=shapes.stand_ins_for)
    assert everything.compiled(count=1) is None  # every stand-in is required by default


def test_a_statement_is_the_sql_with_the_values_in_place():
    made = CommunityFactory(slug="riverbank", name="Riverbank")
    names = Compiled(
        lambda slug: Community.objects.filter(slug=slug).values("name"), SLUG, sql_only=True
    )

    sql, params = names.statement("riverbank")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) t", params)  # noqa: S608
        assert cursor.fetchone() == (1,)
    assert names.compiled() is not None  # dictionaries, but only its SQL is read
    assert "riverbank" in params and SLUG not in params
    assert made.name == "Riverbank"


def test_a_statement_that_cannot_be_kept_is_built_afresh_with_its_values():
    CommunityFactory(slug="riverbank")
    recent = Compiled(
        lambda slug: Community.objects.filter(slug=slug, created_at__lt=timezone.now()),
        SLUG,
        sql_only=True,
    )

    sql, params = recent.statement("riverbank")

    assert recent.compiled() is None
    assert "riverbank" in params
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) t", params)  # noqa: S608
        assert cursor.fetchone() == (1,)
