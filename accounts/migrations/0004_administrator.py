"""The Administrator role, the only one that opens the Django admin.

The admin used to open for every staff user and showed each what their role
permitted; now it is the Administrator's alone, so the permissions only the
admin used (schedules, exchange rates, the instrument library) move from the
reviewers to the Administrator, and executives and managers lose the views of
them that only the admin showed. Every role is set to exactly what is written
here (frozen: accounts.roles says what the roles are now and may change later).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ENTERED_MODELS = [
    "partnerships.partner",
    "partnerships.contact",
    "partnerships.partnership",
    "partnerships.partnershipmember",
    "partnerships.partnershiplead",
    "partnerships.agreement",
    "partnerships.agreementparty",
    "partnerships.obligation",
    "partnerships.objective",
    "partnerships.outcomemetric",
    "partnerships.measurement",
]
COMPUTED_MODELS = ["evaluation.scoringpolicy", "evaluation.assessmentrun", "evaluation.scorecard"]
SCHEDULE_MODELS = [
    "django_celery_beat.periodictask",
    "django_celery_beat.crontabschedule",
    "django_celery_beat.intervalschedule",
    "django_celery_beat.clockedschedule",
    "django_celery_beat.solarschedule",
]
INSTRUMENT_MODELS = ["health.instrument", "health.factor", "health.statement"]


def _perms(models, *actions):
    return {
        (model.split(".")[0], f"{action}_{model.split('.')[1]}")
        for model in models
        for action in actions
    }


ROLE_PERMISSIONS = {
    "Executive": _perms(ENTERED_MODELS + COMPUTED_MODELS, "view"),
    "Partnership manager": _perms(ENTERED_MODELS, "view", "add", "change")
    | _perms(COMPUTED_MODELS, "view"),
    "Reviewer": _perms(ENTERED_MODELS, "view")
    | _perms(COMPUTED_MODELS, "view")
    | _perms(["evaluation.scoringpolicy", "evaluation.assessmentrun"], "add", "change")
    | _perms(["evaluation.scorecard"], "change"),
    "Administrator": {("accounts", "use_admin")}
    | _perms(ENTERED_MODELS + COMPUTED_MODELS, "view")
    | _perms(["partnerships.documentdownload", "auth.group"], "view")
    | _perms(["accounts.user", "dashboards.exchangerate"], "view", "add", "change")
    | _perms(SCHEDULE_MODELS + INSTRUMENT_MODELS, "view", "add", "change"),
}


def set_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
                for app_label, codename in sorted(names)
            ]
        )


def remove_administrator(apps, schema_editor):
    # The other roles keep what they have: going back does not hand the
    # reviewers the admin again (a user needs is_staff for that anyway).
    apps.get_model("auth", "Group").objects.filter(name="Administrator").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_reminder_channel"),
        ("partnerships", "0005_document_downloads"),
        ("dashboards", "0002_exchange_rate_rights"),
        ("health", "0006_reviewers_keep_the_instruments"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="user",
            options={
                "ordering": ["last_name", "first_name", "username"],
                "permissions": [("use_admin", "Can open the Django admin")],
            },
        ),
        migrations.RunPython(set_roles, remove_administrator),
    ]
