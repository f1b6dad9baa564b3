"""Print working answer links for the partner-side people still to answer open rounds.

For the owner who sends links by hand (or a demo): only the digest of a link
is stored, so each link printed is a new one and the one emailed before stops
working.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from health import services
from health.models import Respondent, RoundState, Side


class Command(BaseCommand):
    help = "Print fresh answer links for partner-side respondents of open health checks."

    def add_arguments(self, parser):
        parser.add_argument("--round", type=int, help="Only this round (its id).")

    def handle(self, *args, round=None, **options):
        pending = Respondent.objects.pending().filter(
            side=Side.PARTNER, round__state=RoundState.OPEN
        )
        if round is not None:
            pending = pending.filter(round=round)
        for respondent in pending.select_related("round__partnership").order_by("round", "pk"):
            with transaction.atomic():
                link = services.answer_link(respondent=respondent)
            self.stdout.write(f"{respondent.round.partnership} · {respondent.email}: {link}")
