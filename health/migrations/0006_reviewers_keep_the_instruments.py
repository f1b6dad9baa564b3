"""Who may do what with the instrument library: reviewers (the strategy office,
who also keep the scoring policy) add instruments and new versions; managers and
executives read them. Granted here, not in accounts.roles, because the roles'
migration runs before this app's tables exist."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ("instrument", "factor", "statement")
RIGHTS = {
    "Executive": ("view",),
    "Partnership manager": ("view",),
    "Reviewer": ("view", "add", "change"),
}


def _codenames(actions):
    return [f"{action}_{model}" for action in actions for model in MODELS]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("health")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, actions in RIGHTS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="health", codename__in=_codenames(actions)
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, actions in RIGHTS.items():
        for group in Group.objects.filter(name=role):
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="health", codename__in=_codenames(actions)
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("health", "0005_published_is_final_and_daily_task"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
