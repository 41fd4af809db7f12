"""sessions.forms.minutes_within_a_day: a session's and an agenda item's length rule."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sessions.forms import minutes_within_a_day


def check(minutes):
    # `too_long` is a whole sentence (one translatable phrase), the most a day holds in it.
    return minutes_within_a_day(
        minutes, too_short="Too short.", too_long="At most a day (%(minutes)s minutes)."
    )


@pytest.mark.parametrize("minutes", [1, 90, 1440])
def test_a_length_from_one_minute_to_a_day_is_kept(minutes):
    assert check(minutes) == minutes


@pytest.mark.parametrize(
    ("minutes", "message"),
    [(None, "Too short."), (0, "Too short."), (1441, "At most a day (1440 minutes).")],
)
def test_a_length_outside_is_refused_with_the_callers_words(minutes, message):
    with pytest.raises(ValidationError) as refused:
        check(minutes)

    assert refused.value.messages == [message]
