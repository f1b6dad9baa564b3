from django.contrib.auth.models import AnonymousUser

# The Administrator role (accounts.Role) is being added beside this work; until
# then, the group of that name. This function is the one place to switch.
ADMINISTRATOR_GROUP = "Administrator"


def may_read_audit(user) -> bool:
    """The audit trail (every change, by whom, including who answered a health
    check) is for Administrators only."""
    if isinstance(user, AnonymousUser) or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=ADMINISTRATOR_GROUP).exists()
