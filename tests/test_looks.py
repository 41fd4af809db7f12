"""How people and communities look (core/looks.py, core/templatetags/looks.py): initials,
a colour picked from the name that never changes, a palette whose every colour carries its
text at WCAG AA contrast, and labels that say their meaning in words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Template

from core.looks import PALETTE, TONE_TEXT, initials, tone_for, validate_emoji

CSS = Path(settings.BASE_DIR, "static", "css", "site.css").read_text()


def render(source: str, **context) -> str:
    return Template("{% load looks %}" + source).render(Context(context))


class Person:
    def __init__(self, name: str):
        self.name = name


def luminance(colour: str) -> float:
    """WCAG 2.2 relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    red, green, blue = linear
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula_matches_known_ratios():
    # The formula itself can fail: black on white is 21:1, a colour on itself 1:1.
    assert round(contrast("#000000", "#ffffff"), 2) == 21.0
    assert contrast("#245f73", "#245f73") == 1.0
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54


@pytest.mark.parametrize("key", PALETTE)
def test_every_palette_colour_carries_its_text_at_aa_contrast(key):
    _label, background = PALETTE[key]

    assert contrast(background, TONE_TEXT) >= 4.5


@pytest.mark.parametrize("key", PALETTE)
def test_the_stylesheet_draws_each_palette_colour_as_written(key):
    rule = re.search(rf"\.tone-{key} \{{ --tone: (#[0-9a-f]{{6}}); \}}", CSS)

    assert rule is not None
    assert rule.group(1) == PALETTE[key][1]


def test_the_stylesheet_writes_white_text_on_the_palette():
    rule = re.search(r"\.avatar, \.community-mark, \.swatch \{[^}]*color: (#[0-9a-f]{6})", CSS)

    assert rule.group(1) == TONE_TEXT


def test_tone_is_the_same_for_the_same_name_whatever_its_case_or_spacing():
    assert tone_for("Ada Okafor") == tone_for("ada okafor") == tone_for("  Ada Okafor ")
    assert tone_for("Ada Okafor") in PALETTE


def test_tones_spread_over_the_palette():
    names = [f"Person {n}" for n in range(200)]

    assert {tone_for(name) for name in names} == set(PALETTE)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ada", "A"),
        ("Ada Lovelace", "AL"),
        ("ada king lovelace", "AL"),
        ("priya.new", "PN"),
        ("élodie Durand", "ÉD"),
        ("Kai Müller", "KM"),
        ("山田 太郎", "山太"),
        ("Ωmega", "Ω"),
        ("(Bob) 'Smith'", "BS"),
        ("straße", "S"),
        ("e\u0301mile", "É"),
        ("", "?"),
        ("   ", "?"),
        (None, "?"),
    ],
)
def test_initials(name, expected):
    assert initials(name) == expected


def test_avatar_shows_the_initials_on_the_colour_of_the_name_hidden_from_screen_readers():
    html = render("{% avatar person %}", person=Person("Ada Lovelace"))

    assert html == (
        f'<span class="avatar tone-{tone_for("Ada Lovelace")}" data-initials="AL" '
        'aria-hidden="true"></span>'
    )


def test_avatar_is_the_same_for_a_person_and_their_name():
    assert render("{% avatar p %}", p=Person("Mina Member")) == render('{% avatar "Mina Member" %}')


def test_avatar_of_a_nameless_person_is_a_question_mark():
    html = render("{% avatar person %}", person=Person(""))

    assert 'data-initials="?"' in html


def test_avatar_escapes_the_initials():
    # Neither word has a letter, so each gives its first character: a quote.
    html = render("{% avatar person %}", person=Person('"> <>'))

    assert 'data-initials="&quot;&lt;"' in html


def test_avatar_sizes():
    assert "avatar-small" in render('{% avatar "Ada" "small" %}')
    assert "avatar-" not in render('{% avatar "Ada" "huge" %}')


@pytest.mark.parametrize("value", ["", "🌱", "🗺️", "⚖️", "👩🏽‍🔬", "🏳️‍🌈", "🇬🇧", "👨‍👩‍👧"])
def test_one_emoji_is_accepted(value):
    validate_emoji(value)


@pytest.mark.parametrize(
    "value",
    ["a", "Hi", "🌱 plants", "🌱🌱🌱🌱🌱🌱🌱🌱🌱", "1", "🌱\x00", "\x00", "<b>", "🌱 "],
)
def test_anything_but_one_short_emoji_is_refused(value):
    with pytest.raises(ValidationError):
        validate_emoji(value)


def test_a_label_says_its_meaning_in_words_beside_a_hidden_icon():
    html = render('{% label "done" "done" %}')

    assert html.startswith('<span class="badge"><svg ')
    assert 'aria-hidden="true"' in html
    assert html.endswith("</svg>done</span>")


@pytest.mark.parametrize(("level", "rings"), [("single", 1), ("double", 2), ("triple", 3)])
def test_a_loop_label_draws_as_many_rings_as_loops(level, rings):
    html = render("{% loop_label level name %}", level=level, name=f"{level} loop")

    assert html.count("<circle") == rings
    assert f"{level} loop</span>" in html


def test_a_status_label_escapes_its_text():
    html = render("{% status_label s t %}", s="done", t="<i>done</i>")

    assert "&lt;i&gt;done&lt;/i&gt;" in html
