from __future__ import annotations

from django.urls import path

from . import views

app_name = "reviews"

C = "c/<slug:slug>/"

# The paths are the ones these pages had under outcomes; only the names' namespace moved.
urlpatterns = [
    path(C + "alignment/", views.alignment, name="alignment"),
    path(C + "sessions/<int:session_pk>/work/new/", views.work_new, name="work_new"),
    path(C + "work/<int:pk>/", views.work_detail, name="work"),
    path(C + "work/<int:pk>/file/", views.work_file, name="work_file"),
    path(C + "work/<int:pk>/delete/", views.work_delete, name="work_delete"),
    path(C + "sessions/<int:session_pk>/review-rounds/new/", views.round_new, name="round_new"),
    path(C + "review-rounds/<int:pk>/", views.round_detail, name="round"),
    path(C + "review-rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path(C + "review-rounds/<int:pk>/release/", views.round_release, name="round_release"),
    path(C + "review-rounds/<int:pk>/example/", views.round_example, name="round_example"),
    path(C + "review-rounds/<int:pk>/practice/", views.practice, name="practice"),
    path(C + "reviews/<int:pk>/release/", views.review_release, name="review_release"),
    path(C + "reviews/<int:pk>/rephrase/", views.review_rephrase, name="review_rephrase"),
    path(
        C + "work/<int:pk>/rounds/<int:round_pk>/self-review/",
        views.self_review,
        name="self_review",
    ),
    path(C + "reviews/", views.reviews_page, name="reviews"),
    path(C + "reviews/<int:pk>/", views.review_write, name="review"),
    path(C + "reviews/<int:pk>/decline/", views.review_decline, name="review_decline"),
    path(C + "reviews/<int:pk>/reply/", views.review_reply, name="review_reply"),
]
