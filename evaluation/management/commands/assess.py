"""`manage.py assess [--month 2026-10 | --last N] [--if-missing]`: assess in this process.

What the monthly beat task sends to the workers, done here and now: handy on a
fresh `make run` (the demo has scorecards to review at once) and for operators.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from evaluation import services
from evaluation.models import AssessmentRun, RunStatus


class Command(BaseCommand):
    help = "Assess every active partnership for one month (default: the month just closed)."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM; default: the month just closed")
        parser.add_argument(
            "--last",
            type=int,
            default=1,
            help="assess the last N closed months, oldest first (trends need an earlier month)",
        )
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="do nothing if a completed assessment of that month exists",
        )

    def handle(self, *args, month=None, last=1, if_missing=False, **options):
        if month:
            try:
                months = [dt.date.fromisoformat(f"{month}-01")]
            except ValueError as error:
                raise CommandError(f"--month takes YYYY-MM, not {month!r}") from error
        else:
            period = services.last_closed_month(timezone.localdate())
            months = []
            for _ in range(last):
                months.insert(0, period.start)
                period = period.previous()
        for start in months:
            self.assess(start, if_missing=if_missing)

    def assess(self, start, *, if_missing):
        completed = AssessmentRun.objects.filter(period_start=start, status=RunStatus.COMPLETED)
        if if_missing and completed.exists():
            self.stdout.write(f"{start:%B %Y} is assessed already.")
            return
        try:
            run = services.assessment_run_start(period_start=start)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        for chunk_id in services.assessment_run_pending_chunks(run=run):
            services.assessment_chunk_execute(chunk_id=chunk_id)
        run.refresh_from_db()
        self.stdout.write(
            f"Assessed {start:%B %Y}: {run.assessed_count} scorecards, "
            f"{run.skipped_count} skipped, {run.failed_count} failed."
        )
