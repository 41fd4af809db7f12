from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import EmailDelivery, EmailSuppression, Notification, User
from .notifications import recount_unread


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "timezone", "is_leader", "is_staff"]
    list_filter = ["is_leader", "is_staff", "is_active"]
    search_fields = ["email", "display_name"]
    # "Leads at least one organisation": kept by the organisations' leader roles.
    readonly_fields = ["is_leader"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["display_name", "timezone"]}),
        ("Roles", {"fields": ["is_leader", "is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(admin.ModelAdmin):
    list_display = ["kind", "to_email", "subject", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to_email", "subject", "key"]
    readonly_fields = ["key", "created_at", "claimed_at", "sent_at"]


@admin.register(EmailSuppression)
class EmailSuppressionAdmin(admin.ModelAdmin):
    """What the email service reported; deleting a row sends to the address again."""

    list_display = ["address", "reason", "esp_name", "occurred_at", "created_at"]
    list_filter = ["reason", "esp_name"]
    search_fields = ["address"]
    readonly_fields = ["esp_name", "event_id", "description", "occurred_at", "created_at"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["kind", "recipient", "community_name", "created_at", "read_at", "emailed"]
    list_filter = ["kind", "emailed"]
    search_fields = ["key", "recipient__email"]
    raw_id_fields = ["recipient", "actor"]
    readonly_fields = ["key", "created_at"]

    # The header's unread count is kept on the person (accounts/notifications.py); staff
    # who mark a notification read or delete some here recount their recipients, so the
    # count never drifts from what /notifications/ shows.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        recount_unread([obj.recipient_id])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        recount_unread([obj.recipient_id])

    def delete_queryset(self, request, queryset):
        recipients = set(queryset.values_list("recipient_id", flat=True))
        super().delete_queryset(request, queryset)
        recount_unread(recipients)
