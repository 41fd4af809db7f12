"""Impact dashboards (community and portfolio), their CSV export and printable reports,
and impact stories. Views are thin: the choke point, the period, `report`, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.submissions import once_per_submission
from communities.access import community_for
from communities.models import Membership
from communities.organisations import led_organisations
from core.csvs import csv_response
from core.paging import PAGING_PARAMS, KeysetPage

from . import services, snapshot
from .access import (
    dashboard_access,
    own_story_for,
    portfolio_communities,
    portfolio_organisation,
    story_communities,
    story_for,
)
from .charts import csv_rows
from .forms import ImpactStoryForm, StoryFilterForm
from .models import ImpactStory
from .periods import Period, period_form, picker_params
from .report import community_picture, portfolio_picture

STORIES_PAGE = 20
# Where a draft sits in the list of stories, newest first: above every published one.
DRAFTS_FIRST = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)


def _csv_response(charts, name: str | None, filename: str, computed_at) -> HttpResponse:
    """One chart's table. The file's name and its Last-Modified header say when the figures
    were computed; the body stays a plain table that spreadsheets read as it is."""
    chart = next((c for c in charts if c.name == name), None)
    if chart is None:
        raise Http404(gettext("No such chart."))
    stamp = f"{computed_at.astimezone(dt.UTC):%Y-%m-%dT%H%MZ}"
    return csv_response(
        f"{filename}-{chart.name}-as-of-{stamp}.csv",
        chart.columns,
        csv_rows(chart),
        last_modified=computed_at,
    )


def _period(request) -> tuple[object, Period]:
    form = period_form(request.GET)
    return form, form.chosen()


def _refresh_context(form, url: str) -> dict:
    """The "Refresh now" form: where it posts and the period it carries along."""
    return {
        "refresh_url": url,
        "refresh_params": picker_params(form),
        "can_refresh": snapshot.cache_seconds() > 0,
    }


def _back_to(url: str, form) -> HttpResponse:
    params = picker_params(form)
    return redirect(f"{url}?{urlencode(params)}" if params else url)


@login_required
@require_GET
def community_dashboard(request, slug):
    access = dashboard_access(request.user, slug)
    community = access.community
    form, period = _period(request)
    picture = community_picture(community, period)
    if request.GET.get("format") == "csv":
        filename = f"{community.slug}-{period.start}-{period.end}"
        return _csv_response(
            picture.charts, request.GET.get("chart"), filename, picture.computed_at
        )
    csv_base = reverse("dashboard:community", args=[community.slug])
    charts = picture.drawn(
        lambda: render_to_string(
            "dashboard/includes/charts.html",
            {"charts": picture.charts, "csv_base": csv_base, "period": period},
        )
    )
    return render(
        request,
        "dashboard/community.html",
        {
            **access.context(),
            "led": access.led,
            "form": form,
            "picture": picture,
            "charts": charts,
            "period": period,
            **_refresh_context(form, reverse("dashboard:community_refresh", args=[community.slug])),
        },
    )


@login_required
@require_GET
def community_report(request, slug):
    access = dashboard_access(request.user, slug)
    community = access.community
    _form, period = _period(request)
    picture = community_picture(community, period)
    return render(
        request,
        "dashboard/report.html",
        {"pictures": [picture], "period": period, "community": community},
    )


@login_required
@require_POST
def community_refresh(request, slug):
    """Recompute the dashboard's figures for the period now and store them (facilitators,
    coordinators and leaders: the dashboard's own access check)."""
    access = dashboard_access(request.user, slug)
    community = access.community
    form = period_form(request.POST)
    picture = community_picture(community, form.chosen(), refresh=True)
    messages.success(request, gettext("Fresh figures. %(as_of)s") % {"as_of": picture.as_of})
    return _back_to(reverse("dashboard:community", args=[community.slug]), form)


def _portfolio(request, org: str | None):
    """The communities on the leader's portfolio (one organisation's, with `org`), the
    organisation shown (or None: every one they lead) and the organisations they lead."""
    organisation = portfolio_organisation(request.user, org) if org else None
    communities = portfolio_communities(request.user, organisation)
    return communities, organisation


def _portfolio_url(name: str, organisation) -> str:
    if organisation is None:
        return reverse(f"dashboard:{name}")
    return reverse(f"dashboard:org_{name}", args=[organisation.slug])


@login_required
@require_GET
def portfolio(request, org: str | None = None):
    communities, organisation = _portfolio(request, org)
    form, period = _period(request)
    picture = portfolio_picture(communities, period)
    if request.GET.get("format") == "csv":
        name = organisation.slug if organisation else "portfolio"
        return _csv_response(
            [picture.chart],
            request.GET.get("chart"),
            f"{name}-{period.start}-{period.end}",
            picture.computed_at,
        )
    return render(
        request,
        "dashboard/portfolio.html",
        {
            "form": form,
            "period": period,
            "rows": picture.rows,
            "chart": picture.chart,
            "as_of": picture.as_of,
            "organisation": organisation,
            "organisations": list(led_organisations(request.user)),
            "portfolio_url": _portfolio_url("portfolio", organisation),
            "report_url": _portfolio_url("portfolio_report", organisation),
            **_refresh_context(form, _portfolio_url("portfolio_refresh", organisation)),
        },
    )


@login_required
@require_GET
def portfolio_report(request, org: str | None = None):
    communities, organisation = _portfolio(request, org)
    _form, period = _period(request)
    picture = portfolio_picture(communities, period)
    return render(
        request,
        "dashboard/portfolio_report.html",
        {
            "period": period,
            "rows": picture.rows,
            "chart": picture.chart,
            "as_of": picture.as_of,
            "organisation": organisation,
            "portfolio_url": _portfolio_url("portfolio", organisation),
        },
    )


@login_required
@require_POST
def portfolio_refresh(request, org: str | None = None):
    communities, organisation = _portfolio(request, org)
    form = period_form(request.POST)
    picture = portfolio_picture(communities, form.chosen(), refresh=True)
    messages.success(request, gettext("Fresh figures. %(as_of)s") % {"as_of": picture.as_of})
    return _back_to(_portfolio_url("portfolio", organisation), form)


# --- impact stories ---------------------------------------------------------------------


def _story_communities(user):
    """Communities whose published stories the person may read."""
    return story_communities(user).order_by("name")


@login_required
@require_GET
def story_list(request):
    communities = _story_communities(request.user)
    form = StoryFilterForm(request.GET or None, communities=communities)
    stories = (
        ImpactStory.objects.visible_to(request.user)
        .select_related("community", "author")
        # Newest first by publication, the person's own drafts (not published yet) above
        # them: a draft's place is the latest moment there is, so that "older than this
        # one" links (core.paging.KeysetPage) walk drafts and stories alike, by id within
        # one moment.
        .annotate(listed_at=Coalesce("published_at", Value(DRAFTS_FIRST)))
    )
    if form.is_valid():
        if form.cleaned_data["community"]:
            stories = stories.filter(community=form.cleaned_data["community"])
        if form.cleaned_data["outcome"]:
            stories = stories.filter(outcomes=form.cleaned_data["outcome"])
    page = KeysetPage(stories, request.GET, STORIES_PAGE, field="listed_at")
    # The links keep the filters and replace only the paging parameters.
    query = request.GET.copy()
    for paging in PAGING_PARAMS:
        query.pop(paging, None)
    can_write = Membership.objects.active().filter(user=request.user).exists()
    return render(
        request,
        "dashboard/stories/list.html",
        {"form": form, "page": page, "query": query.urlencode(), "can_write": can_write},
    )


@login_required
@require_GET
def story_new(request):
    """Choose the community the story belongs to (straight on when there is only one)."""
    memberships = list(
        Membership.objects.active()
        .filter(user=request.user)
        .select_related("community")
        .order_by("community__name")
    )
    if len(memberships) == 1:
        return redirect("dashboard:story_create", slug=memberships[0].community.slug)
    return render(request, "dashboard/stories/choose.html", {"memberships": memberships})


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def story_create(request, slug):
    access = community_for(request.user, slug)
    community = access.community
    form = ImpactStoryForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        story = services.story_save(form=form, community=community, author=request.user)
        messages.success(
            request, gettext("Your story is saved as a draft. Publish it when it's ready.")
        )
        return redirect(story)
    return render(
        request,
        "dashboard/stories/form.html",
        {"form": form, **access.context(), "story": None},
    )


def _link(obj) -> str | None:
    """An object's page, when its app already has one (sessions and outcomes grow pages in
    their own issues); None keeps the story readable meanwhile."""
    try:
        return obj.get_absolute_url()
    except (NoReverseMatch, AttributeError):
        return None


@login_required
@require_GET
def story_detail(request, pk):
    story = story_for(request.user, pk)
    # select_related: each session's link needs its community's slug.
    sessions = [
        (s, _link(s)) for s in story.sessions.select_related("community").order_by("-starts_at")
    ]
    outcomes = list(story.outcomes.all())
    actions = [(a, _link(a)) for a in story.actions.select_related("community")]
    return render(
        request,
        "dashboard/stories/detail.html",
        {
            "story": story,
            "sessions": sessions,
            "outcomes": outcomes,
            "actions": actions,
            "is_author": story.author_id == request.user.pk,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def story_edit(request, pk):
    story, access = own_story_for(request.user, pk)
    form = ImpactStoryForm(request.POST or None, instance=story, community=story.community)
    if request.method == "POST" and form.is_valid():
        services.story_save(form=form)
        messages.success(request, gettext("Your story is saved."))
        return redirect(story)
    return render(
        request,
        "dashboard/stories/form.html",
        {**access.context(), "form": form, "story": story},
    )


@login_required
@require_POST
def story_publish(request, pk):
    story, _access = own_story_for(request.user, pk)
    if services.story_publish(story=story):
        messages.success(
            request, gettext("Published: the community and its leaders can read it now.")
        )
    return redirect(story)
