from django.contrib import admin

from .models import Outcome


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ["statement", "community", "status"]
    list_filter = ["status"]
    search_fields = ["statement"]
