"""Committed funding in the base currency.

Contributions come in many currencies; a total is only honest if it says what it
could not convert, so a currency without a rate is listed apart, never dropped.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum

from partnerships.models import IN_FORCE, AgreementParty, ContributionKind

from .models import ExchangeRate

CENT = Decimal("0.01")


def rates_on(day: dt.date) -> dict[str, Decimal]:
    """The rate of each currency on `day`: its latest rate valid from then or before."""
    rows = (
        ExchangeRate.objects.filter(valid_from__lte=day)
        .order_by("currency", "-valid_from")
        .distinct("currency")
        .values_list("currency", "rate_to_base")
    )
    return dict(rows)


def committed():
    """The contributions that count as committed funding: financial ones of
    agreements in force (a contribution counts once its agreement binds the parties)."""
    return AgreementParty.objects.filter(
        contribution_kind=ContributionKind.FINANCIAL, agreement__status__in=IN_FORCE
    )


def committed_by_currency(partnerships) -> dict[str, Decimal]:
    """Committed funding of these partnerships, by currency."""
    rows = (
        committed()
        .filter(agreement__partnership__in=partnerships)
        .values("contribution_currency")
        .annotate(total=Sum("contribution_amount"))
        .order_by("contribution_currency")
        .values_list("contribution_currency", "total")
    )
    return dict(rows)


def in_base_currency(totals: dict[str, Decimal], rates: dict[str, Decimal]) -> dict:
    """{"currency", "total", "not_converted": [{"currency", "amount"}]} from totals
    by currency; the base currency needs no rate."""
    base = settings.ACCORD_BASE_CURRENCY
    total = Decimal(0)
    not_converted = []
    for currency, amount in sorted(totals.items()):
        if currency == base:
            total += amount
        elif currency in rates:
            total += amount * rates[currency]
        else:
            not_converted.append({"currency": currency, "amount": amount})
    return {"currency": base, "total": total.quantize(CENT), "not_converted": not_converted}
