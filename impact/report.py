"""Draws what a page shows from the figures computed once: charts with their tables, the
headline table beside the previous period, and the "what changed" summary. One place for
the dashboard, its CSV export and the printable report, so all three always agree.

The cache holds the figures (`figures.CommunityFigures`, `figures.PortfolioFigures`), one
object per community (or set of communities) and period; every chart is drawn from that
object (`draw_community`, `draw_portfolio`) and asks the database nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.text import Truncator
from django.utils.translation import get_language, gettext, ngettext, pgettext

from reviews.models import PeerReview

from . import figures, snapshot
from .charts import Chart, bar_svg, legend_html, line_svg
from .models import ImpactStory
from .periods import Period, month_year, months_label
from .values import Count, Number, hidden, text


def whole_months(now: figures.Headline, before: figures.Headline) -> str:
    """How a figure about people says what it covers, e.g. "whole months: Nov–Dec 2026,
    beside Sep–Oct 2026"."""
    if now.window is None:
        return gettext("whole months: none of this period has ended yet")
    return gettext("whole months: %(months)s, beside %(before)s") % {
        "months": now.months_label,
        "before": before.months_label,
    }


def headline_chart(now: figures.Headline, before: figures.Headline) -> Chart:
    """Every headline figure of the period beside the previous period of the same length;
    figures about people beside the same number of whole months, named in their label."""
    s, p = now.sessions, before.sessions
    months = whole_months(now, before)
    over = {"months": months}
    rows = [
        [gettext("Sessions held"), s.held, p.held],
        [gettext("RSVP rate (going or maybe)"), s.rsvp_rate, p.rsvp_rate],
        [gettext("Attendance rate"), s.attendance_rate, p.attendance_rate],
        [
            gettext("People who attended (%(months)s)") % over,
            now.people.attendees,
            before.people.attendees,
        ],
        [
            gettext("Returning attendees, came twice or more (%(months)s)") % over,
            now.people.returning,
            before.people.returning,
        ],
        [gettext("Steps toward the core (celebrations)"), now.moves.inward, before.moves.inward],
        [gettext("Steps outward"), now.moves.outward, before.moves.outward],
        [
            gettext("Mentoring pairs active (%(months)s)") % over,
            _pairs(now),
            _pairs(before),
        ],
        [gettext("Shared reflections"), now.loops.shared, before.loops.shared],
        [
            gettext("Share reaching double or triple loop"),
            now.loops.deeper_share,
            before.loops.deeper_share,
        ],
        [gettext("Agreed outcomes"), now.coverage.agreed, before.coverage.agreed],
        [
            gettext("Agreed outcomes with an activity"),
            now.coverage.activity_share,
            before.coverage.activity_share,
        ],
        [
            gettext("Agreed outcomes with a peer review"),
            now.coverage.review_share,
            before.coverage.review_share,
        ],
        [
            gettext("Alignment coverage (activity and peer review)"),
            now.coverage.share,
            before.coverage.share,
        ],
        [
            gettext("Participation equity, Gini, 0 = even (%(months)s)") % over,
            _gini(now.equity),
            _gini(before.equity),
        ],
        [
            gettext("Share of contributions from the most active 10 %% (%(months)s)") % over,
            _top_share(now.equity),
            _top_share(before.equity),
        ],
    ]
    return Chart(
        name="headline",
        title=gettext("This period beside the previous one"),
        columns=[gettext("Figure"), gettext("This period"), gettext("Previous period")],
        rows=rows,
        summary=gettext("A table of every headline figure for this period and the previous one."),
        note=gettext(
            "Figures about people (who attended, who returned, participation) cover whole "
            "calendar months only, named beside each, and show only where every month rests "
            "on 5 or more people: so two periods a day apart cannot be compared to find one "
            "person's part."
        ),
    )


def _gini(equity: figures.Equity) -> Number | None:
    """The Gini coefficient to two places; None (withheld) when suppressed, "–" when none."""
    return None if equity.suppressed else Number(equity.gini, 2)


def _pairs(headline: figures.Headline) -> int | str | None:
    """Mentoring pairs active: "–" before a whole month has ended, None (hidden) below the
    floor."""
    if headline.window is None:
        return figures.NOT_APPLICABLE
    return headline.mentoring_pairs


def _top_share(equity: figures.Equity):
    return None if equity.suppressed else equity.top_share


def _month_label(month) -> str:
    return month_year(month)


def _labelled(pairs) -> str:
    """("Nov 2026", "core 5, active 7") pairs as a text alternative says them, in the
    language's punctuation: "Nov 2026: core 5, active 7; Dec 2026: …"."""
    fmt = gettext("%(label)s: %(figures)s")
    return "; ".join(fmt % {"label": label, "figures": figures} for label, figures in pairs)


def _by_month(labels: list[str], series: list[tuple[str, list]]) -> str:
    """A chart's figures month by month, for its text alternative: "Nov 2026: core 5, …"."""
    return _labelled(
        (label, ", ".join(f"{name} {text(vs[i])}" for name, vs in series))
        for i, label in enumerate(labels)
    )


def members_chart(months: list[figures.LevelMonth], label: str) -> Chart:
    labels = [_month_label(m.month) for m in months]
    series = [(level.label, [m.counts[level] for m in months]) for level in figures.LEVELS]
    summary = gettext("Members at each level at the end of each month: %(figures)s") % {
        "figures": _by_month(labels, series)
    }
    title = gettext("Members by level over time (whole months: %(months)s)") % {"months": label}
    return Chart(
        name="members",
        title=title,
        columns=[gettext("Month"), *[level.label for level in figures.LEVELS]],
        rows=[[label, *[vs[i] for _n, vs in series]] for i, label in enumerate(labels)],
        summary=summary,
        svg=line_svg("chart-members", title, summary, labels, series),
        legend=legend_html([name for name, _ in series]),
        note=gettext(
            "Facilitators and coordinators are left out. Levels held by 1–4 people are "
            "hidden, with one more cell when needed so they cannot be worked out."
        ),
    )


def movement_chart(months: list[figures.LevelMonth], label: str) -> Chart:
    rows = []
    for m in months:
        for level in figures.LEVELS:
            rows.append(
                [
                    _month_label(m.month),
                    level.label,
                    m.moved_in[level],
                    m.held[level],
                    m.moved_out[level],
                ]
            )
    return Chart(
        name="movement",
        title=gettext("Movement between levels, month by month (whole months: %(months)s)")
        % {"months": label},
        columns=[
            gettext("Month"),
            gettext("Level"),
            gettext("Moved in"),
            pgettext("journey level", "Held"),
            gettext("Moved out"),
        ],
        rows=rows,
        summary=gettext(
            "For each month and level: members who moved in (joined or stepped in), "
            "held the level, and moved out."
        ),
        note=gettext(
            "Moved in counts joining at a level and steps into it; moved out counts steps "
            "out of it."
        ),
    )


def sessions_chart(months: list[figures.SessionMonth]) -> Chart:
    labels = [_month_label(m.month) for m in months]
    title = gettext("Attendance at sessions, month by month")
    attendance = [m.attendances for m in months]
    summary = gettext("Attendance records per month: %(figures)s") % {
        "figures": ", ".join(
            ngettext(
                "%(month)s %(records)s (%(count)s session)",
                "%(month)s %(records)s (%(count)s sessions)",
                m.held,
            )
            % {"month": label, "records": text(a), "count": m.held}
            for label, a, m in zip(labels, attendance, months, strict=True)
        )
    }
    attendance_word = gettext("attendance")
    return Chart(
        name="sessions",
        title=title,
        columns=[gettext("Month"), gettext("Sessions held"), gettext("Attendance records")],
        rows=[[label, m.held, m.attendances] for label, m in zip(labels, months, strict=True)],
        summary=summary,
        svg=bar_svg("chart-sessions", title, summary, labels, [(attendance_word, attendance)]),
        legend=legend_html([attendance_word]),
    )


def pulse_chart(months: list[figures.PulseMonth], label: str) -> Chart:
    labels = [_month_label(m.month) for m in months]
    title = gettext("The session pulse, month by month")
    averages = [m.average for m in months]
    summary = gettext(
        "Average answer to “How was this session for you?” (1 hard going to 4 great) "
        "per month (%(months)s): %(figures)s"
    ) % {
        "months": label,
        "figures": ", ".join(
            f"{month} {text(a)}" for month, a in zip(labels, averages, strict=True)
        ),
    }
    average_word = gettext("average pulse")
    return Chart(
        name="pulse",
        title=title,
        columns=[gettext("Month"), gettext("Average pulse (1–4)"), gettext("Answers counted")],
        rows=[[lbl, m.average, m.answers] for lbl, m in zip(labels, months, strict=True)],
        summary=summary,
        svg=line_svg("chart-pulse", title, summary, labels, [(average_word, averages)]),
        legend=legend_html([average_word]),
        note=gettext(
            "Only sessions at least 5 people answered count; a month without one shows "
            "“fewer than 5”. Answers are anonymous: nobody, facilitators included, sees who "
            "gave which."
        ),
    )


def loops_chart(months: list[figures.LoopMonth]) -> Chart:
    labels = [_month_label(m.month) for m in months]
    title = gettext("Shared reflections by loop level")
    series = [
        (str(figures.LOOP_LABELS[loop]), [m.counts[loop] for m in months]) for loop in figures.LOOPS
    ]
    summary = gettext("Shared reflections per month by loop level: %(figures)s") % {
        "figures": _by_month(labels, series)
    }
    return Chart(
        name="loops",
        title=title,
        columns=[gettext("Month"), *[name for name, _vs in series]],
        rows=[[label, *[vs[i] for _n, vs in series]] for i, label in enumerate(labels)],
        summary=summary,
        svg=bar_svg("chart-loops", title, summary, labels, series),
        legend=legend_html([name for name, _ in series]),
        note=gettext(
            "Only reflections shared with the whole community count; private and "
            "facilitator-only ones are never counted. A cell written by 1–4 people is hidden."
        ),
    )


def equity_chart(now: figures.Headline, before: figures.Headline) -> Chart:
    """Participation equity over the period's whole months beside the months before."""
    title = gettext("Share of contributions from the most active 10 %")
    labels = [
        gettext("%(months)s (whole months)") % {"months": now.months_label},
        gettext("%(months)s (before)") % {"months": before.months_label},
    ]
    now, before = now.equity, before.equity
    values = [_top_share(e) for e in (now, before)]
    summary = now.reading
    if not now.suppressed and now.top_share.number is not None:
        summary += " " + ngettext(
            "The most active 10 %% (%(top)s of %(count)s person) made %(share)s of the "
            "contributions.",
            "The most active 10 %% (%(top)s of %(count)s people) made %(share)s of the "
            "contributions.",
            now.people,
        ) % {"top": now.top_people, "count": now.people, "share": now.top_share}
    return Chart(
        name="equity",
        title=title,
        columns=[
            gettext("Period"),
            gettext("People"),
            gettext("Contributions"),
            gettext("Gini"),
            gettext("Top 10 % share"),
        ],
        rows=[
            [
                label,
                Count.of_people(e.people),
                None if e.suppressed else e.contributions,
                _gini(e),
                value,
            ]
            for label, e, value in zip(labels, (now, before), values, strict=True)
        ],
        summary=summary,
        svg=bar_svg(
            "chart-equity",
            title,
            summary,
            labels,
            [(gettext("top 10 %"), values)],
            percent=True,
        ),
        legend=legend_html([gettext("share from the most active 10 %")]),
        note=gettext(
            "Contributions: sessions attended, reflections shared with the community, work "
            "shared, peer reviews given and responses to others. Counted over whole calendar "
            "months only, and shown only where every month rests on 5 or more people."
        ),
    )


def progress_chart(rows: list[dict], label: str) -> Chart:
    title = gettext("Average self-rated confidence per outcome (whole months: %(months)s)") % {
        "months": label
    }
    months = sorted({row["month"] for row in rows})
    labels = [_month_label(month) for month in months]
    outcomes = list(dict.fromkeys(row["outcome"] for row in rows))
    cell = {(row["outcome"], row["month"]): row["average"] for row in rows}
    series = [
        (Truncator(outcome).chars(40), [cell.get((outcome, month)) for month in months])
        for outcome in outcomes
    ]
    summary = gettext("Average confidence (1 to 5) per agreed outcome and month: %(figures)s") % {
        "figures": _labelled(
            (
                name,
                ", ".join(
                    f"{label} {text(None if value is None else Number(value, 1))}"
                    for label, value in zip(labels, values, strict=True)
                ),
            )
            for name, values in series
        )
    }
    return Chart(
        name="progress",
        title=title,
        columns=[
            gettext("Outcome"),
            gettext("Month"),
            gettext("Average confidence (1–5)"),
            gettext("People who rated"),
        ],
        rows=[
            [
                row["outcome"],
                _month_label(row["month"]),
                None if row["average"] is None else Number(row["average"], 1),
                row["people"],
            ]
            for row in rows
        ],
        summary=summary,
        svg=line_svg("chart-progress", title, summary, labels, series),
        legend=legend_html([name for name, _ in series]),
        note=gettext(
            "Only averages of 5 or more people are shown, each over a whole calendar month: "
            "never anyone's own rating."
        ),
    )


def stages_chart(table: list[dict], label: str, *, calibrated: bool = False) -> Chart:
    """Peer-review stages per agreed outcome: stacked bars, one per outcome; `calibrated`:
    from rounds with a calibration example only."""
    over = {"months": label}
    title = gettext("Peer-review stages per outcome (whole months: %(months)s)") % over
    if calibrated:
        title = (
            gettext("Peer-review stages from calibrated rounds (whole months: %(months)s)") % over
        )
    labels = [Truncator(row["outcome"]).chars(40) for row in table]
    # The stages are the review form's own words (PeerReview.Stage), in the reader's language.
    words = [str(PeerReview.Stage(stage).label) for stage in figures.STAGES]
    series = [
        (word, [row["stages"][stage] for row in table])
        for word, stage in zip(words, figures.STAGES, strict=True)
    ]
    summary = gettext("Reviews given in %(months)s by stage, per outcome: %(figures)s") % {
        "months": label,
        "figures": _labelled(
            (
                row["outcome"],
                ", ".join(
                    f"{word} {text(row['stages'][stage])}"
                    for word, stage in zip(words, figures.STAGES, strict=True)
                ),
            )
            for row in table
        ),
    }
    name = "calibrated_stages" if calibrated else "stages"
    return Chart(
        name=name,
        title=title,
        columns=[gettext("Outcome"), *words, gettext("All reviews")],
        rows=[
            [row["outcome"], *[row["stages"][stage] for stage in figures.STAGES], row["total"]]
            for row in table
        ],
        summary=summary,
        svg=bar_svg(f"chart-{name.replace('_', '-')}", title, summary, labels, series),
        legend=legend_html(words),
        note=gettext(
            "Stages are what reviewers chose to describe the work, never a grade. A stage "
            "chosen by 1–4 reviewers in any month is hidden, with one more when needed; "
            "“All reviews” adds up the stages shown."
        )
        + (
            " "
            + gettext(
                "Calibrated rounds offered reviewers new to the outcome an example to practise on."
            )
            if calibrated
            else ""
        ),
    )


def reviewing_chart(rows: list[dict], label: str) -> Chart:
    """Peer review as a practice, per agreed outcome: authors heard by the due date, the
    median days to a review and the share of reviews marked helpful."""
    title = gettext("Peer review per outcome (whole months: %(months)s)") % {"months": label}
    labels = [Truncator(row["outcome"]).chars(40) for row in rows]
    series = [
        (gettext("authors heard by the due date"), [row["heard_on_time"] for row in rows]),
        (gettext("reviews marked helpful"), [row["helpful"] for row in rows]),
    ]
    summary = gettext("Peer review in %(months)s, per outcome: %(figures)s") % {
        "months": label,
        "figures": "; ".join(
            gettext(
                "%(outcome)s: %(heard)s of authors heard by the due date, median %(days)s "
                "days to a review, %(helpful)s of reviews marked helpful"
            )
            % {
                "outcome": row["outcome"],
                "heard": text(row["heard_on_time"]),
                "days": text(row["median_days"]),
                "helpful": text(row["helpful"]),
            }
            for row in rows
        ),
    }
    return Chart(
        name="reviewing",
        title=title,
        columns=[
            gettext("Outcome"),
            gettext("Authors who received all their reviews by the due date"),
            gettext("Median days to a review"),
            gettext("Reviews marked helpful"),
        ],
        rows=[
            [row["outcome"], row["heard_on_time"], row["median_days"], row["helpful"]]
            for row in rows
        ],
        summary=summary,
        svg=bar_svg("chart-reviewing", title, summary, labels, series, stacked=False, percent=True),
        legend=legend_html([name for name, _ in series]),
        note=gettext(
            "Days to a review run from being asked to sharing it. A review reaches its author "
            "when shared, or in a round with a release step when released. Whole calendar "
            "months only; a figure is shown only where every month rests on 5 or more authors "
            "and reviewers. Whether a review helped is its author's private word to the "
            "reviewer: only this share is shown, never a count per person."
        ),
    )


def actions_chart(now: figures.ActionFlow, before: figures.ActionFlow) -> Chart:
    title = gettext("Actions from our reflections")
    labels = [
        pgettext("actions", "opened"),
        pgettext("actions", "done"),
        pgettext("actions", "dropped"),
    ]
    series = [
        (gettext("this period"), [now.opened, now.done, now.dropped]),
        (gettext("previous period"), [before.opened, before.done, before.dropped]),
    ]
    days, days_before = Number(now.median_days, 0), Number(before.median_days, 0)
    summary = gettext(
        "This period %(opened)s actions were opened, %(done)s done and %(dropped)s dropped "
        "(previous period: %(opened_before)s, %(done_before)s, %(dropped_before)s)."
    ) % {
        "opened": now.opened,
        "done": now.done,
        "dropped": now.dropped,
        "opened_before": before.opened,
        "done_before": before.done,
        "dropped_before": before.dropped,
    }
    if days.number is not None:
        summary += " " + gettext("Median time to done: %(days)s days.") % {"days": days}
    return Chart(
        name="actions",
        title=title,
        columns=[gettext("Actions"), gettext("This period"), gettext("Previous period")],
        rows=[[label, a, b] for label, a, b in zip(labels, series[0][1], series[1][1], strict=True)]
        + [[gettext("median days to done"), days, days_before]],
        summary=summary,
        svg=bar_svg("chart-actions", title, summary, labels, series, stacked=False),
        legend=legend_html([name for name, _ in series]),
    )


def voices_chart(months: list[figures.VoicesMonth], label: str) -> Chart:
    labels = [_month_label(m.month) for m in months]
    summary = gettext(
        "Share of each month's attendees who contributed anything that month: %(figures)s"
    ) % {
        "figures": ", ".join(
            f"{label} {text(m.voices_heard)}" for label, m in zip(labels, months, strict=True)
        )
        or gettext("no whole month yet")
    }
    return Chart(
        name="voices",
        title=gettext("Every voice: voices heard and check-ins (whole months: %(months)s)")
        % {"months": label},
        columns=[
            gettext("Month"),
            gettext("Attendees"),
            gettext("Voices heard"),
            gettext("Check-ins sent"),
            gettext("Came back after one"),
        ],
        rows=[
            [lab, m.attendees, m.voices_heard, m.checkins, m.came_back]
            for lab, m in zip(labels, months, strict=True)
        ],
        summary=summary,
        note=gettext(
            "Voices heard: attendees who, that month, shared a reflection with the "
            "community, responded, shared work or gave a review. Check-ins: hellos sent to "
            "quiet members; came back: of them, those seen again since. Each month stands on "
            "its own; figures on 1–4 people, or that would reveal 1–4 people by subtraction, "
            "are hidden. Nobody is named."
        ),
    )


def draw_community(shown: figures.CommunityFigures) -> list[Chart]:
    """Every chart of the community dashboard, drawn from its figures computed once: no
    query, whatever the chart."""
    label = months_label(shown.window)
    now, before = shown.now, shown.before
    charts = [
        headline_chart(now, before),
        members_chart(list(shown.levels), label),
        movement_chart(list(shown.levels), label),
        sessions_chart(list(shown.sessions)),
        loops_chart(list(shown.loops)),
        pulse_chart(list(shown.pulse), label),
        equity_chart(now, before),
        progress_chart(list(shown.progress), label),
    ]
    if shown.stages is not None:
        charts.append(stages_chart(list(shown.stages), label))
    if shown.calibrated_stages is not None:
        charts.append(stages_chart(list(shown.calibrated_stages), label, calibrated=True))
    if shown.reviewing:
        charts.append(reviewing_chart(list(shown.reviewing), label))
    charts.append(actions_chart(*shown.actions))
    charts.append(voices_chart(list(shown.voices), label))
    return charts


@dataclass
class CommunityPicture:
    """The community dashboard as a page needs it: the figures (from the cache), the
    charts drawn from them, and what is read live (the community, its stories)."""

    community: object
    computed: figures.CommunityFigures
    computed_at: dt.datetime
    stories: list = field(default_factory=list)
    # The snapshot's id (impact.snapshot): its drawing is kept under it.
    snapshot_id: str = ""
    # The drawings the one-page printable report carries (its tables stay on the dashboard).
    report_charts: tuple[str, ...] = ("members", "sessions", "loops")

    @cached_property
    def charts(self) -> list[Chart]:
        """Every chart, drawn on first reading: a dashboard whose charts are kept drawn
        (`drawn`) does not draw them again."""
        return draw_community(self.computed)

    def drawn(self, draw: Callable[[], str]) -> str:
        """The charts as `draw` renders them, kept in the cache beside their figures: they
        are the same for everyone who may see the dashboard, so they are drawn once per
        figures computed, community address and language (impact.snapshot.drawn)."""
        variant = f"{self.community.slug}:{get_language()}"
        return snapshot.drawn(self.snapshot_id, variant, draw)

    @property
    def period(self) -> Period:
        return self.computed.period

    @property
    def previous(self) -> Period:
        return self.computed.previous

    @property
    def window(self) -> Period | None:
        return self.computed.window

    @property
    def now(self) -> figures.Headline:
        return self.computed.now

    @property
    def before(self) -> figures.Headline:
        return self.computed.before

    @property
    def changes(self) -> tuple[str, ...]:
        return self.computed.changes

    @property
    def stages(self) -> tuple[dict, ...] | None:
        return self.computed.stages

    @property
    def months_label(self) -> str:
        return whole_months(self.computed.now, self.computed.before)

    def chart(self, name: str) -> Chart | None:
        return next((c for c in self.charts if c.name == name), None)

    @property
    def as_of(self) -> str:
        return snapshot.as_of(self.computed_at)


def community_picture(community, period: Period, *, refresh: bool = False) -> CommunityPicture:
    """The community dashboard: its figures from the cache (computed when missing, stale
    or `refresh`), every chart drawn from them, and its latest published stories read live
    (a story is not a figure, and one query)."""
    shot = snapshot.cached(
        snapshot.community_key(community.pk, period),
        lambda: figures.community_figures(community, period),
        refresh=refresh,
    )
    stories = list(
        ImpactStory.objects.published()
        .filter(community=community)
        .select_related("author")
        .order_by("-published_at")[:5]
    )
    return CommunityPicture(
        community=community,
        computed=shot.value,
        computed_at=shot.computed_at,
        stories=stories,
        snapshot_id=shot.id,
    )


@dataclass
class PortfolioRow:
    community: object
    members: dict
    now: figures.Headline
    before: figures.Headline
    changes: tuple[str, ...]
    stories: list

    @property
    def headline(self) -> Chart:
        return headline_chart(self.now, self.before)


@dataclass
class Portfolio:
    rows: list[PortfolioRow]
    chart: Chart
    computed_at: dt.datetime

    @property
    def as_of(self) -> str:
        return snapshot.as_of(self.computed_at)


def portfolio_picture(communities: list, period: Period, *, refresh: bool = False) -> Portfolio:
    """Every community side by side, in a number of queries independent of how many. The
    figures come from the cache; names, links and stories are read live."""
    ids = [c.pk for c in communities]
    shot = snapshot.cached(
        snapshot.portfolio_key(ids, period),
        lambda: figures.portfolio_figures(ids, period),
        refresh=refresh,
    )
    stories: dict[int, list] = {cid: [] for cid in ids}
    for story in (
        ImpactStory.objects.published()
        .filter(community__in=ids)
        .select_related("author")
        .order_by("-published_at")
    ):
        stories[story.community_id].append(story)
    computed = shot.value.rows
    rows = [
        PortfolioRow(
            c,
            computed[c.pk].members,
            computed[c.pk].now,
            computed[c.pk].before,
            computed[c.pk].changes,
            stories[c.pk][:3],
        )
        for c in communities
    ]
    return Portfolio(
        rows=rows, chart=draw_portfolio(rows, shot.value), computed_at=shot.computed_at
    )


def draw_portfolio(rows: list[PortfolioRow], shown: figures.PortfolioFigures) -> Chart:
    """The portfolio's chart and table, drawn from its figures computed once: no query."""
    title = gettext("Sessions held per community")
    labels = [row.community.name for row in rows]
    series = [
        (gettext("this period"), [row.now.sessions.held for row in rows]),
        (gettext("previous period"), [row.before.sessions.held for row in rows]),
    ]
    previous_word = gettext("previous %(count)s")
    summary = gettext("Sessions held: %(figures)s") % {
        "figures": "; ".join(
            f"{row.community.name} {row.now.sessions.held} "
            f"({previous_word % {'count': row.before.sessions.held}})"
            for row in rows
        )
    }
    label = months_label(shown.window)
    table = [
        [
            row.community.name,
            row.members["total"],
            row.now.sessions.held,
            row.before.sessions.held,
            row.now.sessions.attendance_rate,
            row.before.sessions.attendance_rate,
            row.now.moves.inward,
            row.now.loops.shared,
            row.now.loops.deeper_share,
            row.now.people.attendees,
            _gini(row.now.equity),
            _top_share(row.now.equity),
        ]
        for row in rows
    ]
    chart = Chart(
        name="portfolio",
        title=title,
        columns=[
            gettext("Community"),
            gettext("Members"),
            gettext("Sessions held"),
            gettext("Sessions held before"),
            gettext("Attendance rate"),
            gettext("Attendance rate before"),
            gettext("Celebrations"),
            gettext("Shared reflections"),
            gettext("Double or triple loop share"),
            gettext("People who attended (%(months)s)") % {"months": label},
            gettext("Gini (%(months)s)") % {"months": label},
            gettext("Top 10 %% share (%(months)s)") % {"months": label},
        ],
        rows=[*table, portfolio_total(table)] if table else [],
        summary=summary,
        svg=bar_svg("chart-portfolio", title, summary, labels, series, stacked=False),
        legend=legend_html([name for name, _ in series]),
        note=gettext(
            "Members are counted today. People who attended, Gini and the top 10 %% share "
            "cover whole calendar months only (%(months)s). The last row adds up only the "
            "figures shown above it: a hidden figure is never part of a total."
        )
        % {"months": label},
    )
    return chart


# The portfolio's columns that add up across communities (counts, never rates or shares).
ADDITIVE = (1, 2, 3, 6, 7, 9)


def portfolio_total(table: list[list]) -> list:
    """The row under the portfolio: each count column's sum over the cells shown above it.

    A withheld cell (None, "fewer than 5") is never part of a total, so the total minus
    the rows shown is always zero and reveals nothing; the label says how many
    communities have a figure too small to show. Rates and shares do not add up: "–".
    """
    withheld = sum(1 for row in table if any(hidden(cell) for cell in row[1:]))
    label = gettext("Every community, figures shown added up")
    if withheld:
        label = ngettext(
            "Every community, figures shown added up (and %(count)s community with figures "
            "too small to show)",
            "Every community, figures shown added up (and %(count)s communities with figures "
            "too small to show)",
            withheld,
        ) % {"count": withheld}
    total: list = [label]
    for index in range(1, len(table[0])):
        if index in ADDITIVE:
            total.append(sum(row[index] for row in table if isinstance(row[index], int)))
        else:
            total.append(figures.NOT_APPLICABLE)
    return total
