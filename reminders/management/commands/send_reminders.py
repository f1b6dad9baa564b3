"""`python manage.py send_reminders`: what the daily task does, at once and in the foreground."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from notifications.models import Kind
from reminders import services


class Command(BaseCommand):
    help = (
        "Store and email today's reminders (agreements, obligations, metrics, review "
        "digests), and the daily digests of those who chose one. Safe to run again: "
        "nobody hears of the same event twice."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        run = services.reminders_daily_run(today=today)
        counts, sent, digests = run.stored, run.resent, run.digests
        self.stdout.write(f"Reminders as of {today:%d %b %Y}:")
        for kind in Kind:
            if counts.get(kind.value):
                self.stdout.write(f"  {kind.label:<32}{counts[kind.value]:>5}")
        if not any(counts.values()):
            self.stdout.write("  none due that was not sent before")
        if sent:
            self.stdout.write(f"Emailed {sent} reminder(s) an earlier run could not send.")
        if digests:
            self.stdout.write(f"Emailed {digests} daily digest(s).")
