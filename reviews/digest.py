"""Digest sections from peer review: reviews waiting for the person (overdue first) and
reviews they received in the period.

Three queries per batch of people, whatever its size: memberships, waiting reviews and
received reviews."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.digest import Item, Section
from communities.digest import digest_scope
from core.templatetags.dates import when

from .access import reviewer_is_named
from .models import PeerReview

# Each section's key, title, intro and place in the email.
SECTIONS = [
    (
        "reviews_waiting",
        _("Reviews waiting for you"),
        _("Peers shared this work to see it through your eyes."),
        20,
    ),
    (
        "reviews_received",
        _("Reviews you received"),
        _("Read what your peers saw — a reply with thanks or a response is welcome."),
        25,
    ),
]


def digest_sections(people, periods, now) -> dict[int, list[Section]]:
    _, mine, communities, since = digest_scope(people, periods, now)
    items = {
        "reviews_waiting": _waiting(people, mine, communities, now),
        "reviews_received": _received(people, periods, mine, communities, since, now),
    }
    # Built in the readers' language (accounts.digest.sections_for): its words once.
    sections = [(key, str(title), str(intro), order) for key, title, intro, order in SECTIONS]
    return {
        person.pk: [
            Section(key, title, items[key].get(person.pk, []), intro=intro, order=order)
            for key, title, intro, order in sections
        ]
        for person in people
    }


def _review_url(review: PeerReview) -> str:
    return settings.SITE_URL + review.get_absolute_url()


def _received_url(review: PeerReview) -> str:
    """An author reads a review beside their work; the review's own page is the
    reviewer's alone (a 404 for the author)."""
    path = reverse(
        "reviews:work", kwargs={"slug": review.round.community.slug, "pk": review.work_id}
    )
    return f"{settings.SITE_URL}{path}#review-{review.pk}"


def _waiting(people, mine, communities, now) -> dict[int, list[Item]]:
    """Reviews allocated to each person (or drafted) in open rounds, by due date — so the
    overdue ones (due before today in the person's own calendar) come first."""
    reviews = (
        PeerReview.objects.waiting()
        .filter(reviewer__in=people, round__community_id__in=communities)
        .select_related("round__community", "work")
        .order_by("round__due_on", "pk")
    )
    zones = {person.pk: person.zoneinfo for person in people}
    was_due = gettext("Was due %(day)s — still welcome whenever you can.")
    due, draft = gettext("Due %(day)s"), gettext("your draft is saved")
    your_review = gettext("Your review of “%(title)s” (%(community)s)")
    by_person: dict[int, list[Item]] = defaultdict(list)
    for review in reviews:
        round_ = review.round
        if round_.community_id not in mine.get(review.reviewer_id, ()):
            continue
        today = timezone.localdate(now, zones[review.reviewer_id])
        day = {"day": when(round_.due_on, "day")}
        note = (was_due if round_.due_on < today else due) % day
        if review.status == PeerReview.Status.DRAFT:
            note = f"{note} · {draft}"
        text = your_review % {"title": review.work.title, "community": round_.community.name}
        by_person[review.reviewer_id].append(Item(text, _review_url(review), note))
    return by_person


def _received(people, periods, mine, communities, since, now) -> dict[int, list[Item]]:
    """Reviews of each person's work that reached them in their digest period: shared,
    or in a round with a release step released (a held review is never listed). An
    anonymous round never names its reviewers, here as anywhere an author reads."""
    reviews = (
        PeerReview.objects.released()
        .annotate(reached_at=Coalesce("released_at", "submitted_at"))
        .filter(
            work__author__in=people,
            round__community_id__in=communities,
            reached_at__gte=since,
            reached_at__lt=now,
        )
        .select_related("round__community", "work", "reviewer")
        .order_by("reached_at", "pk")
    )
    a_peer = gettext("a peer")
    a_review = gettext("A review of your “%(title)s” from %(who)s")
    by_person: dict[int, list[Item]] = defaultdict(list)
    for review in reviews:
        author_id, round_ = review.work.author_id, review.round
        period = periods[author_id]
        if round_.community_id not in mine.get(author_id, ()) or not (
            period.start <= review.reached_at < period.end
        ):
            continue
        named = reviewer_is_named(
            review, viewer_id=author_id, author_id=author_id, facilitator=False
        )
        who = review.reviewer.name if named else a_peer
        text = a_review % {"title": review.work.title, "who": who}
        by_person[author_id].append(Item(text, _received_url(review), round_.community.name))
    return by_person
