"""One-time submission tokens: a double click or a retried POST of a create form creates
one object, and the second POST gets the answer the first got.

A create form renders `{% load submissions %}{% submission_token %}` (a hidden input with
a fresh random token); its view is wrapped in `once_per_submission`. The first POST with a
token claims it (a SubmissionToken row) in the same transaction as whatever the view
creates, and stores the URL the view sent the person to. A later POST with that token,
and the same content, from the same person, is answered with a redirect there and creates
nothing; a parallel one waits at the unique key until the first commits, then does the
same. The same token with different content (a form reopened with the back button, changed
and sent again) is a new submission and is not swallowed. A POST without a token (a page
rendered before tokens existed) still works, just without the protection.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone

from .models import SubmissionToken

FIELD = "submission_token"
# A day is far longer than any double click or retry; older claims are only clutter.
KEEP_FOR = timedelta(days=1)
# What new_token() makes: anything else in the field (junk, a NUL) is ignored, not stored.
_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,64}")
_REDIRECTS = {301, 302, 303, 307, 308}


def new_token() -> str:
    return secrets.token_urlsafe(24)


def submission_result(response: HttpResponse, url: str) -> HttpResponse:
    """Mark an htmx view's successful fragment with the page it stands for, so a repeat of
    the same submission is sent to that page (a full-page POST's redirect says it already)."""
    response.submission_result = url
    return response


def _result_of(response: HttpResponse) -> str | None:
    """Where a successful submission led, or None when nothing was made (form errors)."""
    if response.status_code in _REDIRECTS and response.has_header("Location"):
        return response["Location"]
    return getattr(response, "submission_result", None)


def _digest(request: HttpRequest) -> str:
    """A hash of what was posted, less the tokens: a repeat sends exactly the same."""
    fields = sorted(
        (name, values)
        for name, values in request.POST.lists()
        if name not in (FIELD, "csrfmiddlewaretoken")
    )
    files = sorted((name, f.name, f.size) for name, f in request.FILES.items())
    return hashlib.sha256(repr((fields, files)).encode()).hexdigest()


def _answer_again(request: HttpRequest, url: str) -> HttpResponse:
    if request.headers.get("HX-Request") == "true":
        # htmx would swap a followed redirect's whole page into a fragment's place: ask it
        # to go to the page instead.
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def once_per_submission(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Make a create view answer a repeated submission (same person, same token) with the
    first one's redirect, creating nothing the second time."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        token = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not (request.user.is_authenticated and _SHAPE.fullmatch(token)):
            return view(request, *args, **kwargs)
        digest = _digest(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    claim = SubmissionToken.objects.create(
                        user=request.user, token=token, path=request.path[:255], digest=digest
                    )
            except IntegrityError:
                earlier = SubmissionToken.objects.filter(
                    user=request.user, token=token, path=request.path[:255], digest=digest
                ).first()
                if earlier is not None and earlier.result_url:
                    return _answer_again(request, earlier.result_url)
                # Not a repeat: the token came with other content (the form was reopened
                # and changed) or to another form. It is a new submission, undeduplicated.
                return view(request, *args, **kwargs)
            response = view(request, *args, **kwargs)
            result = _result_of(response)
            if result is None:
                # Nothing was made (the form had errors): the token stays free, so the
                # corrected form, or a second click on it, is treated as new.
                claim.delete()
            else:
                SubmissionToken.objects.filter(pk=claim.pk).update(result_url=result[:2000])
        return response

    return wrapped


def submission_tokens_prune(*, now: datetime | None = None) -> int:
    """Forget claims older than a day; returns how many went."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    deleted, _ = SubmissionToken.objects.filter(created_at__lt=cutoff).delete()
    return deleted
