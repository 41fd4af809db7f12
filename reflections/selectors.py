"""Reads of responses shared by the reflection page, the session and work panels and the
response views: a thread of one thing, and response counts for lists, each one query."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse

from communities.mentions import mention_url
from sessions.access import sessions_for

from .access import (
    groupable_reflections,
    groupable_responses,
    responses_answering_readable,
    responses_of_kind_for,
    responses_to,
    shown_in_q,
    themes_visible,
)
from .anonymity import conceal, facilitating
from .forms import ResponseForm, guess_warning
from .markdown import render_markdown
from .mentions import mentioned_names
from .models import LOOP_ORDER, Response, Theme, ThemeVote

if TYPE_CHECKING:
    from communities.access import CommunityAccess


def thread_for(access: CommunityAccess, user, kind: str, target) -> tuple[list[Response], int]:
    """The responses to `target` that `user` may read, as threads: each top-level response
    carries its replies (`thread_replies`) and its sanitised HTML (`body_html`, mentions
    highlighted). A reply whose response the viewer may not read (hidden) is not shown
    either. Authors who posted without their name are "a member" unless the viewer may
    know them (reflections.anonymity). One query, and one more for their mentions when
    there are any responses. Returns (threads, how many responses are shown)."""
    rows = conceal(responses_to(target, kind, access, user), user, facilitating(access))
    names = mentioned_names(rows, "response")
    replies: dict[int, list[Response]] = defaultdict(list)
    tops = []
    for response in rows:
        response.body_html = render_markdown(response.body, names[response.pk])
        response.is_own = response.author_id == user.pk
        if response.parent_id is None:
            tops.append(response)
        else:
            replies[response.parent_id].append(response)
    for response in tops:
        response.thread_replies = replies.get(response.pk, [])
    shown = len(tops) + sum(len(r.thread_replies) for r in tops)
    return tops, shown


def respond_url(community, kind: str, target) -> str:
    return reverse(
        "reflections:respond", kwargs={"slug": community.slug, "kind": kind, "pk": target.pk}
    )


def thread_context(
    access: CommunityAccess,
    user,
    kind: str,
    target,
    *,
    form: ResponseForm | None = None,
    reply_forms: dict[int, ResponseForm] | None = None,
    focus: int | None = None,
) -> dict:
    """What reflections/includes/responses.html needs for one thing's conversation."""
    threads, shown = thread_for(access, user, kind, target)
    reply_forms = reply_forms or {}
    # Posting without one's name in a small community: offered, with a warning (one query,
    # for people who may respond).
    warning = guess_warning(access)
    for response in threads:
        response.reply_form = reply_forms.get(response.pk) or ResponseForm(
            prefix_id=f"reply-{response.pk}", reply_to=response.author.name
        )
        # The thread just replied to stays open, so focus stays on its "Post reply".
        response.reply_open = response.pk in reply_forms or any(
            reply.pk == focus for reply in response.thread_replies
        )
    return {
        "community": access.community,
        "kind": kind,
        "target": target,
        "threads": threads,
        "response_count": shown,
        "response_form": form or ResponseForm(),
        "respond_url": respond_url(access.community, kind, target),
        "mention_url": mention_url(access.community),
        "can_respond": access.is_member,
        "is_facilitator": access.is_facilitator,
        "focus": focus,
        "guess_warning": warning,
    }


def response_counts(access: CommunityAccess, user, kind: str, ids) -> dict[int, int]:
    """{target id: responses `user` may read} for a list's rows, in one grouped query."""
    ids = list(ids)
    if not ids:
        return {}
    rows = (
        responses_of_kind_for(access, user, kind)
        .filter(**{f"{kind}__in": ids})
        .values(kind)
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row[kind]: row["n"] for row in rows}


def with_response_counts(
    queryset, access: CommunityAccess, user, kind: str, *, rows_readable: bool = False
):
    """`queryset` (of reflections, shared work or sessions) with `response_count`: the
    responses to each row that `user` may read, as a correlated subquery of the one
    audience rule. No query per row. `rows_readable`: every row is one `user` may read
    (chosen through its rule), so the audience rule holds for their responses
    (access.responses_answering_readable)."""
    responses = (
        responses_answering_readable(access, user)
        if rows_readable
        else responses_of_kind_for(access, user, kind)
    )
    counted = (
        responses.filter(**{kind: OuterRef("pk")})
        .order_by()
        .values(kind)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        response_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0)
    )


def response_counts_of_work(queryset, access: CommunityAccess, user):
    """`response_count` on shared work rows (core.plugins row annotation "work")."""
    return with_response_counts(queryset, access, user, "work")


def response_counts_of_sessions(queryset, access: CommunityAccess, user):
    """`response_count` on session rows (core.plugins row annotation "session"): the one
    audience rule narrowed to sessions, as `responses_to` narrows it to one thing. A
    response to a session is read by whoever may see the session (sessions_for: the
    community's members, drafts its facilitators only), so the count asks that of the
    session and `shown_in_q` of the response, and nothing of the other kinds' rules."""
    if not access.is_member:
        return queryset.annotate(response_count=Value(0, output_field=IntegerField()))
    counted = (
        Response.objects.filter(
            community=access.community,
            session=OuterRef("pk"),
            session__in=sessions_for(access).values("pk"),
        )
        .filter(shown_in_q(access, user))
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        response_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0)
    )


def deepest_loop_level(community) -> Subquery:
    """The loop level of the theme at OuterRef("pk"), in the database: the deepest of its
    reflections' that the community may still read (shared with it and not hidden: one
    made private or hidden since it was grouped no longer counts), "" when none gave one."""
    loop_rank = Case(
        *(When(loop_level=level, then=Value(rank)) for rank, level in enumerate(LOOP_ORDER, 1)),
        default=Value(0),
    )
    return Coalesce(
        Subquery(
            groupable_reflections(community)
            .filter(themes=OuterRef("pk"))
            .exclude(loop_level="")
            .annotate(rank=loop_rank)
            .order_by("-rank")
            .values("loop_level")[:1]
        ),
        Value(""),
    )


def themes_for(access: CommunityAccess, user, session=None, pk: int | None = None) -> list[Theme]:
    """The community's themes a member sees (of one session, when given), most "+1"s
    first: each with `vote_count`, whether `user` voted (`voted`), its `loop_level` (the
    deepest of its reflections'), how many responses it gathers, its action, and the
    reflections it comes from (`shown_reflections`). What was hidden, or made private,
    since it was grouped is neither shown nor counted, and gives no loop level. Two
    queries, however many themes; none for people who are not members."""
    community = access.community
    votes = (
        ThemeVote.objects.filter(theme=OuterRef("pk"))
        .order_by()
        .values("theme")
        .annotate(n=Count("pk"))
        .values("n")
    )
    responses = (
        Theme.responses.through.objects.filter(
            theme=OuterRef("pk"), response__in=groupable_responses(community).values("pk")
        )
        .order_by()
        .values("theme")
        .annotate(n=Count("pk"))
        .values("n")
    )
    themes = themes_visible(access)
    if session is not None:
        themes = themes.filter(session=session)
    if pk is not None:
        themes = themes.filter(pk=pk)
    themes = (
        themes.select_related("action", "session", "community")
        .annotate(
            vote_count=Coalesce(Subquery(votes, output_field=IntegerField()), 0),
            response_count=Coalesce(Subquery(responses, output_field=IntegerField()), 0),
            voted=Exists(ThemeVote.objects.filter(theme=OuterRef("pk"), user=user.pk)),
            loop_level=deepest_loop_level(community),
        )
        .prefetch_related(
            Prefetch(
                "reflections",
                queryset=groupable_reflections(community)
                .select_related("community")
                .only("pk", "title", "community__slug")
                .order_by("-created_at", "-pk"),
                to_attr="shown_reflections",
            )
        )
        .order_by("-vote_count", "-created_at", "-pk")
    )
    return list(themes)


def theme_with_counts(access: CommunityAccess, user, pk: int) -> Theme:
    """One theme as the list shows it (after a vote), found among `themes_for`'s."""
    return themes_for(access, user, pk=pk)[0]
