"""The length limits of what people write, in one place: models, forms and views of every
app take their `max_length` from here, so a body is never allowed by a form and refused by
its column (or the reverse).

The values are those the columns were created with; changing one needs a migration in each
app whose model uses it."""

# A reflection's body or a session's description: long enough for a real essay, short
# enough that rendering, previews and exports stay quick.
LONG_TEXT_MAX = 20_000
# The column a reflection's body is stored in: room above LONG_TEXT_MAX, which its form
# enforces with a kind message, so a body saved before the limit tightened still loads.
LONG_TEXT_COLUMN_MAX = 50_000
# What an autosaved draft keeps of one field: cut, never refused (a draft is not checked),
# and above every column so a draft never loses what its reflection could hold.
DRAFT_FIELD_MAX = 60_000
# A description (agenda item, shared work, action, community purpose), a review's answer,
# a reply, a prompt's answer.
TEXT_MAX = 4_000
# A community's domain, an outcome's "why it matters".
SHORT_TEXT_MAX = 2_000
# A note: a request to join, an invitation's message, a level move's note.
NOTE_MAX = 1_000
# One line about oneself: a member's introduction, shown beside their name on the members
# page.
LINE_MAX = 160
