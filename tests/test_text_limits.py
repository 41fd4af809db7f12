"""Every limit on what people write comes from core.text: a column and its form agree."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from communities.forms import InvitationForm, JoinRequestForm
from communities.models import Community, Invitation, Membership
from core import text
from outcomes.models import Outcome
from reflections.models import BODY_MAX_CHARS, Action, Reflection
from reviews.forms import ReplyForm, WorkForm
from reviews.models import ReviewReply, SharedWork
from sessions.models import AgendaItem, Session


@pytest.mark.parametrize(
    ("model", "field", "limit"),
    [
        (Community, "domain", text.SHORT_TEXT_MAX),
        (Community, "purpose", text.TEXT_MAX),
        (Membership, "request_note", text.NOTE_MAX),
        (Invitation, "message", text.NOTE_MAX),
        (Outcome, "why", text.SHORT_TEXT_MAX),
        (Session, "description", text.LONG_TEXT_MAX),
        (AgendaItem, "description", text.TEXT_MAX),
        (SharedWork, "description", text.TEXT_MAX),
        (ReviewReply, "body", text.TEXT_MAX),
        (Reflection, "body", text.LONG_TEXT_COLUMN_MAX),
        (Action, "description", text.TEXT_MAX),
    ],
)
def test_each_column_takes_its_limit_from_core_text(model, field, limit):
    assert model._meta.get_field(field).max_length == limit


def test_the_values_are_the_ones_the_columns_were_created_with():
    # Changing one needs a migration in every app using it (makemigrations --check fails).
    assert (text.LONG_TEXT_MAX, text.TEXT_MAX, text.SHORT_TEXT_MAX, text.NOTE_MAX) == (
        20_000,
        4_000,
        2_000,
        1_000,
    )
    assert text.LONG_TEXT_COLUMN_MAX > text.LONG_TEXT_MAX == BODY_MAX_CHARS
    # A draft keeps more of a field than any column holds, so it never loses a body.
    assert text.DRAFT_FIELD_MAX > text.LONG_TEXT_COLUMN_MAX


@pytest.mark.parametrize(
    ("form", "field", "limit"),
    [
        (JoinRequestForm, "note", text.NOTE_MAX),
        (InvitationForm, "message", text.NOTE_MAX),
        (WorkForm, "description", text.TEXT_MAX),
        (ReplyForm, "body", text.TEXT_MAX),
    ],
)
def test_forms_refuse_one_character_over_the_limit(form, field, limit):
    assert form.base_fields[field].clean("x" * limit) == "x" * limit
    with pytest.raises(ValidationError):
        form.base_fields[field].clean("x" * (limit + 1))
