# A partnership is with one or more partners (partnerships.models.MemberRequired).

import core.models
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


def refuse_partnerships_without_members(apps, schema_editor):
    """Name the partnerships that have no member organisation, rather than let
    the rule hold for new ones only: which partner they are with is for their
    owners to say, on their page, before migrating again."""
    Partnership = apps.get_model("partnerships", "Partnership")
    alone = list(
        Partnership.objects.filter(members__isnull=True).values_list("pk", "title").order_by("pk")
    )
    if alone:
        rows = ", ".join(f"#{pk} {title}" for pk, title in alone)
        raise RuntimeError(
            "These partnerships have no member organisation; add the partner each is with "
            f"on its page, then migrate again: {rows}"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('partnerships', '0016_partner_expertise_capped'),
    ]

    operations = [
        migrations.RunPython(refuse_partnerships_without_members, migrations.RunPython.noop),
        pgtrigger.migrations.AddTrigger(
            model_name='partnership',
            trigger=pgtrigger.compiler.Trigger(name='member_required', sql=core.models.UnignorableTriggerSql(constraint='CONSTRAINT', func='\n            IF NOT EXISTS (SELECT 1 FROM "partnerships_partnershipmember" WHERE partnership_id = NEW.id)\n               AND EXISTS (SELECT 1 FROM "partnerships_partnership" WHERE id = NEW.id) THEN\n                RAISE EXCEPTION \'partnership % has no member organisation\', NEW.id\n                    USING ERRCODE = \'check_violation\';\n            END IF;\n            RETURN NULL;\n            ', hash='435415b3e01d7a6a87b85c712ff8b0d461b2f94c', operation='INSERT', pgid='pgtrigger_member_required_acd67', table='partnerships_partnership', timing='DEFERRABLE INITIALLY DEFERRED', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='partnershipmember',
            trigger=pgtrigger.compiler.Trigger(name='member_kept', sql=core.models.UnignorableTriggerSql(constraint='CONSTRAINT', func='\n            IF NOT EXISTS (SELECT 1 FROM "partnerships_partnershipmember" WHERE partnership_id = OLD.partnership_id)\n               AND EXISTS (SELECT 1 FROM "partnerships_partnership" WHERE id = OLD.partnership_id) THEN\n                RAISE EXCEPTION \'partnership % has no member organisation\', OLD.partnership_id\n                    USING ERRCODE = \'check_violation\';\n            END IF;\n            RETURN NULL;\n            ', hash='339ffbe6ea7e1530a3a28d345b9f6092c36d1cb1', operation='DELETE OR UPDATE', pgid='pgtrigger_member_kept_1fc85', table='partnerships_partnershipmember', timing='DEFERRABLE INITIALLY DEFERRED', when='AFTER')),
        ),
    ]
