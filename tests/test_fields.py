"""core.fields.optional_link: an optional link that outlives its target."""

from __future__ import annotations

import pytest
from django.db import models

from core.fields import optional_link
from reflections.models import Reflection
from tests.factories import ReflectionFactory, SessionFactory


def test_an_optional_link_is_the_same_field_as_one_written_out():
    short = optional_link("outcomes.Outcome", related_name="+", verbose_name="the outcome")
    full = models.ForeignKey(
        "outcomes.Outcome",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="the outcome",
    )

    assert short.deconstruct()[1:] == full.deconstruct()[1:]


@pytest.mark.django_db
def test_deleting_the_target_keeps_the_row_and_empties_the_link():
    session = SessionFactory()
    reflection = ReflectionFactory(community=session.community, session=session)

    session.delete()

    assert Reflection.objects.get(pk=reflection.pk).session is None
