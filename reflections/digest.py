"""Digest sections: new reflections shared with the whole community (titles and plain
excerpts), conversations (responses to what the person wrote, and new replies in threads
they took part in), the open actions the person owns (overdue first), and for people on
the edge of a community who have not reflected there yet, an easy way in. What was shared
without its author's name is "a member"'s here, for everyone (reflections.anonymity)."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from accounts.digest import Item, Section
from communities.digest import digest_scope
from communities.models import Membership
from core.templatetags.dates import when

from .access import responses_visible_to
from .anonymity import byline
from .markdown import excerpt
from .models import Action, Reflection, Response

PER_COMMUNITY = 5


def digest_sections(people, periods, now) -> dict[int, list[Section]]:
    memberships, _, communities, since = digest_scope(people, periods, now)
    reflections = (
        Reflection.objects.filter(
            community_id__in=communities,
            visibility=Reflection.Visibility.COMMUNITY,
            hidden_at__isnull=True,
            created_at__gte=since,
            created_at__lt=now,
        )
        .select_related("community", "author")
        .defer("body", "answers")  # the stored excerpt is all a digest shows of them
        .order_by("-created_at")
    )
    actions_by_owner = _open_actions(people, memberships)
    conversations = _conversations(people, periods, communities, since, now)
    ways_in = _first_reflection_invitations(people, memberships)
    # Many people see the same reflection: cut each excerpt and build each link once per batch.
    excerpts: dict[int, str] = {}
    urls: dict[int, str] = {}
    by_community: dict[int, list[Reflection]] = defaultdict(list)
    for reflection in reflections:
        by_community[reflection.community_id].append(reflection)
    # Built in the readers' language (accounts.digest.sections_for): its words once, and
    # each count's sentence once.
    titles = {
        "reflections": gettext("New reflections"),
        "conversations": gettext("Conversations"),
        "actions": gettext("Your open actions"),
        "ways_in": gettext("Easy ways in"),
    }
    conversations_intro = gettext(
        "People building on what you shared, and threads you took part in."
    )
    counted: dict[int, str] = {}
    result = {}
    for person in people:
        period = periods[person.pk]
        items = []
        for row in memberships.get(person.pk, []):
            fresh = [
                r
                for r in by_community.get(row["community_id"], [])
                if r.author_id != person.pk and period.start <= r.created_at < period.end
            ]
            for reflection in fresh[:PER_COMMUNITY]:
                if reflection.pk not in excerpts:
                    excerpts[reflection.pk] = reflection.short_excerpt(140)
                    urls[reflection.pk] = settings.SITE_URL + reflection.get_absolute_url()
                items.append(
                    Item(
                        f"{reflection.title} — {byline(reflection)}, {row['community__name']}",
                        urls[reflection.pk],
                        excerpts[reflection.pk],
                    )
                )
        if len(items) not in counted:
            counted[len(items)] = ngettext(
                "%(count)s new reflection shared in your communities.",
                "%(count)s new reflections shared in your communities.",
                len(items),
            ) % {"count": len(items)}
        result[person.pk] = [
            Section("reflections", titles["reflections"], items, counted[len(items)], order=40),
            Section(
                "conversations",
                titles["conversations"],
                conversations.get(person.pk, []),
                intro=conversations_intro,
                order=45,
            ),
            Section("actions", titles["actions"], actions_by_owner.get(person.pk, []), order=30),
            Section("ways_in", titles["ways_in"], ways_in.get(person.pk, []), order=90),
        ]
    return result


def _first_reflection_invitations(people, memberships) -> dict[int, list[Item]]:
    """For people on the edge of a community who have never reflected there: an easy way
    in, a first reflection that may stay private. One query for the whole batch: which of
    their peripheral memberships have a reflection of theirs, each asked as one look in
    the index (author, community, …), never by reading everything they ever wrote (a
    member of years would make their batch's digests cost more with every reflection)."""
    written = set(
        Membership.objects.filter(user__in=people, level=Membership.Level.PERIPHERAL)
        .filter(
            Exists(
                Reflection.objects.filter(author=OuterRef("user"), community=OuterRef("community"))
            )
        )
        .values_list("user_id", "community_id")
    )
    invitations: dict[int, list[Item]] = defaultdict(list)
    urls: dict[str, str] = {}  # one link per community, whoever it invites
    jot_down = gettext(
        "Jot down one thing you noticed lately in %(community)s — it can stay private, "
        "just for you."
    )
    for person_id, rows in memberships.items():
        for row in rows:
            if row["level"] != Membership.Level.PERIPHERAL:
                continue
            if (person_id, row["community_id"]) in written:
                continue
            slug = row["community__slug"]
            if slug not in urls:
                urls[slug] = settings.SITE_URL + reverse("reflections:new", kwargs={"slug": slug})
            invitations[person_id].append(
                Item(
                    jot_down % {"community": row["community__name"]},
                    urls[slug],
                    nudge=True,
                )
            )
    return invitations


def _open_actions(people, memberships) -> dict[int, list[Item]]:
    """Open actions each person owns in their (unmuted) communities, overdue first."""
    mine = {
        person_id: {row["community_id"] for row in rows} for person_id, rows in memberships.items()
    }
    communities = set().union(*mine.values()) if mine else set()
    by_owner: dict[int, list[Item]] = defaultdict(list)
    actions = (
        Action.objects.open()
        .filter(owner__in=people, community_id__in=communities)
        .select_related("community")
        .overdue_first()
    )
    due = gettext("Due %(day)s")
    overdue = gettext("Overdue since %(day)s — still useful, or time to drop it?")
    for action in actions:
        if action.community_id not in mine.get(action.owner_id, ()):
            continue
        day = {"day": when(action.due_date, "day")}
        note = due % day if action.due_date else ""
        if action.is_overdue:
            note = overdue % day
        by_owner[action.owner_id].append(
            Item(
                f"{action.title} ({action.community.name})",
                settings.SITE_URL + action.get_absolute_url(),
                note,
            )
        )
    return by_owner


def _conversations(people, periods, communities, since, now) -> dict[int, list[Item]]:
    """Per person: new responses to their reflections and work and replies to their
    responses ("to you"), then new replies in threads they took part in. Each reaches a
    person only if they may read it now (reflections.access, the one audience rule: a
    reflection made private since, or a response hidden, is not told). At most three
    queries for the whole batch, and one when nothing new was said."""
    new = list(
        Response.objects.shown()
        .filter(community_id__in=communities, created_at__gte=since, created_at__lt=now)
        .select_related("author", "community", "reflection", "work", "session", "parent")
        .order_by("-created_at", "-pk")
    )
    if not new:
        return {}
    ids = {person.pk for person in people}
    # Threads people of the batch took part in, among those that have something new.
    tops = {r.parent_id for r in new if r.parent_id}
    took_part: dict[int, set[int]] = defaultdict(set)
    if tops:
        for author_id, pk, parent_id in Response.objects.filter(
            Q(pk__in=tops) | Q(parent_id__in=tops), author_id__in=ids
        ).values_list("author_id", "pk", "parent_id"):
            took_part[author_id].add(parent_id or pk)
    involved: dict[int, list[tuple[Response, bool]]] = defaultdict(list)
    for response in new:
        target = response.target
        to_them = {getattr(target, "author_id", None)}
        if response.parent_id:
            to_them.add(response.parent.author_id)
        for pid in ids - {response.author_id}:
            if pid in to_them:
                involved[pid].append((response, True))
            elif response.parent_id in took_part.get(pid, ()):
                involved[pid].append((response, False))
    if not involved:
        return {}
    # Whether each person may read each response now: one query, a column per person.
    readable = Response.objects.filter(
        pk__in={r.pk for pairs in involved.values() for r, _ in pairs}
    ).annotate(
        **{
            f"p{person.pk}": Exists(responses_visible_to(person).filter(pk=OuterRef("pk")))
            for person in people
            if person.pk in involved
        }
    )
    may_read = {
        (pid, row.pk) for row in readable for pid in involved if getattr(row, f"p{pid}", False)
    }
    responded = gettext("%(who)s responded to “%(title)s”, %(community)s")
    replied = gettext("%(who)s replied in a conversation on “%(title)s”, %(community)s")
    result: dict[int, list[Item]] = {}
    for pid, pairs in involved.items():
        period = periods[pid]
        items = []
        for response, to_them in sorted(pairs, key=lambda pair: not pair[1]):
            if (pid, response.pk) not in may_read:
                continue
            if not period.start <= response.created_at < period.end:
                continue
            words = {
                "who": byline(response, capital=True),
                "title": getattr(response.target, "title", ""),
                "community": response.community.name,
            }
            items.append(
                Item(
                    (responded if to_them else replied) % words,
                    settings.SITE_URL + _response_path(response),
                    excerpt(response.body, 140),
                )
            )
        result[pid] = items[: PER_COMMUNITY * 2]
    return result


def _response_path(response: Response) -> str:
    target = response.target
    target.community = response.community
    return f"{target.get_absolute_url()}#response-{response.pk}"
