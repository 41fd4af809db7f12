from django.urls import path

from . import views, views_mentoring

app_name = "communities"

urlpatterns = [
    path("communities/", views.directory, name="directory"),
    path("communities/new/", views.community_new, name="new"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("no-invitations/<str:token>/", views.invitation_opt_out, name="invitation_opt_out"),
    path(
        "no-invitations/<str:token>/undo/",
        views.invitation_opt_out_undo,
        name="invitation_opt_out_undo",
    ),
    path("c/<slug:slug>/", views.community_home, name="home"),
    path("c/<slug:slug>/settings/", views.community_settings, name="settings"),
    path("c/<slug:slug>/settings/archive/", views.community_archive, name="archive"),
    path("c/<slug:slug>/join/", views.community_join, name="join"),
    path("c/<slug:slug>/leave/", views.community_leave, name="leave"),
    path("c/<slug:slug>/me/", views.membership, name="membership"),
    path("c/<slug:slug>/members/", views.members, name="members"),
    path("c/<slug:slug>/members/search/", views.member_search, name="member_search"),
    path("c/<slug:slug>/members/<int:pk>/role/", views.member_role, name="member_role"),
    path("c/<slug:slug>/requests/", views.join_requests, name="requests"),
    *[
        path(
            f"c/<slug:slug>/requests/<int:pk>/{decision}/",
            views.join_request_decide,
            {"decision": decision},
            name=f"request_{decision}",
        )
        for decision in ("approve", "decline")
    ],
    path("c/<slug:slug>/invitations/", views.invitations, name="invitations"),
    *[
        path(
            f"c/<slug:slug>/invitations/<int:pk>/{action}/",
            views.invitation_manage,
            {"action": action},
            name=f"invitation_{action}",
        )
        for action in ("revoke", "resend")
    ],
    path("c/<slug:slug>/journeys/", views.journeys, name="journeys"),
    path("c/<slug:slug>/journeys/move/", views.journey_manual_move, name="journey_move"),
    path("c/<slug:slug>/journeys/refresh/", views.journeys_refresh, name="journeys_refresh"),
    path("c/<slug:slug>/journeys/hello/<int:pk>/", views.checkin_send, name="checkin_send"),
    *[
        path(
            f"c/<slug:slug>/journeys/suggestions/<int:pk>/{decision}/",
            views.suggestion_decide,
            {"decision": decision},
            name=f"suggestion_{decision}",
        )
        for decision in ("confirm", "dismiss")
    ],
    path("c/<slug:slug>/mentoring/", views_mentoring.pairs, name="pairs"),
    path("c/<slug:slug>/mentoring/<int:pk>/", views_mentoring.pair, name="pair"),
    path("c/<slug:slug>/mentoring/<int:pk>/note/", views_mentoring.pair_note, name="pair_note"),
    path(
        "c/<slug:slug>/mentoring/<int:pk>/met/", views_mentoring.pair_meeting, name="pair_meeting"
    ),
    path("c/<slug:slug>/mentoring/<int:pk>/end/", views_mentoring.pair_end, name="pair_end"),
]
