"""Engagement signals: pluggable counts of what each member did in a rolling window.

Each app registers its sources here (in its AppConfig.ready). A source is a function
`(community, since) -> {user_id: count}` that answers with ONE aggregate query, so the
signals of a whole community cost one query per source, never one per member.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

SignalSource = Callable[["object", datetime], dict[int, int]]

_SOURCES: dict[str, tuple[str, SignalSource]] = {}


def register_signal(name: str, label: str) -> Callable[[SignalSource], SignalSource]:
    def decorator(func: SignalSource) -> SignalSource:
        _SOURCES[name] = (label, func)
        return func

    return decorator


def signal_sources() -> dict[str, tuple[str, SignalSource]]:
    return dict(_SOURCES)


# --- Computation: signals → suggested moves -------------------------------------------

# Each level names what is "plenty" of each signal over the window: reaching ANY one of
# them is enough, because people take part in different ways. A 0 means "not counted".
DEFAULT_THRESHOLDS: dict[str, dict[str, int]] = {
    "active": {
        "sessions_attended": 3,
        "sessions_facilitated": 1,
        "reflections_shared": 2,
        "work_shared": 1,
        "reviews_given": 2,
    },
    "core": {
        "sessions_attended": 6,
        "sessions_facilitated": 2,
        "reflections_shared": 5,
        "work_shared": 3,
        "reviews_given": 5,
    },
}
SIGNAL_LABELS: dict[str, str] = {
    "sessions_attended": "sessions attended",
    "sessions_facilitated": "sessions facilitated",
    "reflections_shared": "reflections shared",
    "work_shared": "pieces of work shared",
    "reviews_given": "peer reviews given",
}
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
        return LEVELS.index(self.to_level) > LEVELS.index(self.from_level)


def signal_names() -> list[str]:
    """Every signal a threshold can be set for: the known ones, then any registered."""
    names = list(SIGNAL_LABELS)
    return names + [name for name in _SOURCES if name not in names]


def signal_label(name: str) -> str:
    if name in _SOURCES:
        return _SOURCES[name][0]
    return SIGNAL_LABELS.get(name, name.replace("_", " "))


def thresholds_for(community) -> dict[str, dict[str, int]]:
    """The community's thresholds: its own overrides on top of the defaults."""
    overrides = community.engagement_thresholds or {}
    result = {}
    for level, defaults in DEFAULT_THRESHOLDS.items():
        merged = {name: defaults.get(name, 0) for name in signal_names()}
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
    for name, (_label, source) in signal_sources().items():
        for user_id, count in source(community, since).items():
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
        rank = LEVELS.index(level)
        to_level = None
        if rank + 1 < len(LEVELS) and _reaches(mine, thresholds[LEVELS[rank + 1]]):
            to_level = LEVELS[rank + 1]
        elif (
            rank > 0
            and membership_id not in recently_inward
            and joined_at < now - GRACE
            and not _reaches(mine, thresholds[level], LOW_WATER)
        ):
            to_level = LEVELS[rank - 1]
        if to_level is not None:
            moves.append(
                Move(membership_id, user_id, level, to_level, mine, evidence_text(mine, window))
            )
    return moves


# Ways toward a level, worded as invitations: any one is plenty, none is required.
INVITATION_PHRASES: dict[str, tuple[str, str]] = {
    "sessions_attended": ("coming along to a session", "coming along to {n} sessions"),
    "sessions_facilitated": ("facilitating a session", "facilitating {n} sessions"),
    "reflections_shared": ("sharing a reflection", "sharing {n} reflections"),
    "work_shared": ("sharing a piece of work for peer review", "sharing {n} pieces of work"),
    "reviews_given": ("giving a peer review", "giving {n} peer reviews"),
}


def invitations_toward(community, level: str) -> list[str]:
    """Kind phrases for what would count toward `level` here, for the signals this site
    records. Thresholds of 0 are left out."""
    phrases = []
    for name, n in thresholds_for(community)[level].items():
        if n <= 0 or name not in _SOURCES:
            continue
        one, many = INVITATION_PHRASES.get(name, (signal_label(name), "{n} " + signal_label(name)))
        phrases.append(one if n == 1 else many.format(n=n))
    return phrases


def things_done(signals: dict[str, int]) -> list[str]:
    return [f"{signal_label(name)}: {n}" for name, n in sorted(signals.items()) if n]
