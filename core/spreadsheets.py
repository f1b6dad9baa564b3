"""Every spreadsheet Accord reads or writes passes through here.

Written: the content types, the one guard against text a spreadsheet would run
as a formula (`inert` in a CSV, `_xlsx_cell` in a workbook), and the two writers
that apply it to every cell, a CSV
in UTF-8 with a byte-order mark (without it Excel on Windows reads UTF-8 as
its local code page: "RheinhÃ¶he") and an XLSX workbook.

Read: a CSV as Excel saves it in any locale (comma, semicolon or tab between
the columns, UTF-8 with or without a byte-order mark, Windows-1252, or the
UTF-16 of Excel's "Unicode Text"), and an
XLSX whose formulas without a saved value are told apart from blank cells.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet.formula import ArrayFormula

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"

# A spreadsheet runs a cell that starts with one of these as a formula; text
# people typed (titles, comments, metric names) must never become one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The column separators a CSV from Excel uses: "," in English locales, ";"
# where the comma is the decimal mark, a tab for "Text (Tab delimited)".
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs"}


# The longest cell a CSV is read with (the csv module's limit is
# process-wide): more than any file an import accepts holds. The uploads are
# refused far below it (5 MB an import, ACCORD_MAX_UPLOAD_MB a request).
MAX_CELL_SIZE = 100 * 1024 * 1024


class UnreadableFile(Exception):
    """The file as a whole cannot be read as a table."""


# An XLSX is a zip of XML: an upload of a few megabytes may declare a sheet of
# gigabytes, which openpyxl would unpack and every row of which would be held
# in memory. A real workbook of the imports' size unpacks to a few tens of MB.
MAX_UNPACKED_SIZE = 100 * 1024 * 1024


def check_unpacked_size(upload) -> None:
    """Refuse a workbook whose parts would unpack to more than MAX_UNPACKED_SIZE,
    from the sizes its zip declares (zipfile never unpacks more than declared).
    A file that is no zip at all is left for openpyxl to refuse."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    finally:
        upload.seek(0)
    if unpacked > MAX_UNPACKED_SIZE:
        raise UnreadableFile(
            _(
                "This workbook would unpack to more than %(size)d MB, far more than it "
                "weighs: Accord does not open it. Save it again from Excel, or as CSV."
            )
            % {"size": MAX_UNPACKED_SIZE // (1024 * 1024)}
        )


def _plain(value):
    # A lazy translation (a choice's label) is written as the text it reads in
    # the active language.
    return str(value) if isinstance(value, Promise) else value


def _starts_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def inert(value):
    """Text that would start a formula kept as text, for a CSV: a leading
    apostrophe, which Excel and LibreOffice read as "text follows".

    The one guard of every file Accord writes: the writers below call it (or,
    in a workbook, `_xlsx_cell`) on every cell, so no caller has to remember to."""
    value = _plain(value)
    return "'" + value if _starts_formula(value) else value


def inert_row(row: Iterable) -> list:
    return [inert(value) for value in row]


def _xlsx_cell(sheet, value):
    """A workbook's cell: text that would start a formula is written as text,
    marked as Excel marks text typed after an apostrophe (its quote prefix). It
    reads as it was typed, with no apostrophe to see, and stays text if someone
    edits it; a CSV has no such mark (`inert`)."""
    value = _plain(value)
    if not _starts_formula(value):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl took the "=" for a formula
    cell.quotePrefix = True
    return cell


def readable(text: str) -> str:
    """Text read from a file, the guard of `inert` taken off: a file Accord
    exported imports as it was ("'=1+1" was a name "=1+1"). An apostrophe
    before anything else is the text's own."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


class CsvWriter:
    """A `csv.writer` that makes every cell inert, after a byte-order mark."""

    def __init__(self, stream):
        stream.write(BOM)
        self._writer = csv.writer(stream)

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow(inert_row(row))

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def csv_bytes(rows: Iterable[Iterable]) -> bytes:
    out = io.StringIO()
    CsvWriter(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(sheets: Iterable[tuple[str, list, Iterable[list]]], *, streamed=True) -> bytes:
    """A workbook of (title, header, rows) sheets, every cell made inert. A zip
    file is written with seeks, which a response does not offer: hence bytes.

    `streamed` keeps memory flat for a large export; a template to fill in is
    not, so that, like a workbook saved by Excel, it states its dimension
    (which the imports read to send large files to the worker)."""
    book = Workbook(write_only=streamed)
    if not streamed:
        book.remove(book.active)
    for title, header, rows in sheets:
        # Excel refuses a sheet title of more than 31 characters or with one of
        # these; a translated title may be either.
        sheet = book.create_sheet(re.sub(r"[\\/*?:\[\]]", " ", str(title))[:31])
        sheet.append([_xlsx_cell(sheet, value) for value in header])
        for row in rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- reading -----------------------------------------------------------------


class Formula(str):
    """An XLSX cell holding a formula and no value saved with it (a workbook
    written by a program rather than by Excel): its text is the formula."""


@dataclass
class Table:
    rows: list[list[str]]
    # Whether numbers in the file may be written with a decimal comma: a CSV
    # whose columns are not separated by commas, as Excel saves it where the
    # comma is the decimal mark.
    decimal_comma: bool = False
    delimiter: str = field(default=",")


def expected_message(columns: Iterable[str]) -> str:
    return _(
        "Could not read the file: expected columns %(columns)s separated by commas, "
        "semicolons or tabs."
    ) % {"columns": ", ".join(columns)}


def _utf16_without_mark(data: bytes) -> str | None:
    """The UTF-16 a program wrote without a byte-order mark, if that is what
    `data` is: each character of the Latin script (the column names, the
    separators, the codes) then has a zero byte, all on the same side of every
    pair, which no UTF-8 or Windows-1252 text has. None if it is not: a stray
    null character or two are refused as such (`read_csv`)."""
    sample = data[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    # Sixteen zeros at least on one side (a quarter of a short file's), nearly
    # none on the other: a file of Arabic or Chinese names has few Latin
    # characters, but each has its zero on the same side. A stray null or two
    # in UTF-8 text are not enough.
    for encoding, zeros, others, half in (
        ("utf-16-le", odd, even, len(sample[1::2])),
        ("utf-16-be", even, odd, len(sample[0::2])),
    ):
        if zeros >= min(16, half * 0.25) and others <= zeros * 0.05:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode Text", renamed .csv: tab-separated UTF-16.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if (text := _utf16_without_mark(data)) is not None:
        return text
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # What Excel on Windows saves as "CSV (Comma delimited)" in Western
        # Europe and the Americas.
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            _(
                "Could not read the file: it is neither UTF-8 nor Windows-1252 text. "
                "Save it from Excel as “CSV UTF-8”."
            )
        ) from error


def _read_rows(text: str, delimiter: str) -> list[list[str]]:
    """The rows of `text`, each cell `readable`; a row the csv module refuses (a
    cell longer than its limit, the one error it raises when not strict)
    refuses the file naming that row, as a row holding a NUL does."""
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append([readable(cell) for cell in row])
    except csv.Error as error:
        raise UnreadableFile(
            _("Could not read the file: row %(row)s holds a cell longer than %(limit)s characters.")
            % {"row": len(rows) + 1, "limit": f"{csv.field_size_limit():,}"}
        ) from error
    return rows


def read_csv(data: bytes, *, columns: Iterable[str], required: Iterable[str]) -> Table:
    """The CSV's rows, its separator found from its header: the one of comma,
    semicolon or tab that splits the header into the most known `columns`.

    A header no separator splits into a required column, or that two split
    alike, gets one message naming the columns expected."""
    columns, required = list(columns), set(required)
    # A cell may be as long as the file: how long a column may be is the
    # column's to say, row and column named (a partner's name over 200
    # characters), as for the same cell in an XLSX. The csv module's own
    # limit, 131,072 characters, raised an error no import caught: a 500.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL_SIZE))
    text = _decode(data)
    first = text.lstrip("\r\n").splitlines()[0] if text.strip() else ""
    scores = {}
    for delimiter in DELIMITERS:
        try:
            header = next(csv.reader([first], delimiter=delimiter), [])
        except csv.Error:  # a header cell longer than the limit: no header
            header = []
        names = {cell.strip().lower() for cell in header}
        scores[delimiter] = (len(names & required), len(names & set(columns)))
    best = max(scores.values(), default=(0, 0))
    chosen = [delimiter for delimiter, score in scores.items() if score == best]
    if best[0] == 0 or len(chosen) > 1:
        raise UnreadableFile(expected_message(sorted(required) or columns))
    delimiter = chosen[0]
    rows = _read_rows(text, delimiter)
    # A NUL is no character of text (PostgreSQL refuses to store one): such a
    # file is refused naming its rows, whichever import reads it.
    with_nul = [number for number, row in enumerate(rows, start=1) if "\x00" in "".join(row)]
    if with_nul:
        raise UnreadableFile(
            ngettext(
                "Could not read the file: row %(rows)s holds a null character, which is not "
                "text. Save the file from Excel as “CSV UTF-8”.",
                "Could not read the file: rows %(rows)s hold a null character, which is not "
                "text. Save the file from Excel as “CSV UTF-8”.",
                len(with_nul),
            )
            % {"rows": ", ".join(map(str, with_nul))}
        )
    return Table(rows=rows, decimal_comma=delimiter != ",", delimiter=delimiter)


def _formula(value) -> str | None:
    """The formula a cell read without `data_only` holds, if any."""
    if isinstance(value, ArrayFormula):
        return value.text
    if isinstance(value, str) and value.startswith("="):
        return value
    return None


def _rows(book) -> list[list]:
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def read_xlsx(upload) -> Table:
    """The first sheet's rows as text; a formula whose value the workbook does
    not hold is a `Formula`, not a blank cell.

    Read once as written (formulas as their text); only a workbook holding a
    formula is read a second time for the values saved with them, which
    doubles the time of a large file."""
    check_unpacked_size(upload)
    try:
        book = load_workbook(upload, read_only=True, data_only=False)
        written = _rows(book)
        book.close()
        saved = None
        if any(_formula(value) for row in written for value in row):
            upload.seek(0)
            book = load_workbook(upload, read_only=True, data_only=True)
            saved = _rows(book)
            book.close()
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise UnreadableFile(_("The file could not be read as an XLSX workbook.")) from error
    rows = []
    for index, row in enumerate(written):
        cells = []
        for column, value in enumerate(row):
            if (formula := _formula(value)) is not None:
                # Excel saves each formula's value with it; a program may not.
                value = saved[index][column] if column < len(saved[index]) else None
                if value is None:
                    cells.append(Formula(formula))
                    continue
            cells.append("" if value is None else readable(_cell_text(value)))
        rows.append(cells)
    return Table(rows=rows)


def _cell_text(value) -> str:
    """A cell as text; a number cell as a person writes it: str() gives
    "1e-05" for 0.00001 and "1e+16" for ten thousand million million, which
    the imports no more take from a cell than typed (`parse_decimal`)."""
    if isinstance(value, float) and math.isfinite(value):
        return format(Decimal(repr(value)), "f")
    return str(value)


def formula_columns(header: list[str], row: list[str]) -> list[tuple[str, str]]:
    """(column, formula) for each cell of `row` that is a formula without a value."""
    return [
        (name, str(cell))
        for name, cell in zip(header, row, strict=False)
        if isinstance(cell, Formula)
    ]


def formula_message(formula: str) -> str:
    return _("a formula (%(formula)s); enter the value") % {"formula": formula}


__all__ = [
    "BOM",
    "CSV",
    "XLSX",
    "CsvWriter",
    "Formula",
    "Table",
    "UnreadableFile",
    "check_unpacked_size",
    "csv_bytes",
    "inert",
    "read_csv",
    "read_xlsx",
    "xlsx_bytes",
]
