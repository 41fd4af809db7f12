from __future__ import annotations

# The outcome page's tests use peer review's cast (a community with an agreed outcome,
# attendees, a facilitator and people from outside), so both describe the same world.
from tests.reviews.conftest import cast  # noqa: F401 -- a pytest fixture, used by name.
