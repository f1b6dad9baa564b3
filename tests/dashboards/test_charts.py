from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from core.charts import chart, table_of, world_map


def test_a_chart_spec_carries_its_numbers_and_links():
    spec = chart(
        "bar",
        ["Green", "Amber"],
        [{"label": "Partnerships", "data": [3, Decimal("1.5")]}],
        title="Ratings",
        links=["/p/?rating=green", None],
    )
    assert spec["labels"] == ["Green", "Amber"]
    assert spec["datasets"][0]["data"] == [3, 1.5]
    assert spec["links"] == ["/p/?rating=green", None]
    assert spec["integers"] is False  # 1.5 is not a count
    counts = chart("bar", ["a"], [{"label": "n", "data": [3]}], title="Counts")
    assert counts["integers"] is True


def test_it_refuses_a_dataset_that_does_not_match_its_labels():
    with pytest.raises(ValueError, match="one value per label"):
        chart("bar", ["a", "b"], [{"label": "x", "data": [1]}], title="t")
    with pytest.raises(ValueError, match="one link"):
        chart("bar", ["a"], [{"label": "x", "data": [1]}], title="t", links=[])
    with pytest.raises(ValueError, match="Unknown chart kind"):
        chart("pie", ["a"], [{"label": "x", "data": [1]}], title="t")


def test_a_world_map_names_countries_the_way_the_atlas_does():
    spec = world_map(
        {"KE": 3, "SG": 1, "XK": 2}, title="Partners", label="Partners", links={"KE": "/k/"}
    )
    by_code = {row["code"]: row for row in spec["countries"]}
    assert by_code["KE"]["numeric"] == "404"
    assert by_code["SG"]["numeric"] == "702"
    assert by_code["XK"]["numeric"] is None  # no ISO numeric code: in the table only
    assert by_code["KE"]["link"] == "/k/"
    # Largest first in the table.
    assert [row["code"] for row in spec["countries"]][0] == "KE"
    assert spec["legend"] is True
    # One country, or all alike: no colour scale to explain.
    assert world_map({"KE": 1}, title="Where", label="Partner")["legend"] is False


def test_a_map_that_cannot_draw_says_so_in_the_readers_words():
    with translation.override("es"):
        spec = world_map({"KE": 1}, title="Where", label="Partner")
    assert spec["unavailable"] == "No se pudo dibujar el mapa: la tabla muestra los mismos países."


def test_the_table_shows_what_the_chart_shows():
    spec = chart(
        "bar",
        ["2026-08", "2026-09"],
        [{"label": "Green", "data": [4, 5]}, {"label": "Red", "data": [1, None]}],
        title="Ratings by period",
        links=["/p/?period=2026-08", "/p/?period=2026-09"],
        stacked=True,
    )
    assert table_of(spec) == {
        "columns": ["Green", "Red"],
        "rows": [
            {"label": "2026-08", "link": "/p/?period=2026-08", "values": [4, 1]},
            {"label": "2026-09", "link": "/p/?period=2026-09", "values": [5, None]},
        ],
    }
    html = render_to_string("dashboards/_chart.html", {"spec": spec, "id": "ratings"})
    assert 'data-chart="ratings-spec"' in html
    assert '<script id="ratings-spec" type="application/json">' in html
    assert '<a href="/p/?period=2026-09">2026-09</a>' in html
    assert '<td class="text-end">—</td>' in html  # a missing value is shown as missing


def test_a_figure_escapes_what_people_typed_and_speaks_the_readers_language():
    from django.utils import translation

    spec = chart(
        "horizontal-bar",
        ["<b>Ours</b>", "Theirs"],
        [{"label": "Score & trend", "data": [2.56, None]}],
        title="Best <i>and</i> worst",
        links=["/p/?a=1&b=2", None],
        unit="<kg>",
    )
    with translation.override("fr"):
        html = render_to_string("dashboards/_chart.html", {"spec": spec, "id": "ranked"})
    assert '<span class="fw-semibold">Best &lt;i&gt;and&lt;/i&gt; worst</span>' in html
    assert '<a href="/p/?a=1&amp;b=2">&lt;b&gt;Ours&lt;/b&gt;</a>' in html
    assert '<th scope="col" class="text-end">Score &amp; trend (&lt;kg&gt;)</th>' in html
    assert '<td class="text-end">2,6</td>' in html  # the French decimal mark, rounded
    assert ">Afficher sous forme de tableau</button>" in html
    assert 'aria-controls="ranked-table"' in html and 'id="ranked-table"' in html
    assert "accord-chart-map" not in html


def test_a_figure_with_no_numbers_says_so():
    from django.utils import translation

    spec = world_map({}, title="Where", label="Partners")
    with translation.override("en-gb"):
        html = render_to_string("dashboards/_chart.html", {"spec": spec, "id": "where"})
    assert '<tr><td colspan="2" class="text-body-secondary">Nothing to show.</td></tr>' in html
    assert 'class="accord-chart-canvas accord-chart-map"' in html


@pytest.mark.parametrize(
    ("value", "shown"),
    [(3.666, "3.7"), (3.65, "3.6"), (3.64, "3.6"), (3.75, "3.8"), (2.96, "3"), (2.94, "2.9")],
)
def test_a_charts_table_rounds_to_one_decimal_as_the_tables_beside_it(value, shown):
    """A health round's mean of 3.67 read 3.6 under its chart and 3.67 beside it.
    (3.65 is 3.6499… as a float, so it rounds down.)"""
    from dashboards.templatetags.dashboard_charts import chart_number

    assert chart_number(value) == shown
