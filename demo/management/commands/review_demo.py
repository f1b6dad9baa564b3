"""`python manage.py review_demo`: rita reviews the demo's scorecards (after
`assess --last 3`), so executives have approved numbers to read. Safe to run again."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from demo.review import review_demo


class Command(BaseCommand):
    help = (
        "As the demo reviewer, approve most scorecards, override one, return one and "
        "leave a few in review; add the demo exchange rates. Does nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reviewer", default="rita")

    def handle(self, *args, reviewer="rita", **options):
        report = review_demo(reviewer_username=reviewer, today=timezone.localdate())
        self.stdout.write(f"Approved: {report.approved}")
        self.stdout.write(f"Overridden: {', '.join(report.overridden) or 'none this time'}")
        self.stdout.write(f"Returned: {', '.join(report.returned) or 'none this time'}")
        self.stdout.write(f"Left in review: {', '.join(report.left_in_review) or 'none'}")
        self.stdout.write(f"Exchange rates added: {report.rates_created}")
