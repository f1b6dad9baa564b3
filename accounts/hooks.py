"""What accounts lets upper layers react to.

Upper layers register in their `AppConfig.ready()`: the API's tokens and the
calendar feeds with `credentials_ended`, the partnerships' co-leads with
`roles_changed`.
"""

from core.hooks import Hook

# Every way this person was signed in must stop working: they signed out
# everywhere, their password was reset or changed, their account was
# deactivated, or an administrator reset their second factor. Fired with
# `fire_now`, inside the change's transaction: a reaction that fails fails the
# change, so no credential outlives it unnoticed.
# Payload: user.
credentials_ended = Hook("accounts.credentials_ended")

# The person's roles were changed (by an administrator, or by the identity
# provider at sign-in). Fired with `fire_now`, inside the change's transaction:
# what follows from a role (a co-lead is a partnership manager) holds at the
# commit. A receiver may return a sentence saying what it did, or "".
# Payload: user.
roles_changed = Hook("accounts.roles_changed")
