from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

SELECTED = mark_safe(" selected")


@register.filter
def select_options(field):
    """A select field's options in one pass of Python. The country list alone
    has 250: Django's widget renders a template per option, a template loop
    evaluates an `if` per option, and either was most of a cached page's time."""
    value = field.value()
    chosen = "" if value is None else str(value)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (key, SELECTED if str(key) == chosen else "", label)
            for key, label in field.field.choices
        ),
    )
