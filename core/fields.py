"""Model field shapes every app writes the same way, so each is declared once."""

from __future__ import annotations

from django.db import models


def optional_link(
    to: str | type[models.Model], *, related_name: str, **kwargs
) -> models.ForeignKey:
    """An optional link that outlives its target: null and blank, and set to NULL when the
    target is deleted (a reflection's session or outcome, an action's session). The
    migrations see the same ForeignKey as one written out in full."""
    return models.ForeignKey(
        to, null=True, blank=True, on_delete=models.SET_NULL, related_name=related_name, **kwargs
    )
