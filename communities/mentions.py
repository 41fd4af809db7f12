"""How an `@mention` of a community's member is written, found and shown, in one place
below every app that has text (reflections, responses, actions, replies to reviews).
reflections.mentions decides who is mentioned (only people who may read the text) and
tells them; this module knows nothing of who may read what.

The written form. A mention is kept in the text as `@[Display Name](42)`, 42 being the
person's user id: the id makes it unambiguous and robust to renames (it is shown with the
person's name of today), the name keeps the source readable and is what is shown when the
mention does not count. The autocomplete inserts that form; without JavaScript people type
`@Display Name` or `@handle` (the local part of their email address, as the member
pickers search it), and saving turns a typed mention that names exactly one active member
of the community into the written form (two members of the same name: it stays plain
text). Anything else, a tampered id or a non-member, is shown as the plain `@Name`.

At most `MENTIONS_MAX` people are mentioned in one text; later mentions stay plain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.html import escape, format_html

from .models import Membership, email_local_part

MENTIONS_MAX = 20
"""The most people one text mentions (a pasted list of 1,000 names tells nobody more)."""
NAME_WORDS_MAX = 4
"""A typed `@Display Name` is matched on at most this many words."""
_TYPED_SCANNED = 100
# The written form; the name may hold anything but brackets and line breaks.
TOKEN = re.compile(r"@\[(?P<name>[^\[\]\n\r\x00]{1,100})\]\((?P<id>[0-9]{1,18})\)")
# Where a typed mention starts: an @ not inside a word or an email address, followed by
# something that is neither a space nor the written form's bracket.
_TYPED = re.compile(r"(?<![\w@.\-+])@(?=[^\s@\[\]])")
_WORD = re.compile(r"\S+")
_TRAILING = ".,;:!?)\"'’”»…"
_UNSAFE_IN_NAME = re.compile(r"[\[\]()\n\r\x00]")


def token(user) -> str:
    """The written form of a mention of `user`."""
    name = _UNSAFE_IN_NAME.sub("", user.name).strip()[:100] or str(user.pk)
    return f"@[{name}]({user.pk})"


@dataclass(frozen=True)
class Written:
    """A text as saved, with its mentions in the written form, and the ids it mentions
    (at most MENTIONS_MAX, in order, each once)."""

    text: str
    ids: list[int]


def mentioned_ids(text: str) -> list[int]:
    """The user ids of the written mentions in `text`, in order, each once, at most
    MENTIONS_MAX."""
    ids: list[int] = []
    for match in TOKEN.finditer(text or ""):
        pk = int(match["id"])
        if pk not in ids:
            ids.append(pk)
            if len(ids) == MENTIONS_MAX:
                break
    return ids


def _candidates(text: str) -> list[tuple[int, list[tuple[str, int]]]]:
    """For each typed @ (at most _TYPED_SCANNED): its position and the names it may be,
    longest first, each with the end of its span in `text`."""
    found = []
    inside = [match.span() for match in TOKEN.finditer(text)]
    for match in _TYPED.finditer(text):
        if any(begin <= match.start() < end for begin, end in inside):
            continue  # An @ within a written mention's name is part of that name.
        start = match.end()
        line = text[start : start + 120].split("\n", 1)[0]
        words = list(_WORD.finditer(line))[:NAME_WORDS_MAX]
        names = []
        for count in range(len(words), 0, -1):
            raw = line[: words[count - 1].end()]
            stripped = raw.rstrip(_TRAILING)
            if stripped:
                names.append((" ".join(stripped.split()).lower(), start + len(stripped)))
        if names:
            found.append((match.start(), names))
        if len(found) == _TYPED_SCANNED:
            break
    return found


def written(community, text: str) -> Written:
    """`text` with each typed mention that names exactly one active member of `community`
    (a Community or its id)
    in the written form (module docstring). One query when something was typed, none
    otherwise."""
    text = (text or "").replace("\x00", "")
    candidates = _candidates(text)
    if candidates:
        wanted = {name for _, names in candidates for name, _ in names}
        members = (
            Membership.objects.active()
            .filter(community=community)
            .annotate(name_key=Lower("user__display_name"), local_key=Lower(email_local_part()))
            .filter(Q(name_key__in=wanted) | Q(local_key__in=wanted))
            .select_related("user")[: 10 * MENTIONS_MAX]
        )
        by_key: dict[str, dict[int, object]] = {}
        for membership in members:
            for key in {membership.name_key, membership.local_key}:
                by_key.setdefault(key, {})[membership.user_id] = membership.user
        pieces, done = [], 0
        for at, names in candidates:
            if at < done:
                continue
            for name, end in names:
                people = by_key.get(name, {})
                if len(people) == 1:
                    pieces.append(text[done:at] + token(next(iter(people.values()))))
                    done = end
                    break
                if len(people) > 1:
                    break  # Two people go by this name: a typed mention cannot choose.
        text = "".join(pieces) + text[done:]
    return Written(text=text, ids=mentioned_ids(text))


def shown_name(match: re.Match, mentioned: dict[int, str]) -> tuple[str, bool]:
    """How one written mention is shown: the person's name of today when the text
    mentions them (their id is in `mentioned`), else the name as written; and whether it
    counts."""
    pk = int(match["id"])
    if pk in mentioned:
        return mentioned[pk], True
    return match["name"], False


def mention_html(match: re.Match, mentioned: dict[int, str]) -> str:
    """One written mention as HTML: highlighted when it counts, plain text otherwise."""
    name, counts = shown_name(match, mentioned)
    if counts:
        return format_html('<strong class="mention">@{}</strong>', name)
    return escape(f"@{name}")


def as_plain_text(text: str) -> str:
    """`text` with each written mention as the plain `@Name` it was written with (for
    excerpts, emails and places that show text without highlighting)."""
    return TOKEN.sub(lambda match: f"@{match['name']}", text or "")


def mention_url(community) -> str:
    """Where a text box of `community` asks whom an `@…` being typed may mention: the
    member search (communities.pickers) for the purpose "mention", answered with
    communities/includes/mention_suggestions.html."""
    path = reverse("communities:member_search", kwargs={"slug": community.slug})
    return f"{path}?for=mention&name=mention"
