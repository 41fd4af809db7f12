"""Shared work, review rounds and reviews through the browser's eyes: who may do what,
what each person sees (never an anonymous reviewer's name for the author), bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.models import PeerReview, ReviewReply, ReviewRound, SharedWork
from reviews.panels import home_panel
from tests.factories import AttendanceFactory, MembershipFactory, SessionFactory

pytestmark = pytest.mark.django_db

OUTSIDERS = ["outsider", "other"]


def url(name, *args):
    return reverse(f"reviews:{name}", args=["riverside", *args])


def as_(client, user):
    if user is not None:
        client.force_login(user)
    return client


def submit(review, text="The loops read well.", stage="developing"):
    return services.review_save(
        review=review,
        answers=[{"works": text, "deeper": "Name the delays."}],
        stage=stage,
        submit=True,
    )


@pytest.fixture
def reviewed(cast):
    """The author's work with a file, in an anonymous round, reviewed and shared."""
    pdf = SimpleUploadedFile("map.pdf", b"%PDF-1.4 map", content_type="application/pdf")
    work = cast.share(upload=pdf)
    round_ = cast.open_round(anonymous=True)
    review = submit(round_.reviews.get())
    return work, round_, review


# --- sharing work ------------------------------------------------------------------------


def test_attendee_shares_work_with_a_link(client, cast):
    as_(client, cast.author)

    response = client.post(
        url("work_new", cast.session.pk),
        {"title": "River map", "link": "https://example.org/map", "description": ""},
    )

    work = SharedWork.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("work", work.pk)
    assert (work.author, work.session, work.link) == (
        cast.author,
        cast.session,
        "https://example.org/map",
    )


def test_work_with_nothing_to_look_at_is_a_clear_error_keeping_the_title(client, cast):
    as_(client, cast.author)

    response = client.post(url("work_new", cast.session.pk), {"title": "River map"})

    assert response.status_code == 200
    assert "Add a link, a file or a few words" in response.content.decode()
    assert 'value="River map"' in response.content.decode()
    assert SharedWork.objects.count() == 0


def test_member_who_did_not_attend_gets_a_kind_message_not_the_form(client, cast):
    as_(client, cast.member)

    page = client.get(url("work_new", cast.session.pk))
    posted = client.post(url("work_new", cast.session.pk), {"title": "x", "description": "y"})

    assert page.status_code == posted.status_code == 200
    assert "ask a facilitator to add you to the attendance" in page.content.decode()
    assert "<form" not in page.content.decode().split("community-nav", 1)[1].split("footer")[0]
    assert SharedWork.objects.count() == 0


@pytest.mark.parametrize("role", ["outsider", "other"])
def test_people_outside_the_community_cannot_share_work(client, cast, role):
    AttendanceFactory(session=cast.session, user=cast.user(role))
    as_(client, cast.user(role))

    response = client.post(url("work_new", cast.session.pk), {"title": "x", "description": "y"})

    assert response.status_code == 404
    assert SharedWork.objects.count() == 0


def test_another_communitys_session_is_404(client, cast):
    elsewhere = SessionFactory(community=cast.other_community)
    as_(client, cast.author)

    response = client.get(url("work_new", elsewhere.pk))

    assert response.status_code == 404


# --- the work page and its reviews ---------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("outsider", 404), ("other", 404), ("member", 200), ("author", 200)],
)
def test_work_page_is_for_members(client, cast, reviewed, role, status):
    work, _, _ = reviewed

    response = as_(client, cast.user(role)).get(url("work", work.pk))

    assert response.status_code == status


def test_author_reads_an_anonymous_review_without_the_reviewers_name(client, cast, reviewed):
    work, round_, _ = reviewed
    as_(client, cast.author)

    pages = [
        client.get(url("work", work.pk)).content.decode(),
        client.get(url("reviews")).content.decode(),
        client.get(url("round", round_.pk)).content.decode(),
    ]

    assert "The loops read well." in pages[0]
    assert "From A peer" in pages[0]
    assert "Name the delays." in pages[0]
    assert "show you who wrote them" in pages[0]
    for page in pages:
        assert "Rosa" not in page


def test_author_who_is_also_a_facilitator_still_never_sees_the_anonymous_name(client, cast):
    cast.author.memberships.update(role="facilitator")
    work = cast.share()
    round_ = cast.open_round(anonymous=True)
    submit(round_.reviews.get())
    as_(client, cast.author)

    work_page = client.get(url("work", work.pk)).content.decode()
    round_page = client.get(url("round", round_.pk)).content.decode()

    assert "The loops read well." in work_page
    assert "Rosa" not in work_page
    assert "Rosa" not in round_page


def test_facilitator_sees_who_wrote_an_anonymous_review(client, cast, reviewed):
    work, round_, _ = reviewed
    as_(client, cast.facilitator)

    work_page = client.get(url("work", work.pk)).content.decode()
    round_page = client.get(url("round", round_.pk)).content.decode()

    assert "From Rosa Reviewer" in work_page
    assert "Rosa Reviewer" in round_page


def test_named_round_shows_the_author_who_reviewed(client, cast):
    work = cast.share()
    submit(cast.open_round(anonymous=False).reviews.get())
    as_(client, cast.author)

    page = client.get(url("work", work.pk)).content.decode()

    assert "From Rosa Reviewer" in page


def test_other_members_see_the_work_but_not_its_reviews(client, cast, reviewed):
    work, _, _ = reviewed
    as_(client, cast.member)

    page = client.get(url("work", work.pk)).content.decode()

    assert "Our causal loop map" in page
    assert "The loops read well." not in page
    assert "Everyone in" in page


def test_author_replies_to_a_review(client, cast, reviewed):
    work, _, review = reviewed
    as_(client, cast.author)

    response = client.post(url("review_reply", review.pk), {"body": "Thank you!"})

    assert response.status_code == 302
    assert response["Location"] == f"{url('work', work.pk)}#review-{review.pk}"
    assert ReviewReply.objects.get().body == "Thank you!"
    assert "Thank you!" in client.get(url("work", work.pk)).content.decode()


def test_empty_reply_is_a_field_error(client, cast, reviewed):
    _, _, review = reviewed
    as_(client, cast.author)

    response = client.post(url("review_reply", review.pk), {"body": ""})

    assert response.status_code == 200
    assert "Write a few words" in response.content.decode()
    assert ReviewReply.objects.count() == 0


def test_reply_and_its_edit_tell_the_reviewer_once(
    client, cast, reviewed, django_capture_on_commit_callbacks
):
    work, _, review = reviewed
    as_(client, cast.author)

    for body in ("Thank you!", "Thank you, truly."):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url("review_reply", review.pk), {"body": body})

    [message] = [m for m in mail.outbox if m.to == [cast.reviewer.email]]
    assert message.subject == 'Ada Author replied to your review of "Our causal loop map"'
    assert "Thank you!" in message.body
    assert "Thank you!" in message.alternatives[0][0]
    assert f"{url('work', work.pk)}#review-{review.pk}" in message.body


@pytest.mark.parametrize("role", ["reviewer", "member", "facilitator", "other", "outsider"])
def test_only_the_author_replies(client, cast, reviewed, role):
    _, _, review = reviewed
    as_(client, cast.user(role))

    response = client.post(url("review_reply", review.pk), {"body": "Hi"})

    assert response.status_code == 404
    assert ReviewReply.objects.count() == 0


# --- the file --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["member", "author", "facilitator"])
def test_members_get_the_file_as_its_sniffed_type(client, cast, reviewed, role):
    work, _, _ = reviewed
    as_(client, cast.user(role))

    response = client.get(url("work_file", work.pk))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 map"
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert "sandbox" in response["Content-Security-Policy"]


def test_office_files_are_downloaded_as_attachments(client, cast, docx_bytes):
    upload = SimpleUploadedFile("notes.docx", docx_bytes, content_type="text/html")
    as_(client, cast.author)
    client.post(url("work_new", cast.session.pk), {"title": "Notes", "file": upload})
    work = SharedWork.objects.get()

    response = client.get(url("work_file", work.pk))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 302), ("outsider", 404), ("other", 404)]
)
def test_files_are_refused_to_non_members(client, cast, reviewed, role, status):
    work, _, _ = reviewed

    response = as_(client, cast.user(role)).get(url("work_file", work.pk))

    assert response.status_code == status
    assert not hasattr(response, "streaming_content")


def test_a_file_missing_from_storage_is_404_not_500(client, cast, reviewed):
    work, _, _ = reviewed
    work.file.storage.delete(work.file.name)
    as_(client, cast.member)

    response = client.get(url("work_file", work.pk))

    assert response.status_code == 404


def test_file_is_never_under_a_public_media_url(client, cast, reviewed):
    work, _, _ = reviewed
    as_(client, cast.author)

    page = client.get(url("work", work.pk)).content.decode()

    assert url("work_file", work.pk) in page
    assert work.file.name not in page


# --- deleting work ---------------------------------------------------------------------------


def test_author_deletes_work_and_its_file_after_confirming(
    client, cast, reviewed, django_capture_on_commit_callbacks
):
    work, _, _ = reviewed
    storage, stored = work.file.storage, work.file.name
    as_(client, cast.author)

    confirm = client.get(url("work_delete", work.pk))
    with django_capture_on_commit_callbacks(execute=True):
        deleted = client.post(url("work_delete", work.pk))

    assert confirm.status_code == 200
    assert "Its 1 review will go too" in confirm.content.decode()
    assert deleted.status_code == 302
    assert SharedWork.objects.count() == PeerReview.objects.count() == 0
    assert not storage.exists(stored)


@pytest.mark.parametrize("role", ["reviewer", "member", "facilitator", "other"])
def test_only_the_author_deletes_work(client, cast, reviewed, role):
    work, _, _ = reviewed
    as_(client, cast.user(role))

    response = client.post(url("work_delete", work.pk))

    assert response.status_code == 404
    assert SharedWork.objects.count() == 1


# --- review rounds ---------------------------------------------------------------------------


def test_facilitator_opens_a_round_with_defaults(client, cast):
    cast.share()
    as_(client, cast.facilitator)
    page = client.get(url("round_new", cast.session.pk))
    form = page.context["form"]

    response = client.post(
        url("round_new", cast.session.pk),
        {
            "outcomes": [cast.outcome.pk],
            "reviewers_per_work": form["reviewers_per_work"].initial,
            "anonymous": "anonymous",
            "due_on": form["due_on"].initial.isoformat(),
        },
    )

    round_ = ReviewRound.objects.get()
    assert response.status_code == 302
    assert (round_.reviewers_per_work, round_.anonymous, round_.due_on) == (
        2,
        True,
        timezone.localdate() + timedelta(days=7),
    )
    assert [r.reviewer for r in round_.reviews.all()] == [cast.reviewer]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("reviewers_per_work", "9"),
        ("reviewers_per_work", "0"),
        ("reviewers_per_work", "abc"),
        ("due_on", "2001-01-01"),
        ("due_on", "not a date"),
        ("outcomes", "999999"),
    ],
)
def test_round_form_bad_input_is_a_field_error(client, cast, field, value):
    as_(client, cast.facilitator)
    data = {
        "outcomes": [cast.outcome.pk],
        "reviewers_per_work": "2",
        "anonymous": "named",
        "due_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
        field: value,
    }

    response = client.post(url("round_new", cast.session.pk), data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert ReviewRound.objects.count() == 0


def test_round_form_offers_only_this_communitys_agreed_outcomes(client, cast):
    from tests.factories import OutcomeFactory

    proposed = OutcomeFactory(community=cast.community, status="proposed")
    theirs = OutcomeFactory(community=cast.other_community)
    as_(client, cast.facilitator)

    form = client.get(url("round_new", cast.session.pk)).context["form"]

    assert list(form.fields["outcomes"].queryset) == [cast.outcome]
    assert proposed not in form.fields["outcomes"].queryset
    assert theirs not in form.fields["outcomes"].queryset


def test_members_cannot_open_or_close_rounds(client, cast):
    round_ = cast.open_round()
    as_(client, cast.reviewer)

    opened = client.post(url("round_new", cast.session.pk), {"outcomes": [cast.outcome.pk]})
    closed = client.post(url("round_close", round_.pk))

    round_.refresh_from_db()
    assert (opened.status_code, closed.status_code) == (404, 404)
    assert (ReviewRound.objects.count(), round_.status) == (1, "open")


def test_facilitator_closes_a_round(client, cast):
    round_ = cast.open_round()
    as_(client, cast.facilitator)

    client.post(url("round_close", round_.pk))
    again = client.post(url("round_close", round_.pk), follow=True)

    round_.refresh_from_db()
    assert round_.status == "closed"
    assert "already closed" in again.content.decode()


def test_member_sees_their_part_of_a_round_not_the_allocation(client, cast):
    cast.share()
    third = cast.attend(cast.join(display_name="Tess Third"))
    cast.share(author=third, title="Forest map")
    round_ = cast.open_round()
    as_(client, cast.reviewer)

    page = client.get(url("round", round_.pk))

    mine = page.context["mine"]
    assert [r.reviewer for r in mine] == [cast.reviewer]
    assert page.context["allocation"] == []
    assert "Who reviews what" not in page.content.decode()
    assert url("review", mine[0].pk) in page.content.decode()


# --- writing a review ------------------------------------------------------------------------


@pytest.fixture
def allocated(cast):
    cast.share()
    return cast.open_round().reviews.get()


def review_data(action="draft", works="", deeper="", stage=""):
    return {
        "action": action,
        "works_0": works,
        "deeper_0": deeper,
        "works_1": "",
        "deeper_1": "",
        "stage": stage,
    }


def test_reviewer_saves_a_draft_then_shares_it(client, cast, allocated):
    as_(client, cast.reviewer)

    drafted = client.post(url("review", allocated.pk), review_data(works="Clear loops"))
    allocated.refresh_from_db()
    draft_status = allocated.status
    page = client.get(url("review", allocated.pk)).content.decode()
    shared = client.post(
        url("review", allocated.pk), review_data("submit", works="Clear loops", stage="confident")
    )

    allocated.refresh_from_db()
    assert drafted.status_code == shared.status_code == 302
    assert draft_status == "draft"
    assert "Clear loops" in page
    assert (allocated.status, allocated.stage) == ("submitted", "confident")
    assert allocated.answers[0] == {"works": "Clear loops", "deeper": ""}


def test_empty_submit_is_a_clear_error_and_keeps_the_stage(client, cast, allocated):
    as_(client, cast.reviewer)

    response = client.post(url("review", allocated.pk), review_data("submit", stage="emerging"))

    allocated.refresh_from_db()
    assert response.status_code == 200
    assert "Write something for at least one prompt" in response.content.decode()
    assert response.context["form"]["stage"].value() == "emerging"
    assert allocated.status == "allocated"


def test_too_long_an_answer_is_a_field_error_keeping_the_text(client, cast, allocated):
    as_(client, cast.reviewer)

    response = client.post(url("review", allocated.pk), review_data(deeper="x" * 4001))

    assert response.status_code == 200
    assert "deeper_0" in response.context["form"].errors
    assert "x" * 4001 in response.content.decode()


def test_a_submitted_review_is_read_only(client, cast, allocated):
    submit(allocated, text="First thoughts")
    as_(client, cast.reviewer)

    page = client.get(url("review", allocated.pk))
    changed = client.post(url("review", allocated.pk), review_data("submit", works="Changed"))

    allocated.refresh_from_db()
    assert page.context["form"] is None
    assert "First thoughts" in page.content.decode()
    assert changed.status_code == 302
    assert allocated.answers[0]["works"] == "First thoughts"


def test_a_closed_round_shows_the_draft_read_only(client, cast, allocated):
    services.review_save(
        review=allocated, answers=[{"works": "Half", "deeper": ""}], stage="", submit=False
    )
    services.review_round_close(round_=allocated.round)
    as_(client, cast.reviewer)

    page = client.get(url("review", allocated.pk))
    client.post(url("review", allocated.pk), review_data("submit", works="Late"))

    allocated.refresh_from_db()
    assert "This round is closed" in page.content.decode()
    assert (allocated.status, allocated.answers[0]["works"]) == ("draft", "Half")


@pytest.mark.parametrize("role", ["author", "member", "facilitator", "other", "outsider"])
def test_only_the_allocated_reviewer_reaches_a_review(client, cast, allocated, role):
    as_(client, cast.user(role))

    page = client.get(url("review", allocated.pk))
    posted = client.post(url("review", allocated.pk), review_data("submit", works="Mine!"))
    declined = client.post(url("review_decline", allocated.pk))

    allocated.refresh_from_db()
    assert (page.status_code, posted.status_code, declined.status_code) == (404, 404, 404)
    assert allocated.status == "allocated"


def test_reviewer_declines_and_someone_else_is_asked(client, cast, allocated):
    third = cast.attend(cast.join(display_name="Tess Third"))
    as_(client, cast.reviewer)

    response = client.post(url("review_decline", allocated.pk), follow=True)

    allocated.refresh_from_db()
    assert allocated.status == "declined"
    assert "Someone else has been asked" in response.content.decode()
    assert PeerReview.objects.waiting().get().reviewer == third


def test_declining_twice_is_a_kind_message_not_an_error(client, cast, allocated):
    as_(client, cast.reviewer)
    client.post(url("review_decline", allocated.pk))

    response = client.post(url("review_decline", allocated.pk), follow=True)

    assert response.status_code == 200
    assert "already declined" in response.content.decode()


def test_unknown_review_is_404(client, cast):
    as_(client, cast.reviewer)

    assert client.get(url("review", 999999)).status_code == 404


# --- the reviews page and panels ----------------------------------------------------------------


def test_reviews_page_shows_waiting_overdue_kindly_and_my_work(client, cast):
    cast.share(title="River map")
    round_ = cast.open_round(due_in=0)
    ReviewRound.objects.filter(pk=round_.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    as_(client, cast.reviewer)

    reviewer_page = client.get(url("reviews")).content.decode()
    author_page = as_(client, cast.author).get(url("reviews")).content.decode()

    assert "River map" in reviewer_page
    assert "past its date — still welcome" in reviewer_page
    assert "River map" in author_page
    assert "no reviews yet" in author_page


@pytest.mark.parametrize("extra", [0, 1])
def test_reviews_page_says_when_more_reviews_wait_than_it_lists(client, cast, extra):
    """The reviews hoped for soonest, LIST_LIMIT of them; one more waiting and the page says
    more are waiting, rather than leaving them out silently."""
    from reviews.views import LIST_LIMIT
    from tests.factories import PeerReviewFactory, ReviewRoundFactory, SharedWorkFactory

    round_ = ReviewRoundFactory(session=cast.session)
    for i in range(LIST_LIMIT + extra):
        work = SharedWorkFactory(session=cast.session, title=f"Map {i:02}")
        PeerReviewFactory(round=round_, work=work, reviewer=cast.reviewer)
    as_(client, cast.reviewer)

    response = client.get(url("reviews"))

    html = response.content.decode()
    assert len(response.context["waiting"]) == LIST_LIMIT
    assert ("More are waiting for you" in html) == bool(extra)


def test_reviews_page_pages_rounds_by_keyset_links_through_equal_moments(client, cast):
    # Twelve rounds opened at one moment: the pages walk them by id, each round once.
    rounds = [cast.open_round() for _ in range(12)]
    ReviewRound.objects.filter(pk__in=[r.pk for r in rounds]).update(
        created_at=timezone.now() - timedelta(days=1)
    )
    as_(client, cast.member)

    first = client.get(url("reviews"))
    older = client.get(url("reviews"), {"before": first.context["page"].older_id})
    back = client.get(url("reviews"), {"after": older.context["page"].newer_id})

    newest_first = sorted(r.pk for r in rounds)[::-1]
    assert [r.pk for r in first.context["page"]] == newest_first[:10]
    assert [r.pk for r in older.context["page"]] == newest_first[10:]
    assert [r.pk for r in back.context["page"]] == newest_first[:10]
    html = first.content.decode()
    assert '<nav class="pagination" aria-label="Review rounds, by page">' in html
    assert f'href="?before={newest_first[9]}#rounds-heading" rel="next">Older rounds</a>' in html
    assert 'rel="prev">Newer rounds</a>' in older.content.decode()
    assert "Older rounds" not in older.content.decode()


def test_reviews_page_pages_my_work_apart_from_the_rounds(client, cast):
    """My work is shown twelve pieces at a time, newest first, with "older work" links of
    its own (work_before / work_after), which leave the rounds' page as it is."""
    from reviews.models import SharedWork
    from reviews.views import MY_WORK_PER_PAGE

    pieces = [cast.share(title=f"Map {i}") for i in range(MY_WORK_PER_PAGE + 2)]
    SharedWork.objects.filter(pk__in=[w.pk for w in pieces]).update(
        created_at=timezone.now() - timedelta(days=1)
    )
    newest_first = sorted(w.pk for w in pieces)[::-1]
    as_(client, cast.author)

    first = client.get(url("reviews"))
    older = client.get(url("reviews"), {"work_before": first.context["my_work"].older_id})
    back = client.get(url("reviews"), {"work_after": older.context["my_work"].newer_id})

    assert [w.pk for w in first.context["my_work"]] == newest_first[:MY_WORK_PER_PAGE]
    assert [w.pk for w in older.context["my_work"]] == newest_first[MY_WORK_PER_PAGE:]
    assert [w.pk for w in back.context["my_work"]] == newest_first[:MY_WORK_PER_PAGE]
    html = first.content.decode()
    assert '<nav class="pagination" aria-label="My work, by page">' in html
    last_shown = newest_first[MY_WORK_PER_PAGE - 1]
    assert f'href="?work_before={last_shown}#my-work-heading" rel="next">Older work</a>' in html
    assert 'rel="prev">Newer work</a>' in older.content.decode()
    # The rounds' own paging ignores my work's parameters, and the other way round.
    assert list(older.context["page"]) == list(first.context["page"])
    assert list(client.get(url("reviews"), {"before": 1}).context["my_work"]) == list(
        first.context["my_work"]
    )


@pytest.mark.parametrize("value", ["lots", "-1", "1.5", "²", "9" * 30, "foreign"])
def test_reviews_page_shows_the_newest_work_for_a_tampered_id(client, cast, value):
    from tests.factories import SharedWorkFactory

    for i in range(14):
        cast.share(title=f"Map {i}")
    if value == "foreign":
        # Someone else's work names nothing in my list.
        value = SharedWorkFactory(session=cast.session, author=cast.member).pk
    as_(client, cast.author)

    newest = client.get(url("reviews"))
    for param in ("work_before", "work_after"):
        response = client.get(url("reviews"), {param: value})
        assert response.status_code == 200
        assert list(response.context["my_work"]) == list(newest.context["my_work"])
        assert not response.context["my_work"].has_previous()


@pytest.mark.parametrize("value", ["lots", "-1", "1.5", "²", "9" * 30, "foreign"])
def test_reviews_page_shows_the_newest_rounds_for_a_tampered_id(client, cast, value):
    from tests.factories import ReviewRoundFactory

    for _ in range(12):
        cast.open_round()
    if value == "foreign":
        # A round of another community names nothing here.
        elsewhere = SessionFactory(community=cast.other_community)
        value = ReviewRoundFactory(session=elsewhere, opened_by=cast.other).pk
    as_(client, cast.member)

    newest = client.get(url("reviews"))
    for param in ("before", "after", "page"):
        response = client.get(url("reviews"), {param: value})
        assert response.status_code == 200
        assert list(response.context["page"]) == list(newest.context["page"])
        assert not response.context["page"].has_previous()


def test_home_panel_lists_reviews_waiting_across_communities(cast):
    cast.share(title="River map")
    cast.open_round()
    elsewhere = SessionFactory(community=cast.other_community)
    MembershipFactory(community=cast.other_community, user=cast.reviewer)
    theirs = MembershipFactory(community=cast.other_community).user
    for person in (theirs, cast.reviewer):
        AttendanceFactory(session=elsewhere, user=person)
    services.work_share(session=elsewhere, author=theirs, title="Harbour map")
    services.review_round_open(
        session=elsewhere, by=theirs, outcomes=[], due_on=timezone.localdate()
    )
    request = RequestFactory().get("/")
    request.user = cast.reviewer

    panel = home_panel(request)

    assert sorted(r.work.title for r in panel.context["reviews"]) == ["Harbour map", "River map"]


def test_home_page_shows_the_reviews_panel(client, cast, allocated):
    as_(client, cast.reviewer)

    page = client.get(reverse("home")).content.decode()

    assert "Reviews waiting for me" in page
    assert url("review", allocated.pk) in page


def test_session_page_offers_sharing_to_attendees_and_rounds_to_facilitators(client, cast):
    cast.share(title="River map")

    attendee = as_(client, cast.author).get(cast.session.get_absolute_url()).content.decode()
    facilitator = (
        as_(client, cast.facilitator).get(cast.session.get_absolute_url()).content.decode()
    )
    member = as_(client, cast.member).get(cast.session.get_absolute_url()).content.decode()

    assert "Share your work" in attendee
    assert "Open a review round" not in attendee
    assert "Open a review round" in facilitator
    assert "Share your work" not in member
    assert "River map" in member


def test_round_form_prefills_a_due_date_a_browser_date_field_accepts(client, cast):
    as_(client, cast.facilitator)

    page = client.get(url("round_new", cast.session.pk)).content.decode()

    week_ahead = (timezone.localdate() + timedelta(days=7)).isoformat()
    assert f'type="date" name="due_on" value="{week_ahead}"' in page


def test_htmx_reply_swaps_just_the_review_card(client, cast, reviewed):
    _, _, review = reviewed
    as_(client, cast.author)

    saved = client.post(
        url("review_reply", review.pk), {"body": "Thanks!"}, headers={"HX-Request": "true"}
    )
    empty = client.post(
        url("review_reply", review.pk), {"body": ""}, headers={"HX-Request": "true"}
    )

    for response in (saved, empty):
        assert response.status_code == 200
        assert (
            response.content.decode()
            .lstrip()
            .startswith(f'<article class="review" id="review-{review.pk}">')
        )
    assert "Your reply is sent" in saved.content.decode()
    assert "Your reply:</strong> Thanks!" in saved.content.decode()
    assert "Write a few words" in empty.content.decode()
    assert ReviewReply.objects.get().body == "Thanks!"


def test_a_waiting_reviewer_finds_their_review_from_the_work_page(client, cast, allocated):
    as_(client, cast.reviewer)

    page = client.get(url("work", allocated.work_id)).content.decode()
    others = as_(client, cast.member).get(url("work", allocated.work_id)).content.decode()

    assert f'href="{url("review", allocated.pk)}">Write your review' in page
    assert "Write your review" not in others


def test_session_panel_is_not_shown_to_people_outside_the_community(client, cast):
    cast.share(title="River map")
    cast.community.visibility = "open"
    cast.community.save()

    page = as_(client, cast.outsider).get(cast.session.get_absolute_url())

    assert page.status_code == 200
    assert "River map" not in page.content.decode()
    assert "Work shared from this session" not in page.content.decode()
