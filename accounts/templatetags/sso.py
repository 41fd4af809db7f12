from __future__ import annotations

from dataclasses import dataclass

from django import template

from accounts.sso import sso_providers, unreachable_ids

register = template.Library()


@dataclass(frozen=True)
class SsoChoice:
    name: str
    login_url: str
    unreachable: bool


@register.simple_tag(takes_context=True)
def sso_choices(context, next_url: str = "", process: str = "login") -> list[SsoChoice]:
    """The OpenID Connect providers to offer as "Continue with <name>", each with the
    address its button posts to and whether it failed to answer a moment ago."""
    request = context["request"]
    providers = sso_providers(request)
    if not providers:
        return []
    down = unreachable_ids([p.app.provider_id for p in providers])
    kwargs = {"process": process}
    if next_url:
        kwargs["next"] = next_url
    return [
        SsoChoice(
            name=p.name,
            login_url=p.get_login_url(request, **kwargs),
            unreachable=p.app.provider_id in down,
        )
        for p in providers
    ]
