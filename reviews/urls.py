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
    path(C + "review-rounds/<int:pk>/open/", views.round_start, name="round_start"),
    path(C + "review-rounds/<int:pk>/extend/", views.round_extend, name="round_extend"),
    path(
        C + "review-rounds/<int:pk>/reviews/<int:review_pk>/reassign/",
        views.review_reassign,
        name="review_reassign",
    ),
    path(
        C + "review-rounds/<int:pk>/reviews/<int:review_pk>/remove/",
        views.review_remove,
        name="review_remove",
    ),
    path(
        C + "review-rounds/<int:pk>/work/<int:work_pk>/add-reviewer/",
        views.review_add,
        name="review_add",
    ),
    path(
        C + "review-rounds/<int:pk>/work/<int:work_pk>/review-myself/",
        views.review_myself,
        name="review_myself",
    ),
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
    path(C + "reviews/<int:pk>/helpful/", views.review_helpful, name="review_helpful"),
]
