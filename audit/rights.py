"""Who reads the audit trail: the Administrator role (and superusers), the same
right that opens the admin (`accounts.use_admin`, given only to that role)."""


def may_read_audit(user) -> bool:
    """The audit trail (every change, by whom, including who answered a health
    check) is for Administrators only."""
    return user.is_active and user.has_perm("accounts.use_admin")
