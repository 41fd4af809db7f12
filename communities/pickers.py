"""Choosing people of a community without listing everyone (issue 14, "Pickers that scale").

One piece, written once, for every place a person is chosen from a community's members:
co-facilitators, walk-in attendance, an action's owner, the manual journey move, the
reflections' author filter (and, later, @mentions).

- `members_matching` finds at most `SEARCH_LIMIT` active members by display name or the
  local part of their email address (never the domain: "example" must not find everyone);
- `MemberField` / `MembersField` accept member ids and validate that each is an active
  member of the community (anything else is a field error, never a 500);
- their widget, `MemberPicker`, renders a search box, a "Find" button and the people to
  choose from as radio buttons or checkboxes: the ones already chosen (checked) and the
  ones matching the search. With htmx, typing asks `/c/<slug>/members/search/` for the same
  choices (the `choices` partial of the same template); without JavaScript, "Find" sends the
  whole form, which comes back as typed with the matching people to choose from;
- `FindsMembers` is the form mixin that makes such a "Find" re-render, never a save;
- `purpose_for` names who may search for what: refusals are 404, like every other page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.forms.utils import ErrorDict
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .models import Community, Membership

SEARCH_LIMIT = 10
"""The most people a search offers: type more of the name to narrow it."""
QUERY_MAX = 100
"""A search longer than any name is cut here (a pasted page is not a name)."""
FIND = "find"
"""The name of a picker's "Find" button; its value is the picker field's name."""
# What a picker field's name may be when it comes back in the search endpoint's query.
_FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,60}")
# At most this many ids are read from one request (chosen people, or people listed
# elsewhere on the page): more is a hand-made request, and the rest are ignored.
_IDS_MAX = 500


@dataclass(frozen=True, slots=True)
class Purpose:
    """What a picker chooses people for: who may search (`role`, None for any active
    member), whether several people are chosen, whether the facilitator-only level shows
    beside each name, and the choice that means "nobody in particular" (a filter's)."""

    role: str | None
    multiple: bool = False
    shows_level: bool = False
    empty_label: str = ""


FACILITATOR = Membership.Role.FACILITATOR
PURPOSES: dict[str, Purpose] = {
    "cofacilitator": Purpose(role=FACILITATOR, multiple=True),
    "attendance": Purpose(role=FACILITATOR, multiple=True),
    "move": Purpose(role=FACILITATOR, shows_level=True),
    "owner": Purpose(role=None),
    "author": Purpose(role=None, empty_label=_("Anyone")),
    "mention": Purpose(role=None, multiple=True),
    # A review round's facilitator reassigns a review or adds a reviewer (reviews app).
    "reviewer": Purpose(role=FACILITATOR, shows_level=True),
    # Mentoring: a facilitator pairs a mentor with a newcomer (communities.mentoring).
    "mentor": Purpose(role=FACILITATOR, shows_level=True),
    "buddy": Purpose(role=FACILITATOR, shows_level=True),
}


def purpose_for(name: str) -> Purpose:
    """The named purpose, or 404 (a hand-made ?for=)."""
    try:
        return PURPOSES[name]
    except KeyError:
        raise Http404("No such search.") from None


def search_text(value: str) -> str:
    """A search box's text, trimmed and cut to `QUERY_MAX`; NUL characters (which
    PostgreSQL refuses in a query parameter) are dropped."""
    return value.replace("\x00", "").strip()[:QUERY_MAX]


def field_name(value: str) -> str:
    """A picker field's name as the search endpoint receives it, or 404."""
    if not _FIELD_NAME.fullmatch(value):
        raise Http404("No such field.")
    return value


def member_ids(values: Iterable) -> list[int]:
    """The ids among `values` (users, or ids as text or numbers); junk is dropped."""
    ids = []
    for value in list(values)[:_IDS_MAX]:
        if isinstance(value, User):
            ids.append(value.pk)
        elif isinstance(value, int):
            ids.append(value)
        elif isinstance(value, str) and value.isdecimal() and len(value) < 19:
            # isdecimal, not isdigit: "²" is a digit that int() refuses; under 19 digits
            # fits a bigint.
            ids.append(int(value))
    return list(dict.fromkeys(ids))


def _members(community: Community):
    return (
        Membership.objects.active()
        .filter(community=community)
        .select_related("user")
        .order_by("user__display_name", "user__email", "pk")
    )


def members_matching(
    community: Community, query: str, *, exclude: Iterable[int] = (), limit: int = SEARCH_LIMIT
) -> list[Membership]:
    """Up to `limit` active members whose display name or email local part contains
    `query` (case-insensitive), by name; none for an empty query. One query."""
    query = search_text(query)
    if not query:
        return []
    return list(_members(community).named_like(query).exclude(user_id__in=list(exclude))[:limit])


def members_chosen(community: Community, ids: Iterable[int]) -> list[Membership]:
    """The active members among `ids`, by name (others' ids are simply not there)."""
    ids = list(ids)
    if not ids:
        return []
    return list(_members(community).filter(user_id__in=ids))


def choices_context(
    *,
    community: Community,
    purpose_name: str,
    name: str,
    query: str,
    chosen_ids: list[int],
    listed: Iterable[int] = (),
) -> dict:
    """What the `choices` partial shows: the chosen people (checked) and up to
    `SEARCH_LIMIT` more who match `query`, leaving out anyone `listed` elsewhere on the
    page (the attendance page's RSVPs). Two queries at most."""
    purpose = PURPOSES[purpose_name]
    listed = set(listed)
    chosen = members_chosen(community, [pk for pk in chosen_ids if pk not in listed])
    found = members_matching(
        community,
        query,
        exclude=[*chosen_ids, *listed],
        limit=SEARCH_LIMIT + 1,
    )
    return {
        "name": name,
        "picker_id": f"id_{name}",
        "query": query,
        "purpose": purpose,
        "input_type": "checkbox" if purpose.multiple else "radio",
        "chosen": chosen,
        "matches": found[:SEARCH_LIMIT],
        "more": len(found) > SEARCH_LIMIT,
    }


def found_sentence(context: dict) -> str:
    """What the live region says after a search: how many people match."""
    query, count = context["query"], len(context["matches"])
    if not query:
        return ""
    if not count:
        return gettext("Nobody here matches “%(query)s”.") % {"query": query}
    if context["more"]:
        return ngettext(
            "%(count)s person matches “%(query)s” (and more: type more of the name).",
            "%(count)s people match “%(query)s” (and more: type more of the name).",
            count,
        ) % {"count": count, "query": query}
    return ngettext(
        "%(count)s person matches “%(query)s”.", "%(count)s people match “%(query)s”.", count
    ) % {"count": count, "query": query}


class MemberPicker(forms.Widget):
    """A search box, a "Find" button and radio buttons or checkboxes of people (the module
    docstring). `community`, `purpose` and `query` are set by the field's `bind`."""

    template_name = "communities/includes/member_picker.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.community: Community | None = None
        self.purpose = ""
        self.query = ""
        self.listed: set[int] = set()

    @property
    def allow_multiple_selected(self) -> bool:
        return bool(self.purpose) and PURPOSES[self.purpose].multiple

    def value_from_datadict(self, data, files, name):
        if self.allow_multiple_selected:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        # An unticked set of checkboxes sends nothing: that means "nobody", not "omitted".
        return False if self.allow_multiple_selected else name not in data

    def id_for_label(self, id_):
        # The field's label names its search box, the one control a person types into.
        return f"{id_}_q" if id_ else id_

    def format_value(self, value):
        if value is None or value == "":
            return []
        if isinstance(value, (str, int, User)):
            value = [value]
        return member_ids(value)

    def render(self, name, value, attrs=None, renderer=None):
        if self.community is None:
            raise RuntimeError("A MemberPicker renders only once its field is bound.")
        context = choices_context(
            community=self.community,
            purpose_name=self.purpose,
            name=name,
            query=self.query,
            chosen_ids=self.format_value(value),
            listed=self.listed,
        )
        search_url = reverse("communities:member_search", args=[self.community.slug])
        query = f"?for={self.purpose}&name={name}"
        query += "".join(f"&except={pk}" for pk in sorted(self.listed))
        context.update(
            {
                "search_url": search_url + query,
                "describedby": (attrs or {}).get("aria-describedby", ""),
                "find": FIND,
            }
        )
        return render_to_string(self.template_name, context)


class _Bindable:
    """What both picker fields share: `bind` scopes them to one community."""

    not_a_member = _("Choose someone who is an active member of this community.")

    def __init__(self, *, purpose: str, **kwargs):
        purpose_for(purpose)
        kwargs.setdefault("widget", MemberPicker)
        given = kwargs.get("error_messages", {})
        super().__init__(queryset=User.objects.none(), **kwargs)
        self.purpose = purpose
        self.widget.purpose = purpose
        for key in ("invalid_choice", "invalid_pk_value"):
            if key not in given:
                self.error_messages[key] = self.not_a_member

    def bind(self, community: Community, *, query: str = "", listed: Iterable[int] = ()):
        """Accept active members of `community` only; the widget shows the choices for
        `query`, leaving out anyone `listed` elsewhere on the page."""
        self.queryset = User.objects.filter(
            memberships__community=community, memberships__status=Membership.Status.ACTIVE
        ).order_by("display_name", "email")
        self.widget.community = community
        self.widget.query = search_text(query)
        self.widget.listed = set(listed)


class MemberField(_Bindable, forms.ModelChoiceField):
    """One active member of the community, chosen with a `MemberPicker`."""


class MembersField(_Bindable, forms.ModelMultipleChoiceField):
    """Active members of the community, chosen with a `MemberPicker`."""

    not_a_member = _("Choose people who are active members of this community.")


def pickers_bind(form: forms.BaseForm, community: Community, **listed: Iterable[int]) -> None:
    """Scope every picker field of `form` to `community`, with the search its person typed
    (`<field>_q` in the form's data); `listed` gives, per field name, the people the page
    shows elsewhere."""
    for name, field in form.fields.items():
        if isinstance(field, _Bindable):
            query = form.data.get(f"{form.add_prefix(name)}_q", "") if form.is_bound else ""
            field.bind(community, query=query, listed=listed.get(name, ()))


class FindsMembers:
    """A form with pickers whose "Find" button was pressed is shown again as typed: it is
    neither saved (`is_valid` is False) nor judged (no errors for what is not finished)."""

    @property
    def finding(self) -> bool:
        if not self.is_bound:
            return False
        pickers = {self.add_prefix(n) for n, f in self.fields.items() if isinstance(f, _Bindable)}
        return self.data.get(FIND) in pickers

    def full_clean(self):
        if self.finding:
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()

    def is_valid(self) -> bool:
        return not self.finding and super().is_valid()
