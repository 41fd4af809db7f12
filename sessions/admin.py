from django.contrib import admin

from .models import (
    RSVP,
    AgendaItem,
    Attendance,
    Session,
    SessionSettings,
    SessionTemplate,
    TemplateItem,
)


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    raw_id_fields = ["aligned_outcomes"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "starts_at", "status"]
    list_filter = ["status"]
    search_fields = ["title"]
    raw_id_fields = ["community", "created_by", "facilitators"]
    inlines = [AgendaItemInline]


@admin.register(RSVP)
class RSVPAdmin(admin.ModelAdmin):
    list_display = ["session", "user", "response", "updated_at"]
    list_filter = ["response"]
    raw_id_fields = ["session", "user"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["session", "user", "walk_in", "recorded_at"]
    raw_id_fields = ["session", "user", "recorded_by"]


@admin.register(SessionSettings)
class SessionSettingsAdmin(admin.ModelAdmin):
    list_display = ["community", "remind_24h", "remind_1h"]
    raw_id_fields = ["community"]


class TemplateItemInline(admin.TabularInline):
    model = TemplateItem
    extra = 0
    raw_id_fields = ["aligned_outcomes"]


@admin.register(SessionTemplate)
class SessionTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "builtin", "duration_minutes", "updated_at"]
    search_fields = ["name"]
    raw_id_fields = ["community", "created_by"]
    inlines = [TemplateItemInline]
