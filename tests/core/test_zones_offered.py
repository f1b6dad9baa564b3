"""The time zones offered and accepted are places' zones, by every door."""

import pytest
from django.utils import translation

from core import zones
from partnerships import imports


def test_no_name_of_the_servers_own_setting_is_offered_or_accepted():
    """The system's zone files hold "localtime" (the server's own setting, which
    moves with the server) and "Factory" (a placeholder): a partner's hours
    reckoned in either would be wrong."""
    with translation.override("en-gb"):
        offered = {value for value, _label in zones.time_zone_choices()}
    assert {"localtime", "Factory", "posixrules"}.isdisjoint(offered)
    assert {"localtime", "Factory", "posixrules"}.isdisjoint(zones.time_zone_names())
    # The places' zones and the zones of no country stay.
    assert {"Europe/Paris", "America/Sao_Paulo", "Etc/UTC", "Etc/GMT+5"} <= offered


@pytest.mark.parametrize("zone", ["localtime", "Factory"])
def test_a_partners_file_naming_one_is_refused_for_that_row(zone):
    header = imports.COLUMNS
    row = ["Moi Teaching Hospital", "hospital", "10", "government", "KE", "Eldoret", "en",
           zone, "", ""]  # fmt: skip
    parsed, errors = imports.check([header, row])
    assert [(error.row, error.column) for error in errors] == [(2, "time_zone")]
