from django import template
from django.template.defaultfilters import floatformat
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

from core.charts import table_of
from core.numbers import percent_text

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


@register.simple_tag
def chart_rows(table):
    """The rows of a chart's table in one pass of Python. A metric's chart has
    two dozen months of three series: a template loop per row and cell was
    most of a dashboard's time."""
    if not table["rows"]:
        return format_html(
            '<tr><td colspan="{}" class="text-body-secondary">{}</td></tr>',
            len(table["columns"]) + 1,
            gettext("Nothing to show."),
        )
    return format_html_join(
        "\n",
        '<tr><th scope="row" class="fw-normal">{}</th>{}</tr>',
        (
            (
                format_html('<a href="{}">{}</a>', row["link"], row["label"])
                if row["link"]
                else row["label"],
                format_html_join(
                    "",
                    '<td class="text-end">{}</td>',
                    ((chart_number(value),) for value in row["values"]),
                ),
            )
            for row in table["rows"]
        ),
    )


def _amount(value) -> str:
    return floatformat(value, "-2") or "—"


@register.simple_tag
def targets_rows(trajectory):
    """A metric's targets against its actuals, one row per period, in one pass
    of Python: three dozen periods of three figures per metric, five metrics a
    page, were most of the partnership dashboard's time as template loops."""
    return format_html_join(
        "\n",
        '<tr><th scope="row" class="fw-normal">{}</th><td class="text-end">{}</td>'
        '<td class="text-end">{}</td><td class="text-end">{}</td></tr>',
        (
            (
                point.period.label,
                _amount(point.planned),
                _amount(point.actual),
                "—" if point.progress is None else percent_text(point.progress),
            )
            for point in trajectory
        ),
    )
