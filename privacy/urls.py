from __future__ import annotations

from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("settings/export/", views.export_page, name="export"),
    path("settings/export/<int:pk>/download/", views.export_download, name="export_download"),
    path("c/<slug:slug>/settings/export/", views.community_export_page, name="community_export"),
    path(
        "c/<slug:slug>/settings/export/<int:pk>/download/",
        views.community_export_download,
        name="community_export_download",
    ),
]
