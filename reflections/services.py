from __future__ import annotations

from datetime import datetime, time
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from accounts.notifications import Text, notify, notify_many, phrase
from core.templatetags.dates import when
from outcomes import services as outcome_services

from .access import groupable_reflections, groupable_responses
from .mentions import mentions_record
from .models import (
    REFLECTION_FIELDS,
    Action,
    Flag,
    ModerationEntry,
    Reflection,
    ReflectionDraft,
    ReflectionRead,
    Response,
    Theme,
    ThemeVote,
)


@transaction.atomic
def reflection_save(
    *, author, community, data: dict, reflection: Reflection | None = None
) -> Reflection:
    """Create or update a reflection from a form's cleaned data, record the confidence
    rating given with it, and drop the autosaved draft it came from."""
    draft_key = ReflectionDraft.key_for(author, community, reflection)
    if reflection is None:
        # "Without my name" is chosen once, here, for a reflection shared with the community;
        # an edit never changes it (reflections.anonymity).
        reflection = Reflection(
            author=author,
            community=community,
            anonymous=bool(data.get("anonymous"))
            and data["visibility"] == Reflection.Visibility.COMMUNITY,
        )
    for name in REFLECTION_FIELDS:
        setattr(reflection, name, data[name])
    if reflection.anonymous:
        reflection.visibility = Reflection.Visibility.COMMUNITY
    reflection.save()
    _confidence_record(reflection, author, data.get("confidence"))
    ReflectionDraft.objects.filter(key=draft_key).delete()
    mentions_record(reflection, by=author)
    return reflection


def _confidence_record(reflection: Reflection, author, rating) -> None:
    """The rating given with a reflection is an outcomes rating the reflection points to:
    made through outcomes' service the first time, changed in place on later edits, and
    taken back when the reflection no longer gives one (or no longer names an outcome)."""
    existing = reflection.confidence_rating
    if rating and reflection.outcome_id:
        if existing is not None:
            outcome_services.confidence_revise(
                confidence=existing, outcome=reflection.outcome, rating=rating
            )
            return
        reflection.confidence_rating = outcome_services.confidence_rate(
            outcome=reflection.outcome, user=author, rating=rating
        )
        reflection.save(update_fields=["confidence_rating"])
    elif existing is not None:
        reflection.confidence_rating = None
        reflection.save(update_fields=["confidence_rating"])
        outcome_services.confidence_withdraw(confidence=existing)


def reflection_draft_save(*, author, community, reflection, data: dict) -> ReflectionDraft:
    draft, _ = ReflectionDraft.objects.update_or_create(
        key=ReflectionDraft.key_for(author, community, reflection),
        defaults={
            "author": author,
            "community": community,
            "reflection": reflection,
            "data": data,
            "updated_at": timezone.now(),
        },
    )
    return draft


@transaction.atomic
def action_create(*, community, created_by, data: dict) -> Action:
    action = Action.objects.create(
        community=community,
        created_by=created_by,
        title=data["title"],
        description=data.get("description", ""),
        owner=data["owner"],
        due_date=data.get("due_date"),
        loop_level=data.get("loop_level", ""),
        session=data.get("session"),
    )
    action.reflections.set(data.get("reflections", []))
    _notify_owner(action, by=created_by)
    mentions_record(action, by=created_by)
    return action


def _notify_owner(action: Action, *, by) -> None:
    """Tell an action's owner it is theirs, unless they gave it to themselves: once per
    action and owner (an owner given it back later is not told twice)."""
    if action.owner_id is None or action.owner_id == getattr(by, "pk", None):
        return
    due = action.due_date
    notify(
        action.owner,
        "action_assigned",
        key=f"action-owner:{action.pk}:{action.owner_id}",
        community=action.community,
        actor=by,
        text=phrase(
            gettext_lazy("%(name)s asked you to take on an action: “%(title)s”, due %(day)s.")
            if due
            else gettext_lazy("%(name)s asked you to take on an action: “%(title)s”."),
            name=by.name,
            title=action.title,
            day=partial(when, due, "day"),
        ),
        url=action.get_absolute_url(),
        due_at=(datetime.combine(due, time(), tzinfo=action.community.zoneinfo) if due else None),
    )


@transaction.atomic
def action_set_status(*, action: Action, status: str, note: str) -> Action:
    action.status = status
    action.status_note = note
    action.done_at = timezone.now() if status == Action.Status.DONE else None
    action.save(update_fields=["status", "status_note", "done_at", "updated_at"])
    return action


@transaction.atomic
def reflection_delete(*, reflection: Reflection) -> None:
    """The author takes a reflection down; its confidence rating stays with the outcome
    (the rating is the outcome's, the reflection only pointed to it)."""
    reflection.delete()


@transaction.atomic
def reflection_draft_discard(*, author, community, reflection: Reflection | None) -> None:
    """Drop the autosaved draft of a new reflection (`reflection` None) or of an edit."""
    ReflectionDraft.objects.filter(
        key=ReflectionDraft.key_for(author, community, reflection)
    ).delete()


ACTION_FIELDS = ("title", "description", "owner", "due_date", "loop_level", "session")


@transaction.atomic
def action_update(*, action: Action, data: dict, by) -> Action:
    """Change an action from a form's cleaned data. The reflections it comes from are the
    ones chosen plus those `by` cannot see: they could not have unticked them."""
    hidden = list(
        action.reflections.exclude(
            pk__in=Reflection.objects.visible_to(by, action.community_id).values("pk")
        )
    )
    owner_before = action.owner_id
    for name in ACTION_FIELDS:
        setattr(action, name, data[name])
    action.save()
    action.reflections.set([*data["reflections"], *hidden])
    if action.owner_id != owner_before:
        _notify_owner(action, by=by)
    mentions_record(action, by=by)
    return action


@transaction.atomic
def reflection_mark_read(*, reflection: Reflection, reader) -> None:
    """Record that `reader` opened someone else's reflection (the "read two recent
    reflections" first step). Idempotent in one statement: a second visit, or two at once,
    meet the unique key (reader, reflection) and change nothing. The author's own visits
    are not reading."""
    if reflection.author_id == reader.pk:
        return
    ReflectionRead.objects.bulk_create(
        [ReflectionRead(user=reader, reflection=reflection)], ignore_conflicts=True
    )


# --- Responses ------------------------------------------------------------------------------


class ResponseRefused(Exception):
    """A response that cannot be posted as asked; the message is for people."""


@transaction.atomic
def response_create(
    *,
    author,
    community,
    kind: str,
    target,
    body: str,
    parent: Response | None = None,
    anonymous: bool = False,
) -> Response:
    """Post a response to `target` (a reflection, shared work or session of `community`,
    reached through reflections.access), or a reply to `parent`. One level of replies: a
    reply to a reply joins the thread of the response it answers. The people it is for are
    told by email, once, after commit (emails.tell_author_of_response). `anonymous`: posted
    without the author's name (reflections.anonymity), fixed from now on."""
    from .emails import tell_author_of_response

    if parent is not None:
        if getattr(parent, f"{kind}_id") != target.pk or parent.community_id != community.pk:
            raise ResponseRefused("That reply belongs to another conversation.")
        if parent.parent_id is not None:
            parent = parent.parent
    response = Response.objects.create(
        community=community,
        author=author,
        body=body,
        parent=parent,
        anonymous=anonymous,
        **{kind: target},
    )
    tell_author_of_response(response)
    mentions_record(response, by=author)
    return response


@transaction.atomic
def response_edit(*, response: Response, body: str) -> Response:
    response.body = body
    response.edited_at = timezone.now()
    response.save(update_fields=["body", "edited_at"])
    mentions_record(response, by=response.author)
    return response


@transaction.atomic
def response_delete(*, response: Response) -> None:
    """The author takes a response down, with the replies under it."""
    response.delete()


# --- Moderation -----------------------------------------------------------------------------


def _resolve_flags(*, by, now, **about) -> None:
    open_flags = Flag.objects.filter(resolved_at__isnull=True, **about)
    open_flags.update(resolved_at=now, resolved_by=by)


@transaction.atomic
def content_hide(*, content: Response | Reflection, by, reason: str) -> None:
    """A facilitator hides a response or a community reflection that breaks the
    community's norms. Its author and the facilitators still see it, marked hidden with
    the reason; open flags on it are resolved. Recorded in the moderation log."""
    now = timezone.now()
    content.hidden_at = now
    content.hidden_by = by
    content.hidden_reason = reason
    content.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    about = {"response": content} if isinstance(content, Response) else {"reflection": content}
    _resolve_flags(by=by, now=now, **about)
    ModerationEntry.objects.create(
        community_id=content.community_id,
        act=ModerationEntry.Act.HIDDEN,
        by=by,
        reason=reason,
        at=now,
        **about,
    )


@transaction.atomic
def content_show(*, content: Response | Reflection, by) -> None:
    """A facilitator shows hidden content again (recorded)."""
    content.hidden_at = None
    content.hidden_by = None
    content.hidden_reason = ""
    content.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    about = {"response": content} if isinstance(content, Response) else {"reflection": content}
    ModerationEntry.objects.create(
        community_id=content.community_id, act=ModerationEntry.Act.SHOWN, by=by, **about
    )


@transaction.atomic
def content_flag(*, content: Response | Reflection, by, note: str) -> Flag:
    """Any member asks the facilitators to look at something. One open flag per person
    and thing: flagging again returns the open one."""
    about = {"response": content} if isinstance(content, Response) else {"reflection": content}
    flag = Flag.objects.filter(flagged_by=by, resolved_at__isnull=True, **about).first()
    if flag is not None:
        return flag
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                community_id=content.community_id, flagged_by=by, note=note, **about
            )
    except IntegrityError:  # a double click: the other request's flag stands
        return Flag.objects.get(flagged_by=by, resolved_at__isnull=True, **about)
    ModerationEntry.objects.create(
        community_id=content.community_id,
        act=ModerationEntry.Act.FLAGGED,
        by=by,
        reason=note,
        **about,
    )
    return flag


@transaction.atomic
def flag_resolve(*, flag: Flag, by) -> None:
    """A facilitator looked and leaves the content as it is."""
    now = timezone.now()
    Flag.objects.filter(pk=flag.pk).update(resolved_at=now, resolved_by=by)
    ModerationEntry.objects.create(
        community_id=flag.community_id,
        act=ModerationEntry.Act.RESOLVED,
        by=by,
        response_id=flag.response_id,
        reflection_id=flag.reflection_id,
        at=now,
    )


# --- Themes ---------------------------------------------------------------------------------


class ThemeRefused(Exception):
    """A theme that cannot be made as asked; the message is for people."""


@transaction.atomic
def theme_create(
    *,
    community,
    created_by,
    statement: str,
    reflections,
    responses=(),
    session=None,
) -> Theme:
    """A facilitator groups reflections and responses shared with the whole community into
    a theme. Anything else (private, facilitators-only, hidden, another community's, or
    not of the session) is refused here, whatever the form offered: the rule is
    reflections.access `groupable_reflections` / `groupable_responses`."""
    reflection_ids = {r.pk for r in reflections}
    response_ids = {r.pk for r in responses}
    if not reflection_ids and not response_ids:
        raise ThemeRefused(gettext("Choose at least one reflection or response."))
    allowed = set(
        groupable_reflections(community, session)
        .filter(pk__in=reflection_ids)
        .values_list("pk", flat=True)
    )
    if allowed != reflection_ids:
        raise ThemeRefused(
            gettext("Only reflections shared with the whole community can be grouped.")
        )
    allowed = set(
        groupable_responses(community, session)
        .filter(pk__in=response_ids)
        .values_list("pk", flat=True)
    )
    if allowed != response_ids:
        raise ThemeRefused(
            gettext("Only responses shared with the whole community can be grouped.")
        )
    theme = Theme.objects.create(
        community=community, session=session, statement=statement, created_by=created_by
    )
    theme.reflections.set(reflection_ids)
    theme.responses.set(response_ids)
    _tell_contributors(
        theme,
        by=created_by,
        key="theme",
        text=phrase(
            gettext_lazy("%(name)s gathered what you wrote into a theme: “%(statement)s”."),
            name=created_by.name,
            statement=theme.statement,
        ),
        url=theme.get_absolute_url(),
    )
    return theme


def _tell_contributors(theme: Theme, *, by, key: str, text: Text, url: str) -> None:
    """Tell the people whose reflections or responses a theme gathers (the ones the
    community may still read, never `by`, only active members), once each, in one batch
    (the kind "theme": in their digest unless they choose otherwise)."""
    from accounts.models import User
    from communities.models import Membership

    community_id = theme.community_id
    authors = User.objects.filter(
        Q(reflections__in=groupable_reflections(community_id).filter(themes=theme))
        | Q(responses__in=groupable_responses(community_id).filter(themes=theme))
    ).exclude(pk=by.pk)
    people = User.objects.filter(
        pk__in=authors.values("pk"),
        memberships__community_id=community_id,
        memberships__status=Membership.Status.ACTIVE,
    )
    notify_many(
        people,
        "theme",
        key=lambda person: f"{key}:{theme.pk}:{person.pk}",
        community=theme.community,
        actor=by,
        text=text,
        url=url,
    )


def theme_update(*, theme: Theme, statement: str) -> Theme:
    """Reword a theme (a facilitator)."""
    theme.statement = statement
    theme.save(update_fields=["statement"])
    return theme


@transaction.atomic
def theme_delete(*, theme: Theme) -> None:
    """Delete a theme and its +1s (they cascade). The reflections and responses it gathered
    stay, and so does an action made of it (it stands on its own)."""
    Theme.objects.filter(pk=theme.pk).delete()


def theme_vote_toggle(*, theme: Theme, user) -> bool:
    """ "+1" a theme, or take the vote back. One vote per person and theme (the unique key
    keeps it so under a double click). Returns whether the person now votes for it."""
    deleted, _ = ThemeVote.objects.filter(theme=theme, user=user).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            ThemeVote.objects.create(theme=theme, user=user)
    except IntegrityError:
        pass  # A double click raced itself: the vote is there once, as wanted.
    return True


def theme_loop_level(theme: Theme) -> str:
    """The deepest loop level of the theme's reflections the community may still read
    ("" when none gave one), computed by the database (selectors.deepest_loop_level)."""
    from .selectors import deepest_loop_level

    return (
        Theme.objects.filter(pk=theme.pk)
        .annotate(level=deepest_loop_level(theme.community_id))
        .values_list("level", flat=True)
        .get()
    )


@transaction.atomic
def theme_to_action(*, theme: Theme, created_by, owner, due_date=None) -> Action:
    """Make a theme an action in one step: its statement as the title, its deepest loop
    level, its session, linked to the reflections it came from. Once: a theme already made
    an action (a double submit, two facilitators at once) returns that action."""
    locked = Theme.objects.select_for_update().get(pk=theme.pk)
    if locked.action_id is not None:
        return locked.action
    action = action_create(
        community=locked.community,
        created_by=created_by,
        data={
            "title": locked.statement,
            "owner": owner,
            "due_date": due_date,
            "loop_level": theme_loop_level(locked),
            "session": locked.session,
            "reflections": list(groupable_reflections(locked.community_id).filter(themes=locked)),
        },
    )
    locked.action = action
    locked.save(update_fields=["action"])
    theme.action = action
    _tell_contributors(
        locked,
        by=created_by,
        key="theme-action",
        text=phrase(
            gettext_lazy("A theme from what you wrote is now an action: “%(title)s”."),
            title=action.title,
        ),
        url=action.get_absolute_url(),
    )
    return action
