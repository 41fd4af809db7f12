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


@pytest.mark.django_db
def test_my_journey_page_says_an_active_member(client, riverside, alice):
    membership = alice.memberships.get(community=riverside)
    membership.level = "active"
    membership.save()
    client.force_login(alice)

    response = client.get(f"/c/{riverside.slug}/me/")

    assert response.status_code == 200
    assert "You're an <strong>active</strong> member" in response.content.decode()
