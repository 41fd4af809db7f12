"""Issue 17, part A, through the pages: the round's facilitator view and its actions, the
phase and "pieces heard" everyone sees, "Was this helpful?", refusals as messages or 404s,
the anonymity rule on every new view, and the round page's queries at 1 and 100 pieces."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reviews.models import PeerReview, ReviewRound
from sessions.models import Attendance
from tests.factories import MembershipFactory

from .builders import peer_review, review_round, shared_work

pytestmark = pytest.mark.django_db
S = PeerReview.Status


@pytest.fixture
def world(cast):
    """An open round past its due date: Ada's "River map" waits on Tess (stalled),
    Uma's "Harbour map" has Rosa's shared review."""
    tess = cast.attend(cast.join(display_name="Tess Third"))
    uma = cast.attend(cast.join(display_name="Uma Fourth"))
    today = timezone.localdate()
    round_ = review_round(
        cast.session,
        [cast.outcome],
        due_on=today - dt.timedelta(days=1),
        created_at=timezone.now() - dt.timedelta(days=8),
        opened_at=timezone.now() - dt.timedelta(days=8),
        reviewers_per_work=1,
    )
    river = shared_work(cast.session, cast.author, title="River map")
    harbour = shared_work(cast.session, uma, title="Harbour map")
    waiting = peer_review(round_, river, tess, created_at=timezone.now() - dt.timedelta(days=8))
    done = peer_review(round_, harbour, cast.reviewer, S.SUBMITTED)
    return {"round": round_, "river": river, "harbour": harbour, "waiting": waiting,
            "done": done, "tess": tess, "uma": uma}  # fmt: skip


def url(round_, tail=""):
    return f"/c/riverside/review-rounds/{round_.pk}/{tail}"


def test_facilitator_sees_each_piece_with_states_ages_and_actions(client, cast, world):
    client.force_login(cast.facilitator)
    page = client.get(url(world["round"])).content.decode()

    assert "Where we are: Replies" in page
    assert "1 of 2 pieces have all their reviews." in page
    assert "Tess Third" in page and "waiting" in page and "asked 8 days ago" in page
    assert "shared" in page
    reassign = url(world["round"], f"reviews/{world['waiting'].pk}/reassign/")
    assert f'href="{reassign}"' in page
    assert "Extend the due date" in page and "Review it myself" in page
    assert "1 review is past the due date" in page


def test_members_see_the_phase_and_their_part_but_no_names_of_others(client, cast, world):
    ReviewRound.objects.filter(pk=world["round"].pk).update(anonymous=True)
    client.force_login(cast.author)
    page = client.get(url(world["round"])).content.decode()

    assert "Where we are: Replies" in page
    assert "Tess" not in page and "Reassign" not in page and "Extend" not in page


def test_a_planned_round_is_the_facilitators_alone(client, cast, world):
    ReviewRound.objects.filter(pk=world["round"].pk).update(status="planned")
    client.force_login(world["tess"])
    assert client.get(url(world["round"])).status_code == 404
    assert client.get(f"/c/riverside/reviews/{world['waiting'].pk}/").status_code == 404


def test_reassign_page_uses_the_picker_and_blank_means_the_fairest(client, cast, world):
    client.force_login(cast.facilitator)
    page = client.get(url(world["round"], f"reviews/{world['waiting'].pk}/reassign/"))
    assert page.status_code == 200
    assert 'name="person_q"' in page.content.decode()

    response = client.post(url(world["round"], f"reviews/{world['waiting'].pk}/reassign/"), {})

    assert response.status_code == 302
    assert PeerReview.objects.get(reassigned_from=world["waiting"]).reviewer == world["uma"]
    again = client.post(url(world["round"], f"reviews/{world['waiting'].pk}/reassign/"), {})
    assert "already reassigned" in again.content.decode()
    assert PeerReview.objects.filter(work=world["river"]).count() == 2


@pytest.mark.parametrize(
    ("who", "message"),
    [("author", "author of this work"), ("tess", "already reviews"), ("member", "Only attendees")],
)
def test_reassign_refusals_are_field_errors(client, cast, world, who, message):
    person = world.get(who) or getattr(cast, who)
    client.force_login(cast.facilitator)
    response = client.post(
        url(world["round"], f"reviews/{world['waiting'].pk}/reassign/"), {"person": person.pk}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PeerReview.objects.filter(reassigned_from=world["waiting"]).exists()


def test_actions_are_facilitators_only_and_tampered_ids_are_404(client, cast, world, hillside):
    client.force_login(world["tess"])
    assert (
        client.post(url(world["round"], f"reviews/{world['waiting'].pk}/reassign/")).status_code
        == 404
    )
    assert client.post(url(world["round"], "extend/"), {"due_on": "2030-01-01"}).status_code == 404
    client.force_login(cast.facilitator)
    assert client.get(url(world["round"], "reviews/999999/reassign/")).status_code == 404
    other = review_round(cast.session, [cast.outcome])
    other_review = peer_review(other, world["harbour"], world["tess"])
    assert (
        client.get(url(world["round"], f"reviews/{other_review.pk}/reassign/")).status_code == 404
    )
    assert client.get(url(world["round"], "work/999999/add-reviewer/")).status_code == 404


def test_add_a_reviewer_and_review_it_myself(client, cast, world):
    client.force_login(cast.facilitator)
    response = client.post(
        url(world["round"], f"work/{world['river'].pk}/add-reviewer/"),
        {"person": world["uma"].pk},
    )
    assert response.status_code == 302
    response = client.post(url(world["round"], f"work/{world['river'].pk}/review-myself/"))
    mine = PeerReview.objects.get(reviewer=cast.facilitator)
    assert response.url == f"/c/riverside/reviews/{mine.pk}/"
    assert mine.by_facilitator
    client.post(url(world["round"], f"work/{world['river'].pk}/review-myself/"))
    assert PeerReview.objects.filter(reviewer=cast.facilitator).count() == 1


def test_extending_into_the_past_keeps_what_was_typed(client, cast, world):
    client.force_login(cast.facilitator)
    response = client.post(url(world["round"], "extend/"), {"due_on": "2001-02-03"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "That date has passed" in page and 'value="2001-02-03"' in page
    later = timezone.localdate() + dt.timedelta(days=4)
    response = client.post(url(world["round"], "extend/"), {"due_on": later.isoformat()})
    assert response.status_code == 302
    world["round"].refresh_from_db()
    assert world["round"].due_on == later


def test_helpful_is_between_author_and_reviewer_only(client, cast, world):
    review = peer_review(world["round"], world["river"], world["uma"], S.SUBMITTED)
    client.force_login(cast.author)
    page = client.get(f"/c/riverside/work/{world['river'].pk}/").content.decode()
    assert "Was this helpful?" in page
    response = client.post(
        f"/c/riverside/reviews/{review.pk}/helpful/", {"note": "That loop was the key"}
    )
    assert response.status_code == 302
    page = client.get(f"/c/riverside/work/{world['river'].pk}/").content.decode()
    assert "You told the reviewer this review helped" in page

    client.force_login(world["uma"])
    assert (
        "That loop was the key"
        in client.get(f"/c/riverside/work/{world['river'].pk}/").content.decode()
    )
    client.force_login(cast.facilitator)
    page = client.get(f"/c/riverside/work/{world['river'].pk}/").content.decode()
    assert "That loop was the key" not in page and "helpful" not in page.lower()
    # Only the author may say so: anyone else gets the 404 of a review that isn't there.
    client.force_login(world["uma"])
    assert client.post(f"/c/riverside/reviews/{review.pk}/helpful/").status_code == 404


def test_a_facilitators_review_is_marked_and_anonymous_stays_anonymous(client, cast, world):
    ReviewRound.objects.filter(pk=world["round"].pk).update(anonymous=True)
    peer_review(world["round"], world["river"], cast.facilitator, S.SUBMITTED, by_facilitator=True)
    client.force_login(cast.author)
    page = client.get(f"/c/riverside/work/{world['river'].pk}/").content.decode()
    assert "From A facilitator" in page and cast.facilitator.name not in page.split("<main")[-1]


# --- queries ------------------------------------------------------------------------------


def populate(cast, round_, n):
    people = [MembershipFactory(community=cast.community).user for _ in range(n)]
    Attendance.objects.bulk_create(Attendance(session=cast.session, user=p) for p in people)
    for index, person in enumerate(people):
        work = shared_work(cast.session, person, title=f"Map {index}")
        reviewer = people[(index + 1) % n] if n > 1 else cast.reviewer
        peer_review(round_, work, reviewer, [S.ALLOCATED, S.DRAFT, S.SUBMITTED][index % 3])


@pytest.mark.parametrize("pieces", [1, 100])
def test_round_page_queries_at_1_and_100_pieces(client, cast, django_assert_num_queries, pieces):
    round_ = review_round(cast.session, [cast.outcome], reviewers_per_work=1)
    populate(cast, round_, pieces)
    client.force_login(cast.facilitator)

    # 9 (was 10): the session's link no longer reads the session's community.
    with django_assert_num_queries(9):
        response = client.get(url(round_))

    assert response.status_code == 200
    assert len(response.context["allocation"]) == pieces
