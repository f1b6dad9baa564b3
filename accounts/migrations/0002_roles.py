from django.contrib.auth.management import create_permissions
from django.db import migrations


# The roles as this migration first created them, frozen here: accounts.roles
# describes them as they are now, with models that do not exist yet at this point.
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
]


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
    | _perms(["evaluation.scorecard"], "change")
    | _perms(SCHEDULE_MODELS, "view", "add", "change"),
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need
    # them now, so create them for every app first.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=str(role))
        wanted = []
        for app_label, codename in sorted(names):
            wanted.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=[str(role) for role in ROLE_PERMISSIONS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("partnerships", "0001_initial"),
        ("evaluation", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
