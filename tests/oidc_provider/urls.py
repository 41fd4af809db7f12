from django.urls import include, path

from . import views

urlpatterns = [
    path("", include("allauth.idp.urls")),
    path("accounts/", include("allauth.urls")),
    path("test-setup/", views.setup, name="test_setup"),
]
