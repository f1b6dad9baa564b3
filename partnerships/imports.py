"""Bulk import of partners from a CSV or XLSX file: all rows or none.

The whole file is read and every row checked (the model's own validation, and
duplicates within the file and against the database) before anything is saved,
so a report can name every bad row and column at once, and a file with one
mistake leaves the database as it was.
"""

from __future__ import annotations

import csv
import io
import zoneinfo
from dataclasses import dataclass, field
from functools import cache

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django_countries import countries
from openpyxl import Workbook, load_workbook

from . import services
from .forms_partners import split_list
from .geography import language_choices
from .models import OrganisationType, Partner, PartnerKind, Sector

MAX_SIZE = 5 * 1024 * 1024
COLUMNS = [
    "name",
    "kind",
    "organisation_type",
    "sector",
    "country",
    "city",
    "languages",
    "time_zone",
    "expertise",
    "website",
]
REQUIRED = {"name", "kind", "organisation_type", "sector", "country", "time_zone"}
EXAMPLE = [
    "Kenyatta National Hospital",
    "hospital",
    "Government",
    "government",
    "KE",
    "Nairobi",
    "en; sw",
    "Africa/Nairobi",
    "cardiology; nursing education",
    "https://knh.or.ke",
]
CHOICES = {"kind": PartnerKind, "organisation_type": OrganisationType, "sector": Sector}


class ImportFileError(Exception):
    """The file as a whole cannot be read: wrong type, too big, not a table."""


@dataclass
class RowError:
    row: int
    column: str
    message: str
    value: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0


def template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerow(EXAMPLE)
    return out.getvalue().encode("utf-8")


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Partners"
    sheet.append(COLUMNS)
    sheet.append(EXAMPLE)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_rows(upload) -> list[list[str]]:
    """The file's rows as lists of text, the header first."""
    name = upload.name.lower()
    if upload.size > MAX_SIZE:
        raise ImportFileError("The file is larger than 5 MB.")
    if name.endswith(".csv"):
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportFileError("The CSV file is not UTF-8 text.") from error
        return list(csv.reader(io.StringIO(text)))
    if name.endswith(".xlsx"):
        try:
            book = load_workbook(upload, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds on a damaged file
            raise ImportFileError("The file could not be read as an XLSX workbook.") from error
        rows = [
            ["" if value is None else str(value) for value in row]
            for row in book.worksheets[0].iter_rows(values_only=True)
        ]
        book.close()
        return rows
    raise ImportFileError("Upload a CSV (.csv) or Excel (.xlsx) file.")


@cache
def _time_zones() -> frozenset[str]:
    # Read from the system's zone files: too slow to do for every row.
    return frozenset(zoneinfo.available_timezones())


def _choice(value: str, choices) -> str | None:
    """A code given as the code or its label, in any case."""
    wanted = value.strip().casefold()
    for code, label in choices.choices:
        if wanted in (str(code).casefold(), str(label).casefold()):
            return code
    return None


def _country(value: str) -> str | None:
    code = value.strip().upper()
    if code in dict(countries):
        return code
    return countries.by_name(value.strip()) or None


def _languages(value: str) -> tuple[list[str], list[str]]:
    """Codes for the languages given as codes or English names, and those not known."""
    known = dict(language_choices())
    by_name = {name.casefold(): code for code, name in known.items()}
    codes, unknown = [], []
    for item in split_list(value):
        code = item.lower() if item.lower() in known else by_name.get(item.casefold())
        if code:
            codes.append(code)
        else:
            unknown.append(item)
    return codes, unknown


def _parse(number: int, values: dict[str, str]) -> tuple[dict, list[RowError]]:
    """The partner's fields from one row, and what could not be read."""
    fields, errors = {}, []

    def bad(column, message):
        errors.append(RowError(number, column, message, values.get(column, "")))

    for column in ("name", "city", "website"):
        fields[column] = values.get(column, "").strip()
    for column, choices in CHOICES.items():
        value = values.get(column, "").strip()
        if not value:
            continue  # the model says it is required
        code = _choice(value, choices)
        if code is None:
            bad(column, f"“{value}” is not one of the {column.replace('_', ' ')}s offered.")
        fields[column] = code or ""
    if country := values.get("country", "").strip():
        if code := _country(country):
            fields["country"] = code
        else:
            bad("country", f"“{country}” is not an ISO 3166 country code or name.")
    if time_zone := values.get("time_zone", "").strip():
        if time_zone in _time_zones():
            fields["time_zone"] = time_zone
        else:
            bad("time_zone", f"“{time_zone}” is not a time zone, e.g. Africa/Nairobi.")
    fields["languages"], unknown = _languages(values.get("languages", ""))
    if unknown:
        bad("languages", f"Not ISO 639-1 languages: {', '.join(unknown)}.")
    fields["expertise"] = split_list(values.get("expertise", ""))
    return fields, errors


def check(rows: list[list[str]]) -> tuple[list[dict], list[RowError]]:
    """Every row's fields and every error in the file; the file's row numbers."""
    if not rows:
        return [], [RowError(1, "", "The file is empty.", "")]
    header = [cell.strip().lower() for cell in rows[0]]
    missing = REQUIRED - set(header)
    if missing:
        message = f"Missing columns: {', '.join(sorted(missing))}."
        return [], [RowError(1, "", message, ", ".join(rows[0]))]
    parsed, errors, seen = [], [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {name: cell for name, cell in zip(header, row, strict=False) if name in COLUMNS}
        fields, row_errors = _parse(number, values)
        partner = Partner(**fields)
        try:
            # Columns that could not be read are reported already.
            partner.full_clean(exclude={error.column for error in row_errors})
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                # The name-and-country uniqueness is a constraint on Lower(name).
                column = "name" if name == NON_FIELD_ERRORS else name
                row_errors += [
                    RowError(number, column, message, values.get(column, ""))
                    for message in messages
                ]
        key = (fields["name"].casefold(), fields.get("country"))
        if fields["name"] and key in seen:
            row_errors.append(
                RowError(
                    number,
                    "name",
                    f"Same name and country as row {seen[key]} of this file.",
                    values.get("name", ""),
                )
            )
        seen.setdefault(key, number)
        errors += row_errors
        parsed.append(fields)
    if not parsed and not errors:
        errors.append(RowError(2, "", "The file has no partners under its header.", ""))
    return parsed, errors


def partners_import(*, upload) -> ImportResult:
    """Check the whole file, then save every partner or none."""
    rows = read_rows(upload)
    parsed, errors = check(rows)
    if errors:
        return ImportResult(errors=errors)
    try:
        with transaction.atomic():
            for fields in parsed:
                services.partner_create(**fields)
    except ValidationError as error:
        # Another user saved the same partner between the check and the save.
        return ImportResult(errors=[RowError(0, "", message, "") for message in error.messages])
    return ImportResult(created=len(parsed))
