"""Identifiers other systems give organisations: the ROR ID and the IATI
organisation identifier.

Their rules live here once. The partner model's fields call these validators
and normalisers, so the partner form, the import and the API refuse the same
values with the same messages, and the database's checks repeat the forms.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.data import COUNTRIES
from stdnum.iso7064 import mod_97_10

# --- ROR (https://ror.org) ----------------------------------------------------------------

# A ROR ID: "0", six Crockford base-32 characters (no i, l, o, u) and two
# check digits. The database's check repeats this pattern.
ROR_PATTERN = r"^0[0-9a-hjkmnp-tv-z]{6}[0-9]{2}$"
ROR_URL_PREFIXES = ("https://ror.org/", "http://ror.org/", "ror.org/")
# Crockford's base-32 digits, mapped onto the digits Python's int(…, 32) reads.
_CROCKFORD = str.maketrans("0123456789abcdefghjkmnpqrstvwxyz", "0123456789abcdefghijklmnopqrstuv")


def normalize_ror_id(value) -> str:
    """A ROR ID as stored: the bare ID, lower case, from the ID or its ror.org URL."""
    text = str(value or "").strip()
    for prefix in ROR_URL_PREFIXES:
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
            break
    return text.strip("/").lower()


def validate_ror_id(value: str) -> None:
    """A ROR ID of the right form whose two check digits are the ISO 7064
    mod 97-10 check of the number its six base-32 characters spell."""
    if not re.fullmatch(ROR_PATTERN, value):
        raise ValidationError(
            _(
                "“%(value)s” is not a ROR ID: a 0, six letters or digits and two check "
                "digits, e.g. 03yrm5c26 or https://ror.org/03yrm5c26."
            ),
            code="invalid",
            params={"value": value},
        )
    number = int(value[1:7].translate(_CROCKFORD), 32)
    if not mod_97_10.is_valid(f"{number}{value[7:]}"):
        raise ValidationError(
            _(
                "The check digits of the ROR ID “%(value)s” do not match: copy it again "
                "from ror.org."
            ),
            code="checksum",
            params={"value": value},
        )


# --- IATI organisation identifiers (org-id.guide) -----------------------------------------

# PREFIX-identifier, the prefix a registration agency's code: a country code
# (or XI international, XM multilateral), a dash, the agency (GB-CHC, XM-DAC,
# US-EIN); the identifier has no spaces, nor / ? # & (IATI's rule).
IATI_PATTERN = r"^[A-Z]{2}-[A-Z0-9]{2,}-[^\s/?#&]+$"
IATI_INTERNATIONAL = {"XI", "XM"}


def normalize_iati_id(value) -> str:
    """An IATI organisation identifier as stored: trimmed, its prefix in capitals."""
    text = str(value or "").strip()
    parts = text.split("-", 2)
    if len(parts) == 3:
        return f"{parts[0].upper()}-{parts[1].upper()}-{parts[2]}"
    return text


def validate_iati_id(value: str) -> None:
    if not re.fullmatch(IATI_PATTERN, value):
        raise ValidationError(
            _(
                "“%(value)s” is not an IATI organisation identifier: write the registration "
                "agency's prefix, a dash and the organisation's number there, e.g. "
                "GB-CHC-202918, XM-DAC-41114 or US-EIN-131623829."
            ),
            code="invalid",
            params={"value": value},
        )
    country = value[:2]
    if country not in COUNTRIES and country not in IATI_INTERNATIONAL:
        raise ValidationError(
            _(
                "“%(country)s” in “%(value)s” is not a country code (or XI, XM): the prefix "
                "starts with the agency's country, e.g. GB-CHC."
            ),
            code="invalid",
            params={"value": value, "country": country},
        )


# --- the model fields ---------------------------------------------------------------------


class _NormalizedField(models.CharField):
    """A text field that stores its value normalised (`normalize`) and accepts
    the longer forms people paste (a ROR URL) in forms."""

    normalize = staticmethod(str)
    typed_length = 200

    def to_python(self, value):
        return self.normalize(super().to_python(value))

    def formfield(self, **kwargs):
        return super().formfield(**{"max_length": self.typed_length, **kwargs})


class RorIdField(_NormalizedField):
    normalize = staticmethod(normalize_ror_id)
    default_validators = [validate_ror_id]


class IatiIdField(_NormalizedField):
    normalize = staticmethod(normalize_iati_id)
    default_validators = [validate_iati_id]
