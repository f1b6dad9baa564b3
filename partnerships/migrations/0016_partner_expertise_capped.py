# A partner lists at most twenty areas of expertise (EXPERTISE_MAX_AREAS), in the database too.

import django.contrib.postgres.fields
import partnerships.models
from django.db import migrations, models

MAX_AREAS = 20


def refuse_longer_lists(apps, schema_editor):
    """Name the partners that list more, rather than fail on the constraint
    without saying which: which areas to keep is their manager's choice."""
    Partner = apps.get_model("partnerships", "Partner")
    longer = list(
        Partner.objects.filter(expertise__len__gt=MAX_AREAS).values_list("pk", "name")
    )
    if longer:
        rows = ", ".join(f"#{pk} {name}" for pk, name in longer)
        raise RuntimeError(
            f"These partners list more than {MAX_AREAS} areas of expertise; keep their "
            f"main ones on their page, then migrate again: {rows}"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('partnerships', '0015_agreement_renewal_term_capped'),
    ]

    operations = [
        migrations.AlterField(
            model_name='partner',
            name='expertise',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=80), blank=True, default=list, size=None, validators=[partnerships.models.validate_expertise_count]),
        ),
        migrations.AlterField(
            model_name='partnerevent',
            name='expertise',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=80), blank=True, default=list, size=None, validators=[partnerships.models.validate_expertise_count]),
        ),
        migrations.RunPython(refuse_longer_lists, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name='partner',
            constraint=models.CheckConstraint(condition=models.Q(('expertise__len__lte', 20)), name='partner_expertise_capped'),
        ),
    ]
