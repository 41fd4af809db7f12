import pytest
from django.template import Context, Template

from core.templatetags.words import indefinite_article


@pytest.mark.parametrize(
    ("word", "article"),
    [("active", "an"), ("core", "a"), ("peripheral", "a"), ("inbound", "an"),
     ("outsider", "an"), ("facilitator", "a"), ("coordinator", "a"), ("member", "a"),
     ("single", "a"), ("double", "a"), ("triple", "a"), ("user", "a"), ("hour", "an")],
)  # fmt: skip
def test_the_article_follows_the_sound(word, article):
    assert indefinite_article(word) == article


def test_the_filter_writes_you_re_an_active_member():
    template = Template("{% load words %}You're {{ level|with_article }} member")
    assert template.render(Context({"level": "active"})) == "You're an active member"
