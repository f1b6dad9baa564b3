"""What the dashboards keep of their own: the exchange rates that turn committed
funding into the base currency (`settings.ACCORD_BASE_CURRENCY`)."""

import pghistory
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partnerships.models import validate_currency_code


@pghistory.track()
class ExchangeRate(models.Model):
    """What one unit of `currency` is worth in the base currency from `valid_from` on.

    A rate holds until the next one of the same currency: the rate of a day is
    the latest whose `valid_from` is on or before it.
    """

    currency = models.CharField(
        max_length=3, validators=[validate_currency_code], help_text="ISO 4217 code"
    )
    rate_to_base = models.DecimalField(
        "rate to the base currency",
        max_digits=18,
        decimal_places=8,
        help_text=_("Units of the base currency one unit of this currency is worth."),
    )
    valid_from = models.DateField()

    class Meta:
        ordering = ["currency", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "valid_from"],
                name="exchange_rate_once_per_currency_and_day",
                violation_error_message=_("This currency already has a rate from this day."),
            ),
            models.CheckConstraint(
                condition=Q(rate_to_base__gt=0),
                name="exchange_rate_positive",
                violation_error_message="A rate must be above zero.",
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"), name="exchange_rate_currency_iso_4217"
            ),
        ]

    def __str__(self):
        return f"{self.currency} {self.rate_to_base} from {self.valid_from:%d %b %Y}"
