"""The API's body parser: DRF's JSON parser, and JSON nested deeper than
Python's parser goes ("[" * 1000) a parse error like any other bad JSON."""

from __future__ import annotations

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            # json's C scanner gives up at the interpreter's recursion limit,
            # less the frames already on the stack: no client sends such a body.
            raise ParseError(f"JSON parse error - {error}") from error
