"""The reflections app's email in one module. Every word about a response goes through
`tell_author_of_response`, every one about a mention through `tell_mentioned`: each records
an in-site notification (accounts' `notify()`, kinds "response" and "mention") and emails
it by the person's choice for that kind (at once by default).

Something posted without its author's name is "a member"'s in every word here, whoever
reads it (reflections.anonymity): the notification records no actor, and a mention in it
does not say who wrote it."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.mail import email_render_and_enqueue
from accounts.notifications import notify, phrase
from communities.mentions import as_plain_text

from .access import responses_visible_to
from .anonymity import A_MEMBER_CAPITAL, actor_of, byline
from .markdown import excerpt

if TYPE_CHECKING:
    from .models import Mention, Response

EXCERPT_CHARS = 300


def _told_about(response: Response) -> list:
    """Who is told of a new response: the author of the reflection or work it answers, and
    for a reply, the author of the response it replies to; never the responder, and only
    people who may read it (the one audience rule)."""
    people = []
    target = response.target
    if response.reflection_id or response.work_id:
        people.append(target.author)
    if response.parent_id:
        people.append(response.parent.author)
    told, seen = [], {response.author_id}
    for person in people:
        if person.pk in seen:
            continue
        seen.add(person.pk)
        if responses_visible_to(person).filter(pk=response.pk).exists():
            told.append(person)
    return told


def tell_author_of_response(response: Response) -> int:
    """Tell the people a new response is for (see `_told_about`), exactly once each by the
    key `response:<id>:<person>`: a notification, and an email by their choice (written in
    the caller's transaction, sent by a worker after commit). Returns how many emails were
    queued."""
    community = response.community
    target = response.target
    title = getattr(target, "title", str(target))
    queued = []
    for person in _told_about(response):
        replied = bool(response.parent_id and response.parent.author_id == person.pk)
        notify(
            person,
            "response",
            key=f"response:{response.pk}:{person.pk}",
            community=community,
            actor=actor_of(response),
            text=phrase(
                gettext_lazy("%(who)s replied to you about “%(title)s”.")
                if replied
                else gettext_lazy("%(who)s responded to “%(title)s”."),
                who=partial(byline, response, capital=True),
                title=title,
            ),
            url=response.get_absolute_url(),
            email=lambda person=person: queued.append(_email_response(response, person)),
        )
    return sum(queued)


def _email_response(response: Response, person) -> bool:
    """The email of a new response to `person` (their choice for "response" is at once)."""
    community = response.community
    target = response.target
    _, created = email_render_and_enqueue(
        key=f"response:{response.pk}:{person.pk}",
        kind="response",
        template_prefix="reflections/email/response",
        context={
            "recipient": person,
            "response": response,
            "responder": byline(response, capital=True, lazy=True),
            "community": community,
            "target_title": getattr(target, "title", str(target)),
            "is_reply_to_them": bool(response.parent_id and response.parent.author_id == person.pk),
            "excerpt": excerpt(response.body, EXCERPT_CHARS),
            "response_url": settings.SITE_URL + response.get_absolute_url(),
            "settings_url": settings.SITE_URL + reverse("settings"),
        },
        to_email=person.email,
        recipient=person,
    )
    return created


def _mention_place(mention: Mention) -> tuple[str, str, str]:
    """(what the mention is in; its title; its page's path)."""
    if mention.reflection_id:
        reflection = mention.reflection
        return "reflection", reflection.title, reflection.get_absolute_url()
    if mention.response_id:
        response = mention.response
        target = response.target
        return "response", getattr(target, "title", str(target)), response.get_absolute_url()
    if mention.action_id:
        action = mention.action
        return "action", action.title, action.get_absolute_url()
    review = mention.review_reply.review
    path = reverse("reviews:work", kwargs={"slug": mention.community.slug, "pk": review.work_id})
    return "review_reply", review.work.title, f"{path}#review-{review.pk}"


def _anonymous(mention: Mention) -> bool:
    """Whether the mention is in something posted without its author's name."""
    about = mention.reflection or mention.response
    return bool(about is not None and about.anonymous)


def _mentioned_in(mention: Mention):
    """The notification's sentence for a mention, by what it is in (one sentence each, for
    the translations)."""
    if mention.reflection_id:
        return gettext_lazy("%(who)s mentioned you in a reflection: “%(title)s”.")
    if mention.response_id:
        return gettext_lazy("%(who)s mentioned you in a response: “%(title)s”.")
    if mention.action_id:
        return gettext_lazy("%(who)s mentioned you in an action: “%(title)s”.")
    return gettext_lazy("%(who)s mentioned you in a reply to a peer review: “%(title)s”.")


def _mentioner(mention: Mention, *, lazy: bool = False) -> str:
    """Who mentioned, or "A member" (lazy: in the language it is rendered in)."""
    if _anonymous(mention):
        return A_MEMBER_CAPITAL if lazy else str(A_MEMBER_CAPITAL)
    return mention.by.name


def tell_mentioned(mention: Mention) -> bool:
    """Tell the person a new Mention is about, exactly once by the key `mention:<id>`: a
    notification, and an email by their choice (written in the caller's transaction, sent
    by a worker after commit). Returns whether an email was queued."""
    what, title, path = _mention_place(mention)
    queued = []
    notify(
        mention.person,
        "mention",
        key=f"mention:{mention.pk}",
        community=mention.community,
        actor=None if _anonymous(mention) else mention.by,
        text=phrase(_mentioned_in(mention), who=partial(_mentioner, mention), title=title),
        url=path,
        email=lambda: queued.append(_email_mention(mention, what, title, path)),
    )
    return any(queued)


def _email_mention(mention: Mention, what: str, title: str, path: str) -> bool:
    about = mention.about
    text = getattr(about, "body", None) or getattr(about, "description", "")
    person = mention.person
    _, created = email_render_and_enqueue(
        key=f"mention:{mention.pk}",
        kind="mention",
        template_prefix="reflections/email/mention",
        context={
            "recipient": person,
            "mentioner": _mentioner(mention, lazy=True),
            "community": mention.community,
            "what": what,
            "title": title,
            "excerpt": excerpt(as_plain_text(text), EXCERPT_CHARS),
            "url": settings.SITE_URL + path,
            "settings_url": settings.SITE_URL + reverse("settings"),
        },
        to_email=person.email,
        recipient=person,
    )
    return created
