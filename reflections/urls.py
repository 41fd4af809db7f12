from django.urls import path

from . import views

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
    path(C + "actions/", views.action_list, name="actions"),
    path(C + "actions/new/", views.action_new, name="action_new"),
    path(C + "actions/<int:pk>/", views.action_detail, name="action"),
    path(C + "actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path(C + "actions/<int:pk>/status/", views.action_status, name="action_status"),
]
