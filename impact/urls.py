from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("dashboard/", views.portfolio, name="portfolio"),
    path("dashboard/report/", views.portfolio_report, name="portfolio_report"),
    path("dashboard/refresh/", views.portfolio_refresh, name="portfolio_refresh"),
    path("o/<slug:org>/dashboard/", views.portfolio, name="org_portfolio"),
    path("o/<slug:org>/dashboard/report/", views.portfolio_report, name="org_portfolio_report"),
    path("o/<slug:org>/dashboard/refresh/", views.portfolio_refresh, name="org_portfolio_refresh"),
    path("c/<slug:slug>/dashboard/", views.community_dashboard, name="community"),
    path("c/<slug:slug>/dashboard/report/", views.community_report, name="community_report"),
    path("c/<slug:slug>/dashboard/refresh/", views.community_refresh, name="community_refresh"),
    path("stories/", views.story_list, name="story_list"),
    path("stories/new/", views.story_new, name="story_new"),
    path("stories/<int:pk>/", views.story_detail, name="story_detail"),
    path("stories/<int:pk>/edit/", views.story_edit, name="story_edit"),
    path("stories/<int:pk>/publish/", views.story_publish, name="story_publish"),
    path("c/<slug:slug>/stories/new/", views.story_create, name="story_create"),
]
