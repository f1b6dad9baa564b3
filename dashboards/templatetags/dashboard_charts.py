"""A chart with its numbers as a table, and a metric's targets period by period,
each rendered in one pass of Python.

A dashboard shows up to ten charts; a metric's chart has two dozen months of
three series and its targets table as many rows again. As a template included
per chart, with a loop per row and cell, Django's template engine spent most
of a dashboard's time on them; here each figure is one format string, its
numbers written with the reader's decimal mark read once per figure.
"""

from html import escape

from django import template
from django.utils.html import json_script
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from core.charts import table_of
from core.formatting import LocalNumbers
from core.numbers import percent_text

register = template.Library()

DASH = "—"


def _text(value) -> str:
    """`value` as HTML text: Django's conditional_escape, without the checks
    for lazy arguments its wrappers make on every call."""
    html = getattr(value, "__html__", None)
    return html() if html is not None else escape(str(value))


def _chart_number(value, numbers: LocalNumbers) -> str:
    if value is None:
        return DASH
    if isinstance(value, float):
        # Whole numbers plainly, others to one decimal: 2.5, or 2,5 in French;
        # rounded, as the tables beside a chart round (3.67 is 3.7, not 3.6).
        value = round(value, 1)
        return f"{value:g}" if value.is_integer() else numbers.tenths(value)
    return _text(value)


@register.filter
def chart_number(value):
    """A value as a chart's table shows it: whole numbers plainly, others to one decimal."""
    return SafeString(_chart_number(value, LocalNumbers()))  # escaped there


FIGURE = """<figure class="accord-chart mb-3" id="{id}">
  <figcaption class="d-flex justify-content-between align-items-baseline mb-1">
    <span class="fw-semibold">{title}</span>
    <button class="btn btn-link btn-sm p-0 d-print-none" type="button" data-bs-toggle="collapse"
            data-bs-target="#{table_id}" aria-expanded="false" aria-controls="{table_id}"\
>{show}</button>
  </figcaption>
  <div class="accord-chart-canvas{map_class}">
    <canvas data-chart="{spec_id}" role="img" aria-label="{label}"></canvas>
  </div>
  {spec}
  <div class="collapse d-print-block mt-2" id="{table_id}">
    <div class="table-responsive"><table class="table table-sm table-striped mb-0 small">
      <caption class="visually-hidden">{title}</caption>
      <thead>
        <tr><th scope="col"></th>{columns}</tr>
      </thead>
      <tbody>
        {rows}
      </tbody>
    </table></div>
  </div>
</figure>
"""


@register.simple_tag
def chart(spec: dict, id: str) -> SafeString:
    """The chart of `spec` (core.charts) as a figure with the id `id`, which
    static/js/charts.js draws, and its numbers as a table under it."""
    title = _text(spec["title"])
    unit = f" ({_text(spec['unit'])})" if spec.get("unit") else ""
    table = table_of(spec)
    return SafeString(
        FIGURE.format(
            id=_text(id),
            spec_id=_text(f"{id}-spec"),
            table_id=_text(f"{id}-table"),
            title=title,
            show=gettext("Show as table"),
            map_class=" accord-chart-map" if spec["kind"] == "map" else "",
            label=gettext("%(title)s; the same numbers are in the table that follows.")
            % {"title": title},
            spec=json_script(spec, f"{id}-spec"),
            columns="".join(
                f'<th scope="col" class="text-end">{_text(column)}{unit}</th>'
                for column in table["columns"]
            ),
            rows=chart_rows(table),
        )
    )


def chart_rows(table: dict) -> str:
    """The rows of a chart's table, as HTML."""
    if not table["rows"]:
        # Outside the f-string, where makemessages finds it.
        nothing = gettext("Nothing to show.")
        return (
            f'<tr><td colspan="{len(table["columns"]) + 1}" class="text-body-secondary">'
            f"{_text(nothing)}</td></tr>"
        )
    numbers = LocalNumbers()
    rows = []
    for row in table["rows"]:
        label = _text(row["label"])
        if row["link"]:
            label = f'<a href="{_text(row["link"])}">{label}</a>'
        cells = "".join(
            f'<td class="text-end">{_chart_number(value, numbers)}</td>' for value in row["values"]
        )
        rows.append(f'<tr><th scope="row" class="fw-normal">{label}</th>{cells}</tr>')
    return "\n".join(rows)


TARGETS = """<details class="small">
  <summary>{summary}</summary>
  <div class="table-responsive"><table class="table table-sm mb-0 mt-1" data-targets="{pk}">
    <thead><tr><th>{period}</th><th class="text-end">{planned}</th>\
<th class="text-end">{actual}</th><th class="text-end">{progress}</th></tr></thead>
    <tbody>
    {rows}
    </tbody>
  </table></div>
</details>
"""


@register.simple_tag
def targets_table(metric) -> SafeString:
    """A metric's targets against its actuals, period by period (`metric.trajectory`)."""
    return SafeString(
        TARGETS.format(
            summary=gettext("Targets vs actuals by period"),
            pk=int(metric.pk),
            period=gettext("Period"),
            planned=gettext("Planned"),
            actual=gettext("Actual"),
            progress=gettext("Progress"),
            rows=targets_rows(metric.trajectory),
        )
    )


def targets_rows(trajectory) -> str:
    """A metric's targets against its actuals, one row per period."""
    numbers = LocalNumbers()

    def amount(value) -> str:
        return numbers.places(value, 2) or DASH

    def progress(value) -> str:
        return DASH if value is None else percent_text(value)

    return "\n".join(
        f'<tr><th scope="row" class="fw-normal">{_text(point.period.label)}</th>'
        f'<td class="text-end">{amount(point.planned)}</td>'
        f'<td class="text-end">{amount(point.actual)}</td>'
        f'<td class="text-end">{progress(point.progress)}</td></tr>'
        for point in trajectory
    )
