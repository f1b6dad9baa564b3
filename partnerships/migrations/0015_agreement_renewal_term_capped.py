# A renewal term is at most ten years (RENEWAL_TERM_MAX_MONTHS), in the database too.

import django.core.validators
from django.db import migrations, models

MAX_MONTHS = 120


def refuse_longer_terms(apps, schema_editor):
    """Name the agreements whose term is longer, rather than fail on the
    constraint without saying which: a contract's term is not ours to cut."""
    Agreement = apps.get_model("partnerships", "Agreement")
    longer = list(
        Agreement.objects.filter(renewal_term_months__gt=MAX_MONTHS).values_list(
            "pk", "reference", "renewal_term_months"
        )
    )
    if longer:
        rows = ", ".join(f"#{pk} {reference} ({months} months)" for pk, reference, months in longer)
        raise RuntimeError(
            f"These agreements renew for more than {MAX_MONTHS} months; correct their "
            f"renewal term on their page, then migrate again: {rows}"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('partnerships', '0014_primary_keys_kept'),
    ]

    operations = [
        migrations.AlterField(
            model_name='agreement',
            name='renewal_term_months',
            field=models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MaxValueValidator(120, message='A renewal term is at most 120 months (10 years). Enter it in months, e.g. 12 for one year.')]),
        ),
        migrations.AlterField(
            model_name='agreementevent',
            name='renewal_term_months',
            field=models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MaxValueValidator(120, message='A renewal term is at most 120 months (10 years). Enter it in months, e.g. 12 for one year.')]),
        ),
        migrations.RunPython(refuse_longer_terms, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name='agreement',
            constraint=models.CheckConstraint(condition=models.Q(('renewal_term_months__isnull', True), ('renewal_term_months__lte', 120), _connector='OR'), name='agreement_renewal_term_capped', violation_error_message='A renewal term is at most 120 months (10 years). Enter it in months, e.g. 12 for one year.'),
        ),
    ]
