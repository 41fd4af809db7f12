"""Who an `@mention` reaches, in one place (issue 16, "Mentions"). How a mention is
written and found is communities.mentions; here a saved text's mentions are resolved to
members of its community, narrowed to the people who may read the text (each kind's one
audience rule), recorded as Mention rows and told, once.

- a reflection: `Reflection.objects.visible_to` (a private one reaches nobody but its
  author, who is never told of mentioning themselves; facilitators-only reaches its
  facilitators);
- a response: `responses_visible_to` (exactly the audience of what it answers, and a
  hidden one its author and the facilitators);
- an action: every active member of its community (reflections.access);
- a reply to a peer review: reviews.access.review_reader_ids (the work's author, the
  reviewer and the community's facilitators). reviews sits below reflections, so it
  announces a saved reply through core.plugins (`text_saved`) and this module answers.

Recording is idempotent: editing a text tells only people it did not mention before, and
a person written out and in again is not told twice (the Mention row stays).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from accounts.models import User
from communities import mentions as written_mentions
from communities.models import Membership
from reviews.access import review_reader_ids
from reviews.models import ReviewReply

from .access import responses_visible_to
from .markdown import render_markdown
from .models import Action, Mention, Reflection, Response

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.utils.safestring import SafeString

# kind → (the text's field, the Mention field that points at it).
KINDS = {
    Reflection: ("body", "reflection"),
    Response: ("body", "response"),
    Action: ("description", "action"),
    ReviewReply: ("body", "review_reply"),
}


def _community_id(obj) -> int:
    if isinstance(obj, ReviewReply):
        return obj.review.round.community_id
    return obj.community_id


def _readers(obj, people: list[User]) -> list[User]:
    """The people among `people` (active members of the text's community) who may read
    `obj`, by its kind's one rule."""
    if isinstance(obj, Reflection):
        return [p for p in people if Reflection.objects.visible_to(p).filter(pk=obj.pk).exists()]
    if isinstance(obj, Response):
        return [p for p in people if responses_visible_to(p).filter(pk=obj.pk).exists()]
    if isinstance(obj, ReviewReply):
        allowed = review_reader_ids(obj.review, [p.pk for p in people])
        return [p for p in people if p.pk in allowed]
    return list(people)  # An action: every member of its community.


@transaction.atomic
def mentions_record(obj, *, by) -> list[Mention]:
    """Make `obj`'s typed mentions written ones (saving the text when that changes it),
    record a Mention for each member it mentions who may read it (never `by`), and tell
    the newly mentioned, once each, after commit. Returns the new Mentions."""
    field, link = KINDS[type(obj)]
    community_id = _community_id(obj)
    result = written_mentions.written(community_id, getattr(obj, field))
    if result.text != getattr(obj, field):
        setattr(obj, field, result.text)
        type(obj).objects.filter(pk=obj.pk).update(**{field: result.text})
    ids = [pk for pk in result.ids if pk != by.pk]
    if not ids:
        return []
    people = list(
        User.objects.filter(
            pk__in=ids,
            memberships__community_id=community_id,
            memberships__status=Membership.Status.ACTIVE,
        )
    )
    already = set(Mention.objects.filter(**{link: obj}).values_list("person_id", flat=True))
    readers = _readers(obj, [p for p in people if p.pk not in already])
    from .emails import tell_mentioned

    told = []
    for person in readers:
        # get_or_create, not bulk_create: two saves at once meet the unique key, and only
        # the one that made the row tells (and the email's key is the row's).
        mention, created = Mention.objects.get_or_create(
            person=person, **{link: obj}, defaults={"community_id": community_id, "by": by}
        )
        if created:
            tell_mentioned(mention)
            told.append(mention)
    return told


def text_saved(kind: str, obj, *, by) -> None:
    """core.plugins' `text_saved` hook: a lower app (reviews) saved a text that may mention
    people."""
    mentions_record(obj, by=by)


# --- Showing -------------------------------------------------------------------------------


def mentioned_names(rows: Iterable, link: str) -> dict[int, dict[int, str]]:
    """For each of `rows` (reflections, responses or actions, by pk): user id → name of
    today of the people it mentions. One query however many rows."""
    pks = [row.pk for row in rows]
    names: dict[int, dict[int, str]] = {pk: {} for pk in pks}
    if not pks:
        return names
    mentions = (
        Mention.objects.filter(**{f"{link}_id__in": pks})
        .values_list(f"{link}_id", "person_id", "person__display_name", "person__email")
        .order_by()
    )
    for pk, person_id, display_name, email in mentions:
        names[pk][person_id] = User.name_from(display_name, email)
    return names


def render_with_mentions(obj, names: dict[int, str] | None = None) -> SafeString:
    """`obj`'s Markdown body as sanitised HTML, its mentions highlighted (`names`, or one
    query for them)."""
    field, link = KINDS[type(obj)]
    if names is None:
        names = mentioned_names([obj], link)[obj.pk]
    return render_markdown(getattr(obj, field), names)
