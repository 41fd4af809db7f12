"""The pages here are rendered in French and Spanish; LocaleMiddleware leaves the last
request's language active on the thread, so each test ends back in the default language
(a later test on the same worker then reads English labels, as it expects)."""

from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    yield
    translation.deactivate()
