"""How the domain apps contribute to pages and jobs they do not own, without importing
each other: each app may provide a module with known function names, collected here.

The contributing apps and their order are settings.PLUGIN_APPS: settings names them because
core, below every app, names none. impact comes last, so its demo history builds on every
other app's demo content.

- `<app>/panels.py`: `home_panel(request)`, `community_panel(request, access)`,
  `session_panel(request, access, session)` and `work_panel(request, access, work)` (the
  page of a piece of shared work) return a Panel (a template and its context) or
  None. Each panel costs a fixed number of queries. `access` is what
  `communities.access.community_for` returns (the community and the viewer's membership);
  the community and session panels return None when the viewer is not a member: pages
  public to non-members (an open community's sessions, a leader passing by) never show
  them what the members wrote.
- `settings_panel(request)` adds a section to the person's settings page (`/settings/`),
  so accounts shows what other apps keep about a person without importing them.
- `<app>/export.py`: `person_export(user)` and `community_export(community)`, the parts an
  app beside privacy adds to the exports' zips (see ExportPart).
- `<app>/demo.py`: `seed(people)` for seed_demo (see accounts/management/commands/seed_demo.py).
- `<app>/digest.py`: `digest_sections(members, period)` for the digest email.
- `<app>/nav.py`: `COMMUNITY_TABS` and `SITE_TABS`, lists of NavTab: the community
  navigation's tabs (rendered by communities' `{% community_nav %}`) and the site header's
  (rendered by core's `{% site_nav %}`), so communities and base.html name no higher app's
  URLs. `community_tabs()` and `site_tabs()` gather them, sorted by `order`. Its
  `OUTCOME_LINKS`, a list of OutcomeLink, are the links shown with an outcome (outcomes'
  `{% outcome_links %}`), gathered by `outcome_links()`.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.db.models import QuerySet
    from django.http import HttpRequest

from django.conf import settings
from django.utils.translation import gettext_lazy as _


@dataclass
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 50


NavRole = Literal["facilitator", "coordinator", "leader", "organisation"]


@dataclass(frozen=True)
class NavTab:
    """One navigation tab an app contributes.

    `url_name` is reversed with the community's slug for a community tab, with no argument
    for a site tab. `role` None shows the tab to every member (community) or every signed-in
    person (site); "facilitator"/"coordinator" to members with that role; "leader" to
    people whose `is_leader` is true; "organisation" to those who lead or administer an
    organisation (`is_leader` or `is_organisation_admin`). The tab is marked
    `aria-current="page"` when the current view's name is in `current_names` (empty: never
    marked)."""

    label: str
    url_name: str
    order: int
    role: NavRole | None = None
    current_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class OutcomeLink:
    """A link a higher app offers with the outcomes (outcomes' list and page), reversed
    with the community's slug. With `for_each_outcome` it is about one outcome and carries
    `?outcome=<pk>` (reflect on it); without, it is about them all (the alignment map)."""

    label: str
    url_name: str
    order: int
    for_each_outcome: bool = False


def _tabs(attribute: str) -> list:
    tabs = [tab for module in app_modules("nav") for tab in getattr(module, attribute, ())]
    return sorted(tabs, key=lambda tab: tab.order)


def community_tabs() -> list[NavTab]:
    """Every app's community navigation tabs (`<app>/nav.py` COMMUNITY_TABS), by order."""
    return _tabs("COMMUNITY_TABS")


def site_tabs() -> list[NavTab]:
    """Every app's site header tabs (`<app>/nav.py` SITE_TABS), by order."""
    return _tabs("SITE_TABS")


def outcome_links() -> list[OutcomeLink]:
    """Every app's links shown with the outcomes (`<app>/nav.py` OUTCOME_LINKS), by order."""
    return _tabs("OUTCOME_LINKS")


def app_modules(module_name: str) -> Iterator[ModuleType]:
    """Each contributing app's `<app>.<module_name>` that exists, in settings.PLUGIN_APPS
    order. The apps are named in settings, not here, because core sits below every app and
    must not know them."""
    for app in settings.PLUGIN_APPS:
        name = f"{app}.{module_name}"
        if importlib.util.find_spec(name) is not None:
            yield importlib.import_module(name)


def collect_panels(function_name: str, *args) -> list[Panel]:
    """Every app's panels for the hook `function_name` (e.g. "session_panel"), by order.
    An app offers one panel by defining a function of that name, or several by listing
    them in its module's `PANELS = {"session_panel": [function, …]}`."""
    panels = []
    for module in app_modules("panels"):
        functions = getattr(module, "PANELS", {}).get(function_name)
        if functions is None:
            function = getattr(module, function_name, None)
            functions = [function] if function is not None else []
        for function in functions:
            if (panel := function(*args)) is not None:
                panels.append(panel)
    return sorted(panels, key=lambda panel: panel.order)


# --- Hooks: a lower app asks, the higher app that owns the answer registers it ---------
# Each is registered once, in the owning app's AppConfig.ready(), so a lower layer never
# imports upward (accounts cannot import communities, communities cannot import sessions).

# (request, email) -> True when something the higher app issued vouches for the address,
# e.g. a community invitation followed from that address's inbox (communities).
_email_vouchers: list[Callable[[HttpRequest, str], bool]] = []

# () -> the scheduled, future sessions of the community `OuterRef("pk")`, soonest first,
# for a Subquery over communities (sessions).
_upcoming_sessions: list[Callable[[], QuerySet]] = []


# purpose → the URL name (reversed with a community's slug) of the page a higher app owns
# for it, e.g. "reflect" → reflections' new-reflection form: a lower app links to it by
# what it is for (`link_for`), never by the higher app's URL name.
_links: dict[str, str] = {}


def register_link(purpose: str, url_name: str) -> None:
    _links[purpose] = url_name


def link_for(purpose: str, slug: str, **query: Any) -> str | None:
    """The path of the page registered for `purpose` in the community `slug`, with `query`
    as its query string (e.g. `link_for("reflect", slug, session=7)`); None when no app
    registered one."""
    from django.urls import reverse
    from django.utils.http import urlencode

    url_name = _links.get(purpose)
    if url_name is None:
        return None
    path = reverse(url_name, kwargs={"slug": slug})
    return f"{path}?{urlencode(query)}" if query else path


# purpose → the URL name (reversed without arguments) of a site-wide page a higher app owns,
# e.g. "search" → the search page: base.html and lower apps link to it by purpose.
_site_links: dict[str, str] = {}


def register_site_link(purpose: str, url_name: str) -> None:
    _site_links[purpose] = url_name


def site_link_for(purpose: str) -> str | None:
    """The path of the site-wide page registered for `purpose`; None when no app did."""
    from django.urls import reverse

    url_name = _site_links.get(purpose)
    return reverse(url_name) if url_name else None


# purpose → (URL name, its keyword for the slug) of a page a higher app owns for one
# organisation, e.g. "dashboard" → impact's organisation portfolio: the organisations'
# page (communities) links to it by purpose.
_organisation_links: dict[str, tuple[str, str]] = {}


def register_organisation_link(purpose: str, url_name: str, slug_kwarg: str = "slug") -> None:
    _organisation_links[purpose] = (url_name, slug_kwarg)


def organisation_link_for(purpose: str, slug: str) -> str | None:
    """The path of the page registered for `purpose` of the organisation `slug`; None when
    no app registered one."""
    from django.urls import reverse

    if purpose not in _organisation_links:
        return None
    url_name, slug_kwarg = _organisation_links[purpose]
    return reverse(url_name, kwargs={slug_kwarg: slug})


# Row annotations: a higher app adds a figure to the rows of a lower app's list, inside the
# list's own query (a subquery per row, never a query per row). kind ("work", "session") →
# functions (queryset, access, user) → the queryset annotated; e.g. reflections adds
# `response_count` to the peer-review page's shared work and the sessions list.
_row_annotations: dict[str, list[Callable[..., QuerySet]]] = {}


def register_row_annotation(kind: str, annotate: Callable[..., QuerySet]) -> None:
    functions = _row_annotations.setdefault(kind, [])
    if annotate not in functions:
        functions.append(annotate)


def annotate_rows(kind: str, queryset: QuerySet, access: Any, user: Any) -> QuerySet:
    """`queryset` (rows of `kind`) with every registered app's annotations for `user`."""
    for annotate in _row_annotations.get(kind, []):
        queryset = annotate(queryset, access, user)
    return queryset


# (kind, obj, by) -> None: a lower app saved a text people may be @mentioned in (reviews:
# "review_reply"), and the app that records mentions (reflections) takes it from there.
_text_saved: list[Callable[..., None]] = []


def register_text_saved(handler: Callable[..., None]) -> None:
    if handler not in _text_saved:
        _text_saved.append(handler)


def text_saved(kind: str, obj: Any, *, by: Any) -> None:
    """Tell every registered app that `by` saved the text `obj` (of `kind`)."""
    for handler in _text_saved:
        handler(kind, obj, by=by)


def register_email_voucher(voucher: Callable[[HttpRequest, str], bool]) -> None:
    if voucher not in _email_vouchers:
        _email_vouchers.append(voucher)


def email_vouched_for(request: HttpRequest, email: str) -> bool:
    """Whether any registered app vouches that `email` belongs to whoever sent `request`."""
    return any(voucher(request, email) for voucher in _email_vouchers)


# Who must use a second factor, by role (settings.COPSITE_MFA_REQUIRED_FOR names roles):
# each app that knows a role registers how to tell a person holds it.
_mfa_roles: dict[str, Callable[[Any], bool]] = {}


def register_mfa_role(role: str, holds: Callable[[Any], bool]) -> None:
    """`holds(user)` says whether a signed-in person holds `role` ("coordinators"…)."""
    _mfa_roles[role] = holds


def holds_any_role(user: Any, roles: Iterable[str]) -> bool:
    """Whether `user` holds one of `roles`, by the apps that registered them."""
    return any(role in _mfa_roles and _mfa_roles[role](user) for role in roles)


def register_upcoming_sessions(query: Callable[[], QuerySet]) -> None:
    _upcoming_sessions[:] = [query]


def upcoming_sessions_of_outer_community() -> QuerySet | None:
    """The registered query of a community's next sessions (for a Subquery on
    `OuterRef("pk")`), or None when no app provides sessions."""
    return _upcoming_sessions[0]() if _upcoming_sessions else None


# (community, limit) -> the community's next scheduled sessions, soonest first, each with
# `title`, `starts_at` and `get_absolute_url()` (sessions): what a check-in lists.
_coming_up: list[Callable[[Any, int], list]] = []


def register_coming_up(query: Callable[[Any, int], list]) -> None:
    _coming_up[:] = [query]


def coming_up(community, limit: int = 3) -> list:
    """The community's next few sessions (one query), or [] when no app provides them."""
    return _coming_up[0](community, limit) if _coming_up else []


# --- Checklists: steps a lower app shows, ticked off by what people did in higher apps --
# communities draws two checklists, and each step's app registers it (in AppConfig.ready()):
# - "first_steps": the "first steps here" card on a new member's home, one per community
#   (say hello, RSVP to the next session, read two recent reflections, write a first one);
# - "setup": the coordinator's setup checklist on a new community's home (what we care
#   about, purpose, a first outcome proposal, a first session, invitations).

Checklist = Literal["first_steps", "setup"]


@dataclass(frozen=True)
class ChecklistStep:
    """One step of a checklist.

    `done(memberships)` receives a list of Membership rows (for "first_steps", the
    person's own memberships; for "setup", a coordinator's membership of each community,
    with `community` selected) and returns the pks of those whose step is done. It must
    cost a fixed number of queries (most cost one, some none) however many memberships it
    is given, so a home with many communities costs the same as one. `url_name` is
    reversed with the community's slug, `fragment` (without "#") appended; `hint` is one
    line under the label."""

    key: str
    label: str
    order: int
    done: Callable[[list[Any]], set[int]]
    url_name: str
    fragment: str = ""
    hint: str = ""


_checklists: dict[str, dict[str, ChecklistStep]] = {"first_steps": {}, "setup": {}}


def register_checklist_step(checklist: Checklist, step: ChecklistStep) -> None:
    """Add (or, under the same key, replace) a step of `checklist`."""
    _checklists[checklist][step.key] = step


def register_first_step(key: str, label: str, order: int, **kwargs: Any) -> None:
    """A step of the "first steps here" card (ChecklistStep's fields as keywords)."""
    register_checklist_step("first_steps", ChecklistStep(key, label, order, **kwargs))


def register_setup_step(key: str, label: str, order: int, **kwargs: Any) -> None:
    """A step of a new community's setup checklist (ChecklistStep's fields as keywords)."""
    register_checklist_step("setup", ChecklistStep(key, label, order, **kwargs))


def checklist_steps(checklist: Checklist) -> list[ChecklistStep]:
    """The registered steps of `checklist`, by order."""
    return sorted(_checklists[checklist].values(), key=lambda step: step.order)


def memberships_in(memberships: list[Any], pairs: set[tuple[int, int]]) -> set[int]:
    """The pks of `memberships` whose (user_id, community_id) is in `pairs`: what a step's
    `done` returns after one grouped query over every membership it was given."""
    return {m.pk for m in memberships if (m.user_id, m.community_id) in pairs}


def memberships_who_have(
    memberships: list[Any], rows: QuerySet, *, person: str, community: str
) -> set[int]:
    """The pks of `memberships` whose person has one of `rows` in their community: `person`
    and `community` name the rows' fields that hold their ids (e.g. "author_id",
    "community_id"). A first step's `done`, in one query; `rows` may be grouped and
    filtered first (e.g. "at least two")."""
    pairs = set(
        rows.filter(
            **{
                f"{person}__in": {m.user_id for m in memberships},
                f"{community}__in": {m.community_id for m in memberships},
            }
        ).values_list(person, community)
    )
    return memberships_in(memberships, pairs)


def memberships_whose_community_has(memberships: list[Any], rows: QuerySet) -> set[int]:
    """The pks of `memberships` whose community has at least one of `rows` (a queryset of
    a model with a `community` field): a setup step's `done`, in one query."""
    having = set(
        rows.filter(community_id__in={m.community_id for m in memberships}).values_list(
            "community_id", flat=True
        )
    )
    return {m.pk for m in memberships if m.community_id in having}


# --- Notification kinds: accounts records and emails them, each app registers its own ----
# Every in-site notification has a kind. The app that raises it registers the kind (in
# AppConfig.ready()) with its label for the settings page, whether its email goes out
# immediately, waits for the digest or is not sent by default, and whether a person may
# turn it off. accounts (below every app) reads the registry and never names an app.

EmailChoice = Literal["immediately", "digest", "never"]
EMAIL_CHOICES: tuple[tuple[EmailChoice, str], ...] = (
    ("immediately", _("Email me at once")),
    ("digest", _("In my digest")),
    ("never", _("Don't email me")),
)


@dataclass(frozen=True)
class NotificationKind:
    """One kind of notification.

    `default_email` is the email choice of everyone who has not chosen. A kind that may not
    be turned off (`may_turn_off` False, e.g. a cancelled session one RSVP'd to) is always
    emailed at once, whatever the person chose; `locked_reason` says why on the settings
    page. `digest_elsewhere`: another digest section already carries this news (reviews
    waiting, celebrations), so the digest's "notifications" section leaves it out rather
    than say it twice. `hint`: a line under the choice on the settings page."""

    key: str
    label: str
    default_email: EmailChoice
    may_turn_off: bool = True
    locked_reason: str = ""
    digest_elsewhere: bool = False
    order: int = 50
    hint: str = ""

    @property
    def choices(self) -> tuple[tuple[EmailChoice, str], ...]:
        """The email choices a person has for this kind (only "at once" when locked)."""
        if not self.may_turn_off:
            return EMAIL_CHOICES[:1]
        return EMAIL_CHOICES


_notification_kinds: dict[str, NotificationKind] = {}


def register_notification_kind(
    key: str, label: str, default_email: EmailChoice, may_turn_off: bool = True, **kwargs: Any
) -> NotificationKind:
    """Add (or, under the same key, replace) a kind of notification (NotificationKind's
    other fields as keywords). The key is at most 40 characters: it is stored with each
    notification and each person's choice."""
    if len(key) > 40:
        raise ValueError(f"A notification kind's key is at most 40 characters: {key!r}")
    if default_email not in dict(EMAIL_CHOICES):
        raise ValueError(f"Unknown email choice {default_email!r} for {key!r}")
    if not may_turn_off and default_email != "immediately":
        raise ValueError(f"{key!r} may not be turned off, so it is emailed immediately")
    kind = NotificationKind(key, label, default_email, may_turn_off, **kwargs)
    _notification_kinds[key] = kind
    return kind


def notification_kinds() -> list[NotificationKind]:
    """Every registered kind, by order then label."""
    return sorted(_notification_kinds.values(), key=lambda kind: (kind.order, kind.label))


def notification_kind(key: str) -> NotificationKind | None:
    return _notification_kinds.get(key)


# --- Search: what each app lets people find ----------------------------------------------
# The search page (the search app, above every app) asks every registered provider; each
# app registers its own in AppConfig.ready(), so later apps (responses…) join by
# registering theirs.


@dataclass(frozen=True)
class SearchProvider:
    """One kind of thing search finds (reflections, sessions…).

    `visible(user)` returns the rows `user` may see, in every community, scoped by the
    app's access module: search never decides visibility itself. The rows have a
    `community` and, on PostgreSQL, the stored search vector core.search.AddSearchVector
    keeps (its migration weighs the same fields: `title_field` "A", `text_fields` after).
    On SQLite the search falls back to `icontains` over the title, the text fields and
    `fallback_lookups` (e.g. a session's agenda item titles). `text_fields` also make the
    snippet. `loop_field` names the loop level, for kinds that have one; `date_field` the
    date results are filtered and shown by. `order` orders the kind filter, where `label`
    names the kind ("Reflections"); `noun` names one result ("reflection").

    A kind without a title of its own (a response) leaves `title_field` empty and gives
    `title`: a function returning the expression of the title shown ("Response to …",
    over what it answers); it is shown, never matched on. `loop_field` may cross a
    relation (a response's is its reflection's level). `related` names the relations
    loaded with each row shown (select_related) that its link needs beyond its community
    (a response's link is on the page of what it answers)."""

    label: str
    order: int
    visible: Callable[[Any], QuerySet]
    noun: str
    title_field: str
    text_fields: tuple[str, ...]
    date_field: str = "created_at"
    loop_field: str | None = None
    fallback_lookups: tuple[str, ...] = ()
    title: Callable[[], Any] | None = None
    related: tuple[str, ...] = ()
    # The same rows as `visible`, given the user's communities as ids (core.search.Among):
    # for a kind with many rows, whose rule PostgreSQL plans better over known ids.
    visible_among: Callable[[Any, Any], QuerySet] | None = None


_search_providers: dict[str, SearchProvider] = {}


def register_search(kind: str, provider: SearchProvider) -> None:
    """Add (or, under the same kind, replace) what search finds of `kind`."""
    _search_providers[kind] = provider


def search_providers() -> dict[str, SearchProvider]:
    """Every registered kind and its provider, by order."""
    return dict(sorted(_search_providers.items(), key=lambda item: item[1].order))


# --- Exports: what each higher app adds to a person's or a community's zip ---------------
# privacy builds the exports (`/settings/export/`, a community's) from the apps below it;
# an app beside it (impact) adds its own part through `<app>/export.py`:
# `person_export(user)` and `community_export(community)` each return a list of ExportPart.


@dataclass(frozen=True)
class ExportPart:
    """Files an app adds to an export: `path` (a file, or a folder ending in "/") and
    `about` are listed in the zip's README with how many `files` ((name, text) pairs) it
    holds."""

    path: str
    about: str
    files: list[tuple[str, str]] = field(default_factory=list)


def export_parts(function_name: str, *args: Any) -> list[ExportPart]:
    """Every contributing app's parts for `function_name` ("person_export" or
    "community_export"), in settings.PLUGIN_APPS order."""
    parts: list[ExportPart] = []
    for module in app_modules("export"):
        function = getattr(module, function_name, None)
        if function is not None:
            parts.extend(function(*args))
    return parts


def front_matter(fields: dict[str, Any]) -> str:
    """A Markdown file's YAML front matter for `fields` (empty values left out), each value
    written as a JSON scalar or list, which YAML reads back as written: a title with a
    colon or a quote stays one string."""
    import json

    lines = ["---"]
    for key, value in fields.items():
        if value in (None, "", []):
            continue
        lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    lines.append("---")
    return "\n".join(lines) + "\n\n"


# (community ids) -> None: a lower app changed rows of these communities in bulk (an
# UPDATE, which sends no save signal) that figures over closed months may count (a held
# session moved or cancelled, reviews released, check-ins answered): impact forgets the
# figures it stored for them.
_rows_changed: list[Callable[..., None]] = []


def register_rows_changed(handler: Callable[..., None]) -> None:
    if handler not in _rows_changed:
        _rows_changed.append(handler)


def rows_changed(community_ids: Iterable[int] | Any) -> None:
    """Tell every registered app that rows of these communities (ids, or a queryset of
    ids) changed without a save signal."""
    for handler in _rows_changed:
        handler(community_ids)
