from __future__ import annotations

from django import template
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, ngettext

from core.templatetags.dates import when
from core.templatetags.looks import label, loop_label, person_with_avatar
from reflections.markdown import render_markdown
from reflections.models import Reflection

register = template.Library()


@register.filter
def url_or_empty(obj) -> str:
    """An object's page, or "" while the app that owns that page has not declared it:
    sessions and outcomes are built alongside, so a link appears as soon as they exist."""
    try:
        return obj.get_absolute_url()
    except (NoReverseMatch, AttributeError):
        return ""


@register.filter
def markdown(text: str):
    return render_markdown(text)


@register.simple_tag
def reflection_items(reflections) -> str:
    """The reflections list's items (title, author, date, loop, who sees it, session,
    responses, hidden): written here rather than by a template included once per
    reflection, which had been a fifth of the page. The visibility words are looked up
    once: `get_visibility_display` rebuilds and translates the choices on every call."""
    seen_by = {value: conditional_escape(word) for value, word in Reflection.Visibility.choices}
    not_named = ' · <span class="hint">{}</span>'.format(
        conditional_escape(gettext("members see “a member”"))
    )
    hidden = f' · <span class="badge">{conditional_escape(gettext("hidden"))}</span>'
    items = []
    for reflection in reflections:
        url = conditional_escape(reflection.get_absolute_url())
        created = template_localtime(reflection.created_at)
        meta = [
            person_with_avatar(reflection.author),
            not_named if getattr(reflection, "without_name", False) else "",
            f' · <time datetime="{conditional_escape(when(created, "iso"))}">'
            f"{conditional_escape(when(created, 'date'))}</time>",
        ]
        if reflection.loop_level:
            plain = conditional_escape(reflection.loop_plain)
            meta.append(
                f"\n· {loop_label(reflection.loop_level, reflection.loop_name)} "
                f'<span class="plain">{plain}</span>'
            )
        if reflection.visibility != Reflection.Visibility.COMMUNITY:
            who = seen_by.get(reflection.visibility, conditional_escape(reflection.visibility))
            words = mark_safe(gettext("seen by %(who)s") % {"who": who})  # noqa: S308 -- escaped
            meta.append(f"\n· {label('private', words)}")
        if reflection.session_id:
            meta.append(f"\n· {conditional_escape(reflection.session.title)}")
        if count := getattr(reflection, "response_count", 0):
            words = ngettext("%(n)s response", "%(n)s responses", count) % {"n": count}
            meta.append(f'\n· <a href="{url}#responses">{conditional_escape(words)}</a>')
        if reflection.is_hidden:
            meta.append(hidden)
        items.append(
            '<article class="reflection-item">\n'
            f'<h2 class="h3"><a href="{url}">{conditional_escape(reflection.title)}</a></h2>\n'
            f'<p class="meta">\n{"".join(meta)}\n</p>\n'
            f'<p class="excerpt">{conditional_escape(reflection.excerpt)}</p>\n'
            "</article>"
        )
    # Every word is escaped above; avatars and labels are format_html.
    return mark_safe("\n".join(items))  # noqa: S308
