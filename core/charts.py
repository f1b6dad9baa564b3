"""Chart specs: what a chart shows, as plain data.

A view builds a spec with `chart()` or `world_map()`; the template includes
`dashboards/_chart.html`, which hands the spec to `static/js/charts.js`
(Chart.js and chartjs-chart-geo, from npm) and renders the same numbers as a
table, for screen readers, printing and anyone who would rather read numbers.
A mark with a link (a bar, a slice, a country) leads to the partnerships
behind it, in the chart and in the table alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.templatetags.static import static
from django.utils.translation import gettext
from django_countries import countries

KINDS = ("bar", "horizontal-bar", "line", "doughnut", "radar")

# Ratings keep their meaning wherever they appear: the badges' colours (accord.css).
RATING_COLOURS = {
    "green": "#1a7f37",
    "amber": "#f0b429",
    "red": "#cf222e",
    "none": "#adb5bd",
}
# For series with no meaning of their own, distinguishable in greyscale too.
PALETTE = ("#0d6efd", "#fd7e14", "#20c997", "#6f42c1", "#d63384", "#6c757d", "#0dcaf0")

# Natural Earth at 1:50m: small countries (Singapore, Mauritius) are on it,
# which 1:110m leaves out; about 240 KB gzipped, cached by the browser.
WORLD_ATLAS = "vendor/world-atlas/countries-50m.json"


def _number(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value


def chart(
    kind: str,
    labels: Sequence[str],
    datasets: Sequence[dict],
    *,
    title: str,
    links: Sequence[str | None] | None = None,
    unit: str = "",
    stacked: bool = False,
    suggested_max: float | None = None,
) -> dict:
    """A Chart.js chart. Each dataset is `{"label": …, "data": [one per label]}`
    and may name its `color` (one colour) or `colors` (one per label)."""
    if kind not in KINDS:
        raise ValueError(f"Unknown chart kind {kind!r}; one of {', '.join(KINDS)}.")
    labels = [str(label) for label in labels]
    if links is not None and len(links) != len(labels):
        raise ValueError("A chart needs one link (or None) per label.")
    series = []
    for n, dataset in enumerate(datasets):
        data = [_number(value) for value in dataset["data"]]
        if len(data) != len(labels):
            raise ValueError(f"Dataset {dataset['label']!r} needs one value per label.")
        entry = {"label": str(dataset["label"]), "data": data}
        if "colors" in dataset:
            entry["colors"] = list(dataset["colors"])
        elif kind == "doughnut":
            # A doughnut's slices are its labels: one colour each.
            entry["colors"] = [PALETTE[i % len(PALETTE)] for i in range(len(labels))]
        else:
            entry["color"] = dataset.get("color") or PALETTE[n % len(PALETTE)]
        series.append(entry)
    return {
        "kind": kind,
        "title": title,
        "labels": labels,
        "datasets": series,
        "links": list(links) if links is not None else None,
        "unit": unit,
        "stacked": stacked,
        "suggested_max": suggested_max,
        # Counts tick in whole numbers, not 0.5 partnerships.
        "integers": all(
            value is None or isinstance(value, int) for entry in series for value in entry["data"]
        ),
        # Horizontal bars grow with their labels rather than squeezing them.
        "height": max(220, 34 * len(labels) + 60) if kind == "horizontal-bar" else None,
    }


def world_map(
    values: dict[str, float | Decimal | int],
    *,
    title: str,
    label: str,
    links: dict[str, str] | None = None,
) -> dict:
    """A world map with each country coloured by its value (ISO alpha-2 keys)."""
    links = links or {}
    rows = []
    for code, value in values.items():
        code = str(code).upper()
        rows.append(
            {
                "code": code,
                # world-atlas names its countries by ISO 3166-1 numeric code;
                # Kosovo has none and is listed in the table only.
                "numeric": countries.numeric(code, padded=True),
                "name": str(countries.name(code)) or code,
                "value": _number(value),
                "link": links.get(code),
            }
        )
    rows.sort(key=lambda row: (-(row["value"] or 0), row["name"]))
    return {
        "kind": "map",
        "title": title,
        "label": label,
        "countries": rows,
        "atlas": static(WORLD_ATLAS),
        "height": None,
        # A colour scale explains nothing when every country has the same value.
        "legend": len({row["value"] for row in rows}) > 1,
        # Said in the map's place should it fail to draw (its atlas not loaded).
        "unavailable": gettext("The map could not be drawn: the table lists the same countries."),
    }


def table_of(spec: dict) -> dict:
    """The numbers of a spec as rows and columns, for the table under the chart."""
    if spec["kind"] == "map":
        return {
            "columns": [spec["label"]],
            "rows": [
                {"label": row["name"], "link": row["link"], "values": [row["value"]]}
                for row in spec["countries"]
            ],
        }
    links = spec["links"] or [None] * len(spec["labels"])
    return {
        "columns": [dataset["label"] for dataset in spec["datasets"]],
        "rows": [
            {
                "label": label,
                "link": links[i],
                "values": [dataset["data"][i] for dataset in spec["datasets"]],
            }
            for i, label in enumerate(spec["labels"])
        ],
    }
