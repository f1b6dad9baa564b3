"""What accounts lets upper layers react to.

Upper layers register in their `AppConfig.ready()`: the API's tokens and the
calendar feeds with `credentials_ended`.
"""

from core.hooks import Hook

# Every way this person was signed in must stop working: they signed out
# everywhere, their password was reset or changed, their account was
# deactivated, or an administrator reset their second factor. Fired with
# `fire_now`, inside the change's transaction: a reaction that fails fails the
# change, so no credential outlives it unnoticed.
# Payload: user.
credentials_ended = Hook("accounts.credentials_ended")
