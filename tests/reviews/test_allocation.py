"""Allocation's promises, checked as properties over many generated sessions."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from reviews.allocation import Reviewer, Work, allocate, preference_cost


@st.composite
def sessions(draw, *, one_work_each: bool = False):
    ranks = draw(st.lists(st.integers(0, 2), min_size=1, max_size=14))
    reviewers = [Reviewer(id=index + 1, rank=rank) for index, rank in enumerate(ranks)]
    works = []
    for reviewer in reviewers:
        count = draw(st.integers(0, 1 if one_work_each else 3))
        for _ in range(count):
            works.append(Work(id=len(works) + 100, author=reviewer.id, author_rank=reviewer.rank))
    per_work = draw(st.integers(1, 4))
    return works, reviewers, per_work


def loads(pairs, reviewers) -> Counter:
    counted = Counter({reviewer.id: 0 for reviewer in reviewers})
    counted.update(reviewer for _, reviewer in pairs)
    return counted


@settings(max_examples=300, deadline=None)
@given(sessions())
def test_allocate_never_gives_anyone_their_own_work_or_a_piece_twice(session):
    works, reviewers, per_work = session
    authors = {work.id: work.author for work in works}

    pairs = allocate(works, reviewers, per_work)

    assert all(authors[work] != reviewer for work, reviewer in pairs)
    assert len(pairs) == len(set(pairs))


@settings(max_examples=300, deadline=None)
@given(sessions())
def test_allocate_gives_every_piece_n_reviewers_when_enough_attendees_exist(session):
    works, reviewers, per_work = session

    pairs = allocate(works, reviewers, per_work)

    per_piece = Counter(work for work, _ in pairs)
    for work in works:
        others = sum(1 for reviewer in reviewers if reviewer.id != work.author)
        assert per_piece[work.id] == min(per_work, others)


@settings(max_examples=300, deadline=None)
@given(sessions(one_work_each=True))
def test_allocate_spreads_loads_to_within_one(session):
    works, reviewers, per_work = session

    pairs = allocate(works, reviewers, per_work)

    counted = loads(pairs, reviewers)
    assert max(counted.values()) - min(counted.values()) <= 1


@settings(max_examples=300, deadline=None)
@given(sessions())
def test_allocate_prefers_experienced_reviewers_for_peripheral_work_where_possible(session):
    """No swap of two reviewers between two pieces keeps every other promise and gives a
    peripheral author's work an active or core reviewer it did not have."""
    works, reviewers, per_work = session
    by_id = {reviewer.id: reviewer for reviewer in reviewers}
    work_by_id = {work.id: work for work in works}

    pairs = set(allocate(works, reviewers, per_work))

    def cost(pair_set):
        return sum(preference_cost(work_by_id[w], by_id[r]) for w, r in pair_set)

    current = cost(pairs)
    for first_work, first_reviewer in pairs:
        for second_work, second_reviewer in pairs:
            swapped = {(first_work, second_reviewer), (second_work, first_reviewer)}
            if swapped & pairs or first_reviewer == second_reviewer:
                continue
            if work_by_id[first_work].author == second_reviewer:
                continue
            if work_by_id[second_work].author == first_reviewer:
                continue
            changed = pairs - {(first_work, first_reviewer), (second_work, second_reviewer)}
            assert cost(changed | swapped) >= current


@settings(max_examples=200, deadline=None)
@given(sessions(one_work_each=True), st.data())
def test_allocate_respects_exclusions_and_existing_loads(session, data):
    works, reviewers, per_work = session
    excluded = set(
        data.draw(
            st.lists(
                st.tuples(
                    st.sampled_from([w.id for w in works] or [0]),
                    st.sampled_from([r.id for r in reviewers]),
                ),
                max_size=5,
            )
        )
    )

    pairs = allocate(works, reviewers, per_work, excluded=excluded)

    assert not set(pairs) & excluded


def test_allocate_peripheral_work_goes_to_core_members_in_a_mixed_pair():
    reviewers = [Reviewer(1, 0), Reviewer(2, 0), Reviewer(3, 2), Reviewer(4, 2)]
    works = [Work(10, 1, 0), Work(11, 2, 0), Work(12, 3, 2), Work(13, 4, 2)]

    pairs = allocate(works, reviewers, 1)

    assert dict(pairs)[10] in {3, 4}
    assert dict(pairs)[11] in {3, 4}
    assert loads(pairs, reviewers) == Counter({1: 1, 2: 1, 3: 1, 4: 1})


def test_allocate_with_nobody_else_allocates_nothing():
    assert allocate([Work(10, 1, 0)], [Reviewer(1, 0)], 2) == []
