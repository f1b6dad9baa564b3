from django.db import migrations


def create_first_policy(apps, schema_editor):
    ScoringPolicy = apps.get_model("evaluation", "ScoringPolicy")
    # Scorecards always need an active policy; version 1 holds the defaults
    # of the model fields, which reviewers then tune as new versions.
    if not ScoringPolicy.objects.exists():
        ScoringPolicy.objects.create(version=1, name="Initial policy", is_active=True)


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(create_first_policy, migrations.RunPython.noop)]
