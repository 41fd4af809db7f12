from django.urls import path

from . import views_organisations as views

app_name = "organisations"

urlpatterns = [
    path("o/<slug:slug>/settings/", views.organisation_settings, name="settings"),
    path("o/<slug:slug>/people/add/", views.organisation_person_add, name="person_add"),
    path(
        "o/<slug:slug>/people/<int:pk>/remove/",
        views.organisation_person_remove,
        name="person_remove",
    ),
]
