from functools import lru_cache

from django import forms, template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


@register.filter
def select_options(field):
    """A select field's options in one pass of Python. The country list alone
    has 250: Django's widget renders a template per option, a template loop
    evaluates an `if` per option, and either was most of a cached page's time.
    Fixed choices (set when the form class is defined) are escaped once per
    form, field and language; a request only marks its choice. A model's
    choices (the owners) are read with the form, in one plain query."""
    value = field.value()
    chosen = "" if value is None else str(value)
    if isinstance(field.field, forms.ModelChoiceField):
        keys, options = _escaped(_model_choices(field.field))
    else:
        keys, options = _fixed_options(type(field.form), field.name, get_language())
    if chosen not in keys:
        return mark_safe("".join(options))
    index = keys.index(chosen)
    # The value is escaped: the first ">" closes the tag.
    selected = options[index].replace(">", " selected>", 1)
    return mark_safe("".join([*options[:index], selected, *options[index + 1 :]]))


def _model_choices(field: forms.ModelChoiceField) -> list[tuple]:
    """The choices Django's ModelChoiceIterator gives, read in one plain query:
    the iterator reads through a server-side cursor (DECLARE, FETCH, CLOSE),
    three round trips for a score of rows."""
    choices = [] if field.empty_label is None else [("", field.empty_label)]
    return choices + [
        (field.prepare_value(obj), field.label_from_instance(obj)) for obj in field.queryset
    ]


@lru_cache(maxsize=64)
def _fixed_options(form_class, name: str, language: str | None) -> tuple[list[str], list[str]]:
    return _escaped(form_class.base_fields[name].choices)


def _escaped(choices) -> tuple[list[str], list[str]]:
    keys, options = [], []
    for key, label in choices:
        keys.append(str(key))
        options.append(f'<option value="{escape(key)}">{escape(label)}</option>')
    return keys, options
