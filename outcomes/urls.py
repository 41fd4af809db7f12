from django.urls import path

from . import review_views, views

app_name = "outcomes"

C = "c/<slug:slug>/"

urlpatterns = [
    path(C + "outcomes/", views.outcome_list, name="list"),
    path(C + "outcomes/<int:pk>/", views.outcome_detail, name="outcome"),
    path(C + "outcomes/<int:pk>/confidence/", views.outcome_confidence, name="confidence"),
    path(C + "outcomes/<int:pk>/endorse/", views.outcome_endorse, name="endorse"),
    path(C + "outcomes/<int:pk>/agree/", views.outcome_agree, name="agree"),
    path(C + "outcomes/<int:pk>/retire/", views.outcome_retire, name="retire"),
    path(C + "alignment/", views.alignment, name="alignment"),
    # Shared work and peer review.
    path(C + "sessions/<int:session_pk>/work/new/", review_views.work_new, name="work_new"),
    path(C + "work/<int:pk>/", review_views.work_detail, name="work"),
    path(C + "work/<int:pk>/file/", review_views.work_file, name="work_file"),
    path(C + "work/<int:pk>/delete/", review_views.work_delete, name="work_delete"),
    path(
        C + "sessions/<int:session_pk>/review-rounds/new/",
        review_views.round_new,
        name="round_new",
    ),
    path(C + "review-rounds/<int:pk>/", review_views.round_detail, name="round"),
    path(C + "review-rounds/<int:pk>/close/", review_views.round_close, name="round_close"),
    path(C + "reviews/", review_views.reviews_page, name="reviews"),
    path(C + "reviews/<int:pk>/", review_views.review_write, name="review"),
    path(C + "reviews/<int:pk>/decline/", review_views.review_decline, name="review_decline"),
    path(C + "reviews/<int:pk>/reply/", review_views.review_reply, name="review_reply"),
]
