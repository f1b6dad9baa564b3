"""Which model permissions each role holds: the one description of the roles.

Model permissions open the doors (the views' coarse checks, the admin's lists);
which partnership a manager may change is decided on the object, in the views.
The groups in the database are brought to this by migrations (the latest is
accounts/migrations/0004_administrator.py), and tests/accounts/test_roles.py
fails when the two disagree: a change here needs a migration.

The Django admin is the Administrator's alone (config/admin.py). So the
permissions only the admin used (schedules, exchange rates, the health-check
instrument library) belong to the Administrator, and the other roles keep only
what their pages ask for.
"""

from .models import Role

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
COMPUTED_MODELS = [
    "evaluation.scoringpolicy",
    "evaluation.assessmentrun",
    "evaluation.scorecard",
]
SCHEDULE_MODELS = [
    "django_celery_beat.periodictask",
    "django_celery_beat.crontabschedule",
    "django_celery_beat.intervalschedule",
    "django_celery_beat.clockedschedule",
    "django_celery_beat.solarschedule",
]
INSTRUMENT_MODELS = ["health.instrument", "health.factor", "health.statement"]


def _perms(models, *actions):
    """Permissions as (app_label, codename) pairs."""
    return {
        (model.split(".")[0], f"{action}_{model.split('.')[1]}")
        for model in models
        for action in actions
    }


ROLE_PERMISSIONS = {
    Role.EXECUTIVE: _perms(ENTERED_MODELS + COMPUTED_MODELS, "view"),
    Role.MANAGER: _perms(ENTERED_MODELS, "view", "add", "change") | _perms(COMPUTED_MODELS, "view"),
    Role.REVIEWER: _perms(ENTERED_MODELS, "view")
    | _perms(COMPUTED_MODELS, "view")
    | _perms(["evaluation.scoringpolicy", "evaluation.assessmentrun"], "add", "change")
    | _perms(["evaluation.scorecard"], "change"),
    # Reads what an executive reads (in the admin, read-only) and who downloaded
    # which signed document; manages users and their roles (never deletes one:
    # a user is deactivated), schedules, exchange rates and draft instruments.
    Role.ADMINISTRATOR: {("accounts", "use_admin")}
    | _perms(ENTERED_MODELS + COMPUTED_MODELS, "view")
    | _perms(["partnerships.documentdownload", "auth.group"], "view")
    | _perms(["accounts.user", "dashboards.exchangerate"], "view", "add", "change")
    | _perms(SCHEDULE_MODELS + INSTRUMENT_MODELS, "view", "add", "change")
    # Sign-in lockouts: sees the attempts and failures, unlocks by deleting an attempt.
    | _perms(["axes.accessattempt"], "view", "delete")
    | _perms(["axes.accessfailurelog", "axes.accesslog"], "view"),
}
