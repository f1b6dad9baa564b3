# A notice period is at most two years (NOTICE_PERIOD_MAX_DAYS), in the database too.

import django.core.validators
from django.db import migrations, models


MAX_DAYS = 730


def refuse_longer_notice(apps, schema_editor):
    """Name the agreements whose notice period is longer, rather than fail on
    the constraint without saying which: a contract's terms are not ours to cut."""
    Agreement = apps.get_model("partnerships", "Agreement")
    longer = list(
        Agreement.objects.filter(notice_period_days__gt=MAX_DAYS).values_list(
            "pk", "reference", "notice_period_days"
        )
    )
    if longer:
        rows = ", ".join(f"#{pk} {reference} ({days} days)" for pk, reference, days in longer)
        raise RuntimeError(
            f"These agreements ask for more than {MAX_DAYS} days of notice; correct their "
            f"notice period on their page, then migrate again: {rows}"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('partnerships', '0017_partnership_has_a_member'),
    ]

    operations = [
        migrations.RunPython(refuse_longer_notice, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='agreement',
            name='notice_period_days',
            field=models.PositiveSmallIntegerField(default=90, help_text='Days of notice needed to end or not renew the agreement.', validators=[django.core.validators.MaxValueValidator(730, message='A notice period is at most 730 days (two years). Enter it in days, e.g. 90 for three months.')]),
        ),
        migrations.AlterField(
            model_name='agreementevent',
            name='notice_period_days',
            field=models.PositiveSmallIntegerField(default=90, help_text='Days of notice needed to end or not renew the agreement.', validators=[django.core.validators.MaxValueValidator(730, message='A notice period is at most 730 days (two years). Enter it in days, e.g. 90 for three months.')]),
        ),
        migrations.AddConstraint(
            model_name='agreement',
            constraint=models.CheckConstraint(condition=models.Q(('notice_period_days__lte', 730)), name='agreement_notice_period_capped', violation_error_message='A notice period is at most 730 days (two years). Enter it in days, e.g. 90 for three months.'),
        ),
    ]
