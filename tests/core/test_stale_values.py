"""The values a refused save says changed ("someone else saved a change since
you opened this form") read as the pages write them, in the reader's language
and time zone: never "2026-11-30 14:03:00+00:00", a choice's code or "2.5000"."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.utils import timezone, translation

from core.forms import LocalDecimalField
from core.versioning import kept, shown

# 23:30 UTC on 30 November is 00:30 on 1 December in Paris.
MOMENT = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)
PARIS = ZoneInfo("Europe/Paris")
STATUS = forms.ChoiceField(choices=[("active", "Active"), ("expired", "Expired")])


def as_read(field, value, language="fr", zone=PARIS) -> str:
    with translation.override(language), timezone.override(zone):
        return shown(field, kept(field, value))


@pytest.mark.parametrize(
    ("field", "value", "french", "english"),
    [
        (forms.DateField(), dt.date(2026, 12, 1), "1 déc. 2026", "1 Dec 2026"),
        (forms.DateTimeField(), MOMENT, "1 déc. 2026 00:30", "1 Dec 2026, 00:30"),
        (LocalDecimalField(), Decimal("2.5000"), "2,5", "2.5"),
        (LocalDecimalField(), Decimal("20"), "20", "20"),
        (STATUS, "expired", "Expired", "Expired"),
        (forms.BooleanField(required=False), True, "Oui", "Yes"),
        (forms.BooleanField(required=False), False, "Non", "No"),
        (forms.CharField(), "", "—", "—"),
    ],
)
def test_a_value_reads_as_the_pages_write_it(field, value, french, english):
    assert as_read(field, value) == french
    assert as_read(field, value, language="en-gb") == english


def test_what_is_kept_is_the_same_for_every_reader():
    """A snapshot taken by a reader in Paris compares equal to the same values
    read in Nairobi in Spanish: no change is seen where there is none."""
    fields = {
        "day": (forms.DateField(), dt.date(2026, 12, 1)),
        "moment": (forms.DateTimeField(), MOMENT),
        "number": (LocalDecimalField(), Decimal("2.50")),
        "status": (STATUS, "active"),
    }
    with translation.override("fr"), timezone.override(PARIS):
        in_paris = {name: kept(field, value) for name, (field, value) in fields.items()}
    with translation.override("es"), timezone.override(ZoneInfo("Africa/Nairobi")):
        elsewhere = {
            name: kept(field, timezone.localtime(value) if name == "moment" else value)
            for name, (field, value) in fields.items()
        }
    assert (
        in_paris
        == elsewhere
        == {
            "day": "2026-12-01",
            "moment": "2026-11-30T23:30:00+00:00",
            "number": "2.5",
            "status": "active",
        }
    )
