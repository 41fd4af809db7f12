"""The one endpoint the tests use to prepare the provider: a client for copsite's
callback and people with addresses (verified or not). It exists in this test project only."""

from __future__ import annotations

import json

from allauth.account.models import EmailAddress
from allauth.idp.oidc.models import Client
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def setup(request: HttpRequest) -> JsonResponse:
    data = json.loads(request.body)
    for entry in data.get("clients", []):
        client, _ = Client.objects.update_or_create(
            id=entry["client_id"],
            defaults={
                "name": entry["client_id"],
                "secret": make_password(entry["secret"]),
                "scopes": "openid\nemail\nprofile",
                "skip_consent": True,
            },
        )
        client.set_redirect_uris(entry["redirect_uris"])
        client.save()
    User = get_user_model()
    for entry in data.get("users", []):
        user, _ = User.objects.get_or_create(
            username=entry["email"],
            defaults={"email": entry["email"], "first_name": entry.get("name", "")},
        )
        user.set_password(entry["password"])
        user.save()
        EmailAddress.objects.update_or_create(
            user=user,
            email=entry["email"],
            defaults={"verified": entry.get("verified", True), "primary": True},
        )
    return JsonResponse({"ok": True})
