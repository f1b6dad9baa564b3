"""On a 360 px phone, no page scrolls sideways, even with a 200-character name
without a space and Arabic text; user text carries dir="auto"."""

import pytest

from tests.browser.conftest import sign_in, wait_until
from tests.browser.site import ARABIC_UNBROKEN, build_site, pages_by_role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 360, "height": 740}
WIDTHS = "[document.documentElement.scrollWidth, window.innerWidth]"
# The innermost elements that reach past the right edge, outside a scrolling box
# (a table in .table-responsive may scroll inside its box): what to fix.
TOO_WIDE = """() => {
  const edge = window.innerWidth + 1;
  const past = (element) => element.getBoundingClientRect().right > edge;
  return [...document.body.querySelectorAll("*")]
    .filter((element) => past(element) && ![...element.children].some(past))
    .filter((element) => !element.closest(".table-responsive, .overflow-auto"))
    .slice(0, 5)
    .map((element) => element.outerHTML.slice(0, 100));
}"""
# Text nodes that are user text alone (they begin with one of `starts`) outside an element
# with a direction of its own (dir="auto", or <bdi>). A sentence of the page that
# quotes a name ("Lessons of …") is the translators' text and takes its direction;
# <option>s and hidden data are not page text.
WITHOUT_DIRECTION = """(starts) => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let seen = 0;
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!starts.some((start) => node.textContent.trim().startsWith(start))) continue;
    if (parent.closest("script, template, option, [hidden], .visually-hidden")) continue;
    seen += 1;
    if (!parent.closest("[dir=auto], bdi")) found.push(parent.outerHTML.slice(0, 120));
  }
  return [seen, found];
}"""
# Chart labels cut off at the canvas's edge: a category axis narrower than its
# widest label (Chart.js keeps the sizes it measured in `_labelSizes`), or a
# radar's point label outside the canvas.
CLIPPED_LABELS = """() => {
  const clipped = [];
  for (const canvas of document.querySelectorAll("canvas[data-chart]")) {
    const chart = Chart.getChart(canvas);
    for (const scale of Object.values(chart.scales)) {
      const widest = scale._labelSizes && scale._labelSizes.widest;
      if (scale.axis === "y" && scale.type === "category" && widest.width > scale.width) {
        clipped.push(`${canvas.dataset.chart}: ${widest.width} px of label in ${scale.width} px`);
      }
      for (const item of scale._pointLabelItems || []) {
        if (item.left < 0 || item.right > chart.width) {
          clipped.push(`${canvas.dataset.chart}: a point label`);
        }
      }
    }
  }
  return clipped;
}"""
EVERY_CHART_DRAWN = """() => [...document.querySelectorAll("canvas[data-chart]")]
  .every((canvas) => Chart.getChart(canvas))"""
# The pages checked for dir="auto" on every piece of user text they show.
DIRECTED = {
    "partners list",
    "partner page",
    "partnerships list",
    "partnership page",
    "measurement grid",
    "lessons",
    "early warning page",
    "review page (scorecard)",
}


def test_no_page_scrolls_sideways_at_360_px_with_long_and_arabic_text(
    live_server, page, alice, rita, adam
):
    site = build_site(alice, ARABIC_UNBROKEN)
    wide, undirected, clipped = {}, {}, {}
    # The first words of the names and of the notes.
    starts = [ARABIC_UNBROKEN.name.split()[0], ARABIC_UNBROKEN.note.split()[0]]

    def check(tab, page_type):
        tab.wait_for_load_state("networkidle")
        scroll_width, inner_width = tab.evaluate(WIDTHS)
        if scroll_width > inner_width:
            wide[page_type] = (scroll_width, tab.evaluate(TOO_WIDE))
        if tab.locator("canvas[data-chart]").count():
            wait_until(tab, EVERY_CHART_DRAWN)
            if labels := tab.evaluate(CLIPPED_LABELS):
                clipped[page_type] = labels
        if page_type in DIRECTED:
            seen, missing = tab.evaluate(WITHOUT_DIRECTION, starts)
            # The page did show the text, each time with a direction of its own.
            if not seen or missing:
                undirected[page_type] = missing or "the text is not on the page"

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{site.answer_link}")
    check(page, "health check answer")

    browser = page.context.browser
    for username, pages in pages_by_role(site).items():
        context = browser.new_context(viewport=PHONE)
        tab = context.new_page()
        tab.set_default_timeout(10_000)
        sign_in(tab, live_server, username)
        for page_type, path in pages.items():
            tab.goto(f"{live_server.url}{path}")
            check(tab, page_type)
        context.close()

    print(f"\npages wider than {PHONE['width']} px: {wide or 'none'}")
    assert not wide, f"These pages scroll sideways at 360 px: {wide}"
    assert not undirected, f"User text without dir=auto: {undirected}"
    assert not clipped, f"Chart labels cut off: {clipped}"
