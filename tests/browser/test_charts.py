import pytest

from tests.browser.conftest import expect_opened, wait_until

# The live server makes every test transactional; serialized_rollback keeps
# the rows migrations made for the transactional tests that follow.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_every_kind_of_chart_and_the_map_draw_without_errors(page, live_server, settings):
    settings.ROOT_URLCONF = "tests.browser.chart_page"
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/charts/")
    # Chart.js registers every chart it draws; the map draws once its atlas has loaded.
    wait_until(page, "Object.keys(Chart.instances).length === 6")
    kinds = page.evaluate("Object.values(Chart.instances).map(c => c.config.type).sort()")
    assert kinds == ["bar", "bar", "choropleth", "doughnut", "line", "radar"]
    # The map coloured the countries it was given (Kenya, Brazil, Singapore).
    coloured = page.evaluate(
        """Object.values(Chart.instances).find(c => c.config.type === 'choropleth')
             .data.datasets[0].data.filter(d => d.value !== null).map(d => d.feature.id).sort()"""
    )
    assert coloured == ["076", "404", "702"]
    page.screenshot(path="/tmp/accord-charts.png", full_page=True)
    assert errors == []

    # The numbers are there as a table too, and a linked mark leads on.
    toggle = page.get_by_role("button", name="Show as table").first
    toggle.click()
    expect_opened(page.locator(f"#{toggle.get_attribute('aria-controls')}"))
    page.get_by_role("link", name="Green").first.click()
    page.wait_for_url("**/g/")


@pytest.mark.parametrize(
    ("language", "tooltip", "top_tick"),
    [("en-gb", "Score: 1,500.25 EUR", "1,600"), ("fr", "Score: 1\u202f500,25 EUR", "1\u202f600")],
)
def test_a_charts_numbers_read_in_the_pages_language_not_the_browsers(
    page, live_server, settings, language, tooltip, top_tick
):
    """The browser here speaks American English; the page, the reader's language."""
    settings.ROOT_URLCONF = "tests.browser.chart_page"
    page.goto(f"{live_server.url}/charts/?lang={language}")
    wait_until(page, "Object.keys(Chart.instances).length === 6")
    line = "Object.values(Chart.instances).find(c => c.config.type === 'line')"
    said = page.evaluate(
        f"""(() => {{ const chart = {line};
            return chart.options.plugins.tooltip.callbacks.label.call(
                chart.tooltip, {{dataset: {{label: 'Score'}}, raw: 1500.25}}); }})()"""
    )
    ticks = page.evaluate(f"{line}.scales.y.ticks.map(t => t.label)")
    assert said == tooltip
    assert top_tick in ticks


@pytest.mark.parametrize(("language", "brazil"), [("fr", "Brésil"), ("pt", "Brasil")])
def test_a_country_on_the_map_is_named_in_the_pages_language(
    page, live_server, settings, language, brazil
):
    """The tooltip named a country as the world atlas does, in English ("Brazil: 1"
    on a French page), while the table under the map said "Brésil"."""
    settings.ROOT_URLCONF = "tests.browser.chart_page"
    page.goto(f"{live_server.url}/charts/?lang={language}")
    wait_until(page, "Object.keys(Chart.instances).length === 6")
    said = page.evaluate(
        """(() => {
            const map = Object.values(Chart.instances).find(c => c.config.type === 'choropleth');
            const index = map.data.datasets[0].data.findIndex(d => d.feature.id === '076');
            return map.options.plugins.tooltip.callbacks.label.call(
                map.tooltip, {chart: map, dataIndex: index, raw: {value: 1}}); })()"""
    )
    assert said == f"{brazil}: 1"
