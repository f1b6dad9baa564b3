"""What every spreadsheet Accord writes shares: the content types, the
guard against text a spreadsheet would run as a formula, and the XLSX writer."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A spreadsheet runs a cell that starts with one of these as a formula; text
# people typed (titles, comments) must never become one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """Text that would start a formula kept as text (a leading apostrophe)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_bytes(sheets: Iterable[tuple[str, list, Iterable[list]]]) -> bytes:
    """A workbook of (title, header, rows) sheets, every cell made inert. A zip
    file is written with seeks, which a response does not offer: hence bytes."""
    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append([inert(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
