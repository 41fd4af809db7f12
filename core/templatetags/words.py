"""`{{ word|with_article }}`: "a core member", "an active member". Levels, roles and loop
levels are words that follow an article in sentences; this picks the right one."""

from __future__ import annotations

from django import template

register = template.Library()

# Words that start with a vowel letter but a consonant sound, and the reverse.
_A_BEFORE = ("uni", "use", "usu", "one", "eu")
_AN_BEFORE = ("hour", "honest", "honour")


def indefinite_article(word: str) -> str:
    """ "a" or "an" for `word`, by how it sounds (for the words copsite uses)."""
    lowered = str(word).strip().lower()
    if lowered.startswith(_AN_BEFORE):
        return "an"
    if lowered.startswith(_A_BEFORE):
        return "a"
    return "an" if lowered[:1] in "aeiou" and lowered else "a"


@register.filter
def with_article(word) -> str:
    """The word after its indefinite article: "an active", "a facilitator"."""
    return f"{indefinite_article(word)} {word}"


@register.filter
def article(word) -> str:
    """Only the article, for a word the template marks up itself: "an <strong>active</strong>"."""
    return indefinite_article(word)
