"""The outcomes' step in a new community's setup checklist (core.plugins)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.plugins import memberships_whose_community_has, register_setup_step

from .models import Outcome


def _proposed(memberships) -> set[int]:
    """The community has an outcome, proposed or agreed: one query."""
    return memberships_whose_community_has(memberships, Outcome.objects.all())


def register() -> None:
    register_setup_step(
        "outcome",
        _("Propose a first outcome"),
        30,
        done=_proposed,
        url_name="outcomes:list",
        hint=_("“We want to be able to …”: members can endorse it and shape its wording."),
    )
