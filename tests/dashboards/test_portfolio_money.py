"""Exchange rates: the rules hold in the database, and today's rate converts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError

from dashboards import money
from dashboards.models import ExchangeRate

pytestmark = pytest.mark.django_db


def test_it_refuses_a_second_rate_for_the_same_currency_and_day():
    ExchangeRate.objects.create(currency="USD", rate_to_base="0.9", valid_from=dt.date(2026, 1, 1))
    with pytest.raises(IntegrityError):
        ExchangeRate.objects.create(
            currency="USD", rate_to_base="0.8", valid_from=dt.date(2026, 1, 1)
        )


@pytest.mark.parametrize("rate", ["0", "-1.5"])
def test_it_refuses_a_rate_that_is_not_above_zero(rate):
    with pytest.raises(IntegrityError):
        ExchangeRate.objects.create(
            currency="USD", rate_to_base=rate, valid_from=dt.date(2026, 1, 1)
        )


@pytest.mark.parametrize("currency", ["usd", "US", "U$D"])
def test_it_refuses_a_currency_that_is_not_an_iso_code(currency):
    with pytest.raises(IntegrityError):
        ExchangeRate.objects.create(
            currency=currency, rate_to_base="1", valid_from=dt.date(2026, 1, 1)
        )


def test_the_rate_of_a_day_is_the_latest_valid_by_then():
    for day, rate in ((dt.date(2025, 1, 1), "0.80"), (dt.date(2026, 1, 1), "0.90")):
        ExchangeRate.objects.create(currency="USD", rate_to_base=rate, valid_from=day)
    assert money.rates_on(dt.date(2025, 6, 30)) == {"USD": Decimal("0.80")}
    assert money.rates_on(dt.date(2026, 1, 1)) == {"USD": Decimal("0.90")}
    assert money.rates_on(dt.date(2024, 12, 31)) == {}


def test_an_amount_without_a_rate_is_listed_not_dropped(settings):
    settings.ACCORD_BASE_CURRENCY = "EUR"
    totals = {"EUR": Decimal("100"), "USD": Decimal("10"), "NGN": Decimal("5000")}
    result = money.in_base_currency(totals, {"USD": Decimal("0.9")})
    assert result["total"] == Decimal("109.00")
    assert result["not_converted"] == [{"currency": "NGN", "amount": Decimal("5000")}]


def test_an_administrator_keeps_the_rates_in_the_admin(client, adam):
    client.force_login(adam)
    response = client.post(
        "/admin/dashboards/exchangerate/add/",
        {"currency": "GBP", "rate_to_base": "1.17", "valid_from": "2026-01-01"},
    )
    assert response.status_code == 302
    assert ExchangeRate.objects.get().currency == "GBP"


def test_a_rate_is_refused_as_the_database_would_and_never_deleted(client, adam):
    rate = ExchangeRate.objects.create(
        currency="USD", rate_to_base="0.9", valid_from=dt.date(2026, 1, 1)
    )
    client.force_login(adam)
    refused = client.post(
        f"/admin/dashboards/exchangerate/{rate.pk}/change/",
        {"currency": "usd", "rate_to_base": "-1", "valid_from": "2026-01-01"},
    )
    delete = client.post(f"/admin/dashboards/exchangerate/{rate.pk}/delete/", {"post": "yes"})
    assert refused.status_code == 200 and delete.status_code == 403
    rate.refresh_from_db()
    assert (rate.currency, rate.rate_to_base) == ("USD", Decimal("0.9"))
