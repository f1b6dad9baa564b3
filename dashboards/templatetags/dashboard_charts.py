from django import template
from django.utils import formats

from core.charts import table_of

register = template.Library()


@register.simple_tag
def chart_table(spec):
    return table_of(spec)


@register.filter
def chart_number(value):
    """A value as the table shows it: whole numbers plainly, others to one decimal."""
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return formats.number_format(value, 1)  # 2.5, or 2,5 in French
    return f"{value:g}" if isinstance(value, float) else str(value)
