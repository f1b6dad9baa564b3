"""Moving through a page with the keyboard alone, checking that focus shows."""

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.conftest import wait_until
from tests.factories import TOTP_SECRET, totp_code

# The element that shows the focus: a radio drawn as a button (.btn-check) is
# hidden and its label shows it. A ring is an outline of 2 px or more.
FOCUS_SHOWN = """() => {
  const focused = document.activeElement;
  const shown = focused.matches(".btn-check") ? focused.nextElementSibling : focused;
  const style = getComputedStyle(shown);
  return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
}"""
FOCUSED = "element => element === document.activeElement"
DESCRIBE_FOCUS = """() => {
  const focused = document.activeElement;
  const style = getComputedStyle(focused);
  const outline = `${style.outlineStyle} ${style.outlineWidth}`;
  return `${focused.outerHTML.slice(0, 160)} (outline: ${outline})`;
}"""


def tab_to(page, locator, *, backwards=False, limit=150):
    """Press Tab (Shift+Tab backwards) until `locator` has the focus, checking
    that every element met on the way shows where the focus is."""
    target = locator.element_handle()
    if target.evaluate(FOCUSED):
        return
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        assert_focus_shown(page)
        if target.evaluate(FOCUSED):
            return
    raise AssertionError(f"{limit} presses of Tab never reached {locator}")


def assert_focus_shown(page):
    # A frame may pass before the style follows the focus (a date field
    # moving it between its day, month and year): a second to show.
    try:
        wait_until(page, FOCUS_SHOWN, timeout=1_000)
    except PlaywrightTimeoutError:
        raise AssertionError(f"no visible focus on {page.evaluate(DESCRIBE_FOCUS)}") from None


def press(page, key):
    """A key that keeps the page (an arrow, Space on a toggle): the focus
    must still show wherever the key has put it."""
    page.keyboard.press(key)
    assert_focus_shown(page)


def follow(page, locator, key="Enter"):
    """Tab to a link or a submit button and press Enter: a new page loads."""
    tab_to(page, locator)
    with page.expect_navigation():
        page.keyboard.press(key)


def type_into(page, locator, text):
    tab_to(page, locator)
    page.keyboard.type(text)


def choose(page, select, label):
    """Pick an option of a closed <select> as a keyboard user does: by typing its start."""
    tab_to(page, select)
    page.keyboard.type(label)


def arrow_to(page, select, start, label, most=40):
    """Pick an option as a keyboard user does among many with the same start:
    type the start, then go down with the arrow keys to the one wanted."""
    choose(page, select, start)
    for _ in range(most):
        if select.evaluate("s => s.options[s.selectedIndex].text") == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{label!r} not reached from {start!r}")


def fill_partner_with_keys(page, name="Hôpital Lac-Bleu"):
    """The new-partner form's fields, each reached with Tab and typed or chosen."""
    type_into(page, page.locator("[name=name]"), name)
    choose(page, page.locator("[name=kind]"), "Hospital")
    choose(page, page.locator("[name=organisation_type]"), "Other public")
    choose(page, page.locator("[name=sector]"), "Government")
    choose(page, page.locator("[name=country]"), "Canada")
    type_into(page, page.locator("[name=city]"), "Québec")
    # A zone reads "Canada — Toronto": its country typed, then down to the city.
    arrow_to(page, page.locator("[name=time_zone]"), "Canada", "Canada — Toronto")


def sign_in_with_keys(page, live_server, username, password="password"):
    """The sign-in form, and the second factor for a reviewer or administrator, by keyboard."""
    page.goto(f"{live_server.url}/login/")
    type_into(page, page.get_by_label("Username or email"), username)
    type_into(page, page.get_by_label("Password"), password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    if "/2fa/authenticate/" in page.url:
        type_into(page, page.get_by_label("Code"), totp_code(TOTP_SECRET))
        with page.expect_navigation():
            page.keyboard.press("Enter")


def choose_with_space(page):
    """Space on the focused file input opens the file chooser. Under a loaded
    machine Chromium now and then drops the first press's chooser event, so
    the press is tried three times; an input the keyboard cannot open fails
    all three."""
    for _ in range(2):
        try:
            return _press_for_chooser(page)
        except PlaywrightTimeoutError:
            continue
    return _press_for_chooser(page)


def _press_for_chooser(page):
    with page.expect_file_chooser(timeout=5_000) as chooser:
        page.keyboard.press("Space")
    return chooser.value
