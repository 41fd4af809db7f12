"""The site's URLs plus the benchmark's floor page: one query and the base template."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.shortcuts import render
from django.urls import path

from copsite.urls import urlpatterns as site_urlpatterns


@login_required
def floor(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return render(request, "base.html")


urlpatterns = [path("_bench/floor/", floor), *site_urlpatterns]
