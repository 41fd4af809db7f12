"""How people and communities look: one small palette, initials, and a community's emoji.

Every palette colour carries white text at WCAG AA contrast (4.5:1 or more; the tests
compute it), so an avatar's initials and a community's mark are readable whatever colour
a name lands on. The colours live here once; static/css/site.css has one `.tone-<key>`
rule per key (the tests check the two agree), because the site's content security policy
allows no inline styles.
"""

from __future__ import annotations

import unicodedata
import zlib

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The text colour on every palette colour.
TONE_TEXT = "#ffffff"

# key → (label, background). Keys are stored (Community.colour): never rename one.
PALETTE: dict[str, tuple[str, str]] = {
    "teal": (_("Teal"), "#245f73"),
    "green": (_("Green"), "#1f6b3a"),
    "blue": (_("Blue"), "#1d4ed8"),
    "violet": (_("Violet"), "#6d28d9"),
    "plum": (_("Plum"), "#86198f"),
    "rose": (_("Rose"), "#be123c"),
    "rust": (_("Rust"), "#9a3412"),
    "amber": (_("Amber"), "#b45309"),
}
TONE_CHOICES = [(key, label) for key, (label, _hex) in PALETTE.items()]
DEFAULT_TONE = "teal"

# A community's emoji: one emoji, which may be a sequence (a flag, a skin tone, a family
# joined by zero-width joiners) of a few code points, but never words.
EMOJI_MAX = 8
# Unicode categories an emoji sequence is made of: symbols, combining and enclosing marks
# (variation selectors, keycaps), and format characters (the zero-width joiner, tags).
_EMOJI_CATEGORIES = {"So", "Sk", "Mn", "Me", "Cf"}


def tone_for(name: str) -> str:
    """The palette key for `name`: the same name always gets the same colour (crc32 of
    its case-folded NFC form, not Python's per-process `hash`)."""
    text = unicodedata.normalize("NFC", str(name or "")).casefold().strip()
    keys = list(PALETTE)
    return keys[zlib.crc32(text.encode("utf-8")) % len(keys)]


def _first_letter(word: str) -> str:
    """The word's first letter or digit (skipping quotes, brackets, @…), upper-cased to
    one character; the first character when it has no letter at all."""
    chosen = next((ch for ch in word if ch.isalnum()), word[:1])
    return chosen.upper()[:1]


def initials(name: str) -> str:
    """Up to two initials: "Ada" → "A", "Ada Lovelace" → "AL", "Ada King Lovelace" → "AL",
    "priya.new" → "PN"; "?" when there is no name at all."""
    text = unicodedata.normalize("NFC", str(name or "")).strip()
    words = text.split()
    if len(words) == 1:
        # A name taken from an email address ("priya.new") reads as two words.
        words = [part for part in words[0].replace("_", ".").split(".") if part] or words
    if not words:
        return "?"
    if len(words) == 1:
        return _first_letter(words[0])
    return _first_letter(words[0]) + _first_letter(words[-1])


def validate_emoji(value: str) -> None:
    """One emoji (or none): short, and made only of symbol code points, so a community's
    mark can never be a sentence, a letter or a control character."""
    if not value:
        return
    if len(value) > EMOJI_MAX:
        raise ValidationError(_("Choose one emoji, or leave this empty."), code="emoji_long")
    if any(unicodedata.category(ch) not in _EMOJI_CATEGORIES for ch in value):
        raise ValidationError(
            _("Only an emoji fits here (no letters, numbers or spaces)."), code="emoji_text"
        )
