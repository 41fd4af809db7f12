from django.contrib import admin

from .models import (
    CheckIn,
    Community,
    Invitation,
    JourneyStep,
    Membership,
    MoveSuggestion,
    OldSlug,
    Organisation,
    OrganisationDomain,
    OrganisationRole,
)
from .organisations import sync_leader_flags


class OrganisationDomainInline(admin.TabularInline):
    model = OrganisationDomain
    extra = 0


class OrganisationRoleInline(admin.TabularInline):
    model = OrganisationRole
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Staff manage organisations here; each organisation's admins manage its leaders,
    admins and settings on its own settings page."""

    list_display = ["name", "slug", "is_default", "admins_only_create", "created_at"]
    search_fields = ["name", "slug", "domains__domain"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OrganisationDomainInline, OrganisationRoleInline]

    def save_formset(self, request, form, formset, change):
        before = {f.instance.user_id for f in formset.forms if getattr(f.instance, "user_id", None)}
        super().save_formset(request, form, formset, change)
        if formset.model is OrganisationRole:
            after = set(
                OrganisationRole.objects.filter(organisation=form.instance).values_list(
                    "user_id", flat=True
                )
            )
            sync_leader_flags(before | after)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "organisation", "visibility", "archived", "created_at"]
    list_filter = ["organisation", "visibility", "archived"]
    search_fields = ["name", "slug", "domain"]
    inlines = [MembershipInline]


@admin.register(JourneyStep)
class JourneyStepAdmin(admin.ModelAdmin):
    list_display = ["membership", "from_level", "to_level", "confirmed_by", "created_at"]
    raw_id_fields = ["membership", "confirmed_by"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "community",
        "organisation",
        "sent_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["organisation", "community"]
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
