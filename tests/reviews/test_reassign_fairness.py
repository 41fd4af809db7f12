"""The fairness of a reassignment, as properties (hypothesis) over rounds of every shape:
never the author nor anyone already on the piece (or who declined it), always an attendee,
the lowest current load among those eligible, and one person asked per reassignment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from communities.models import Membership
from reviews import facilitation, services
from reviews.models import PeerReview
from sessions.models import Attendance

pytestmark = pytest.mark.django_db
LEVELS = [Membership.Level.PERIPHERAL, Membership.Level.ACTIVE, Membership.Level.CORE]
ANSWER = [{"works": "Clear.", "deeper": ""}]


def current_loads(round_):
    return facilitation.loads(round_)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_reassignments_keep_the_fairness_rules(cast, data):
    with transaction.atomic():
        levels = data.draw(st.lists(st.sampled_from(LEVELS), min_size=3, max_size=6))
        people = [cast.attend(cast.join(level=level)) for level in levels]
        Attendance.objects.filter(
            session=cast.session, user__in=[cast.author, cast.reviewer]
        ).delete()
        authors = data.draw(st.lists(st.sampled_from(people), min_size=1, max_size=4))
        for index, author in enumerate(authors):
            cast.share(author=author, title=f"Map {index}")
        round_ = services.review_round_open(
            session=cast.session,
            by=cast.facilitator,
            outcomes=[cast.outcome],
            reviewers_per_work=data.draw(st.integers(1, 2)),
            due_on=dt.date(2030, 1, 1),
        )
        attendee_ids = {p.pk for p in people}
        for _ in range(data.draw(st.integers(1, 4))):
            waiting = list(round_.reviews.waiting_on().select_related("work").order_by("pk"))
            if not waiting:
                break
            review = data.draw(st.sampled_from(waiting))
            if data.draw(st.booleans()):  # Someone else finishes theirs meanwhile.
                others = [r for r in waiting if r.pk != review.pk]
                if others:
                    services.review_save(review=others[0], answers=ANSWER, stage="", submit=True)
            loads = current_loads(round_)
            taken = set(
                PeerReview.objects.filter(work=review.work).values_list("reviewer_id", flat=True)
            )
            eligible = attendee_ids - taken - {review.work.author_id}
            try:
                new = facilitation.review_reassign(review=review)
            except services.ReviewError:
                assert not eligible
                continue
            chosen = new.reviewer_id
            assert chosen in eligible
            assert loads.get(chosen, 0) == min(loads.get(uid, 0) for uid in eligible)
            assert PeerReview.objects.filter(reassigned_from=review).count() == 1
            pairs = list(PeerReview.objects.values_list("work_id", "reviewer_id"))
            assert len(pairs) == len(set(pairs))
        transaction.set_rollback(True)
