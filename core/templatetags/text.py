"""User text in pages: `{{ partner.name|auto_dir }}`.

What people type may be Arabic or Hebrew in an English page, or English in an
Arabic one. Wrapped in an element with `dir="auto"`, it takes the direction of
its first strong letter and does not reorder the text around it.
"""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter(is_safe=True)
def auto_dir(value):
    """The value in a `<span dir="auto">`; nothing for an empty value."""
    if value is None or value == "":
        return ""
    return format_html('<span dir="auto">{}</span>', value)
