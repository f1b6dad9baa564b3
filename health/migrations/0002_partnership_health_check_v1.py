"""The instrument Accord ships: the nine factors DOMAIN.md names, in our own words.

Data, not code: admins add instruments (and new versions of this one) in the
admin; past answers keep the version they answered.
"""

from django.db import migrations
from django.utils import timezone

NAME = "Partnership health check"

# (code, name, description, statements)
FACTORS = [
    (
        "trust",
        "Trust",
        "Each side relies on the other to act in good faith and to keep its word.",
        [
            "When the other side says it will do something, it gets done.",
            "I can raise a problem with the other side without worrying how it will be used.",
            "The other side acts in the interest of the partnership, not only its own.",
        ],
    ),
    (
        "communication",
        "Communication and language",
        "Information flows in time, in a language both sides work in, without loss.",
        [
            "I hear about decisions that affect my work before they are carried out.",
            "Language differences rarely lead to misunderstandings between us.",
            "Our meetings and messages are frequent enough to keep the work moving.",
        ],
    ),
    (
        "shared-vision",
        "Shared vision and aligned goals",
        "Both sides want the same outcomes and agree on what success looks like.",
        [
            "Both sides would describe the aim of this partnership in the same way.",
            "What my organisation wants from the partnership fits what the other side wants.",
            "We agree on how we will know whether the partnership has succeeded.",
        ],
    ),
    (
        "roles",
        "Clarity of roles and responsibilities",
        "Everyone knows who does what, who decides, and who answers for it.",
        [
            "I know who on each side is responsible for each part of the work.",
            "Work rarely falls between the two sides or gets done twice.",
            "It is clear who takes a decision when the two sides disagree.",
        ],
    ),
    (
        "cultural-competence",
        "Cultural competence",
        "Each side understands and respects how the other works and why.",
        [
            "The other side understands how decisions are made in my organisation.",
            "Differences in working customs are talked about openly and respectfully.",
            "People on both sides adapt how they work to make the collaboration easier.",
        ],
    ),
    (
        "regulatory",
        "Regulatory and legal navigation",
        "Approvals, data protection, contracts and other rules across borders are handled.",
        [
            "Approvals, ethics reviews and permits needed for our work arrive in time.",
            "We know which rules on data and patient information apply on each side.",
            "Legal or contractual questions are resolved without stalling the work.",
        ],
    ),
    (
        "logistics",
        "Logistics across countries and time zones",
        "Travel, shipping, payments and meetings work despite distance and time difference.",
        [
            "We find meeting times that work for both sides without strain.",
            "Travel, visas, shipments and payments between us seldom hold up the work.",
            "The tools we share (documents, calls, data) work for both sides.",
        ],
    ),
    (
        "resources",
        "Funding and resource commitment",
        "Money, people and time promised to the partnership are there when needed.",
        [
            "The funding agreed for the partnership arrives as planned.",
            "Each side gives the partnership the people and time it promised.",
            "The partnership's resources are enough for what it is expected to achieve.",
        ],
    ),
    (
        "leadership",
        "Leadership and accountability",
        "Leaders on both sides champion the partnership and answer for its results.",
        [
            "Leaders on both sides visibly support this partnership.",
            "When something goes wrong, someone takes responsibility for putting it right.",
            "Progress is reported honestly, including what is not working.",
        ],
    ),
]


def ship(apps, schema_editor):
    Instrument = apps.get_model("health", "Instrument")
    Factor = apps.get_model("health", "Factor")
    Statement = apps.get_model("health", "Statement")
    if Instrument.objects.filter(name=NAME, version=1).exists():
        return
    instrument = Instrument.objects.create(
        name=NAME,
        version=1,
        description=(
            "Nine factors that make partnerships succeed or struggle, each rated through "
            "three statements from 1 (strongly disagree) to 5 (strongly agree), by people "
            "on both sides."
        ),
        published_at=timezone.now(),
    )
    for position, (code, name, description, statements) in enumerate(FACTORS, start=1):
        factor = Factor.objects.create(
            instrument=instrument,
            code=code,
            name=name,
            description=description,
            position=position,
        )
        Statement.objects.bulk_create(
            Statement(factor=factor, text=text, position=n)
            for n, text in enumerate(statements, start=1)
        )


class Migration(migrations.Migration):
    dependencies = [("health", "0001_instruments")]

    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
