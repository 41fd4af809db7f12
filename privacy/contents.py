"""What goes into an export's zip: a person's own words and doings, or a community's
shared record. Read-only (selectors); privacy.exports builds the zip from these.

Each part writes its files into an `Archive` and returns a `Part` (its path, a line saying
what it holds, and how many items), which README.txt then lists.

The person's export holds what they wrote or gave, as they may see it on the site:
- anonymous reflections and responses are theirs (their own words; the row names them as
  author, reflections.anonymity), marked "without my name";
- reviews they received only once they may read them (reviews' release step: a held
  review is not theirs to read yet), and with the reviewer's name only where the round
  names reviewers to authors (reviews.access.reviewer_name);
- pulse answers hold no link to anyone; the person's own are found again only by the keyed
  hash the site already uses to let them change their answer (PulseAnswer.respondent_for),
  for the held sessions they attended: nobody else's answer can be reached that way.

The community's export holds what is shared with the whole community and nothing more:
reflections shared with everyone (never private or facilitators-only ones, nor ones a
facilitator hid), with "a member" for those shared without a name, since a zip leaves the
site's roles behind (reflections.anonymity.byline); published stories, not drafts.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.text import get_valid_filename, slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from communities.models import CheckIn, Membership
from core.csvs import csv_text
from core.plugins import export_parts, front_matter
from outcomes.models import ConfidenceRating, Outcome
from reflections.anonymity import byline
from reflections.models import Action, Reflection, Response
from reviews.access import reviewer_name
from reviews.models import PeerReview, SharedWork
from sessions.models import RSVP, AgendaItem, Attendance, PulseAnswer, Session


@dataclass(frozen=True)
class Part:
    path: str
    about: str
    count: int


class Archive:
    """A zip being written: text, CSV and stored files under readable, unique names."""

    def __init__(self, handle):
        self.zip = zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED)
        self.names: set[str] = set()

    def _unique(self, path: str) -> str:
        candidate, stem, number = path, PurePosixPath(path), 2
        while candidate in self.names:
            candidate = str(stem.with_name(f"{stem.stem}-{number}{stem.suffix}"))
            number += 1
        self.names.add(candidate)
        return candidate

    def text(self, path: str, content: str) -> str:
        path = self._unique(path)
        self.zip.writestr(path, content)
        return path

    def csv(self, path: str, columns, rows) -> str:
        return self.text(path, csv_text(columns, rows))

    def table(self, path: str, about: str, columns, rows) -> Part:
        """A CSV of `rows` under `path`, described in the README as `about` (one a row)."""
        rows = list(rows)
        return Part(self.csv(path, columns, rows), about, len(rows))

    def stored_file(self, path: str, field) -> str | None:
        """Copy a stored file (a FileField's) into the zip; None when it is gone."""
        try:
            with field.open("rb") as source:
                path = self._unique(path)
                with self.zip.open(path, "w") as target:
                    while chunk := source.read(1 << 20):
                        target.write(chunk)
        except OSError:
            return None
        return path

    def close(self) -> None:
        self.zip.close()


def _slug(text: str, fallback: str = "untitled") -> str:
    return (slugify(text)[:60].strip("-")) or fallback


def _when(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).isoformat(timespec="minutes")
    return value.isoformat()


def _prompt_sections(reflection: Reflection) -> str:
    return "".join(
        f"\n## {question}\n\n{answer}\n" for question, answer in reflection.answered_prompts
    )


def _reflection_markdown(reflection: Reflection, *, author: str | None = None) -> str:
    fields = {
        "title": reflection.title,
        "date": _when(reflection.created_at),
        "community": reflection.community.name,
        "loop level": reflection.loop_name,
        "visibility": reflection.get_visibility_display(),
        "without my name": True if reflection.anonymous and author is None else None,
        "author": author,
        "session": reflection.session.title if reflection.session_id else None,
        "outcome": reflection.outcome.statement if reflection.outcome_id else None,
    }
    body = reflection.body.strip()
    return front_matter(fields) + f"# {reflection.title}\n\n{body}\n" + _prompt_sections(reflection)


def _reflections(archive: Archive, reflections, folder: str, *, community_view: bool) -> int:
    count = 0
    # In chunks: a busy community holds tens of thousands of reflections.
    for reflection in reflections.iterator(chunk_size=1000):
        author = byline(reflection) if community_view else None
        name = f"{folder}/{reflection.created_at:%Y-%m-%d}-{_slug(reflection.title)}.md"
        archive.text(name, _reflection_markdown(reflection, author=author))
        count += 1
    return count


# --- A person's export ------------------------------------------------------------------


def _plugged(archive: Archive, function_name: str, *args) -> list[Part]:
    """The parts apps beside privacy add (impact's stories), through core.plugins."""
    parts = []
    for part in export_parts(function_name, *args):
        for name, text in part.files:
            archive.text(name, text)
        parts.append(Part(part.path, part.about, len(part.files)))
    return parts


def person_parts(archive: Archive, user) -> list[Part]:
    """Write everything `user` wrote or gave into `archive`; return its parts."""
    return [
        _person_profile(archive, user),
        _person_reflections(archive, user),
        _person_responses(archive, user),
        _person_work(archive, user),
        _person_reviews_given(archive, user),
        _person_reviews_received(archive, user),
        _person_actions(archive, user),
        _person_rsvps(archive, user),
        _person_attendance(archive, user),
        _person_ratings(archive, user),
        _person_pulse(archive, user),
        _person_checkins(archive, user),
        *_plugged(archive, "person_export", user),
    ]


def _person_profile(archive: Archive, user) -> Part:
    memberships = Membership.objects.filter(user=user).select_related("community").order_by("pk")
    profile = {
        "name": user.name,
        "email": user.email,
        "timezone": user.timezone,
        "joined copsite": _when(user.date_joined),
        "communities": [
            {
                "community": m.community.name,
                "role": m.get_role_display(),
                "status": m.get_status_display(),
                "joined": _when(m.joined_at),
                "aspiration": m.aspiration,
                "introduction": m.introduction,
            }
            for m in memberships
        ],
    }
    archive.text("profile.json", json.dumps(profile, indent=2, ensure_ascii=False) + "\n")
    about = _("your name, address and communities")
    return Part("profile.json", about, len(profile["communities"]))


def _person_reflections(archive: Archive, user) -> Part:
    reflections = (
        Reflection.objects.filter(author=user)
        .select_related("community", "session", "outcome")
        .order_by("created_at", "pk")
    )
    count = _reflections(archive, reflections, "reflections", community_view=False)
    return Part(
        "reflections/",
        _("your reflections, one Markdown file each, private ones included"),
        count,
    )


def _response_target(response: Response) -> str:
    target = response.target
    if response.reflection_id:
        return _("In reply to the reflection “%(title)s”:") % {"title": target.title}
    if response.work_id:
        return _("In reply to the shared work “%(title)s”:") % {"title": target.title}
    return pgettext("meeting", "In reply to the session “%(title)s”:") % {"title": target.title}


def _person_responses(archive: Archive, user) -> Part:
    responses = list(
        Response.objects.filter(author=user)
        .select_related("community", "reflection", "work", "session")
        .order_by("created_at", "pk")
    )
    chunks = ["# " + _("Your responses") + "\n"]
    without_name = " " + _("(without my name)")
    for response in responses:
        named = without_name if response.anonymous else ""
        chunks.append(
            f"\n## {_when(response.created_at)} · {response.community.name}{named}\n\n"
            f"{_response_target(response)}\n\n{response.body.strip()}\n"
        )
    if not responses:
        chunks.append("\n" + _("You have not written a response yet.") + "\n")
    archive.text("responses.md", "".join(chunks))
    about = pgettext("meeting", "your responses to reflections, work and sessions")
    return Part("responses.md", about, len(responses))


def _person_work(archive: Archive, user) -> Part:
    works = SharedWork.objects.filter(author=user).select_related("community", "session")
    count = 0
    for work in works.order_by("created_at", "pk"):
        folder = f"shared-work/{work.created_at:%Y-%m-%d}-{_slug(work.title)}-{work.pk}"
        attached = None
        if work.file:
            name = get_valid_filename(work.file_name or "file")
            attached = archive.stored_file(f"{folder}/{name}", work.file)
            if attached is not None:
                attached = PurePosixPath(attached).name
        fields = {
            "title": work.title,
            "date": _when(work.created_at),
            "community": work.community.name,
            "session": work.session.title,
            "link": work.link,
            "file": work.file_name if attached else None,
            "file in this folder": attached,
        }
        archive.text(
            f"{folder}/work.md",
            front_matter(fields) + f"# {work.title}\n\n{work.description.strip()}\n",
        )
        count += 1
    return Part("shared-work/", _("work you shared, with its uploaded file"), count)


def _review_markdown(review: PeerReview, heading: str) -> str:
    chunks = [f"\n## {heading}\n\n"]
    if review.stage:
        chunks.append(_("Stage: %(stage)s") % {"stage": review.get_stage_display()} + "\n\n")
    for pair in review.pairs():
        chunks.append(f"### {pair['prompt']}\n\n")
        if pair["works"]:
            chunks.append(_("What works: %(words)s") % {"words": pair["works"]} + "\n\n")
        if pair["deeper"]:
            chunks.append(_("To go deeper: %(words)s") % {"words": pair["deeper"]} + "\n\n")
    reply = getattr(review, "reply", None)
    if reply is not None:
        words = reply.body.strip()
        chunks.append(_("Reply from the author: %(words)s") % {"words": words} + "\n")
    return "".join(chunks)


def _reviews(queryset):
    return queryset.select_related(
        "round__community", "work__community", "work__author", "reviewer", "reply"
    ).order_by("submitted_at", "pk")


def _person_reviews_given(archive: Archive, user) -> Part:
    reviews = list(_reviews(PeerReview.objects.submitted().filter(reviewer=user)))
    chunks = ["# " + _("Peer reviews you wrote") + "\n"]
    for review in reviews:
        work = _("“%(title)s” by %(name)s") % {
            "title": review.work.title,
            "name": review.work.author.name,
        }
        heading = f"{_when(review.submitted_at)} · {review.round.community.name} · {work}"
        chunks.append(_review_markdown(review, heading))
    if not reviews:
        chunks.append("\n" + _("You have not shared a peer review yet.") + "\n")
    archive.text("reviews-given.md", "".join(chunks))
    return Part("reviews-given.md", _("the peer reviews you shared"), len(reviews))


def _person_reviews_received(archive: Archive, user) -> Part:
    # As the author may read them: shared and, in a round with a release step, released.
    reviews = list(_reviews(PeerReview.objects.released().filter(work__author=user)))
    chunks = ["# " + _("Peer reviews of your work") + "\n"]
    for review in reviews:
        by = reviewer_name(review, viewer=user, author_id=user.pk, is_facilitator=False)
        work = _("“%(title)s” · from %(name)s") % {"title": review.work.title, "name": by}
        heading = f"{_when(review.submitted_at)} · {review.round.community.name} · {work}"
        chunks.append(_review_markdown(review, heading))
    if not reviews:
        chunks.append("\n" + _("No peer review of your work has reached you yet.") + "\n")
    archive.text("reviews-received.md", "".join(chunks))
    return Part(
        "reviews-received.md", _("peer reviews of your work, as you can read them"), len(reviews)
    )


def _action_rows(actions, *, people: bool):
    for action in actions:
        row = [
            action.community.name,
            action.title,
            action.description,
            action.get_status_display(),
            action.status_note,
            _when(action.due_date),
            action.loop_level,
            _when(action.created_at),
            _when(action.done_at),
        ]
        if people:
            row.insert(4, action.owner.name if action.owner_id else "")
        yield row


def _action_columns() -> list[str]:
    """The actions CSV's header, in the export's language."""
    return [
        _("community"),
        _("what we'll do differently"),
        _("description"),
        _("status"),
        _("why"),
        _("due"),
        _("loop level"),
        _("created"),
        _("done"),
    ]


def _person_actions(archive: Archive, user) -> Part:
    actions = list(
        Action.objects.filter(Q(owner=user) | Q(created_by=user))
        .select_related("community")
        .order_by("created_at", "pk")
    )
    return archive.table(
        "actions.csv",
        _("actions you own or proposed"),
        _action_columns(),
        _action_rows(actions, people=False),
    )


def _person_rsvps(archive: Archive, user) -> Part:
    rsvps = list(
        RSVP.objects.filter(user=user)
        .select_related("session__community")
        .order_by("session__starts_at", "pk")
    )
    rows = [
        [r.session.community.name, r.session.title, _when(r.session.starts_at), r.response]
        for r in rsvps
    ]
    columns = [_("community"), pgettext("meeting", "session"), _("starts"), _("your answer")]
    return archive.table("rsvps.csv", _("your answers to “coming?”"), columns, rows)


def _person_attendance(archive: Archive, user) -> Part:
    attended = list(
        Attendance.objects.filter(user=user)
        .select_related("session__community")
        .order_by("session__starts_at", "pk")
    )
    rows = [
        [a.session.community.name, a.session.title, _when(a.session.starts_at), a.walk_in]
        for a in attended
    ]
    columns = [_("community"), pgettext("meeting", "session"), _("held"), _("walked in")]
    about = pgettext("meeting", "the sessions you came to")
    return archive.table("attendance.csv", about, columns, rows)


def _person_ratings(archive: Archive, user) -> Part:
    ratings = list(
        ConfidenceRating.objects.filter(user=user)
        .select_related("outcome__community")
        .order_by("created_at", "pk")
    )
    rows = [
        [r.outcome.community.name, r.outcome.statement, r.rating, r.note, _when(r.created_at)]
        for r in ratings
    ]
    columns = [
        _("community"),
        _("outcome"),
        pgettext("confidence rating", "rating"),
        pgettext("confidence rating", "note"),
        _("when"),
    ]
    about = _("how confident you said you were")
    return archive.table("confidence-ratings.csv", about, columns, rows)


def _person_pulse(archive: Archive, user) -> Part:
    sessions = {
        s.pk: s
        for s in Session.objects.filter(
            attendances__user=user, status=Session.Status.COMPLETED
        ).select_related("community")
    }
    hashes = [PulseAnswer.respondent_for(pk, user.pk) for pk in sessions]
    answers = list(
        PulseAnswer.objects.filter(session_id__in=list(sessions), respondent__in=hashes).order_by(
            "session__starts_at", "pk"
        )
        if hashes
        else []
    )
    rows = [
        [
            sessions[a.session_id].community.name,
            sessions[a.session_id].title,
            _when(sessions[a.session_id].starts_at),
            a.get_face_display(),
            a.better,
        ]
        for a in answers
    ]
    columns = [
        _("community"),
        pgettext("meeting", "session"),
        _("held"),
        _("how it was"),
        _("what would make the next one better"),
    ]
    about = pgettext("meeting", "your answers to sessions' pulse")
    return archive.table("pulse-answers.csv", about, columns, rows)


def _person_checkins(archive: Archive, user) -> Part:
    checkins = list(
        CheckIn.objects.filter(membership__user=user)
        .select_related("membership__community")
        .order_by("sent_at", "pk")
    )
    rows = [
        [c.membership.community.name, _when(c.sent_at), _when(c.came_back_at)] for c in checkins
    ]
    about = _("the hellos a facilitator sent you when you were away")
    columns = [_("community"), _("hello sent"), _("back since")]
    return archive.table("check-ins.csv", about, columns, rows)


# --- A community's export ---------------------------------------------------------------


def community_parts(archive: Archive, community) -> list[Part]:
    """Write the community's shared record into `archive`; return its parts."""
    return [
        _community_about(archive, community),
        _community_outcomes(archive, community),
        _community_sessions(archive, community),
        _community_reflections(archive, community),
        _community_actions(archive, community),
        *_plugged(archive, "community_export", community),
    ]


def _community_about(archive: Archive, community) -> Part:
    fields = {
        "name": community.name,
        "created": _when(community.created_at),
        "archived": True if community.archived else None,
    }
    text = (
        front_matter(fields)
        + f"# {community.name}\n\n## {_('What we care about')}\n\n{community.domain.strip()}\n"
    )
    if community.purpose.strip():
        text += f"\n## {_('Purpose')}\n\n{community.purpose.strip()}\n"
    archive.text("community.md", text)
    return Part("community.md", _("what the community cares about and its purpose"), 1)


def _community_outcomes(archive: Archive, community) -> Part:
    outcomes = list(
        Outcome.objects.filter(community=community)
        .select_related("proposed_by")
        .order_by("created_at", "pk")
    )
    rows = [
        [
            o.statement,
            o.why,
            o.get_status_display(),
            o.proposed_by.name if o.proposed_by_id else "",
            _when(o.created_at),
            _when(o.agreed_at),
        ]
        for o in outcomes
    ]
    columns = [
        _("outcome"),
        _("why it matters"),
        _("status"),
        _("proposed by"),
        _("proposed"),
        _("agreed"),
    ]
    return archive.table("outcomes.csv", _("the community's outcomes"), columns, rows)


def _community_sessions(archive: Archive, community) -> Part:
    sessions = (
        Session.objects.filter(community=community)
        .exclude(status=Session.Status.DRAFT)
        .prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("position", "pk")),
            "facilitators",
        )
        .order_by("starts_at", "pk")
    )
    count = 0
    for session in sessions:
        fields = {
            "title": session.title,
            "date": _when(session.starts_at),
            "minutes": session.duration_minutes,
            "status": session.get_status_display(),
            "location": session.location,
            "facilitators": [person.name for person in session.facilitators.all()],
        }
        chunks = [front_matter(fields), f"# {session.title}\n\n{session.description.strip()}\n"]
        items = list(session.agenda_items.all())
        if items:
            chunks.append("\n## " + _("Agenda") + "\n\n")
            for item in items:
                minutes = _("(%(minutes)s min)") % {"minutes": item.minutes}
                chunks.append(f"- {item.title} {minutes}\n")
                if item.description.strip():
                    chunks.append(f"  {item.description.strip()}\n")
        name = f"sessions/{session.starts_at:%Y-%m-%d}-{_slug(session.title)}.md"
        archive.text(name, "".join(chunks))
        count += 1
    about = pgettext("meeting", "sessions with their agendas, one Markdown file each")
    return Part("sessions/", about, count)


def _community_reflections(archive: Archive, community) -> Part:
    reflections = (
        Reflection.objects.filter(
            community=community,
            visibility=Reflection.Visibility.COMMUNITY,
            hidden_at__isnull=True,
        )
        .select_related("community", "author", "session", "outcome")
        .order_by("created_at", "pk")
    )
    count = _reflections(archive, reflections, "reflections", community_view=True)
    return Part(
        "reflections/",
        _(
            "reflections shared with everyone in the community (never private or "
            "facilitators-only ones); those shared without a name say “a member”"
        ),
        count,
    )


def _community_actions(archive: Archive, community) -> Part:
    actions = list(
        Action.objects.filter(community=community)
        .select_related("community", "owner")
        .order_by("created_at", "pk")
    )
    header = _action_columns()
    columns = [*header[:4], _("owner"), *header[4:]]
    return archive.table(
        "actions.csv", _("the community's actions"), columns, _action_rows(actions, people=True)
    )
