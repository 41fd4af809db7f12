from __future__ import annotations

from django.urls import path

from . import views_delete

app_name = "privacy"

urlpatterns: list = [
    path("privacy/", views_delete.privacy_page, name="privacy"),
    path("settings/delete/", views_delete.account_delete, name="delete"),
    path("settings/delete/done/", views_delete.account_deleted, name="deleted"),
]
