from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import user_set_demo_second_factor


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
        factor = user_set_demo_second_factor(user=user)
        self.stdout.write(
            f"{username} signs in with a second factor. Add this secret to your "
            f"authenticator app: {factor.secret}\n"
            f"Recovery codes (each works once): {' '.join(factor.recovery_codes)}"
        )
