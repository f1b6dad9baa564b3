"""`python manage.py seed_demo`: a demo portfolio that looks real, and sign-ins to see it.

Safe to run again: what exists is left alone, only what is missing is added.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.services import user_set_demo_second_factor
from accounts.sessions import SECOND_FACTOR_ROLES
from dashboards import readmodel
from demo import health_checks, pipeline, portfolio

# The portfolio first: the health checks and the pipeline are built on its
# partnerships (each `build_demo(today=…)` returns a DemoReport of its own rows).
BUILDERS = (portfolio.build_demo, health_checks.build_demo, pipeline.build_demo)


class Command(BaseCommand):
    help = (
        "Create the demo partners, partnerships, agreements, objectives, metrics and "
        "measurements, and one demo user per role. Rows that exist are left untouched."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        with transaction.atomic():
            reports = [build(today=today) for build in BUILDERS]
            # The builders write rows directly: the dashboards' read model is
            # written from them once, as `manage.py rebuild_dashboards` would.
            if any(each.created_anything for each in reports) or not readmodel.is_built():
                readmodel.rebuild()
            # Reviewers and administrators must sign in with a second factor:
            # the demo's get a fixed authenticator secret, printed below. It is
            # public, as the demo's password is: a real account that happens
            # to bear a demo user's name ("admin") keeps its own authenticator.
            factors = {
                user.username: user_set_demo_second_factor(user=user)
                for user in get_user_model()
                .objects.filter(
                    username__in=[username for username, *_ in portfolio.DEMO_USERS],
                    groups__name__in=SECOND_FACTOR_ROLES,
                )
                .distinct()
                if portfolio.is_demo_account(user)
            }

        self.stdout.write(f"Demo portfolio as of {today:%d %b %Y}:")
        rows = [row for each in reports for row in each.rows()]
        width = max(len(label) for label, _created, _present in rows) + 2
        self.stdout.write(f"  {'':<{width}}{'created':>8}  {'already present':>15}")
        for label, created, present in rows:
            self.stdout.write(f"  {label:<{width}}{created:>8}  {present:>15}")
        if not any(each.created_anything for each in reports):
            self.stdout.write("Everything was already present; nothing changed.")

        self.stdout.write("")
        self.stdout.write("Demo sign-ins:")
        self.stdout.write(f"  {'username':<10}{'password':<14}{'role':<21}name")
        for username, password, role, full_name in portfolio.DEMO_USERS:
            self.stdout.write(f"  {username:<10}{password:<14}{role:<21}{full_name}")
        for username, factor in sorted(factors.items()):
            self.stdout.write(
                f"  {username} signs in with a second factor: add the secret {factor.secret} "
                f"to an authenticator app (TOTP), or use a recovery code: "
                f"{' '.join(factor.recovery_codes[:3])}"
            )
