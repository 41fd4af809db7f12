from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.paging import QuickPage
from core.search import configs_for

from .forms import SearchForm
from .selectors import Criteria, among, communities_of, full_text, hits, matching

PAGE_SIZE = 20


@login_required
@require_GET
def search_results(request):
    """`/search/?q=`: everything the person may see that matches, best first. Nothing
    they may not see is ever counted, hinted at or quoted: each kind's rows are scoped
    by its own app before anything is matched."""
    communities = communities_of(request.user)
    form = SearchForm(request.GET or None, communities=communities)
    page = None
    text = ""
    if form.is_bound and form.is_valid():
        text = form.cleaned_data["q"].strip()
    if text:
        data = form.cleaned_data
        criteria = Criteria(
            text=text,
            community=form.communities.get(data["community"]),
            kind=data["kind"],
            loop_level=data["loop_level"],
            since=data["since"],
            until=data["until"],
            configs=tuple(configs_for(c.language for c in communities)),
        )
        rows = matching(request.user, criteria, among(communities))
        if rows is not None:
            page = QuickPage(
                rows,
                request.GET.get("page"),
                PAGE_SIZE,
                show=lambda chosen: hits(request.user, chosen, criteria),
            )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "search/results.html",
        {
            "form": form,
            "text": text,
            "page": page,
            "query": query.urlencode(),
            "full_text": full_text(),
        },
    )
