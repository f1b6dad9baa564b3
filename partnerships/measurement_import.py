"""Bulk import of one partnership's measurements from a CSV or XLSX file: all rows or none.

File reading, the size and type checks and the error report are the partner
import's (`imports`). Every row is checked first (the metric belongs to this
partnership, the period starts a period of the metric's frequency, the value is
a number, no metric and period twice in the file) with the model's own
validation, in memory: the metrics and the values already recorded are loaded
once, so the check costs the same few queries for ten rows or a hundred
thousand. Only a file without a single error is saved, in one transaction, by
COPY (new values) and bulk UPDATEs (corrections), with their history.

A row changes a value already recorded only when it gives the `version` of that
value it was made from (the template carries it), and only if no one changed
the value since; a row without one may record a period that has none, or repeat
the value recorded, which changes nothing (`services.measurement_changes`, the
grid's and the API's rule too). A file made from an older copy is thus refused,
naming each row, never saved over what someone entered since.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

import pghistory
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from core import refusals, spreadsheets
from core.copy import insert_with_history
from core.formatting import typed_number
from core.numbers import parse_decimal, parse_whole, reads_two_ways
from core.versioning import StaleVersion

from .imports import (
    MAX_SIZE,
    PROGRESS_EVERY,
    ImportFileError,
    RowError,
    formula_errors,
    header_error,
    header_index,
    read_table,
)
from .models import Measurement, OutcomeMetric
from .periods import last_closed_period
from .services import hold_run, measurement_changes

__all__ = ["MAX_SIZE", "ImportFileError", "RowError"]

# Rows per statement of the corrections' bulk UPDATE.
BATCH_SIZE = 2000

COLUMNS = [
    "metric_id",
    "metric",
    "unit",
    "frequency",
    "period_start",
    "value",
    "evidence",
    "version",
]
REQUIRED = {"metric_id", "period_start", "value"}
# Model fields named by the file's columns; anything else is the row's as a whole.
FIELD_COLUMNS = {
    "metric": "metric_id",
    "period_start": "period_start",
    "value": "value",
    "evidence": "evidence",
    NON_FIELD_ERRORS: "period_start",
}


@dataclass
class Row:
    number: int
    metric: OutcomeMetric
    period_start: dt.date
    value: Decimal
    evidence: str
    stored: Measurement | None  # the value this row corrects
    changes: bool = True  # False: the value and evidence stored, repeated


@dataclass
class MeasurementImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0


def active_metrics(partnership):
    return (
        OutcomeMetric.objects.filter(objective__partnership=partnership, is_active=True)
        .select_related("objective__partnership")
        .order_by("objective__title", "name")
    )


def template_rows(partnership, today: dt.date | None = None) -> list[list[str]]:
    """A row per active metric, for the last closed period: its value and
    evidence as recorded (blank to fill in when there is none) and their
    version (0: none), so that the file, edited and uploaded, corrects what it
    showed, and is refused for a value someone changed after it was made."""
    today = today or timezone.localdate()
    metrics = list(active_metrics(partnership))
    periods = {metric.pk: last_closed_period(today, metric.frequency).start for metric in metrics}
    stored = {
        (measurement.metric_id, measurement.period_start): measurement
        for measurement in Measurement.objects.filter(
            metric__in=metrics, period_start__in=set(periods.values())
        ).order_by()
    }
    rows = []
    for metric in metrics:
        recorded = stored.get((metric.pk, periods[metric.pk]))
        rows.append(
            [
                str(metric.pk),
                metric.name,
                metric.unit,
                metric.frequency,
                periods[metric.pk].isoformat(),
                f"{recorded.value.normalize():f}" if recorded else "",
                recorded.evidence if recorded else "",
                str(recorded.version if recorded else 0),
            ]
        )
    return rows


def template_csv(partnership) -> bytes:
    return spreadsheets.csv_bytes([COLUMNS, *template_rows(partnership)])


def template_xlsx(partnership) -> bytes:
    return spreadsheets.xlsx_bytes(
        [("Measurements", COLUMNS, template_rows(partnership))], streamed=False
    )


def _date(text: str, *, day_first: bool = False) -> dt.date | None:
    """An ISO date; a spreadsheet's date cell reads as '2025-07-01 00:00:00'.

    With `day_first`, also the date as Excel saves it where the comma is the
    decimal mark: 01.07.2025 (German) or 01/07/2025 (French, Spanish)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        pass
    if day_first:
        for written in ("%d.%m.%Y", "%d/%m/%Y"):
            try:
                return dt.datetime.strptime(text, written).date()
            except ValueError:
                continue
    return None


def _period_errors(metric, period_start) -> list[tuple[str, str]]:
    """(column, message) for each reason the model refuses a value of `metric`
    for the period starting `period_start`."""
    probe = Measurement(metric=metric, period_start=period_start)
    try:
        probe.full_clean(
            exclude={"metric", "value", "evidence", "entered_by"},
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        return [
            (FIELD_COLUMNS.get(name, ""), message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return []


def check(
    rows: list[list[str]], *, partnership, user, progress=None, decimal_comma=False
) -> tuple[list[Row], list[RowError]]:
    """Every row to save and every error in the file; the file's row numbers.

    `progress(done, total)`, when given, hears how far the check has come;
    `decimal_comma` reads "12,5" as twelve and a half (a file separated by
    semicolons or tabs, as Excel saves one where the comma is the decimal mark).
    """
    not_a_number = (
        _("“%(value)s” is not a number written 12,5 or 12.5.")
        if decimal_comma
        else _("“%(value)s” is not a number written with a decimal point, e.g. 12.5.")
    )
    not_a_version = _(
        "“%(value)s” is not a version: give the version the template gives, 0 for a period "
        "without a value, or leave it blank."
    )
    not_a_date = (
        _("“%(value)s” is not a date written YYYY-MM-DD or DD.MM.YYYY.")
        if decimal_comma
        else _("“%(value)s” is not a date written YYYY-MM-DD.")
    )
    if not rows:
        return [], [RowError(1, "", _("The file is empty."), "")]
    if refused := header_error(rows, REQUIRED, COLUMNS):
        return [], [refused]
    start = header_index(rows)
    header = [cell.strip().lower() for cell in rows[start]]
    metrics = {metric.pk: metric for metric in active_metrics(partnership)}
    existing = {
        (measurement.metric_id, measurement.period_start): measurement
        for measurement in Measurement.objects.filter(metric__in=list(metrics.values())).order_by()
    }
    parsed, errors, seen, period_errors, field_errors = [], [], {}, {}, {}
    # Only a workbook saved by a program holds formulas without their values.
    any_formula = any(isinstance(cell, spreadsheets.Formula) for row in rows for cell in row)
    for number, row in enumerate(rows[start + 1 :], start=start + 2):
        if progress and number % PROGRESS_EVERY == 0:
            progress(number - 1, len(rows) - 1)
        # A formula is reported as one (never read as a blank value, which
        # would skip the row unseen), and its column is not checked further.
        formulas = formula_errors(number, header, row) if any_formula else []
        values = {
            name: "" if isinstance(cell, spreadsheets.Formula) else cell.strip()
            for name, cell in zip(header, row, strict=False)
            if name in COLUMNS
        }
        if formulas:
            errors += formulas
            continue
        if not values.get("value"):
            continue  # a blank row, or a metric the file leaves for another time
        row_errors = []

        def bad(column, message, row_errors=row_errors, values=values, number=number):
            row_errors.append(RowError(number, column, message, values.get(column, "")))

        metric = None
        metric_id = values.get("metric_id", "")
        if not metric_id:
            bad("metric_id", gettext("Give the metric’s id, as in the template."))
        elif (
            # "1.000" in a decimal-comma file is a thousand, not metric 1.
            reads_two_ways(metric_id, decimal_comma=decimal_comma)
            or (metric := metrics.get(parse_whole(metric_id))) is None
        ):
            bad(
                "metric_id",
                gettext("“%(value)s” is not an active metric of this partnership.")
                % {"value": metric_id},
            )
        period_start = None
        if text := values.get("period_start", ""):
            period_start = _date(text, day_first=decimal_comma)
            if period_start is None:
                bad("period_start", not_a_date % {"value": text})
        value = parse_decimal(values["value"], decimal_comma=decimal_comma)
        if value is None:
            bad("value", not_a_number % {"value": values["value"]})
        version = None
        if text := values.get("version", ""):
            version = parse_whole(text)
            if version is None or version < 0 or reads_two_ways(text, decimal_comma=decimal_comma):
                version = None
                bad("version", not_a_version % {"value": text})
        if metric is None:
            errors += row_errors
            continue
        key = (metric.pk, period_start)
        unread = {error.column for error in row_errors}
        # The value and evidence by their fields' own validation, once per text
        # written (a file repeats its counts, and most rows leave the evidence
        # blank); the period by the model's (its field's validators and
        # `clean`), once per frequency and period: `clean` reads nothing else of
        # the row, and a hundred thousand rows name a few hundred periods.
        for name in ("value", "evidence"):
            if name in unread:
                continue
            text = values.get(name, "")
            if (name, text) not in field_errors:
                try:
                    Measurement._meta.get_field(name).clean(
                        value if name == "value" else text, None
                    )
                    field_errors[name, text] = None
                except ValidationError as error:
                    field_errors[name, text] = " ".join(error.messages)
            if message := field_errors[name, text]:
                bad(name, message)
        if "period_start" not in unread:
            period = (metric.frequency, period_start)
            if period not in period_errors:
                period_errors[period] = _period_errors(metric, period_start)
            row_errors += [
                RowError(number, column, message, values.get(column, ""))
                for column, message in period_errors[period]
            ]
        if period_start is not None and key in seen:
            bad(
                "period_start",
                gettext("The same metric and period as row %(row)s of this file.")
                % {"row": seen[key]},
            )
        elif period_start is not None:
            seen[key] = number
        changes = True
        if not row_errors:
            stored = existing.get(key)
            try:
                changes = measurement_changes(
                    stored,
                    value=value,
                    evidence=values.get("evidence", ""),
                    expected_version=version,
                )
            except StaleVersion:
                bad("version", _stale(stored, version))
            except ValidationError as error:
                bad("version", " ".join(error.messages))
        errors += row_errors
        if not row_errors:
            parsed.append(
                Row(
                    number,
                    metric,
                    period_start,
                    value,
                    values.get("evidence", ""),
                    stored=existing.get(key),
                    changes=changes,
                )
            )
    if progress:
        progress(len(rows) - 1, len(rows) - 1)
    if not parsed and not errors:
        errors.append(RowError(2, "value", gettext("The file has no values to import."), ""))
    return parsed, errors


def _stale(stored: Measurement | None, version: int) -> str:
    """A row made from another version of its period's value than the one stored."""
    if stored is None:
        return gettext(
            "This period’s value was cleared since version %(version)s; give version 0 to "
            "record it again."
        ) % {"version": version}
    return gettext(
        "This period’s value is now %(value)s (version %(current)s), not version "
        "%(version)s as in the file; give version %(current)s to replace it."
    ) % {"value": typed_number(stored.value), "current": stored.version, "version": version}


def _meanwhile() -> str:
    return gettext("A period was recorded by someone else meanwhile; import the file again.")


def _changed_since_checked(corrected: list[Measurement]) -> bool:
    """Whether a value the file corrects was changed or cleared after the check
    read it (in the grid, through the API): its rows are locked from here to
    the commit, so none can change before the file's correction is saved."""
    if not corrected:
        return False
    read = {measurement.pk: measurement.version for measurement in corrected}
    now = {}
    pks = list(read)
    for start in range(0, len(pks), BATCH_SIZE):
        now |= dict(
            Measurement.objects.select_for_update()
            .filter(pk__in=pks[start : start + BATCH_SIZE])
            .order_by("pk")
            .values_list("pk", "version")
        )
    return now != read


def measurements_save(*, parsed: list[Row], user) -> MeasurementImportResult:
    """Save the checked values, all or none, with their history."""
    # Plain records for COPY: a model instance each costs more to build than
    # to write, at a hundred thousand rows.
    fresh = [row for row in parsed if row.stored is None]
    # A period whose value was cleared before starts past its versions
    # (`Measurement.first_versions`); the query only when the file records one.
    first = Measurement.first_versions({row.metric.pk for row in fresh}) if fresh else {}
    created = [
        SimpleNamespace(
            id=None,
            created_at=None,
            updated_at=None,
            metric_id=row.metric.pk,
            period_start=row.period_start,
            value=row.value,
            evidence=row.evidence,
            entered_by_id=user.pk,
            version=first.get((row.metric.pk, row.period_start), 1),
        )
        for row in fresh
    ]
    # A row repeating the value stored writes nothing: a page showing that
    # value stays at its version.
    corrected = [row.stored for row in parsed if row.stored is not None and row.changes]
    # A bulk UPDATE does not run `auto_now`.
    now = timezone.now()
    for row in parsed:
        if row.stored is not None and row.changes:
            row.stored.value = row.value
            row.stored.entered_by = user
            row.stored.updated_at = now
            if row.evidence:  # empty evidence keeps what was recorded before
                row.stored.evidence = row.evidence
    try:
        with transaction.atomic():
            if parsed:
                # The file was checked against the start and end dates read
                # then; held from here to the commit, they must still be those.
                partnership = parsed[0].metric.objective.partnership
                checked = (partnership.start_date, partnership.end_date)
                hold_run(partnership)
                message = ""
                if partnership.start_date != checked[0]:
                    message = gettext(
                        "The partnership’s start date changed while the file was checked; "
                        "import it again."
                    )
                elif partnership.end_date != checked[1]:
                    message = gettext(
                        "The partnership’s end date changed while the file was checked; "
                        "import it again."
                    )
                if message:
                    return MeasurementImportResult(errors=[RowError(0, "", message, "")])
            if _changed_since_checked(corrected):
                return MeasurementImportResult(errors=[RowError(0, "", _meanwhile(), "")])
            insert_with_history(Measurement, created, user=user)
            # Each correction moves its value to the next version, as a grid
            # cell's or the API's does: a cell or row read before the import
            # is then refused as stale instead of writing over the file's value.
            for measurement in corrected:
                measurement.version += 1
            # The history triggers record each corrected row, naming `user`.
            with pghistory.context(user=user.pk if user else None):
                Measurement.objects.bulk_update(
                    corrected,
                    ["value", "evidence", "entered_by", "updated_at", "version"],
                    batch_size=BATCH_SIZE,
                )
    except IntegrityError as error:
        # A period outside the run (`RUN_REFUSALS`; the check and the dates
        # held say it first, by row), said in its words; otherwise someone
        # recorded one of the file's periods between the check and the save
        # (e.g. the same cell typed into the grid at that moment).
        refused = refusals.refusal(error)
        message = " ".join(refused.messages) if refused else _meanwhile()
        return MeasurementImportResult(errors=[RowError(0, "", message, "")])
    return MeasurementImportResult(created=len(created), updated=len(corrected))


def measurements_import(*, upload, partnership, user, progress=None) -> MeasurementImportResult:
    """Check the whole file, then save every value or none."""
    table = read_table(upload, columns=COLUMNS, required=REQUIRED)
    parsed, errors = check(
        table.rows,
        partnership=partnership,
        user=user,
        progress=progress,
        decimal_comma=table.decimal_comma,
    )
    if errors:
        return MeasurementImportResult(errors=errors)
    return measurements_save(parsed=parsed, user=user)
