from __future__ import annotations

from .pages import review_pages  # noqa: F401 -- a fixture, shared with this folder's tests.
