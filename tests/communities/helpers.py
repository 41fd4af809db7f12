from __future__ import annotations

from communities import engagement


def only_test_signal(active: int = 10, core: int = 20) -> dict:
    """Thresholds that count only the test signal, so real sources change nothing."""
    zeros = dict.fromkeys(engagement.signal_names(), 0)
    return {
        "active": {**zeros, "test_attended": active},
        "core": {**zeros, "test_attended": core},
    }
