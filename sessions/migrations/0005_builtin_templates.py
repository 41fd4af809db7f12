"""Every community that exists before templates did gets the built-in templates a new
community starts with (sessions.builtin_templates). Run with the historical models; safe
on a database where some communities already have some of them."""

from django.db import migrations

from sessions.builtin_templates import BUILTIN_TEMPLATES


def give_builtin_templates(apps, schema_editor):
    Community = apps.get_model("communities", "Community")
    SessionTemplate = apps.get_model("cop_sessions", "SessionTemplate")
    TemplateItem = apps.get_model("cop_sessions", "TemplateItem")
    have = set(SessionTemplate.objects.values_list("community_id", "builtin"))
    names = set(SessionTemplate.objects.values_list("community_id", "name"))
    for community_id in Community.objects.order_by("pk").values_list("pk", flat=True):
        for plan in BUILTIN_TEMPLATES:
            if (community_id, plan["builtin"]) in have or (community_id, plan["name"]) in names:
                continue
            template = SessionTemplate.objects.create(
                community_id=community_id,
                builtin=plan["builtin"],
                name=plan["name"],
                title_pattern=plan["title_pattern"],
                description=plan["description"],
                duration_minutes=plan["duration_minutes"],
            )
            TemplateItem.objects.bulk_create(
                TemplateItem(
                    template=template,
                    position=position,
                    title=item["title"],
                    minutes=item["minutes"],
                    description=item["description"],
                    kind=item["kind"],
                )
                for position, item in enumerate(plan["items"])
            )


def remove_builtin_templates(apps, schema_editor):
    SessionTemplate = apps.get_model("cop_sessions", "SessionTemplate")
    SessionTemplate.objects.exclude(builtin="").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cop_sessions", "0004_session_templates"),
        ("communities", "0007_membership_introduction"),
    ]

    operations = [migrations.RunPython(give_builtin_templates, remove_builtin_templates)]
