"""Which model permissions each role holds.

Model permissions open the doors (the admin, the views' coarse checks); which
partnership a manager may change is decided on the object, in the views.
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
]


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
    | _perms(["evaluation.scorecard"], "change")
    | _perms(SCHEDULE_MODELS, "view", "add", "change"),
}
