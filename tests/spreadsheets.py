"""Reading back the files Accord writes, as a spreadsheet program would."""

import codecs
import csv
import io


def csv_text(content: bytes) -> str:
    """The export's text, once its byte-order mark is proven there: without
    it Excel on Windows reads UTF-8 in its local code page ("RheinhÃ¶he")."""
    assert content.startswith(codecs.BOM_UTF8), content[:20]
    return content[len(codecs.BOM_UTF8) :].decode("utf-8")


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(csv_text(content), newline="")))
