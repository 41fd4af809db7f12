from __future__ import annotations

from django.urls import path

from . import views, views_delete

app_name = "privacy"

urlpatterns = [
    path("privacy/", views_delete.privacy_page, name="privacy"),
    path("settings/delete/", views_delete.account_delete, name="delete"),
    path("settings/delete/done/", views_delete.account_deleted, name="deleted"),
    path("settings/export/", views.export_page, name="export"),
    path("settings/export/<int:pk>/download/", views.export_download, name="export_download"),
    path("c/<slug:slug>/settings/export/", views.community_export_page, name="community_export"),
    path(
        "c/<slug:slug>/settings/export/<int:pk>/download/",
        views.community_export_download,
        name="community_export_download",
    ),
]
