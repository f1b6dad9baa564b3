"""Co-leads who are not partnership managers, written before the database
refused them (or a role taken away around `accounts.hooks.roles_changed`):
the system check `partnerships.W001` names how many and the command, which
lists them and, with `--apply`, takes them off as a role change does, each
partnership's history keeping it.

alice owns; bob co-led as a manager and is no longer one (his role taken
away in SQL, as before the rule); carol is a manager and still co-leads.
"""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core import checks
from django.core.management import call_command

from accounts.models import Role
from partnerships import services
from partnerships.models import Partnership, PartnershipLead
from tests.factories import PartnerFactory, user_with_role

pytestmark = pytest.mark.django_db


def create(owner, title, *leads):
    return services.partnership_create(
        title=title,
        purpose="clinical_exchange",
        owner=owner,
        members=[services.Member(partner=PartnerFactory(), role="lead")],
        leads=[services.Lead(user=user, functional_area=area) for user, area in leads],
    )


@pytest.fixture
def carol(db):
    return user_with_role("carol", Role.MANAGER, first_name="Carol")


@pytest.fixture
def stranded(alice, bob, carol):
    """bob co-leads two partnerships, no longer a manager; carol one, still one."""
    nairobi = create(alice, "Nairobi exchange", (bob, "administrative"))
    kampala = create(alice, "Kampala exchange", (bob, "administrative"), (carol, "clinical"))
    bob.groups.remove(Group.objects.get(name=Role.MANAGER))
    return nairobi, kampala


def warnings_of_the_database_checks() -> list:
    found = checks.run_checks(tags=[checks.Tags.database], databases=["default"])
    return [message for message in found if message.id == "partnerships.W001"]


def command(*args) -> str:
    out = StringIO()
    call_command("non_manager_co_leads", *args, stdout=out)
    return out.getvalue()


class TestTheCheck:
    def test_it_warns_naming_how_many_and_the_command(self, stranded):
        (warning,) = warnings_of_the_database_checks()
        assert warning.level == checks.WARNING
        assert warning.msg == (
            "2 co-leads are not partnership managers: only a manager co-leads a partnership."
        )
        assert warning.hint == (
            "List them with “python manage.py non_manager_co_leads”; take them off with "
            "“python manage.py non_manager_co_leads --apply”."
        )

    def test_it_is_silent_when_every_co_lead_is_a_manager(self, alice, carol):
        create(alice, "Kept", (carol, "clinical"))
        assert warnings_of_the_database_checks() == []

    def test_it_reads_the_database_only_when_asked(self, stranded, django_assert_num_queries):
        # `check` without --database (and `check --deploy`) run no query of it.
        with django_assert_num_queries(0):
            found = checks.run_checks(tags=[checks.Tags.database])
        assert [message for message in found if message.id == "partnerships.W001"] == []


class TestTheCommand:
    def test_it_lists_them_and_changes_nothing(self, bob, stranded):
        out = command()
        assert out.splitlines() == [
            f"“Kampala exchange” ({stranded[1].pk}): {bob} (Administrative)",
            f"“Nairobi exchange” ({stranded[0].pk}): {bob} (Administrative)",
            "2 co-leads are not partnership managers. Run again with --apply to take them off.",
        ]
        assert PartnershipLead.objects.count() == 3

    def test_apply_takes_them_off_recording_why_and_by_what(self, bob, carol, stranded):
        versions = {p.pk: p.version for p in Partnership.objects.all()}
        out = command("--apply")
        assert (
            f"{bob} is no longer a partnership manager, so no longer co-leads: "
            "“Kampala exchange”, “Nairobi exchange”. Each partnership's history keeps "
            "that they did."
        ) in out
        assert list(PartnershipLead.objects.values_list("user", flat=True)) == [carol.pk]
        for partnership in stranded:
            assert (
                Partnership.objects.get(pk=partnership.pk).version == versions[partnership.pk] + 1
            )
        dropped = PartnershipLead.pgh_event_model.objects.filter(pgh_label="delete")
        assert dropped.count() == 2
        assert {event.pgh_obj_id for event in dropped} == set(
            PartnershipLead.pgh_event_model.objects.filter(
                pgh_label="insert", user_id=bob.pk
            ).values_list("pgh_obj_id", flat=True)
        )
        assert {
            (event.pgh_context.get("reason"), event.pgh_context.get("command")) for event in dropped
        } == {("No longer a partnership manager, so no longer a co-lead.", "non_manager_co_leads")}
        assert warnings_of_the_database_checks() == []
        assert command().strip() == "Every co-lead is a partnership manager."
        assert command("--apply").strip() == "Every co-lead is a partnership manager."

    def test_with_none_it_says_so(self, alice, carol):
        create(alice, "Kept", (carol, "clinical"))
        assert command("--apply").strip() == "Every co-lead is a partnership manager."
        assert PartnershipLead.objects.count() == 1
