import datetime as dt

from django.utils import translation

from partnerships.geography import currency_choices, language_name, shared_working_hours

WINTER = dt.date(2026, 1, 14)
SUMMER = dt.date(2026, 7, 15)


def test_london_and_nairobi_share_five_hours_in_winter():
    # London 09–17 is 09–17 UTC in January; Nairobi (UTC+3) 09–17 is 06–14 UTC.
    shared = shared_working_hours(["Europe/London", "Africa/Nairobi"], on=WINTER)
    assert shared.start == dt.datetime(2026, 1, 14, 9, tzinfo=dt.UTC)
    assert shared.end == dt.datetime(2026, 1, 14, 14, tzinfo=dt.UTC)
    assert shared.hours == 5


def test_summer_time_moves_the_overlap():
    # London is UTC+1 in July: 08–16 UTC against Nairobi's 06–14 UTC.
    assert shared_working_hours(["Europe/London", "Africa/Nairobi"], on=SUMMER).hours == 6


def test_three_sides_share_only_what_all_of_them_share():
    # Adds New York (UTC−5 in January, 14–22 UTC): nothing in common with Nairobi.
    zones = ["Europe/London", "Africa/Nairobi", "America/New_York"]
    assert shared_working_hours(zones, on=WINTER) is None
    assert shared_working_hours(zones[::2], on=WINTER).hours == 3


def test_sides_on_opposite_sides_of_the_world_share_nothing():
    assert shared_working_hours(["Europe/London", "Pacific/Auckland"], on=WINTER) is None


def test_office_hours_can_be_set():
    shared = shared_working_hours(
        ["Europe/London", "Asia/Kolkata"], on=WINTER, start=dt.time(8), end=dt.time(18)
    )
    # Kolkata (UTC+5:30) 08–18 is 02:30–12:30 UTC; London 08–18 UTC.
    assert shared.hours == 4.5


def test_portuguese_names_languages_and_currencies_as_portugal_does():
    """CLDR's "pt" is Brazil's ("polonês", "holandês", "Euro"); Accord's
    Portuguese is Portugal's."""
    with translation.override("pt"):
        assert [language_name(code) for code in ("pl", "nl", "cs")] == [
            "polaco",
            "neerlandês",
            "checo",
        ]
        assert dict(currency_choices())["EUR"] == "EUR — euro"
    with translation.override("es"):
        assert language_name("pl") == "polaco"
