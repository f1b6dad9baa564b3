"""axe-core over every page type, for each role that reads it, in a real Chromium.

Run with `-s` to see the figures: violations (failing elements) per page type, by impact.
No page may have a serious or critical one.
"""

import pytest

from tests.browser.accessibility import axe_violations, by_impact, describe, table
from tests.browser.conftest import sign_in
from tests.browser.site import build_site, pages_by_role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 360, "height": 740}


def test_no_page_type_has_a_serious_or_critical_violation(live_server, page, alice, rita, adam):
    site = build_site(alice)
    figures, rules, failures = {}, {}, []

    def check(tab, page_type):
        tab.wait_for_load_state("networkidle")
        violations = axe_violations(tab)
        figures[page_type] = by_impact(violations)
        rules[page_type] = sorted(f"{v['id']} ({v['impact']})" for v in violations)
        if problems := describe(violations):
            failures.append(f"{page_type} ({tab.url}):\n{problems}")

    # Signed out: the sign-in page, and the partner side's answer page on a phone.
    page.goto(f"{live_server.url}/login/")
    check(page, "sign-in")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{site.answer_link}")
    check(page, "health check answer (phone)")

    browser = page.context.browser
    for username, pages in pages_by_role(site).items():
        context = browser.new_context()
        tab = context.new_page()
        tab.set_default_timeout(10_000)
        sign_in(tab, live_server, username)
        for page_type, path in pages.items():
            tab.goto(f"{live_server.url}{path}")
            check(tab, page_type)
        if username == "alice":
            # A form sent back with its errors (the browser's own checks set aside,
            # as an older browser or a pasted value would get past them).
            tab.goto(f"{live_server.url}/partners/new/")
            tab.locator("main form").evaluate("form => { form.noValidate = true; }")
            tab.locator("[name=city]").fill("Québec")
            tab.get_by_role("button", name="Save").click()
            tab.locator(".invalid-feedback, .errorlist").first.wait_for()
            check(tab, "partner form with errors")
        context.close()

    print("\naxe-core violations (failing elements) per page type, by impact\n" + table(figures))
    for page_type, found in rules.items():
        if found:
            print(f"{page_type}: {', '.join(found)}")
    assert not failures, "\n\n".join(failures)
