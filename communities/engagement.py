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

SignalSource = Callable[["object", datetime], dict[int, int]]


@dataclass(frozen=True)
class Signal:
    label: str
    source: SignalSource
    # What is "plenty" of this signal for each level over the window (0: not counted).
    # Reaching ANY one signal's threshold is enough: people take part in different ways.
    active: int
    core: int
    # How the journeys page invites toward a level: one time, and {n} times.
    invitation: tuple[str, str]
    # Where the signal stands in forms and lists (lower first).
    order: int


_SOURCES: dict[str, Signal] = {}


def register_signal(
    name: str,
    label: str,
    *,
    active: int = 0,
    core: int = 0,
    invitation: tuple[str, str] | None = None,
    order: int = 100,
) -> Callable[[SignalSource], SignalSource]:
    """Register `name` with its wording and default thresholds; the decorated function
    is its source. Without thresholds a signal counts only where a community sets one."""

    def decorator(func: SignalSource) -> SignalSource:
        phrases = invitation or (label, "{n} " + label)
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
    return signal.label if signal is not None else name.replace("_", " ")


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
    parts = [f"{signal_label(name)}: {count}" for name, count in sorted(signals.items()) if count]
    if not parts:
        return f"nothing recorded in the last {window_days} days"
    return ", ".join(parts) + f" (last {window_days} days)"


def suggested_moves(community, *, now: datetime | None = None) -> list[Move]:
    """The moves the signals suggest for every member of `community`.

    Fixed queries: one for the memberships, one per signal source, one for recent inward
    steps. Facilitators and coordinators are left out of movement (Orbit's rule for staff).
    Inward: one level at a time, when any signal reaches the next level's threshold.
    Outward: one level, only when every signal is below 90 % of the current level's
    thresholds and the member has neither moved inward nor joined in the last 30 days.
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
    moves = []
    for membership_id, user_id, level, joined_at in members:
        mine = {name: count for name, count in signals.get(user_id, {}).items() if count}
        further_in = Membership.level_beside(level, 1)
        further_out = Membership.level_beside(level, -1)
        to_level = None
        if further_in and _reaches(mine, thresholds[further_in]):
            to_level = further_in
        elif (
            further_out
            and membership_id not in recently_inward
            and joined_at < now - GRACE
            and not _reaches(mine, thresholds[level], LOW_WATER)
        ):
            to_level = further_out
        if to_level is not None:
            moves.append(
                Move(membership_id, user_id, level, to_level, mine, evidence_text(mine, window))
            )
    return moves


def invitations_toward(community, level: str) -> list[str]:
    """Kind phrases for what would count toward `level` here, for the signals this site
    records. Thresholds of 0 are left out."""
    phrases = []
    for name, n in thresholds_for(community)[level].items():
        if n <= 0 or name not in _SOURCES:
            continue
        one, many = _SOURCES[name].invitation
        phrases.append(one if n == 1 else many.format(n=n))
    return phrases


def things_done(signals: dict[str, int]) -> list[str]:
    return [f"{signal_label(name)}: {n}" for name, n in sorted(signals.items()) if n]
