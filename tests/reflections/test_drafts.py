"""What an autosaved draft keeps is derived from the reflection's own fields."""

from __future__ import annotations

from reflections.forms import DRAFT_FIELDS, ReflectionForm, prompt_field_name
from reflections.models import PROMPTS, REFLECTION_FIELDS


def test_a_draft_keeps_every_written_field_with_answers_as_one_field_per_prompt():
    prompts = [prompt_field_name(key) for group in PROMPTS.values() for key, _ in group]

    assert "answers" in REFLECTION_FIELDS
    assert "answers" not in DRAFT_FIELDS
    assert DRAFT_FIELDS[7:] == ["confidence", *prompts]
    assert DRAFT_FIELDS[:7] == [
        "title", "loop_level", "body", "session", "outcome", "follow_up_of", "visibility",
    ]  # fmt: skip


def test_every_draft_field_is_a_field_of_the_reflection_form(community):
    form = ReflectionForm(community=community)

    assert set(DRAFT_FIELDS) <= set(form.fields)
