"""The outcomes digest section: outcomes proposed in the person's communities that they
have not yet endorsed — an easy, low-stakes way to take part. (Peer review's sections
are in reviews/digest.py.)

Three queries per batch of people, whatever its size: memberships, proposed outcomes and
endorsements of them."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext

from accounts.digest import Item, Section
from communities.digest import digest_scope

from .models import Endorsement, Outcome

PER_PERSON = 5


def digest_sections(people, periods, now) -> dict[int, list[Section]]:
    memberships, _, communities, _ = digest_scope(people, periods, now)
    endorse = _to_endorse(people, memberships, communities)
    # Built in the readers' language (accounts.digest.sections_for): its words once.
    title = gettext("Outcomes to endorse")
    intro = gettext("Proposed by your communities — endorse the ones you'd like to work on.")
    return {
        person.pk: [
            Section(
                "endorse",
                title,
                endorse.get(person.pk, [])[:PER_PERSON],
                intro=intro,
                order=60,
            ),
        ]
        for person in people
    }


def _to_endorse(people, memberships, communities) -> dict[int, list[Item]]:
    proposed = list(
        Outcome.objects.filter(community_id__in=communities, status=Outcome.Status.PROPOSED)
        .select_related("community")
        .order_by("-created_at")
    )
    endorsed = set(
        Endorsement.objects.filter(outcome__in=proposed, user__in=people).values_list(
            "outcome_id", "user_id"
        )
    )
    by_community: dict[int, list[Outcome]] = defaultdict(list)
    for outcome in proposed:
        by_community[outcome.community_id].append(outcome)
    # One link per community (its outcomes page), built once per batch.
    urls = {
        community.pk: settings.SITE_URL + reverse("outcomes:list", kwargs={"slug": community.slug})
        for community in {outcome.community_id: outcome.community for outcome in proposed}.values()
    }
    we_want = gettext("We want to be able to %(statement)s")
    result: dict[int, list[Item]] = defaultdict(list)
    for person in people:
        for row in memberships.get(person.pk, []):
            for outcome in by_community.get(row["community_id"], []):
                if (outcome.pk, person.pk) in endorsed or outcome.proposed_by_id == person.pk:
                    continue
                result[person.pk].append(
                    Item(
                        we_want % {"statement": outcome.statement},
                        urls[outcome.community_id],
                        outcome.community.name,
                    )
                )
    return result
