"""The API's body parser: JSON, and a body that is not JSON a parse error in
the reader's language (DRF's says "JSON parse error - " and Python's English
reason in every language), JSON nested deeper than Python's parser goes
("[" * 1000) included, and one holding half of a character (a lone surrogate)."""

from __future__ import annotations

import codecs
import json

from django.conf import settings
from django.utils.translation import gettext
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils.json import strict_constant

from core.text import half_a_character


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.load(
                codecs.getreader(encoding)(stream),
                # As DRF's: NaN and Infinity are not JSON.
                parse_constant=strict_constant if self.strict else None,
            )
        except json.JSONDecodeError as error:
            raise ParseError(
                gettext("The body is not valid JSON: line %(line)d, column %(column)d.")
                % {"line": error.lineno, "column": error.colno}
            ) from error
        except (ValueError, RecursionError) as error:
            # Not text in its encoding, NaN, or nested too deep for json's C
            # scanner, which gives up at the interpreter's recursion limit less
            # the frames already on the stack: no client sends such a body.
            raise ParseError(gettext("The body is not valid JSON.")) from error
        # JSON writes a character beyond the first 65,536 as two escapes
        # (\ud83c\udfe5, 🏥); either alone is half of one, which Python
        # reads as a lone surrogate: no text holds one, PostgreSQL cannot
        # store it, and an answer echoing it ("is not a valid choice")
        # cannot be written in UTF-8 (a 500). Refused in a value or a name.
        if half_a_character(json.dumps(data, ensure_ascii=False)):
            raise ParseError(
                gettext(
                    "The body holds half of a character (a lone \\u escape from \\ud800 "
                    "to \\udfff): send both halves of the character, or neither."
                )
            )
        return data
