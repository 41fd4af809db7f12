"""Engagement signals: pluggable counts of what each member did in a rolling window.

Each app registers its own sources here (imported from its AppConfig.ready), with their
wording and their default thresholds, so this module names no other app's signal. A
source is a function `(community, since) -> {user_id: count}` that answers with ONE
aggregate query, so the signals of a whole community cost one query per source, never one
per member.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext, ngettext

SignalSource = Callable[["object", datetime], dict[int, int]]


@dataclass(frozen=True)
class Signal:
    label: str
    source: SignalSource
    # What is "plenty" of this signal for each level over the window (0: not counted).
    # Reaching ANY one signal's threshold is enough: people take part in different ways.
    active: int
    core: int
    # How the journeys page invites toward a level: a lazy plural (ngettext_lazy with
    # "count"), or a pair of plain phrases, one time and {n} times.
    invitation: object
    # Where the signal stands in forms and lists (lower first).
    order: int


_SOURCES: dict[str, Signal] = {}


def register_signal(
    name: str,
    label: str,
    *,
    active: int = 0,
    core: int = 0,
    invitation: object = None,
    order: int = 100,
) -> Callable[[SignalSource], SignalSource]:
    """Register `name` with its wording and default thresholds; the decorated function
    is its source. Without thresholds a signal counts only where a community sets one.
    The label and the invitation may be lazy translations (gettext_lazy; ngettext_lazy
    with "count" for the invitation): they are read in the reader's language."""

    def decorator(func: SignalSource) -> SignalSource:
        phrases = invitation if invitation is not None else (label, "{n} " + label)
        _SOURCES[name] = Signal(label, func, active, core, phrases, order)
        return func

    return decorator


def _registered() -> list[tuple[str, Signal]]:
    return sorted(_SOURCES.items(), key=lambda item: item[1].order)


def signal_sources() -> dict[str, tuple[str, SignalSource]]:
    return {name: (signal.label, signal.source) for name, signal in _registered()}


# --- Computation: signals → suggested moves -------------------------------------------

# Hysteresis: a level is held until every signal falls below this share of its threshold,
# and no outward move is suggested this soon after a move inward.
LOW_WATER = 0.9
GRACE = timedelta(days=30)
LEVELS = ["peripheral", "active", "core"]
# How long with nothing recorded before a step back is suggested, unless a coordinator
# set the community's own (Community.long_absence_days).
LONG_ABSENCE_DEFAULT = 180


@dataclass(frozen=True)
class Move:
    membership_id: int
    user_id: int
    from_level: str
    to_level: str
    signals: dict[str, int]
    evidence: str

    @property
    def is_inward(self) -> bool:
        from .models import Membership

        return Membership.is_inward_move(self.from_level, self.to_level)


def signal_names() -> list[str]:
    """Every signal a threshold can be set for, in the order the apps gave."""
    return [name for name, _signal in _registered()]


def signal_label(name: str) -> str:
    signal = _SOURCES.get(name)
    return str(signal.label) if signal is not None else name.replace("_", " ")


def default_thresholds() -> dict[str, dict[str, int]]:
    """{level: {signal: threshold}} as the registering apps set them."""
    return {
        level: {name: getattr(signal, level) for name, signal in _registered()}
        for level in LEVELS[1:]
    }


def thresholds_for(community) -> dict[str, dict[str, int]]:
    """The community's thresholds: its own overrides on top of the defaults."""
    overrides = community.engagement_thresholds or {}
    result = {}
    for level, defaults in default_thresholds().items():
        merged = dict(defaults)
        for name, value in (overrides.get(level) or {}).items():
            if isinstance(value, int) and value >= 0:
                merged[name] = value
        result[level] = merged
    return result


def community_signals(community, *, now: datetime | None = None) -> dict[int, dict[str, int]]:
    """{user_id: {signal: count}} over the community's rolling window: one aggregate query
    per registered source, whatever the number of members. A missing source counts 0."""
    now = now or timezone.now()
    since = now - timedelta(days=community.engagement_window_days or 90)
    by_user: dict[int, dict[str, int]] = defaultdict(dict)
    for name, signal in _registered():
        for user_id, count in signal.source(community, since).items():
            by_user[user_id][name] = count
    return by_user


def _reaches(signals: dict[str, int], thresholds: dict[str, int], factor: float = 1.0) -> list:
    """The signals that reach `factor` × their (non-zero) threshold."""
    return [
        name
        for name, threshold in thresholds.items()
        if threshold > 0 and signals.get(name, 0) >= threshold * factor
    ]


def evidence_text(signals: dict[str, int], window_days: int) -> str:
    """What the signals were, in words of the active language (kept with the suggestion)."""
    parts = [
        gettext("%(signal)s: %(count)s") % {"signal": signal_label(name), "count": count}
        for name, count in sorted(signals.items())
        if count
    ]
    if not parts:
        return ngettext(
            "nothing recorded in the last day",
            "nothing recorded in the last %(count)s days",
            window_days,
        ) % {"count": window_days}
    return ngettext("%(signals)s (last day)", "%(signals)s (last %(count)s days)", window_days) % {
        "signals": ", ".join(parts),
        "count": window_days,
    }


def suggestion_evidence(suggestion, community) -> str:
    """What a suggested move rests on, in the active language, from the signals kept with
    it (its stored `evidence` was written in the language the refresh ran in: the nightly
    task's, the site's default). A step back rests on nothing recorded over the long
    absence."""
    window = community.engagement_window_days or 90
    if not suggestion.signals and not suggestion.is_inward:
        window = max(community.long_absence_days or LONG_ABSENCE_DEFAULT, window)
    return evidence_text(suggestion.signals or {}, window)


@dataclass(frozen=True)
class Review:
    """What the signals say about a community's members at one moment: the moves they
    suggest, and who is quiet (nothing recorded over the window, past the grace rules)
    or seen (something recorded over the window)."""

    moves: list[Move]
    quiet: set[int]  # membership ids
    seen: set[int]  # membership ids


def community_review(community, *, now: datetime | None = None) -> Review:
    """The signals of every member of `community`, read once.

    Fixed queries: one for the memberships, one per signal source, one for recent inward
    steps, and (only when someone might step back) one per source over the long absence.
    Facilitators and coordinators are left out (Orbit's rule for staff).
    Inward: one level at a time, when any signal reaches the next level's threshold.
    Quiet ("worth a hello"): nothing recorded over the window, and neither an inward move
    nor joining in the last 30 days (the grace rules).
    Outward: one level, only for a quiet member with nothing recorded over the community's
    long absence (180 days unless a coordinator set otherwise) who also falls below 90 %
    of their level's thresholds (the hysteresis). The journeys page offers such a step
    back one at a time (services.move_suggestions_refresh), never in bulk.
    """
    from .models import JourneyStep, Membership

    now = now or timezone.now()
    window = community.engagement_window_days or 90
    members = list(
        Membership.objects.active()
        .filter(community=community, role=Membership.Role.MEMBER)
        .values_list("pk", "user_id", "level", "joined_at")
    )
    signals = community_signals(community, now=now)
    recently_inward = set(
        JourneyStep.objects.inward()
        .filter(membership__community=community, created_at__gte=now - GRACE)
        .values_list("membership_id", flat=True)
    )
    thresholds = thresholds_for(community)
    moves, quiet, seen, outward = [], set(), set(), []
    for membership_id, user_id, level, joined_at in members:
        mine = {name: count for name, count in signals.get(user_id, {}).items() if count}
        further_in = Membership.level_beside(level, 1)
        further_out = Membership.level_beside(level, -1)
        if mine:
            seen.add(membership_id)
        if further_in and _reaches(mine, thresholds[further_in]):
            moves.append(
                Move(membership_id, user_id, level, further_in, mine, evidence_text(mine, window))
            )
            continue
        if mine or membership_id in recently_inward or joined_at >= now - GRACE:
            continue
        quiet.add(membership_id)
        if further_out and not _reaches(mine, thresholds[level], LOW_WATER):
            outward.append((membership_id, user_id, level, further_out))
    if outward:
        absence = community.long_absence_days or LONG_ABSENCE_DEFAULT
        if absence > window:
            since = now - timedelta(days=absence)
            around = {
                user_id
                for _name, signal in _registered()
                for user_id, count in signal.source(community, since).items()
                if count
            }
        else:
            around = set()
        for membership_id, user_id, level, further_out in outward:
            if user_id not in around:
                moves.append(
                    Move(
                        membership_id,
                        user_id,
                        level,
                        further_out,
                        {},
                        evidence_text({}, max(absence, window)),
                    )
                )
    return Review(moves, quiet, seen)


def suggested_moves(community, *, now: datetime | None = None) -> list[Move]:
    """The moves the signals suggest for the members of `community` (community_review)."""
    return community_review(community, now=now).moves


def invitations_toward(community, level: str) -> list[str]:
    """Kind phrases for what would count toward `level` here, for the signals this site
    records. Thresholds of 0 are left out."""
    phrases = []
    for name, n in thresholds_for(community)[level].items():
        if n <= 0 or name not in _SOURCES:
            continue
        invitation = _SOURCES[name].invitation
        if isinstance(invitation, tuple):
            one, many = invitation
            phrases.append(one if n == 1 else many.format(n=n))
        else:
            phrases.append(invitation % {"count": n})
    return phrases


def things_done(signals: dict[str, int]) -> list[str]:
    return [
        gettext("%(signal)s: %(count)s") % {"signal": signal_label(name), "count": n}
        for name, n in sorted(signals.items())
        if n
    ]
