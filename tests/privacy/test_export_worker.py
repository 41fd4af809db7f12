"""A real worker builds the export through the broker (not eager mode): the request only
queues it, and the worker makes the zip and sends the one email."""

from __future__ import annotations

import pytest
from django.core import mail

from privacy.exports import export_request
from privacy.models import Export
from tests.test_worker import real_worker, wait_for  # noqa: F401 -- the worker fixture.

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_an_export_asked_for_is_built_by_a_worker_and_emailed_once(real_worker, alice):  # noqa: F811 -- the fixture imported above.
    export, created = export_request(user=alice)

    built = wait_for(lambda: Export.objects.get(pk=export.pk).status == Export.Status.READY)

    assert created
    assert built, "the worker never built the export"
    assert wait_for(lambda: len(mail.outbox) == 1)
    assert mail.outbox[0].to == [alice.email]
    assert Export.objects.get(pk=export.pk).file.storage.exists(
        Export.objects.get(pk=export.pk).file.name
    )
