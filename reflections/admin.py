from django.contrib import admin

from .models import Action, Reflection


@admin.register(Reflection)
class ReflectionAdmin(admin.ModelAdmin):
    # Titles only: staff manage records, they do not read people's reflections here.
    list_display = ["title", "community", "loop_level", "visibility", "created_at"]
    list_filter = ["loop_level", "visibility"]
    exclude = ["body", "answers"]
    raw_id_fields = ["author", "community", "session", "outcome", "follow_up_of"]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "owner", "status", "due_date"]
    list_filter = ["status", "loop_level"]
    raw_id_fields = ["community", "owner", "session", "created_by", "reflections"]
