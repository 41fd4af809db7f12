"""A short facilitation guide for each kind of agenda item and built-in plan, shown to
facilitators in the planner (a <details> they open when they want it). Plain words, no
rules: what helps a room, in a few lines each."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

FACILITATION_GUIDES = [
    (
        "show_and_tell",
        _("Show and tell"),
        [
            _("Ask for unfinished work: it invites more help than polished work."),
            _("Keep each share short and timed; say the time kindly before it runs out."),
            _("Questions come before opinions; then “yes, and…”, building on what was shown."),
        ],
    ),
    (
        "clinic",
        _("Clinic on real work"),
        [
            _("Choose the projects at the start, with their owners' yes."),
            _("The owner keeps the pen: the room asks and sketches, the owner decides."),
            _("Close with what each owner will try next, in their words."),
        ],
    ),
    (
        "round",
        pgettext_lazy("speaking turns", "Round (everyone speaks once)"),
        [
            _("Read the order aloud once; a shuffled order means nobody always goes first."),
            _("Say plainly that passing is fine, and come back to anyone who passed at the end."),
            _("Hold the time gently for everyone alike, the confident voices too."),
            _("Don't note who spoke: the round is for hearing, not for keeping score."),
        ],
    ),
    (
        "retro",
        _("Retro that ends in actions"),
        [
            _("Quiet writing first, so the first voice doesn't set the tone for all."),
            _("Talk about the work and the system, never about who is to blame."),
            _("Leave with few actions, each with a name beside it and recorded as an action."),
        ],
    ),
    (
        "reflect",
        _("Reflect"),
        [
            _("Leave real time for it: a few quiet minutes at the end, not the last seconds."),
            _("Offer a prompt: what did you notice, what will you try?"),
            _("Sharing is optional; writing a reflection afterwards counts just as much."),
        ],
    ),
]
