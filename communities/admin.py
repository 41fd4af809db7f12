from django.contrib import admin

from .models import (
    CheckIn,
    Community,
    Invitation,
    JourneyStep,
    Membership,
    MoveSuggestion,
    OldSlug,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "visibility", "archived", "created_at"]
    list_filter = ["visibility", "archived"]
    search_fields = ["name", "slug", "domain"]
    inlines = [MembershipInline]


@admin.register(JourneyStep)
class JourneyStepAdmin(admin.ModelAdmin):
    list_display = ["membership", "from_level", "to_level", "confirmed_by", "created_at"]
    raw_id_fields = ["membership", "confirmed_by"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "community", "sent_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["community"]
    search_fields = ["email"]
    raw_id_fields = ["invited_by", "accepted_by"]


@admin.register(MoveSuggestion)
class MoveSuggestionAdmin(admin.ModelAdmin):
    list_display = ["membership", "from_level", "to_level", "status", "created_at", "notified_at"]
    list_filter = ["status"]
    raw_id_fields = ["membership", "decided_by"]


@admin.register(OldSlug)
class OldSlugAdmin(admin.ModelAdmin):
    list_display = ["slug", "community", "created_at"]
    raw_id_fields = ["community"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["membership", "spell_started_at", "sent_by", "sent_at", "came_back_at"]
    raw_id_fields = ["membership", "sent_by"]
