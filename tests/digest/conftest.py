from __future__ import annotations

from tests.outcomes.pages import review_pages  # noqa: F401 -- a fixture for review links.
