"""QuickSelect writes exactly the markup Django's Select template would."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django import forms

from core.widgets import QuickSelect

CHOICES = [
    ("", "Anyone"),
    ("1", "Ana & <Bo>"),
    ("Later", [("2", 'Cy "quoted"'), ("3", "Di")]),
]


class Both(forms.Form):
    django = forms.ChoiceField(choices=CHOICES, widget=forms.Select(attrs={"class": "k"}))
    quick = forms.ChoiceField(choices=CHOICES, widget=QuickSelect(attrs={"class": "k"}))


class Parsed(HTMLParser):
    """The markup as (tag, sorted attributes) and text events: attribute order is not
    markup a browser sees."""

    def __init__(self):
        super().__init__()
        self.events: list = []

    def handle_starttag(self, tag, attrs):
        self.events.append((tag, sorted(attrs)))

    def handle_endtag(self, tag):
        self.events.append(("/" + tag,))

    def handle_data(self, data):
        if data.strip():
            self.events.append(("text", data))


def normalised(html, name: str) -> list:
    parsed = Parsed()
    parsed.feed(str(html).replace(name, "x"))
    return parsed.events


@pytest.mark.parametrize("value", ["", "1", "3", "nope"])
def test_quick_select_renders_like_djangos_select(value):
    form = Both({"django": value, "quick": value})

    assert normalised(form["quick"], "quick") == normalised(form["django"], "django")


def test_quick_select_escapes_labels_and_marks_the_choice():
    html = str(Both({"quick": "2"})["quick"])

    assert "Ana &amp; &lt;Bo&gt;" in html
    assert '<optgroup label="Later"><option value="2" selected>' in html
    assert "required" in html


@pytest.mark.django_db
def test_quick_model_choice_field_renders_like_a_model_choice_field():
    from accounts.models import User
    from core.widgets import QuickModelChoiceField
    from tests.factories import UserFactory

    UserFactory(display_name="Ana & <Bo>", email="ana@example.org")
    chosen = UserFactory(display_name="", email="cy.d@example.org")

    class People(forms.Form):
        django = forms.ModelChoiceField(
            queryset=User.objects.order_by("email"), widget=QuickSelect, empty_label="Anyone"
        )
        quick = QuickModelChoiceField(
            queryset=User.objects.order_by("email"),
            label_fields=("display_name", "email"),
            label_from_values=User.name_from,
            empty_label="Anyone",
        )

    form = People({"django": chosen.pk, "quick": chosen.pk})

    assert normalised(form["quick"], "quick") == normalised(form["django"], "django")
    assert "cy.d</option>" in str(form["quick"])
    assert form.is_valid()
    assert form.cleaned_data["quick"] == chosen


@pytest.mark.django_db
def test_quick_model_choice_field_refuses_a_value_outside_its_queryset():
    from accounts.models import User
    from core.widgets import QuickModelChoiceField
    from tests.factories import UserFactory

    inside, outside = UserFactory(), UserFactory()

    class People(forms.Form):
        quick = QuickModelChoiceField(
            queryset=User.objects.filter(pk=inside.pk),
            label_fields=("display_name", "email"),
            label_from_values=User.name_from,
        )

    assert People({"quick": inside.pk}).is_valid()
    assert not People({"quick": outside.pk}).is_valid()
