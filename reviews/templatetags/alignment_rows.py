"""The alignment map's rows — each outcome's activities with the review rounds on them, and
the rounds on sessions with no activity aligned to it — written here rather than by the
template: a `blocktranslate` with its dates and links for each row had been about 40 % of
the page once every session carried an aligned agenda (the bench seeds them since).

The sentences are the template's own (the same message ids, so the catalogs' translations
serve them unchanged); every value put into them is escaped first."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, ngettext

from core.addresses import community_url
from core.templatetags.dates import when

from ..models import ReviewRound

register = template.Library()


def _statuses() -> dict[str, str]:
    """Each round status in the reader's words, escaped: looked up once per page."""
    return {value: conditional_escape(word) for value, word in ReviewRound.Status.choices}


def _due(round_: ReviewRound) -> str:
    return conditional_escape(when(round_.due_on, "date"))


@register.simple_tag(takes_context=True)
def alignment_items(context, items) -> str:
    """An outcome's activities (`reviews.selectors.aligned_items`, with `rounds` and
    `needs_review` from `rounds_on_the_map`): each its session, title, minutes and date,
    then the rounds that looked at its work, or the gap with its next step."""
    slug = context["community"].slug
    facilitator = context.get("is_facilitator", False)
    statuses = _statuses()
    gap = (
        None
        if facilitator
        else conditional_escape(
            gettext("No one has looked at the work from this activity together yet.")
        )
    )
    rows = []
    for item in items:
        session = item.session
        line = gettext(
            '<a href="%(session_url)s">%(session)s</a> — %(title)s (%(minutes)s min), %(date)s'
        ) % {
            "session_url": conditional_escape(
                community_url("sessions:detail", slug, item.session_id)
            ),
            "session": conditional_escape(session.title),
            "title": conditional_escape(item.title),
            "minutes": item.minutes,
            "date": conditional_escape(when(template_localtime(session.starts_at), "date")),
        }
        parts = [f"<li>\n            {line}"]
        if item.rounds:
            parts.append("\n              <ul>")
            for round_ in item.rounds:
                said = ngettext(
                    '<a href="%(round_url)s">Review round</a> (%(status)s, due %(due)s): '
                    "%(done)s of %(counter)s review shared",
                    '<a href="%(round_url)s">Review round</a> (%(status)s, due %(due)s): '
                    "%(done)s of %(counter)s reviews shared",
                    round_.expected,
                ) % {
                    "round_url": conditional_escape(
                        community_url("reviews:round", slug, round_.pk)
                    ),
                    "status": statuses.get(round_.status, conditional_escape(round_.status)),
                    "due": _due(round_),
                    "done": round_.done,
                    "counter": round_.expected,
                }
                parts.append(f"\n                  <li>{said}</li>")
            parts.append("\n              </ul>")
        elif item.needs_review:
            if facilitator:
                words = gettext(
                    "No one has looked at the work from this activity together yet — <a "
                    'href="%(round_new_url)s">open a review round?</a>'
                ) % {
                    "round_new_url": conditional_escape(
                        community_url("reviews:round_new", slug, item.session_id)
                    )
                }
            else:
                words = gap
            parts.append(f'\n              <p class="gap">{words}</p>')
        parts.append("\n          </li>")
        rows.append("".join(parts))
    # Every value is escaped above; the sentences are the catalogs' own.
    return mark_safe("\n".join(rows))  # noqa: S308


@register.simple_tag(takes_context=True)
def alignment_rounds(context, rounds) -> str:
    """The rounds through an outcome on sessions where no activity is aligned to it: each
    its session, status, due date and how many of its reviews are shared."""
    slug = context["community"].slug
    statuses = _statuses()
    rows = []
    for round_ in rounds:
        said = ngettext(
            '<a href="%(round_url)s">Review round</a> on <a '
            'href="%(session_url)s">%(session)s</a> (%(status)s, due %(due)s): %(done)s'
            " of %(counter)s review shared",
            '<a href="%(round_url)s">Review round</a> on <a '
            'href="%(session_url)s">%(session)s</a> (%(status)s, due %(due)s): %(done)s'
            " of %(counter)s reviews shared",
            round_.expected,
        ) % {
            "round_url": conditional_escape(community_url("reviews:round", slug, round_.pk)),
            "session_url": conditional_escape(
                community_url("sessions:detail", slug, round_.session_id)
            ),
            "session": conditional_escape(round_.session.title),
            "status": statuses.get(round_.status, conditional_escape(round_.status)),
            "due": _due(round_),
            "done": round_.done,
            "counter": round_.expected,
        }
        rows.append(f"<li>{said}</li>")
    return mark_safe("\n          ".join(rows))  # noqa: S308
