"""System checks over the partnerships' stored rows (tagged `database`:
`migrate`, each deployment's step, runs them, as does `check --database default`)."""

from django.core import checks
from django.db import DatabaseError, transaction
from django.utils.translation import gettext, ngettext

from .models import PartnershipLead

COMMAND = "python manage.py non_manager_co_leads"


@checks.register(checks.Tags.database)
def co_leads_are_managers(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """A co-lead is a partnership manager; rows from before the database held
    it (or written around it) are named, with the command that takes them off."""
    if not databases:
        return []
    try:
        with transaction.atomic():
            count = PartnershipLead.held_by_non_managers().count()
    except DatabaseError:
        # Tables not there yet, or not as this code reads them: a first
        # `migrate` (or one with migrations to apply) runs the checks before
        # it migrates. There is nothing to check until the schema is current.
        return []
    if not count:
        return []
    return [
        checks.Warning(
            ngettext(
                "%(count)s co-lead is not a partnership manager: only a manager co-leads "
                "a partnership.",
                "%(count)s co-leads are not partnership managers: only a manager co-leads "
                "a partnership.",
                count,
            )
            % {"count": count},
            hint=gettext("List them with “%(command)s”; take them off with “%(command)s --apply”.")
            % {"command": COMMAND},
            id="partnerships.W001",
        )
    ]
