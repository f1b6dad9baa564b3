"""`python manage.py non_manager_co_leads [--apply]`: the co-leads who are not
partnership managers (system check `partnerships.W001`), and, with `--apply`,
taken off their dyads as a role change takes them off
(`services.partnership_leads_drop_if_not_manager`), each partnership's history
keeping who co-led, why they stopped, and that this command did it."""

import pghistory
from django.core.management.base import BaseCommand
from django.utils.translation import gettext, ngettext

from accounts.models import User
from partnerships.models import PartnershipLead
from partnerships.services import leads_follow_roles


class Command(BaseCommand):
    help = (
        "List the co-leads who are not partnership managers (from before the database "
        "refused them); with --apply, take them off their partnerships, recording it in "
        "each partnership's history."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--apply", action="store_true", help="Take them off (without it, only list them)."
        )

    def handle(self, *args, apply=False, **options):
        rows = list(
            PartnershipLead.held_by_non_managers()
            .select_related("partnership", "user")
            .order_by("partnership__title", "pk")
        )
        if not rows:
            self.stdout.write(gettext("Every co-lead is a partnership manager."))
            return
        for row in rows:
            self.stdout.write(
                gettext("“%(partnership)s” (%(id)s): %(lead)s")
                % {
                    "partnership": row.partnership.title,
                    "id": row.partnership_id,
                    "lead": row,
                }
            )
        if not apply:
            self.stdout.write(
                ngettext(
                    "%(count)s co-lead is not a partnership manager. Run again with --apply "
                    "to take them off.",
                    "%(count)s co-leads are not partnership managers. Run again with --apply "
                    "to take them off.",
                    len(rows),
                )
                % {"count": len(rows)}
            )
            return
        with pghistory.context(command="non_manager_co_leads"):
            for user in User.objects.filter(pk__in={row.user_id for row in rows}).order_by("pk"):
                self.stdout.write(leads_follow_roles(user=user))
