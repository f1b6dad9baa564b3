"""`python manage.py review_demo`: rita reviews the demo's scorecards (after
`assess --last 3`), so executives have approved numbers to read. Safe to run again."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.review import NotADemoAccount, review_demo


class Command(BaseCommand):
    help = (
        "As the demo reviewer, approve most scorecards, override one, return one and "
        "leave a few in review; add the demo exchange rates. Does nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reviewer", default="rita")

    def handle(self, *args, reviewer="rita", **options):
        try:
            report = review_demo(reviewer_username=reviewer, today=timezone.localdate())
        except NotADemoAccount as error:
            raise CommandError(
                f"{error} is not the demo's account (it does not sign in with the demo's "
                "password): the demo's review acts only as the demo's reviewer. Nothing "
                "was reviewed."
            ) from error
        self.stdout.write(f"Approved: {report.approved}")
        self.stdout.write(f"Overridden: {', '.join(report.overridden) or 'none this time'}")
        self.stdout.write(f"Returned: {', '.join(report.returned) or 'none this time'}")
        self.stdout.write(f"Left in review: {', '.join(report.left_in_review) or 'none'}")
        self.stdout.write(f"Exchange rates added: {report.rates_created}")
