from django.urls import path

from . import views

app_name = "outcomes"

C = "c/<slug:slug>/"

urlpatterns = [
    path(C + "outcomes/", views.outcome_list, name="list"),
    path(C + "outcomes/<int:pk>/", views.outcome_detail, name="outcome"),
    path(C + "outcomes/<int:pk>/confidence/", views.outcome_confidence, name="confidence"),
    path(C + "outcomes/<int:pk>/endorse/", views.outcome_endorse, name="endorse"),
    path(C + "outcomes/<int:pk>/agree/", views.outcome_agree, name="agree"),
    path(C + "outcomes/<int:pk>/retire/", views.outcome_retire, name="retire"),
]
