"""Rows written by COPY come back as the ORM would have saved them."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from core.copy import insert_with_history, reserve_ids
from partnerships.models import Measurement, Partner
from tests.factories import MetricFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_awkward_text_lists_and_defaults_arrive_as_written():
    partners = [
        Partner(
            name="Tab\there, a new\nline and a back\\slash",
            kind="hospital",
            organisation_type="15",
            sector="government",
            country="KE",
            city="",
            languages=["en", "sw"],
            time_zone="Africa/Nairobi",
            expertise=['a "quoted", b', "back\\slash", "{braces}"],
            notes="\\N is not null",
        ),
        Partner(
            name="Plain",
            kind="university",
            organisation_type="80",
            sector="academic",
            country="PE",
            city="Lima",
            time_zone="America/Lima",
        ),
    ]
    insert_with_history(Partner, partners, user=None)

    first, second = Partner.objects.order_by("pk")
    assert first.pk == partners[0].pk and second.pk == partners[1].pk
    assert first.name == "Tab\there, a new\nline and a back\\slash"
    assert first.languages == ["en", "sw"]
    assert first.expertise == ['a "quoted", b', "back\\slash", "{braces}"]
    assert first.notes == "\\N is not null"
    assert (first.country.code, str(first.time_zone), first.city) == ("KE", "Africa/Nairobi", "")
    # Defaults of what the instance left out, and one timestamp for the whole write.
    assert second.languages == [] and second.expertise == [] and second.version == 1
    assert first.created_at == second.created_at == first.updated_at


def test_plain_records_repeating_dates_keep_each_rows_own_date():
    user = UserFactory()
    metric = MetricFactory(frequency="monthly")  # a value for each month
    months = [dt.date(2025, month, 1) for month in (1, 2, 3)]
    records = [
        SimpleNamespace(
            id=None,
            created_at=None,
            updated_at=None,
            metric_id=metric.pk,
            period_start=months[n % 3],
            value=Decimal(f"{n}.25"),
            evidence="",
            entered_by_id=user.pk,
        )
        for n in range(3)
    ] + [
        SimpleNamespace(
            id=None,
            created_at=None,
            updated_at=None,
            metric_id=metric.pk,
            period_start=dt.date(2025, 4, 1),
            value=Decimal("-0.5"),
            evidence="seen",
            entered_by_id=user.pk,
        )
    ]
    insert_with_history(Measurement, records, user=user)

    saved = list(
        Measurement.objects.order_by("period_start").values_list(
            "period_start", "value", "evidence", "entered_by_id", "version"
        )
    )
    assert saved == [
        (dt.date(2025, 1, 1), Decimal("0.25"), "", user.pk, 1),
        (dt.date(2025, 2, 1), Decimal("1.25"), "", user.pk, 1),
        (dt.date(2025, 3, 1), Decimal("2.25"), "", user.pk, 1),
        (dt.date(2025, 4, 1), Decimal("-0.5"), "seen", user.pk, 1),
    ]


def test_reserved_ids_are_new_and_distinct():
    taken = reserve_ids(Partner, 3)
    more = reserve_ids(Partner, 1000)
    assert len(set(taken + more)) == 1003
    assert min(more) > max(taken)
    assert reserve_ids(Partner, 0) == []
