from django.urls import path

from . import views

app_name = "sessions"

S = "c/<slug:slug>/sessions/"

urlpatterns = [
    path(S, views.session_list, name="list"),
    path(S + "new/", views.session_new, name="new"),
    path(S + "settings/", views.session_settings, name="settings"),
    path(S + "templates/", views.template_library, name="templates"),
    path(S + "templates/<int:tpk>/edit/", views.template_edit, name="template_edit"),
    path(S + "templates/<int:tpk>/delete/", views.template_delete, name="template_delete"),
    path(S + "<int:pk>/", views.session_detail, name="detail"),
    path(S + "<int:pk>.ics", views.session_ics_view, name="ics"),
    path(S + "<int:pk>/edit/", views.session_edit, name="edit"),
    path(S + "<int:pk>/publish/", views.session_publish, name="publish"),
    path(S + "<int:pk>/repeat/", views.session_repeat, name="repeat"),
    path(S + "<int:pk>/series-agenda/", views.series_agenda, name="series_agenda"),
    path(S + "<int:pk>/cancel/", views.session_cancel, name="cancel"),
    path(S + "<int:pk>/save-as-template/", views.template_save, name="template_save"),
    path(S + "<int:pk>/rsvp/", views.session_rsvp, name="rsvp"),
    path(S + "<int:pk>/attendance/", views.session_attendance, name="attendance"),
    path(S + "<int:pk>/pulse/", views.session_pulse, name="pulse"),
    path(S + "<int:pk>/cofacilitate/", views.cofacilitate_invite, name="cofacilitate"),
    path(
        S + "<int:pk>/cofacilitate/answer/", views.cofacilitate_answer, name="cofacilitate_answer"
    ),
    path(S + "<int:pk>/round/<int:item_pk>/shuffle/", views.round_shuffle, name="round_shuffle"),
    path(S + "<int:pk>/agenda/round/", views.agenda_round, name="agenda_round"),
    path(S + "<int:pk>/agenda/add/", views.agenda_add, name="agenda_add"),
    path(S + "<int:pk>/agenda/bookend/<str:kind>/", views.agenda_bookend, name="agenda_bookend"),
    path(S + "<int:pk>/agenda/<int:item_pk>/edit/", views.agenda_edit, name="agenda_edit"),
    path(S + "<int:pk>/agenda/<int:item_pk>/remove/", views.agenda_remove, name="agenda_remove"),
    path(S + "<int:pk>/agenda/<int:item_pk>/move/", views.agenda_move, name="agenda_move"),
    path("c/<slug:slug>/series/<int:pk>/", views.series_detail, name="series"),
    path("c/<slug:slug>/series/<int:pk>.ics", views.series_ics_view, name="series_ics"),
    path("c/<slug:slug>/series/<int:pk>/rsvp/", views.series_rsvp, name="series_rsvp"),
    path("calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
]
