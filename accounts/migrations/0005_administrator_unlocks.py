"""Administrators see failed sign-ins and lockouts (django-axes) and unlock an
account or address by deleting its attempt."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

LOCKOUT_PERMISSIONS = [
    ("axes", "view_accessattempt"),
    ("axes", "delete_accessattempt"),
    ("axes", "view_accessfailurelog"),
    ("axes", "view_accesslog"),
]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    administrator, _ = Group.objects.get_or_create(name="Administrator")
    administrator.permissions.add(
        *[
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in LOCKOUT_PERMISSIONS
        ]
    )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    administrator = apps.get_model("auth", "Group").objects.filter(name="Administrator").first()
    if administrator is not None:
        administrator.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="axes",
                codename__in=[codename for _, codename in LOCKOUT_PERMISSIONS],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_administrator"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
