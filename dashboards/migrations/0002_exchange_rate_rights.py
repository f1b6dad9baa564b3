"""Who may do what with exchange rates: reviewers (the strategy office, who also
tune the scoring policy) keep them; executives read them. Granted here, not in
accounts.roles, because the roles' migration runs before this app's tables exist."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

RIGHTS = {
    "Executive": ["view_exchangerate"],
    "Reviewer": ["view_exchangerate", "add_exchangerate", "change_exchangerate"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("dashboards")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in RIGHTS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="dashboards", codename__in=codenames
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in RIGHTS.items():
        for group in Group.objects.filter(name=role):
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="dashboards", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("dashboards", "0001_exchange_rate"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
