"""The load test's data: a benchmark portfolio, its scorecards and the people.

`prepare` fills an EMPTY database (the runner gives it throwaway servers) with
`tooling.benchmarks.portfolio.build_portfolio` and `build_scorecards` (the last
months assessed and reviewed), and gives a password and a role to the people
the journeys of `tooling/loadtest/locustfile.py` sign in as: the builder's
managers (who own the partnerships), `reviewers` reviewers (with the demo
second factor, each their own account: a code is accepted once per person)
and an executive.

    python -m tooling.loadtest.prepare PARTNERSHIPS PERIODS PASSWORD [REVIEWERS]
"""

from __future__ import annotations

import os
import sys
import time

EXECUTIVE = "load-executive"


def prepare(
    *, partnerships: int, periods: int, password: str, reviewers: int = 5, out=sys.stdout
) -> None:
    # Imported here: `python -m` runs this file before Django is set up.
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts.models import Role
    from accounts.services import user_set_demo_second_factor
    from tooling.benchmarks.portfolio import BENCH_USERS, build_portfolio, build_scorecards

    started = time.perf_counter()
    today = timezone.localdate()
    portfolio = build_portfolio(partnerships=partnerships, today=today)
    rows = build_scorecards(periods=periods, today=today)
    print(
        f"  built {partnerships:,} partnerships, {portfolio.measurements:,} measurements and "
        f"{rows['scorecards']:,} scorecards in {time.perf_counter() - started:.0f} s",
        file=out,
    )
    User = get_user_model()
    # One hash for all: each person's own would only cost time here.
    hashed = make_password(password)
    managers = Group.objects.get(name=Role.MANAGER)
    for user in User.objects.filter(username__startswith="bench-manager-"):
        user.password = hashed
        user.save(update_fields=["password"])
        user.groups.add(managers)
    assert User.objects.filter(groups=managers).count() >= BENCH_USERS
    for n in range(1, reviewers + 1):
        reviewer, _ = User.objects.get_or_create(
            username=f"load-reviewer-{n}", defaults={"first_name": "Load", "last_name": "Reviewer"}
        )
        reviewer.password = hashed
        reviewer.save(update_fields=["password"])
        reviewer.groups.add(Group.objects.get(name=Role.REVIEWER))
        user_set_demo_second_factor(user=reviewer)
    executive, _ = User.objects.get_or_create(
        username=EXECUTIVE, defaults={"first_name": "Load", "last_name": "Executive"}
    )
    executive.password = hashed
    executive.save(update_fields=["password"])
    executive.groups.add(Group.objects.get(name=Role.EXECUTIVE))


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    count, periods, password, *reviewers = sys.argv[1:]
    prepare(
        partnerships=int(count),
        periods=int(periods),
        password=password,
        reviewers=int(reviewers[0]) if reviewers else 5,
    )
