"""The three templates every community starts with: plain data, so both the service that
gives them to a new community (services.builtin_templates_create) and the data migration
that gave them to the communities already there read the same plans.

Each opens with "Review our open actions" and closes with "Reflect" (the learning loop's
bookends, AgendaItem.Kind), in the words the planner's bookend buttons use. Kinds are the
stored values of AgendaItem.Kind, written out so the migration imports no model.

The words are marked for translation but kept in English here (gettext_noop): a new
community's templates are written in the language of the person who made it
(`builtin_template_in_words`), and the migration keeps the English it always gave.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

REVIEW = {
    "title": gettext_noop("Review our open actions"),
    "minutes": 10,
    "kind": "review_actions",
    "description": gettext_noop(
        "What did we say we'd try last time? A quick round: done, under way, or let go — "
        "each is fine, and each is worth hearing."
    ),
}
REFLECT = {
    "title": gettext_noop("Reflect"),
    "minutes": 10,
    "kind": "reflect",
    "description": gettext_noop(
        "What will you take from today? A line or two while it's fresh: what you noticed, "
        "what you'd like to try."
    ),
}


def _activity(title: str, minutes: int, description: str) -> dict:
    return {"title": title, "minutes": minutes, "kind": "activity", "description": description}


BUILTIN_TEMPLATES = [
    {
        "builtin": "show_and_tell",
        "name": gettext_noop("Show and tell"),
        "title_pattern": gettext_noop("Show and tell, {date}"),
        "duration_minutes": 60,
        "description": gettext_noop(
            "Bring something you've made or tried — finished or not — and show it. We listen, "
            "ask, and say what it sparks for us."
        ),
        "items": [
            REVIEW,
            _activity(
                gettext_noop("Show: a few of us share something we've made or tried"),
                30,
                gettext_noop(
                    "Five minutes each: what it is, what you were going for, where you're unsure. "
                    "Unfinished work is very welcome."
                ),
            ),
            _activity(
                gettext_noop("Questions and “yes, and…”"),
                10,
                gettext_noop(
                    "Curious questions first, then what it sparks for you: build on it rather than "
                    "judge it."
                ),
            ),
            REFLECT,
        ],
    },
    {
        "builtin": "clinic",
        "name": gettext_noop("Clinic on real work"),
        "title_pattern": gettext_noop("Clinic on real work, {date}"),
        "duration_minutes": 90,
        "description": gettext_noop(
            "Instead of just a chat, a live, messy working session on a couple of real "
            "projects: we look at real work together and help it along."
        ),
        "items": [
            REVIEW,
            _activity(
                gettext_noop("Pick two real projects"),
                5,
                gettext_noop(
                    "Who is stuck on something right now? Choose a couple of real projects to "
                    "work on together."
                ),
            ),
            _activity(
                gettext_noop("Live, messy work on the first project"),
                30,
                gettext_noop(
                    "Its owner talks it through; we map, sketch and ask as we go. "
                    "Messy is the point."
                ),
            ),
            _activity(
                gettext_noop("Live, messy work on the second project"),
                25,
                gettext_noop(
                    "The same again with the second project, using what we learned on the first."
                ),
            ),
            _activity(
                gettext_noop("What we noticed"),
                10,
                gettext_noop("What showed up in both? What would each owner like to try next?"),
            ),
            REFLECT,
        ],
    },
    {
        "builtin": "retro",
        "name": gettext_noop("Retro that ends in actions"),
        "title_pattern": gettext_noop("Retro, {date}"),
        "duration_minutes": 60,
        "description": gettext_noop(
            "We look back together at how things went, and leave with a few small actions "
            "that someone has said yes to."
        ),
        "items": [
            REVIEW,
            _activity(
                gettext_noop("What went well, what was hard"),
                15,
                gettext_noop(
                    "Everyone writes notes quietly first, then we read them aloud. We look at the "
                    "work, never at who is to blame."
                ),
            ),
            _activity(
                gettext_noop("Themes"),
                10,
                gettext_noop(
                    "Group the notes and choose the two or three themes that matter most to us."
                ),
            ),
            _activity(
                gettext_noop("Actions we'll try"),
                15,
                gettext_noop(
                    "For each theme, one small action with a name beside it. Record them as "
                    "actions, so the next session opens by reviewing them."
                ),
            ),
            REFLECT,
        ],
    },
]


def builtin_template_in_words(plan: dict) -> dict:
    """`plan` with its words in the active language (its kinds and minutes as they are)."""
    words = ("name", "title_pattern", "description")
    return {
        **plan,
        **{key: gettext(plan[key]) for key in words},
        "items": [
            {**item, "title": gettext(item["title"]), "description": gettext(item["description"])}
            for item in plan["items"]
        ],
    }
