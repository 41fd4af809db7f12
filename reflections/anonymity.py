"""Anonymous to peers: a reflection or a response shared "with the community, without my
name". The rule, written once here:

- its author and the facilitators (and coordinators) of its community see who wrote it;
- every other member sees "a member", with a neutral avatar;
- leaders see neither: they never read members' words at all (Reflection.objects.visible_to).

Pages go through `conceal`, which puts a stand-in (CONCEALED) where the author would be on
each row the viewer may not attribute, so every template that writes `author.name` or
`{% avatar author %}` says "a member" without knowing why. Words that leave the page
(notifications, emails, digests, mentions) go through `byline` / `actor_of` and always say
"a member": an inbox is read and forwarded outside the community's roles.

The choice is made when the thing is first shared and never changes afterwards (the edit
forms do not offer it, and services ignore it): it can be deleted, not unmasked.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from core.privacy import THRESHOLD

if TYPE_CHECKING:
    from communities.access import CommunityAccess

# Lazy: each page and each email says it in its reader's language (an email is rendered
# in the recipient's, accounts.mail).
A_MEMBER = _("a member")
A_MEMBER_CAPITAL = _("A member")
# Below this many active members, posting without a name is offered with a warning: in a
# small group people may guess. The privacy floor's number (CommunityAccess.is_small).
GUESSABLE_BELOW = THRESHOLD
FACILITATORS_SEE = _("Facilitators will still see it's you.")


class Concealed:
    """Stands in for the author of something shared without their name: a name, and no id
    to link to. `{% avatar %}` draws it as the neutral avatar (its `concealed`)."""

    pk = None
    id = None
    name = A_MEMBER
    display_name = A_MEMBER
    email = ""
    concealed = True

    def __str__(self) -> str:
        return str(A_MEMBER)

    def __bool__(self) -> bool:
        return True


CONCEALED = Concealed()


def facilitating(access: CommunityAccess) -> frozenset[int]:
    """The communities (of one page's) where the viewer sees anonymous authors."""
    return frozenset({access.community.pk}) if access.is_facilitator else frozenset()


def sees_author(row, user, facilitated: Iterable[int]) -> bool:
    """Whether `user` may know who wrote `row` (a Reflection or a Response)."""
    return (
        not row.anonymous
        or row.author_id == getattr(user, "pk", None)
        or row.community_id in facilitated
    )


def conceal(rows, user, facilitated: Iterable[int]):
    """Mark each row of `rows` for `user`: where they may not know the author, the author
    becomes CONCEALED ("a member") and `author_concealed` is True; where they may, but the
    community does not, `without_name` is True (the page says so). No query: the author
    is replaced in the row's cache, never saved. Returns `rows` as a list."""
    rows = list(rows)
    facilitated = frozenset(facilitated)
    for row in rows:
        shown = sees_author(row, user, facilitated)
        row.author_concealed = not shown
        row.without_name = bool(row.anonymous and shown)
        if not shown:
            type(row)._meta.get_field("author").set_cached_value(row, CONCEALED)
    return rows


def conceal_one(row, user, facilitated: Iterable[int]):
    conceal([row], user, facilitated)
    return row


def byline(row, *, capital: bool = False, lazy: bool = False) -> str:
    """Who wrote `row`, in words that leave the page (notifications, emails, digests), in
    the active language; with `lazy`, "a member" stays lazy and is said in the language it
    is rendered in (an email's, the recipient's)."""
    if row.anonymous:
        said = A_MEMBER_CAPITAL if capital else A_MEMBER
        return said if lazy else str(said)
    return row.author.name


def actor_of(row):
    """The actor a notification about `row` records: nobody when it is anonymous."""
    return None if row.anonymous else row.author
