"""A chart with its numbers as a table (a metric's: its trajectory period by
period), each rendered in one pass of Python.

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
from core.numbers import percents

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
    unit = f" ({_text(spec['unit'])})" if spec.get("unit") else ""
    table = table_of(spec)
    columns = [f"{_text(column)}{unit}" for column in table["columns"]]
    return _figure(spec, id, columns, chart_rows(table))


@register.simple_tag
def metric_chart(metric) -> SafeString:
    """A metric's chart (`metric.chart`, with the id `metric.chart_id`) and under
    it, in place of the chart's own numbers, its trajectory period by period:
    actual, planned and the progress made, as the scoring sees them. The
    target, the same in every period, is said beside the chart."""
    spec = metric.chart
    unit = f" ({_text(spec['unit'])})" if spec.get("unit") else ""
    # Outside the f-strings, where makemessages finds them.
    actual, planned, progress = gettext("Actual"), gettext("Planned"), gettext("Progress")
    columns = [f"{_text(actual)}{unit}"]
    if metric.target_value is not None:
        columns += [f"{_text(planned)}{unit}", _text(progress)]
    return _figure(spec, metric.chart_id, columns, trajectory_rows(metric))


def _figure(spec: dict, id: str, columns: list[str], rows: str) -> SafeString:
    title = _text(spec["title"])
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
            columns="".join(f'<th scope="col" class="text-end">{text}</th>' for text in columns),
            rows=rows,
        )
    )


def _nothing(columns: int) -> str:
    """A table's one row when it has none to show."""
    # Outside the f-string, where makemessages finds it.
    nothing = gettext("Nothing to show.")
    return f'<tr><td colspan="{columns}" class="text-body-secondary">{_text(nothing)}</td></tr>'


def chart_rows(table: dict) -> str:
    """The rows of a chart's table, as HTML."""
    if not table["rows"]:
        return _nothing(len(table["columns"]) + 1)
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


def trajectory_rows(metric) -> str:
    """A metric's actuals against its plan, one row per period (`metric.trajectory`):
    amounts to two places, as its targets are typed."""
    if not metric.trajectory:
        return _nothing(2 if metric.target_value is None else 4)
    numbers = LocalNumbers()
    percent = percents()
    rated = metric.target_value is not None

    def amount(value) -> str:
        return numbers.places(value, 2) or DASH

    def row(point) -> str:
        cells = f'<td class="text-end">{amount(point.actual)}</td>'
        if rated:
            cells += (
                f'<td class="text-end">{amount(point.planned)}</td>'
                f'<td class="text-end">{percent(point.progress)}</td>'
            )
        return f'<tr><th scope="row" class="fw-normal">{_text(point.period.label)}</th>{cells}</tr>'

    return "\n".join(row(point) for point in metric.trajectory)
