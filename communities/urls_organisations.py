from django.urls import path

from . import views_organisations as views

app_name = "organisations"

urlpatterns = [
    path("o/", views.my_organisations, name="mine"),
    path("o/<slug:slug>/settings/", views.organisation_settings, name="settings"),
    path("o/<slug:slug>/people/add/", views.organisation_person_add, name="person_add"),
    path(
        "o/<slug:slug>/people/<int:pk>/remove/",
        views.organisation_person_remove,
        name="person_remove",
    ),
    path("c/<slug:slug>/move/", views.community_move, name="community_move"),
    path("o/<slug:slug>/invitations/", views.organisation_invitations, name="invitations"),
    *(
        path(
            f"o/<slug:slug>/invitations/<int:pk>/{action}/",
            views.organisation_invitation_manage,
            {"action": action},
            name=f"invitation_{action}",
        )
        for action in ("revoke", "resend")
    ),
]
