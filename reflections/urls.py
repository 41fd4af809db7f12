from django.urls import path

from . import facilitation, views

app_name = "reflections"

C = "c/<slug:slug>/"

urlpatterns = [
    path(C + "reflections/", views.reflection_list, name="list"),
    path(C + "reflections/new/", views.reflection_new, name="new"),
    path(C + "reflections/preview/", views.reflection_preview, name="preview"),
    path(C + "reflections/prompts/", views.reflection_prompts, name="prompts"),
    path(C + "reflections/draft/", views.reflection_draft, name="draft"),
    path(C + "reflections/draft/discard/", views.reflection_draft_discard, name="draft_discard"),
    path(C + "reflections/<int:pk>/", views.reflection_detail, name="detail"),
    path(C + "reflections/<int:pk>/edit/", views.reflection_edit, name="edit"),
    path(C + "reflections/<int:pk>/delete/", views.reflection_delete, name="delete"),
    path("reflections/mine/", views.my_reflections, name="mine"),
    path("reflections/mine/export.zip", views.export_zip, name="export_zip"),
    path("reflections/mine/export.csv", views.export_csv, name="export_csv"),
    path(C + "respond/<str:kind>/<int:pk>/", views.respond, name="respond"),
    path(C + "responses/<int:pk>/edit/", views.response_edit, name="response_edit"),
    path(C + "responses/<int:pk>/delete/", views.response_delete, name="response_delete"),
    path(C + "moderate/<str:kind>/<int:pk>/hide/", views.content_hide, name="hide"),
    path(C + "moderate/<str:kind>/<int:pk>/flag/", views.content_flag, name="flag"),
    path(C + "flags/", views.flags_page, name="flags"),
    path(C + "flags/<int:pk>/resolve/", views.flag_resolve, name="flag_resolve"),
    path(C + "actions/", views.action_list, name="actions"),
    path(C + "actions/new/", views.action_new, name="action_new"),
    path(C + "actions/<int:pk>/", views.action_detail, name="action"),
    path(C + "actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path(C + "actions/<int:pk>/status/", views.action_status, name="action_status"),
    path(C + "themes/", views.themes_page, name="themes"),
    path(
        C + "sessions/<int:pk>/facilitation/",
        facilitation.facilitation_reflection,
        name="facilitation",
    ),
    path(C + "themes/new/", views.theme_new, name="theme_new"),
    path(C + "themes/<int:pk>/vote/", views.theme_vote, name="theme_vote"),
    path(C + "themes/<int:pk>/action/", views.theme_action, name="theme_action"),
    path(C + "themes/<int:pk>/edit/", views.theme_edit, name="theme_edit"),
    path(C + "themes/<int:pk>/delete/", views.theme_delete, name="theme_delete"),
]
