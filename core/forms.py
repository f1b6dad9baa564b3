"""Putting a service's errors next to the fields a person typed them in; a
number typed as the reader's language writes it."""

import json
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from .numbers import parse_decimal, parse_whole, reads_two_ways
from .text import half_a_character

# The keys `services._prefixed` gives the errors of a row: `parties[1].contribution_amount`,
# or `parties[1]` for the row as a whole.
ROW_KEY = re.compile(r"^(\w+)\[(\d+)\](?:\.(\w+))?$")


def add_service_errors(error: ValidationError, form, rows: dict[str, list] | None = None) -> None:
    """Add each error to its field: on `form`, or on the row of a formset it names.

    `rows` maps a prefix (`parties`) to the forms in the order the service was
    given them; an error of a prefix as a whole (`members`: at least one) goes
    under its first row. An error no field owns goes to the form's non-field errors. A
    row changed by someone else meanwhile (`StaleVersion`) is shown by a
    `VersionedForm` with what changed.
    """
    # Here, not at the top: the versioned forms are built of this module's fields.
    from .versioning import StaleVersion

    if isinstance(error, StaleVersion) and hasattr(form, "show_stale"):
        form.show_stale(error.current)
        return
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    rows = rows or {}
    for key, messages in error.message_dict.items():
        match = ROW_KEY.match(key)
        if match and match[1] in rows:
            row = rows[match[1]][int(match[2])]
            field = match[3]
            row.add_error(field if field in row.fields else None, messages)
        elif rows.get(key):
            # Of the rows as a whole ("at least one member"): said under the first.
            rows[key][0].add_error(None, messages)
        else:
            form.add_error(key if key in form.fields else None, messages)


def _two_ways(field: forms.Field, value: str) -> ValidationError:
    """The refusal of digits grouped by points where the comma is the decimal
    mark (`core.numbers.reads_two_ways`), in `field`'s words, naming them."""
    return ValidationError(
        field.error_messages["reads_two_ways"],
        code="reads_two_ways",
        params={"value": value.strip()},
    )


class LocalDecimalField(forms.DecimalField):
    """A decimal typed as the reader's language writes it, read as an import
    file's numbers are (`core.numbers.parse_decimal`): with a decimal comma
    (French, Spanish, Portuguese) "12,5", "1 500,5" and "1.500,25" read, "12.5"
    too; "1.500", a thousand and a half there and one and a half elsewhere, is
    refused rather than guessed. Django's own reading (`localize=True`) took
    "1.500" for 1.5 there, and refused "1 500". Shown in a text box, with the
    reader's decimal mark."""

    default_error_messages = {
        # The example in the reader's own writing ("12 ou 3,5" in French).
        "invalid": _("Enter a number, such as 12 or 3.5."),
        "reads_two_ways": _(
            "“%(value)s” reads two ways: write a whole number without points (1500), "
            "or a decimal with a comma (1,5)."
        ),
    }

    def __init__(self, **kwargs):
        kwargs["localize"] = True
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        # A text box, not <input type="number">: Chromium drops a comma typed
        # there unless its own language writes one, so "3,5" became 35. On a
        # phone, the keyboard with the decimal mark.
        return {**super().widget_attrs(widget), "inputmode": "decimal"}

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            comma = get_format("DECIMAL_SEPARATOR") == ","
            number = parse_decimal(value, decimal_comma=comma)
            if number is None and reads_two_ways(value, decimal_comma=comma):
                raise _two_ways(self, value)
            if number is None:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            value = number
        return super().to_python(value)


class PlainIntegerField(forms.IntegerField):
    """A whole number written with the digits 0-9, read as the API reads one
    (`core.numbers.parse_whole`). Django's own reading, Python's int(), also
    took "1_000" and the digits of other scripts ("٣" and "３" as 3): saved as
    a figure no one wrote in those digits, or naming another row than the one
    meant. Refused next to the field, with what was typed kept."""

    default_error_messages = {
        "invalid": _("Enter a whole number written with the digits 0 to 9, such as 12."),
        "reads_two_ways": _(
            "“%(value)s” reads two ways: write the whole number without points, such as 1500."
        ),
    }

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            # "1.000" is a thousand where the comma is the decimal mark, and
            # parse_whole reads one (a spreadsheet's "12.0"): refused there.
            comma = get_format("DECIMAL_SEPARATOR") == ","
            if reads_two_ways(value, decimal_comma=comma):
                raise _two_ways(self, value)
            number = parse_whole(value)
            if number is None:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            value = number
        return super().to_python(value)


def local_numbers(model_field, **kwargs):
    """A ModelForm's `Meta.formfield_callback`: its decimals typed as the reader's
    language writes them (`LocalDecimalField`), its whole numbers with the digits
    0-9 (`PlainIntegerField`), its other fields as Django makes them. A field
    with choices stays a choice (Django's `formfield` picks that class itself)."""
    if isinstance(model_field, models.DecimalField):
        kwargs.setdefault("form_class", LocalDecimalField)
    elif isinstance(model_field, models.IntegerField):
        kwargs.setdefault("form_class", PlainIntegerField)
    return model_field.formfield(**kwargs)


class TypedJSONField(forms.JSONField):
    """JSON typed in a form, shown again as typed when refused. JSON may write
    half of a character (a lone "\\ud800"): Django's field shows it back as that
    character, which no page can be written with (a 500, whatever the error).
    Shown back escaped instead; the model's own rule says why it is refused."""

    def prepare_value(self, value):
        shown = super().prepare_value(value)
        if half_a_character(shown):
            return json.dumps(value, ensure_ascii=True, cls=self.encoder)
        return shown
