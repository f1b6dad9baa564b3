"""Who may change what, decided on the object.

Executives read everything and change nothing; partnership managers create
partners and partnerships and change the partnerships they own or co-lead,
with everything under them; reviewers read everything. Views, forms and
querysets all ask here, so a forged POST meets the same rule as a button.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from .models import Partnership


def can_create(user) -> bool:
    return user.has_perm("partnerships.add_partnership")


def can_edit_partner(user) -> bool:
    # Partners are shared reference data: any manager keeps them right.
    return user.has_perm("partnerships.change_partner")


def editable_partnerships(user):
    """The partnerships this user may change: those they own or co-lead."""
    if not user.has_perm("partnerships.change_partnership"):
        return Partnership.objects.none()
    return Partnership.objects.led_by(user)


def can_edit(user, partnership: Partnership) -> bool:
    return editable_partnerships(user).filter(pk=partnership.pk).exists()


def require_edit(user, partnership: Partnership) -> None:
    if not can_edit(user, partnership):
        raise PermissionDenied(gettext("Only the partnership's owner and co-leads change it."))


def require_create(user) -> None:
    if not can_create(user):
        raise PermissionDenied(
            gettext("Only partnership managers create partners and partnerships.")
        )
