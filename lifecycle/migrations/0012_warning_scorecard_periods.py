"""Which scorecards an early warning quotes, so that an executive, who sees
approved scorecards only, sees a warning once they are approved.

Warnings raised before: the latest scorecard's period is read from the
evidence key ("2026-10:falling_health,…"), and the one before it is the
partnership's latest earlier scorecard not returned, as the run reads it.
Filled before the history triggers are put back, so no history rows.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('lifecycle', '0011_alter_nextstep_version'),
        ('evaluation', '0013_approved_is_final'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='earlywarning',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='earlywarning',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='earlywarning',
            name='delete_delete',
        ),
        migrations.AddField(
            model_name='earlywarning',
            name='previous_period',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='earlywarning',
            name='scorecard_period',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='earlywarningevent',
            name='previous_period',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='earlywarningevent',
            name='scorecard_period',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunSQL(
            sql=[
                r"""
                UPDATE lifecycle_earlywarning
                   SET scorecard_period = to_date(left(evidence_key, 7), 'YYYY-MM')
                 WHERE evidence_key ~ '^\d{4}-\d{2}:'
                """,
                """
                UPDATE lifecycle_earlywarning AS warning
                   SET previous_period = (
                       SELECT max(card.period_start)
                         FROM evaluation_scorecard AS card
                        WHERE card.partnership_id = warning.partnership_id
                          AND card.period_start < warning.scorecard_period
                          AND card.review_state <> 'returned'
                   )
                 WHERE warning.scorecard_period IS NOT NULL
                """,
            ],
            reverse_sql=migrations.RunSQL.noop,
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='earlywarning',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "lifecycle_earlywarningevent" ("decided_at", "decided_by_id", "evidence_key", "id", "partnership_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "previous_period", "raised_on", "reason", "recovery_by", "recovery_plan", "scorecard_period", "signals", "state") SELECT new_values."decided_at", new_values."decided_by_id", new_values."evidence_key", new_values."id", new_values."partnership_id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', new_values."id", new_values."previous_period", new_values."raised_on", new_values."reason", new_values."recovery_by", new_values."recovery_plan", new_values."scorecard_period", new_values."signals", new_values."state" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='c783b7ef170a99ab2dda576c0f494ce2dc876ba4', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_d5091', referencing='REFERENCING NEW TABLE AS new_values ', table='lifecycle_earlywarning', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='earlywarning',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "lifecycle_earlywarningevent" ("decided_at", "decided_by_id", "evidence_key", "id", "partnership_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "previous_period", "raised_on", "reason", "recovery_by", "recovery_plan", "scorecard_period", "signals", "state") SELECT new_values."decided_at", new_values."decided_by_id", new_values."evidence_key", new_values."id", new_values."partnership_id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', new_values."id", new_values."previous_period", new_values."raised_on", new_values."reason", new_values."recovery_by", new_values."recovery_plan", new_values."scorecard_period", new_values."signals", new_values."state" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values.* IS DISTINCT FROM new_values.*) ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='71913be326411f32074406857f81e72c84195970', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_f8250', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='lifecycle_earlywarning', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='earlywarning',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "lifecycle_earlywarningevent" ("decided_at", "decided_by_id", "evidence_key", "id", "partnership_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "previous_period", "raised_on", "reason", "recovery_by", "recovery_plan", "scorecard_period", "signals", "state") SELECT old_values."decided_at", old_values."decided_by_id", old_values."evidence_key", old_values."id", old_values."partnership_id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', old_values."id", old_values."previous_period", old_values."raised_on", old_values."reason", old_values."recovery_by", old_values."recovery_plan", old_values."scorecard_period", old_values."signals", old_values."state" FROM ( SELECT old_values.* FROM old_values  ) AS old_values, _pgh_attached_context; RETURN NULL;', hash='fe595bf5196e46deb538f7efd1dd8cfd8ede8a79', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_28012', referencing='REFERENCING OLD TABLE AS old_values ', table='lifecycle_earlywarning', when='AFTER')),
        ),
    ]
