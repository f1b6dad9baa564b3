"""Bulk import of partners from a CSV or XLSX file: all rows or none.

The whole file is read and every row checked (the model's own field validation
in memory, duplicates within the file, and one query for the duplicates in the
database) before anything is saved, so a report can name every bad row and
column at once, and a file with one mistake leaves the database as it was. The
rows are then written by COPY, with their history, in one transaction: ten
thousand partners cost a few statements, not ten thousand round trips.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django_countries import countries
from openpyxl import load_workbook

from core import refusals, spreadsheets
from core.copy import insert_with_history
from core.formatting import cldr_locale
from core.zones import time_zone_names

from .geography import language_codes, language_names
from .identifiers import normalize_iati_id, normalize_ror_id
from .models import (
    PARTNER_ENTERED_FIELDS,
    OrganisationType,
    Partner,
    PartnerKind,
    Sector,
    expertise_areas,
    partner_name_unique,
    split_list,
)

MAX_SIZE = 5 * 1024 * 1024
COLUMNS = [name for name in PARTNER_ENTERED_FIELDS if name != "notes"]
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
    "",
    "",
]
# How often the check reports its progress (to a background import's page).
PROGRESS_EVERY = 5000
CHOICES = {"kind": PartnerKind, "organisation_type": OrganisationType, "sector": Sector}
COLUMN_PLURALS = {
    "kind": gettext_lazy("kinds"),
    "organisation_type": gettext_lazy("organisation types"),
    "sector": gettext_lazy("sectors"),
}
# Identifiers another system gives: at most one partner each, stored normalised.
IDENTIFIERS = {"ror_id": normalize_ror_id, "iati_id": normalize_iati_id}


class ImportFileError(Exception):
    """The file as a whole cannot be read: wrong type, too big, not a table."""


# How much of a bad value the report repeats: enough to find it in the file.
# A 131,000-character cell shown in full made a report of a quarter megabyte.
REPORTED_VALUE_CHARS = 120


@dataclass
class RowError:
    row: int
    column: str
    message: str
    value: str

    def __post_init__(self):
        value = str(self.value)
        if len(value) > REPORTED_VALUE_CHARS:
            value = value[: REPORTED_VALUE_CHARS - 1] + "…"
        self.value = value


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0


def template_csv() -> bytes:
    return spreadsheets.csv_bytes([COLUMNS, EXAMPLE])


def template_xlsx() -> bytes:
    return spreadsheets.xlsx_bytes([("Partners", COLUMNS, [EXAMPLE])], streamed=False)


def _check_file(upload) -> str:
    """The file's extension, once its size and type are acceptable."""
    if upload.size > MAX_SIZE:
        raise ImportFileError(_("The file is larger than 5 MB."))
    name = upload.name.lower()
    for extension in ("csv", "xlsx"):
        if name.endswith(f".{extension}"):
            return extension
    raise ImportFileError(_("Upload a CSV (.csv) or Excel (.xlsx) file."))


def count_rows(upload) -> int | None:
    """About how many rows the file has, without reading them: lines of a CSV,
    the sheet's stated dimension of an XLSX (None when the workbook omits it)."""
    if _check_file(upload) == "csv":
        upload.seek(0)
        lines = sum(chunk.count(b"\n") for chunk in upload.chunks())
        upload.seek(0)
        return lines
    try:
        spreadsheets.check_unpacked_size(upload)
    except spreadsheets.UnreadableFile as error:
        raise ImportFileError(str(error)) from error
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise ImportFileError(_("The file could not be read as an XLSX workbook.")) from error
    rows = book.worksheets[0].max_row
    book.close()
    upload.seek(0)
    return rows


def read_table(upload, *, columns=COLUMNS, required=REQUIRED) -> spreadsheets.Table:
    """The file's rows as lists of text, the header first, and how its numbers
    are written. A CSV may separate its columns by commas, semicolons or tabs."""
    extension = _check_file(upload)
    upload.seek(0)
    try:
        if extension == "csv":
            return spreadsheets.read_csv(upload.read(), columns=columns, required=required)
        return spreadsheets.read_xlsx(upload)
    except spreadsheets.UnreadableFile as error:
        raise ImportFileError(str(error)) from error


def read_rows(upload) -> list[list[str]]:
    """The partner file's rows as lists of text, the header first."""
    return read_table(upload).rows


def formula_errors(number: int, header: list[str], row: list[str]) -> list[RowError]:
    """An error for each cell of the row holding a formula without its value:
    read as blank, it would be reported as missing, or skipped unseen."""
    return [
        RowError(number, column, spreadsheets.formula_message(formula), formula)
        for column, formula in spreadsheets.formula_columns(header, row)
    ]


def header_index(rows) -> int:
    """Where the header is: the first row holding anything. A file may begin
    with blank lines (a sheet whose first row was left empty, an export that
    starts with one), as the CSV's separator is found past them; the rows
    after it keep the file's own numbers."""
    return next((index for index, row in enumerate(rows) if any(str(c).strip() for c in row)), 0)


def header_error(rows, required, columns) -> RowError | None:
    """The header's error: a required column missing (naming them all), or a
    column the import reads given twice, whose cells would be read from the
    last alone (a first one filled, a second left blank: every value lost
    unseen, or a row skipped as blank)."""
    start = header_index(rows)
    header = [cell.strip().lower() for cell in rows[start]]
    missing = set(required) - set(header)
    if missing:
        message = _("Missing columns: %(missing)s. The file needs the columns %(columns)s.") % {
            "missing": ", ".join(sorted(missing)),
            "columns": ", ".join(columns),
        }
        return RowError(start + 1, "", message, ", ".join(rows[start]))
    repeated = sorted(name for name in set(columns) if header.count(name) > 1)
    if repeated:
        message = ngettext(
            "The column %(columns)s is given more than once: keep one of each.",
            "The columns %(columns)s are given more than once: keep one of each.",
            len(repeated),
        ) % {"columns": ", ".join(repeated)}
        return RowError(start + 1, "", message, ", ".join(rows[start]))
    return None


@cache
def _choice_codes(choices, language) -> dict[str, str]:
    """Each code of `choices` by its code and its label, case-folded: the label
    in English (as the template and the README give it) and in the reader's language."""
    codes = {}
    for code, label in choices.choices:
        with translation.override("en"):
            codes[str(label).casefold()] = code
        codes[str(label).casefold()] = code
        codes[str(code).casefold()] = code
    return codes


def _choice(value: str, choices) -> str | None:
    """A code given as the code or its label, in any case."""
    return _choice_codes(choices, translation.get_language()).get(value.strip().casefold())


@cache
def _offered(choices, language) -> str:
    """What a row may give for `choices`, as the reader reads it: each label, with
    its code where the code is a number (the IATI codelist's "Government (10)")."""
    return ", ".join(
        f"{label} ({code})" if code.isdigit() else str(label) for code, label in choices.choices
    )


@cache
def _country_codes() -> frozenset[str]:
    return frozenset(dict(countries))


def _country(value: str) -> str | None:
    code = value.strip().upper()
    if code in _country_codes():
        return code
    return countries.by_name(value.strip()) or None


def _language_codes() -> tuple[frozenset[str], dict[str, str]]:
    """The ISO 639-1 codes, and each code by its case-folded name in English or
    in the uploader's language ("Croatian" or "croate"; in Portuguese, as
    Portugal or Brazil writes it)."""
    return _language_lookup(translation.get_language())


@lru_cache(maxsize=16)
def _language_lookup(language: str | None) -> tuple[frozenset[str], dict[str, str]]:
    codes = language_codes()
    by_name = {name.casefold(): code for code, name in language_names("en").items()}
    # As others who write the uploader's language spell them too: a Brazilian
    # file's "holandês" and "polonês" beside Portugal's "neerlandês", "polaco".
    by_name |= {
        name.casefold(): code
        for code, name in cldr_locale(language).languages.items()
        if code in codes
    }
    by_name |= {name.casefold(): code for code, name in language_names(language).items()}
    return codes, by_name


def _languages(value: str) -> tuple[list[str], list[str]]:
    """Codes for the languages given as codes or names, and those not known."""
    known, by_name = _language_codes()
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
            bad(
                column,
                gettext("“%(value)s” is not one of the %(column)s offered: %(offered)s.")
                % {
                    "value": value,
                    "column": COLUMN_PLURALS.get(column, column),
                    "offered": _offered(choices, translation.get_language()),
                },
            )
        fields[column] = code or ""
    if country := values.get("country", "").strip():
        if code := _country(country):
            fields["country"] = code
        else:
            bad(
                "country",
                gettext("“%(value)s” is not an ISO 3166 country code or name.")
                % {"value": country},
            )
    if time_zone := values.get("time_zone", "").strip():
        if time_zone in time_zone_names():
            fields["time_zone"] = time_zone
        else:
            bad(
                "time_zone",
                gettext("“%(value)s” is not a time zone, e.g. Africa/Nairobi.")
                % {"value": time_zone},
            )
    fields["languages"], unknown = _languages(values.get("languages", ""))
    if unknown:
        bad(
            "languages",
            gettext("Not ISO 639-1 languages: %(codes)s.") % {"codes": ", ".join(unknown)},
        )
    fields["expertise"] = expertise_areas(split_list(values.get("expertise", "")))
    for column, normalize in IDENTIFIERS.items():
        fields[column] = normalize(values.get(column, ""))
    return fields, errors


def _stored(keys) -> set[tuple[str, str]]:
    """Which of the (lower-cased name, country) pairs are partners already: one query."""
    names = {name for name, _ in keys}
    stored = (
        Partner.objects.annotate(name_lower=Lower("name"))
        .filter(name_lower__in=names)
        .values_list("name_lower", "country")
    )
    return {(name, country) for name, country in stored}


def _identifier_constraint(column: str):
    return next(
        constraint
        for constraint in Partner._meta.constraints
        if constraint.name == f"partner_{column}_unique"
    )


def _identifier_errors(found: dict[str, dict[int, tuple[str, str]]]) -> list[RowError]:
    """Rows whose identifier another partner holds already: one query per identifier.
    `found` has, by identifier and row number, the value and the text typed."""
    errors = []
    for column, by_row in found.items():
        if not by_row:
            continue
        values = {value for value, _ in by_row.values()}
        stored = set(
            Partner.objects.filter(**{f"{column}__in": values}).values_list(column, flat=True)
        )
        message = _identifier_constraint(column).get_violation_error_message()
        errors += [
            RowError(number, column, message, text)
            for number, (value, text) in by_row.items()
            if value in stored
        ]
    return errors


def check(rows: list[list[str]], *, progress=None) -> tuple[list[dict], list[RowError]]:
    """Every row's fields and every error in the file; the file's row numbers.

    `progress(done, total)`, when given, hears how far the check has come.
    """
    if not rows:
        return [], [RowError(1, "", _("The file is empty."), "")]
    if refused := header_error(rows, REQUIRED, COLUMNS):
        return [], [refused]
    start = header_index(rows)
    header = [cell.strip().lower() for cell in rows[start]]
    # Row by row in memory: the model's field validation and the duplicates
    # within the file. The database is asked once, below, for the rest.
    parsed, errors, seen, candidates = [], [], {}, {}
    # Each identifier: the row that first gave each value, and the rows to ask the database about.
    first_with = {column: {} for column in IDENTIFIERS}
    found = {column: {} for column in IDENTIFIERS}
    for number, row in enumerate(rows[start + 1 :], start=start + 2):
        if progress and number % PROGRESS_EVERY == 0:
            progress(number - 1, len(rows) - 1)
        if not any(cell.strip() for cell in row):
            continue
        # A formula is reported as one, and its column is not checked further.
        formulas = formula_errors(number, header, row)
        values = {
            name: "" if isinstance(cell, spreadsheets.Formula) else cell
            for name, cell in zip(header, row, strict=False)
            if name in COLUMNS
        }
        fields, row_errors = _parse(number, values)
        row_errors = formulas + row_errors
        partner = Partner(**fields)
        try:
            # Columns that could not be read are reported already. The
            # constraints are the database's: a query per row for each; the
            # uniqueness is checked for the whole file below, and the CHECKs
            # repeat the field choices validated here.
            # A country read by `_country` is one of the field's choices: its
            # check of them costs milliseconds a row (django-countries builds
            # the list each time).
            partner.full_clean(
                exclude={error.column for error in row_errors}
                | ({"country"} if fields.get("country") else set()),
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = "name" if name == NON_FIELD_ERRORS else name
                row_errors += [
                    RowError(number, column, message, values.get(column, ""))
                    for message in messages
                ]
        fields["name"] = partner.name  # as Partner.clean keeps it (spaces, invisibles)
        # Lower-cased as the database's unique name and country (Lower) compares
        # them, not casefolded: "Straße" and "STRASSE" are two partners there
        # and on the page, so two rows of a file too.
        key = (fields["name"].lower(), fields.get("country"))
        if fields["name"] and key in seen:
            row_errors.append(
                RowError(
                    number,
                    "name",
                    gettext("Same name and country as row %(row)s of this file.")
                    % {"row": seen[key]},
                    values.get("name", ""),
                )
            )
        seen.setdefault(key, number)
        for column in IDENTIFIERS:
            value = fields[column]
            if not value or any(error.column == column for error in row_errors):
                continue
            if value in first_with[column]:
                label = Partner._meta.get_field(column).verbose_name
                row_errors.append(
                    RowError(
                        number,
                        column,
                        gettext("Same %(label)s as row %(row)s of this file.")
                        % {"label": label, "row": first_with[column][value]},
                        values.get(column, ""),
                    )
                )
            else:
                first_with[column][value] = number
                found[column][number] = (value, values.get(column, ""))
        if fields["name"] and fields.get("country") and not row_errors:
            candidates[number] = (fields["name"].lower(), fields["country"], values["name"])
        errors += row_errors
        parsed.append(fields)
    identifier_errors = _identifier_errors(found)
    if identifier_errors:
        errors += identifier_errors
        errors.sort(key=lambda error: error.row)
    if candidates:
        stored = _stored({(name, country) for name, country, _ in candidates.values()})
        message = partner_name_unique().get_violation_error_message()
        errors += [
            RowError(number, "name", message, value)
            for number, (name, country, value) in candidates.items()
            if (name, country) in stored
        ]
        errors.sort(key=lambda error: error.row)
    if progress:
        progress(len(rows) - 1, len(rows) - 1)
    if not parsed and not errors:
        errors.append(RowError(2, "", gettext("The file has no partners under its header."), ""))
    return parsed, errors


def partners_save(*, parsed: list[dict], user) -> ImportResult:
    """Save the checked partners, all or none, with their history."""
    try:
        with transaction.atomic():
            insert_with_history(Partner, [Partner(**fields) for fields in parsed], user=user)
    except IntegrityError as error:
        # Another user saved the same partner (or identifier) between the check and the save.
        name = refusals.constraint_name(error)
        constraint = next(
            (c for c in Partner._meta.constraints if c.name == name), partner_name_unique()
        )
        message = constraint.get_violation_error_message()
        return ImportResult(
            errors=[
                RowError(
                    0, "", gettext("%(message)s Import the file again.") % {"message": message}, ""
                )
            ]
        )
    return ImportResult(created=len(parsed))


def partners_import(*, upload, user, progress=None) -> ImportResult:
    """Check the whole file, then save every partner or none."""
    rows = read_rows(upload)
    parsed, errors = check(rows, progress=progress)
    if errors:
        return ImportResult(errors=errors)
    return partners_save(parsed=parsed, user=user)
