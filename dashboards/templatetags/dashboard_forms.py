from functools import lru_cache

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


@register.filter
def select_options(field):
    """A select field's options in one pass of Python. The country list alone
    has 250: Django's widget renders a template per option, a template loop
    evaluates an `if` per option, and either was most of a cached page's time.
    The options are escaped once per form, field and language (their choices
    are fixed when the form class is defined); a request only marks its choice."""
    value = field.value()
    chosen = "" if value is None else str(value)
    keys, options = _options(type(field.form), field.name, get_language())
    if chosen not in keys:
        return mark_safe("".join(options))
    index = keys.index(chosen)
    # The value is escaped: the first ">" closes the tag.
    selected = options[index].replace(">", " selected>", 1)
    return mark_safe("".join([*options[:index], selected, *options[index + 1 :]]))


@lru_cache(maxsize=64)
def _options(form_class, name: str, language: str | None) -> tuple[list[str], list[str]]:
    choices = form_class.base_fields[name].choices
    keys = [str(key) for key, _label in choices]
    options = [
        f'<option value="{escape(key)}">{escape(label)}</option>' for key, label in choices
    ]
    return keys, options
