"""Form widgets shared by the apps."""

from __future__ import annotations

import html

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


class QuickSelect(forms.Select):
    """A <select> whose options are written in Python, with the same markup as Django's.

    Django's select template includes one template per option. For a select of every
    member of a large community (the journeys page's manual move: hundreds of options)
    those includes were over half of the page's server time at the benchmark's scale.
    The options skip Django's per-option dictionaries and format_html too (its lazy-aware
    escaping costs more than the rest of an option): they are escaped with the standard
    library, as Django's own escape() does, and a label that is already safe is kept.
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        # The base Widget context: name and attributes, without building every option.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        if self.allow_multiple_selected:
            widget["attrs"]["multiple"] = True
        chosen = set(widget["value"])
        has_selected = False
        parts = []
        for option_value, option_label in self.choices:
            if isinstance(option_label, (list, tuple)):
                parts.append(f'<optgroup label="{_escape(option_value)}">')
                options, closing = option_label, "</optgroup>"
            else:
                options, closing = (
                    [("" if option_value is None else option_value, option_label)],
                    "",
                )
            for subvalue, sublabel in options:
                text = str(subvalue)
                selected = (not has_selected or self.allow_multiple_selected) and text in chosen
                has_selected |= selected
                parts.append(
                    f'<option value="{_escape(text)}"{" selected" if selected else ""}>'
                    f"{_escape(sublabel)}</option>"
                )
            parts.append(closing)
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(parts)),  # noqa: S308 -- every part above is escaped.
        )


def _escape(text) -> str:
    """Django's conditional_escape without its lazy-string wrapper."""
    if hasattr(text, "__html__"):
        return text.__html__()
    return html.escape(str(text))


class ValuesChoiceIterator(ModelChoiceIterator):
    """A ModelChoiceField's options read with values_list, without a model per option.

    The field gives `label_fields` (the columns a label needs) and `label_from_values`
    (the label from them). Validation is untouched: the field still checks a submitted
    value with its queryset.

    The rows are fetched in one go, not through `.iterator()` as Django's iterator does:
    on PostgreSQL that opens a server-side cursor (DECLARE, FETCH until empty, CLOSE: four
    round trips for a select of a hundred sessions, three times the time of one query).
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, *values in self.queryset.values_list("pk", *self.field.label_fields):
            yield (pk, self.field.label_from_values(*values))


class QuickModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField for long selects (every member, every session): its options come
    from two or three columns, not from full model instances. Pair with QuickSelect."""

    iterator = ValuesChoiceIterator

    def __init__(self, *args, label_fields: tuple[str, ...], label_from_values, **kwargs):
        self.label_fields = label_fields
        self.label_from_values = label_from_values
        kwargs.setdefault("widget", QuickSelect)
        super().__init__(*args, **kwargs)
