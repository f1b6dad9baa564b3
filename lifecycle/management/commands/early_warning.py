"""`python manage.py early_warning`: what the daily task does, run now."""

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from lifecycle import services


class Command(BaseCommand):
    help = (
        "Raise early warnings on active partnerships whose signals worsen together, "
        "tell their owners, and ask for the lessons of ended partnerships."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=dt.date.fromisoformat, help="YYYY-MM-DD")

    def handle(self, *args, today=None, **options):
        today = today or timezone.localdate()
        raised = services.early_warnings_raise(today=today)
        prompted = services.lessons_prompt(today=today)
        self.stdout.write(f"Early warnings raised on {today:%d %b %Y}: {len(raised)}")
        for warning in raised:
            self.stdout.write(f"  {warning.partnership}: {warning.evidence_key}")
        self.stdout.write(f"Owners asked for lessons: {prompted}")
