"""QuickPage (core.paging): pages without COUNT, knowing there is a next page from one row
more than the page shows."""

from __future__ import annotations

from core.paging import QuickPage


def test_a_loader_leaving_a_row_out_does_not_hide_the_next_page():
    rows = list(range(45))
    # A row chosen but not loaded (hidden meanwhile, say).
    page = QuickPage(rows, "1", 20, show=lambda chosen: [r for r in chosen if r != 3])

    assert page.has_next()
    assert len(page) == 19


def test_the_loader_loads_only_the_rows_shown():
    loaded = []
    page = QuickPage(list(range(45)), "2", 20, show=lambda chosen: loaded.extend(chosen) or chosen)

    assert loaded == list(range(20, 40))
    assert page.has_next() and page.has_previous()


def test_the_last_page_has_no_next_and_beyond_it_is_the_first():
    assert not QuickPage(list(range(40)), "2", 20).has_next()
    beyond = QuickPage(list(range(5)), "9", 20, show=list)
    assert beyond.number == 1
    assert list(beyond) == [0, 1, 2, 3, 4]


# --- KeysetPage: "older than this one" ------------------------------------------------


def test_keyset_pages_walk_rows_of_the_same_moment_by_id(db):
    from datetime import UTC, datetime

    from accounts.models import Notification
    from tests.factories import UserFactory

    person = UserFactory()
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    made = [
        Notification.objects.create(
            recipient=person, key=f"k{i}", kind="k", text=f"N{i}", url="/", created_at=moment
        )
        for i in range(7)
    ]
    rows = Notification.objects.for_recipient(person)

    assert_walk(rows, [n.pk for n in reversed(made)], field="created_at")


def assert_walk(rows, in_order: list[int], **options) -> None:
    """Seven rows read three a page (KeysetPage with `options`): along to the last page,
    one page back, each page the list's rows in `in_order`, each link where it belongs."""
    from core.paging import KeysetPage

    first = KeysetPage(rows, {}, 3, **options)
    second = KeysetPage(rows, {"before": first.older_id}, 3, **options)
    third = KeysetPage(rows, {"before": second.older_id}, 3, **options)
    back = KeysetPage(rows, {"after": third.newer_id}, 3, **options)

    assert [n.pk for n in first] == in_order[:3]
    assert [n.pk for n in second] == in_order[3:6]
    assert [n.pk for n in third] == in_order[6:]
    assert [n.pk for n in back] == in_order[3:6]
    assert (first.has_previous(), first.has_next()) == (False, True)
    assert (third.has_previous(), third.has_next()) == (True, False)
    assert (back.has_previous(), back.has_next()) == (True, True)


def test_ascending_keyset_pages_read_soonest_first_and_back(db):
    """A soonest-first list (upcoming sessions): "older" goes later, "newer" sooner, and
    rows of the same moment go by id, with or without a loader."""
    from datetime import UTC, datetime

    from accounts.models import Notification
    from tests.factories import UserFactory

    person = UserFactory()
    # Two rows share each moment: 0 and 1, 2 and 3…
    made = _notifications_of(person, datetime(2026, 1, 1, tzinfo=UTC), 7)
    rows = Notification.objects.filter(recipient=person)

    for load in (None, lambda chosen: Notification.objects.filter(pk__in=chosen.values("pk"))):
        assert_walk(rows, [n.pk for n in made], field="created_at", ascending=True, load=load)


# --- KeysetQuery: the same pages from reads compiled once -------------------------------


def _notifications_of(person, moment, count):
    from datetime import timedelta

    from accounts.models import Notification

    # Two rows share each moment: pages cut between them go by id.
    return [
        Notification.objects.create(
            recipient=person,
            key=f"k{person.pk}-{i}",
            kind="k",
            text=f"N{i}",
            url="/",
            created_at=moment + timedelta(days=i // 2),
        )
        for i in range(count)
    ]


def test_a_compiled_keyset_list_walks_as_the_queryset_does_for_each_viewer(db):
    """The compiled reads give each viewer their own rows, page by page both ways, with a
    loader and without, newest or soonest first: a value of the first viewer's kept in the
    compiled query would show the second viewer the first's rows."""
    from datetime import UTC, datetime

    from django.db import connection

    from accounts.models import Notification
    from core.paging import KeysetQuery
    from tests.factories import UserFactory

    moment = datetime(2026, 1, 1, tzinfo=UTC)
    ada, bo = UserFactory(), UserFactory()
    made = {ada: _notifications_of(ada, moment, 7), bo: _notifications_of(bo, moment, 7)}
    plain = KeysetQuery(lambda person_id: Notification.objects.filter(recipient=person_id), -1)
    loaded = KeysetQuery(
        lambda person_id: Notification.objects.filter(recipient=person_id),
        -1,
        load=lambda chosen, _person_id: Notification.objects.filter(pk__in=chosen.values("pk")),
    )

    for query in (plain, loaded):
        for person in (ada, bo):
            rows = query.of(person.pk)
            newest_first = [n.pk for n in reversed(made[person])]
            assert_walk(rows, newest_first, field="created_at")
            assert_walk(rows, newest_first[::-1], field="created_at", ascending=True)
        if connection.vendor == "postgresql":  # SQLite is sent the moments as text.
            options = {"field": "created_at", "descending": True, "limit": 4}
            assert query._compiled.compiled(anchored=True, **options) is not None
            assert query._compiled.compiled(anchored=False, **options) is not None


def test_a_compiled_keyset_list_passes_its_options_and_ignores_a_foreign_anchor(db):
    """Options shape the query (a viewer's flag); an id the list does not hold (another
    viewer's row) names nothing, and the page is the newest, as with a queryset."""
    from datetime import UTC, datetime

    from accounts.models import Notification
    from core.paging import KeysetPage, KeysetQuery
    from tests.factories import UserFactory

    moment = datetime(2026, 1, 1, tzinfo=UTC)
    ada, bo = UserFactory(), UserFactory()
    mine = _notifications_of(ada, moment, 5)
    theirs = _notifications_of(bo, moment, 5)
    mine[0].read_at = moment
    mine[0].save()
    query = KeysetQuery(
        lambda person_id, *, unread: Notification.objects.filter(
            recipient=person_id, **({"read_at__isnull": True} if unread else {})
        ),
        -1,
    )

    every = KeysetPage(
        query.of(ada.pk, unread=False), {"before": theirs[2].pk}, 10, field="created_at"
    )
    unread = KeysetPage(query.of(ada.pk, unread=True), {}, 10, field="created_at")

    assert [n.pk for n in every] == [n.pk for n in reversed(mine)]
    assert not every.has_previous()
    assert [n.pk for n in unread] == [n.pk for n in reversed(mine[1:])]
