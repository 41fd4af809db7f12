"""core.transactions.after_commit: the one on-commit pattern."""

from __future__ import annotations

import pytest
from django.db import transaction

from core.transactions import after_commit

pytestmark = pytest.mark.django_db


def test_runs_on_commit_with_the_arguments_bound_when_asked(django_capture_on_commit_callbacks):
    calls = []
    value = {"id": 1}
    with django_capture_on_commit_callbacks(execute=True):
        after_commit(calls.append, value["id"])
        value["id"] = 2  # changed after asking: the bound argument stays
        assert calls == []  # not before the commit

    assert calls == [1]


def test_keyword_arguments_reach_the_function(django_capture_on_commit_callbacks):
    calls = []
    with django_capture_on_commit_callbacks(execute=True):
        after_commit(lambda **kw: calls.append(kw), delivery_ids=[3, 4])

    assert calls == [{"delivery_ids": [3, 4]}]


@pytest.mark.django_db(transaction=True)
def test_never_runs_when_the_transaction_rolls_back():
    calls = []
    with pytest.raises(RuntimeError), transaction.atomic():
        after_commit(calls.append, 1)
        raise RuntimeError

    assert calls == []
    with transaction.atomic():
        after_commit(calls.append, 2)
    assert calls == [2]
