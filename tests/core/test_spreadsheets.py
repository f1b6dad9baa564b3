"""Spreadsheets that travel: read as Excel saves them in any locale, written so
Excel in any locale reads them right and runs none of their text."""

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from core import spreadsheets
from tests.spreadsheets import csv_rows

COLUMNS = ["name", "kind", "country", "city"]
REQUIRED = {"name", "kind", "country"}
HOSTILE = ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


def read(text: str | bytes, encoding="utf-8") -> spreadsheets.Table:
    data = text if isinstance(text, bytes) else text.encode(encoding)
    return spreadsheets.read_csv(data, columns=COLUMNS, required=REQUIRED)


class TestTheGuard:
    @pytest.mark.parametrize("value", HOSTILE)
    def test_text_that_would_start_a_formula_is_kept_as_text(self, value):
        assert spreadsheets.inert(value) == "'" + value

    @pytest.mark.parametrize("value", ["Rheinhöhe", "a=b", "", Decimal("-5"), -5, None])
    def test_anything_else_is_left_alone(self, value):
        assert spreadsheets.inert(value) == value

    def test_the_csv_writer_guards_every_cell_after_a_byte_order_mark(self):
        content = spreadsheets.csv_bytes(
            [["name", "value"], *[[v, Decimal("-5")] for v in HOSTILE]]
        )
        rows = csv_rows(content)  # fails without the byte-order mark
        assert [row[0] for row in rows[1:]] == ["'" + v for v in HOSTILE]
        assert {row[1] for row in rows[1:]} == {"-5"}  # a number is no formula

    @pytest.mark.parametrize("streamed", [True, False])
    def test_the_xlsx_writer_guards_every_cell_and_the_header(self, streamed):
        content = spreadsheets.xlsx_bytes(
            [("Sheet", ["=A1", "b", "c"], [[v, -5, "plain"] for v in HOSTILE])], streamed=streamed
        )
        sheet = load_workbook(io.BytesIO(content)).active
        rows = list(sheet.iter_rows(values_only=True))
        # Each reads as it was typed, no apostrophe to see ...
        assert rows[0] == ("=A1", "b", "c")
        assert [row[0] for row in rows[1:]] == HOSTILE
        assert {row[1:] for row in rows[1:]} == {(-5, "plain")}
        # ... and is text, marked as Excel marks text typed after an apostrophe;
        # not one cell is a formula to the spreadsheet.
        cells = [cell for row in sheet.iter_rows() for cell in row]
        marked = [cell.value for cell in cells if cell.quotePrefix]
        assert marked == ["=A1", *HOSTILE]
        assert {cell.data_type for cell in cells if cell.quotePrefix} == {"s"}
        assert not any(cell.data_type == "f" for cell in cells)

    def test_a_workbook_it_wrote_reads_back_as_it_was_typed(self):
        content = spreadsheets.xlsx_bytes([("Sheet", ["name"], [[v] for v in HOSTILE])])
        table = spreadsheets.read_xlsx(io.BytesIO(content))
        assert [row[0] for row in table.rows[1:]] == HOSTILE
        assert not any(isinstance(row[0], spreadsheets.Formula) for row in table.rows)

    def test_a_sheet_title_too_long_or_with_forbidden_characters_is_made_acceptable(self):
        content = spreadsheets.xlsx_bytes([("Objectifs / résultats: " + "x" * 40, ["a"], [])])
        assert load_workbook(io.BytesIO(content)).sheetnames == ["Objectifs   résultats  xxxxxxxx"]

    def test_an_export_opened_back_reads_every_accent(self):
        content = spreadsheets.csv_bytes([["name"], ["Rheinhöhe"], ["Hôpital"], ["مستشفى"]])
        assert content.startswith(b"\xef\xbb\xbf")
        assert [row[0] for row in csv_rows(content)] == ["name", "Rheinhöhe", "Hôpital", "مستشفى"]


class TestReadingACsv:
    @pytest.mark.parametrize("delimiter", [",", ";", "\t"])
    def test_commas_semicolons_and_tabs_separate_columns(self, delimiter):
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter).writerows([COLUMNS, ["A, B", "x", "KE", ""]])
        table = read(out.getvalue())
        assert table.rows == [COLUMNS, ["A, B", "x", "KE", ""]]
        assert table.delimiter == delimiter
        assert table.decimal_comma == (delimiter != ",")

    def test_a_file_as_a_german_excel_saves_it(self):
        """Semicolons, a byte-order mark and CRLF line ends."""
        data = "\ufeffname;kind;country\r\nRheinhöhe Klinik;hospital;DE\r\n".encode()
        table = read(data)
        assert table.rows == [["name", "kind", "country"], ["Rheinhöhe Klinik", "hospital", "DE"]]

    def test_a_windows_1252_file_is_read(self):
        """Excel on Windows saves "CSV (Comma delimited)" in its code page."""
        table = read("name;kind;country\nHôpital de Genève;hospital;CH\n", encoding="cp1252")
        assert table.rows[1][0] == "Hôpital de Genève"

    def test_excels_unicode_text_is_read(self):
        """ "Unicode Text" is tab-separated UTF-16 with a byte-order mark."""
        table = read("name\tkind\tcountry\r\nمستشفى الأمل\thospital\tJO\r\n", encoding="utf-16")
        assert table.rows[1] == ["مستشفى الأمل", "hospital", "JO"]
        assert table.delimiter == "\t"

    @pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
    def test_utf_16_without_a_byte_order_mark_is_read(self, encoding):
        """As some programs save "Unicode" text: before, its zero bytes were
        refused as null characters."""
        table = read(
            "name\tkind\tcountry\r\nمستشفى الأمل\thospital\tJO\r\nHôpital\tclinic\tFR\r\n",
            encoding=encoding,
        )
        assert table.rows[1:] == [["مستشفى الأمل", "hospital", "JO"], ["Hôpital", "clinic", "FR"]]

    @pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
    def test_utf_16_without_a_mark_mostly_in_another_script_is_read(self, encoding):
        """A file of Arabic names has few Latin characters, and so few zero bytes
        (a tenth of one side's here): they are still all on that side."""
        names = ["مستشفى الأمل التخصصي للأطفال والنساء", "جامعة العلوم والتكنولوجيا الأردنية"] * 40
        rows = "".join(f"{name}\tمستشفى\tJO\r\n" for name in names)
        data = f"name\tkind\tcountry\r\n{rows}".encode(encoding)
        side = data[1::2] if encoding == "utf-16-le" else data[0::2]
        assert side[:2048].count(0) < 0.25 * len(side[:2048])  # the case before refused
        table = read(data)
        assert len(table.rows) == 81 and table.rows[80] == [names[79], "مستشفى", "JO"]

    def test_a_stray_null_or_two_in_utf_8_are_still_refused_as_such(self):
        data = ("name,kind,country\n" + "Clinic,hospital,KE\n" * 200).encode()
        data = data[:501] + b"\x00" + data[502:1001] + b"\x00" + data[1002:]
        with pytest.raises(spreadsheets.UnreadableFile, match="hold a null character"):
            read(data)

    def test_bytes_neither_utf_8_nor_windows_1252_get_a_clear_message(self):
        with pytest.raises(spreadsheets.UnreadableFile, match="neither UTF-8 nor Windows-1252"):
            read(b"name,kind,country\n\x81\x8d\x8f,x,KE\n")

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "nom|type|pays\nA|b|c\n",  # another separator
            "first name;sort\nA;b\n",  # no column known
            "name\nA\n",  # one column: no separator to tell
        ],
    )
    def test_an_unreadable_or_ambiguous_file_gets_one_message_naming_what_was_expected(self, text):
        with pytest.raises(spreadsheets.UnreadableFile) as error:
            read(text)
        assert str(error.value) == (
            "Could not read the file: expected columns country, kind, name separated by "
            "commas, semicolons or tabs."
        )

    def test_null_characters_are_refused_naming_every_row_that_holds_one(self):
        with pytest.raises(spreadsheets.UnreadableFile) as error:
            read("name,kind,country\nA\x00,b,KE\nB,c,KE\nC,d\x00,KE\n")
        assert str(error.value) == (
            "Could not read the file: rows 2, 4 hold a null character, which is not text. "
            "Save the file from Excel as “CSV UTF-8”."
        )

    def test_a_header_lacking_a_column_is_read_for_the_import_to_name_it(self):
        assert read("name;kind\nA;b\n").rows == [["name", "kind"], ["A", "b"]]


class TestReadingAnXlsx:
    def test_a_workbook_that_would_unpack_to_gigabytes_is_refused_unopened(self):
        """5 MB of upload may hold a sheet of gigabytes (a zip bomb): its
        declared size is read, nothing is unpacked."""
        book = Workbook()
        book.active.append(["name"])
        out = io.BytesIO()
        book.save(out)
        with (
            zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as archive,
            archive.open("xl/worksheets/sheet2.xml", "w", force_zip64=True) as entry,
        ):
            for _ in range(spreadsheets.MAX_UNPACKED_SIZE // (1 << 20) + 1):
                entry.write(b" " * (1 << 20))
        out.seek(0)
        with pytest.raises(spreadsheets.UnreadableFile, match="would unpack to more than"):
            spreadsheets.read_xlsx(out)

    def test_a_formula_without_its_value_is_told_apart_from_a_blank_cell(self):
        book = Workbook()
        book.active.append(["name", "value", "note"])
        book.active.append(["A", "=B3*2", None])
        book.active.append(["B", 4, ""])
        out = io.BytesIO()
        book.save(out)  # as a program saves it: no value computed
        out.seek(0)
        rows = spreadsheets.read_xlsx(out).rows
        assert rows[1] == ["A", "=B3*2", ""]
        assert isinstance(rows[1][1], spreadsheets.Formula)
        assert not isinstance(rows[1][2], spreadsheets.Formula)
        assert rows[2] == ["B", "4", ""]
        assert spreadsheets.formula_columns(rows[0], rows[1]) == [("value", "=B3*2")]
        assert spreadsheets.formula_message("=B3*2") == "a formula (=B3*2); enter the value"

    def test_a_damaged_workbook_gets_a_clear_message(self):
        with pytest.raises(spreadsheets.UnreadableFile, match="could not be read as an XLSX"):
            spreadsheets.read_xlsx(io.BytesIO(b"PK not a zip"))
