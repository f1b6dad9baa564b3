from django import template

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
        return f"{value:.1f}"
    return f"{value:g}" if isinstance(value, float) else str(value)
