"""`python manage.py demo_second_factor [username]`: the demo's second factor, again.

The secret and codes are public (the README prints them): only an account of
the demo's own (`is_demo_account`) is given them. A real reviewer or
administrator who happens to be called rita or admin keeps their authenticator.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import user_set_demo_second_factor
from demo.portfolio import is_demo_account


class Command(BaseCommand):
    help = (
        "Give a demo user (the reviewer, rita) a TOTP authenticator with the fixed, "
        "documented demo secret, and print it with the recovery codes. Demo data only."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", default="rita")

    def handle(self, *args, username, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as error:
            raise CommandError(f"No user {username!r}: seed the demo first.") from error
        if not is_demo_account(user):
            raise CommandError(
                f"{username} is not the demo's account (it does not sign in with the demo's "
                "password): its authenticator is left as it is."
            )
        factor = user_set_demo_second_factor(user=user)
        self.stdout.write(
            f"{username} signs in with a second factor. Add this secret to your "
            f"authenticator app: {factor.secret}\n"
            f"Recovery codes (each works once): {' '.join(factor.recovery_codes)}"
        )
