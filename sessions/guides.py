"""A short facilitation guide for each kind of agenda item and built-in plan, shown to
facilitators in the planner (a <details> they open when they want it). Plain words, no
rules: what helps a room, in a few lines each."""

from __future__ import annotations

FACILITATION_GUIDES = [
    (
        "show_and_tell",
        "Show and tell",
        [
            "Ask for unfinished work: it invites more help than polished work.",
            "Keep each share short and timed; say the time kindly before it runs out.",
            "Questions come before opinions; then “yes, and…”, building on what was shown.",
        ],
    ),
    (
        "clinic",
        "Clinic on real work",
        [
            "Choose the projects at the start, with their owners' yes.",
            "The owner keeps the pen: the room asks and sketches, the owner decides.",
            "Close with what each owner will try next, in their words.",
        ],
    ),
    (
        "round",
        "Round (everyone speaks once)",
        [
            "Read the order aloud once; a shuffled order means nobody always goes first.",
            "Say plainly that passing is fine, and come back to anyone who passed at the end.",
            "Hold the time gently for everyone alike, the confident voices too.",
            "Don't note who spoke: the round is for hearing, not for keeping score.",
        ],
    ),
    (
        "retro",
        "Retro that ends in actions",
        [
            "Quiet writing first, so the first voice doesn't set the tone for all.",
            "Talk about the work and the system, never about who is to blame.",
            "Leave with few actions, each with a name beside it and recorded as an action.",
        ],
    ),
    (
        "reflect",
        "Reflect",
        [
            "Leave real time for it: a few quiet minutes at the end, not the last seconds.",
            "Offer a prompt: what did you notice, what will you try?",
            "Sharing is optional; writing a reflection afterwards counts just as much.",
        ],
    ),
]
