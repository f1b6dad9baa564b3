from django.core.management.base import BaseCommand, CommandError

from audit.chain import verify_all


class Command(BaseCommand):
    help = (
        "Walk the hash chain of every history table; print each table's rows checked "
        "and newest hash, and fail naming the first broken link."
    )

    def handle(self, *args, **options):
        broken = []
        for report in verify_all():
            state = "ok" if report.intact else f"BROKEN at event {report.first_broken}"
            self.stdout.write(f"{report.table}: {report.rows} rows checked, {state}")
            if report.head:
                self.stdout.write(f"    head {report.head}")
            if not report.intact:
                broken.append(report)
        if broken:
            first = broken[0]
            raise CommandError(
                f"History chain broken: table {first.table}, event {first.first_broken}"
                + (f" (and {len(broken) - 1} more table(s))" if len(broken) > 1 else "")
            )
        self.stdout.write(self.style.SUCCESS("Every history chain is intact."))
