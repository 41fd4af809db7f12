"""`{% member_rows people %}`: the members page's rows, written here rather than by a
template included once per member: 50 includes (a lookup, a translation and a few tags
each) had been a fifth of the page."""

from __future__ import annotations

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from core.addresses import community_url
from core.templatetags.looks import avatar, label

register = template.Library()


@register.simple_tag(takes_context=True)
def member_rows(context, people) -> str:
    """Each person's row: avatar and name, role in the reader's words (when not a plain
    member), introduction, aspiration (facilitators see every one, others those shown and
    their own), and for facilitators the link to the person's journey, for coordinators
    the role picker."""
    viewer = context["membership"]
    user_id = context["user"].pk
    facilitator, coordinator = viewer.is_facilitator, viewer.is_coordinator
    slug = context["community"].slug
    journeys_url = conditional_escape(context.get("journeys_url", ""))
    csrf = CsrfTokenNode().render(context) if coordinator else ""
    roles = [
        (conditional_escape(value), conditional_escape(word)) for value, word in context["roles"]
    ]
    role_words = dict(roles)
    rows = []
    for m in people:
        name = conditional_escape(m.user.name)
        person = f'{avatar(m.user)}<span class="member-name">{name}</span>'
        parts = [f'<li><span class="person">{person}</span>']
        if m.role != "member":
            parts.append(label("role", role_words.get(m.role, m.role)))
        if m.introduction:
            introduction = conditional_escape(m.introduction)
            parts.append(f'<span class="introduction">{introduction}</span>')
        if m.aspiration and (facilitator or m.show_aspiration or m.user_id == user_id):
            parts.append(
                f'<span class="aspiration">“{conditional_escape(m.aspiration_display)}”</span>'
            )
        if facilitator:
            words = gettext('journey<span class="visually-hidden"> of %(name)s</span>')
            parts.append(f'<a href="{journeys_url}?member={m.pk}">{words % {"name": name}}</a>')
        if coordinator:
            action = conditional_escape(community_url("communities:member_role", slug, m.pk))
            options = "".join(
                f'<option value="{value}"{" selected" if value == m.role else ""}>{word}</option>'
                for value, word in roles
            )
            role_of = gettext("Role of %(name)s") % {"name": name}
            set_role = gettext('Set role<span class="visually-hidden"> of %(name)s</span>')
            parts.append(
                f'<form method="post" action="{action}" class="inline role-form">{csrf}'
                f'<label for="role-{m.pk}" class="visually-hidden">{role_of}</label>'
                f'<select name="role" id="role-{m.pk}">{options}</select>'
                f'<button type="submit" class="secondary">{set_role % {"name": name}}</button>'
                "</form>"
            )
        parts.append("</li>")
        rows.append("\n".join(parts))
    # Every word is escaped above; avatars, labels and the token are format_html.
    return mark_safe("".join(rows))  # noqa: S308
