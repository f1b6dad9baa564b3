"""axe-core (shipped inside the axe-playwright-python package, no CDN) run on a page."""

import collections

from axe_playwright_python.sync_playwright import Axe

IMPACTS = ("critical", "serious", "moderate", "minor")
AXE = Axe()


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it stands, every rule it runs by default."""
    return AXE.run(page).response["violations"]


def by_impact(violations: list[dict]) -> collections.Counter:
    """How many elements fail, by impact (one rule failing on 3 elements counts 3)."""
    counts = collections.Counter()
    for violation in violations:
        counts[violation["impact"]] += len(violation["nodes"])
    return counts


def describe(violations: list[dict], impacts=("critical", "serious")) -> str:
    """The failing rules of these impacts with their first elements, for an assertion."""
    lines = []
    for violation in violations:
        if violation["impact"] in impacts:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
            rule = f"{violation['id']} ({violation['impact']})"
            lines.append(f"{rule}: {violation['help']} {targets}")
    return "\n".join(lines)


def table(figures: dict[str, collections.Counter]) -> str:
    """The counts per page type as a small text table."""
    width = max(map(len, figures)) + 2
    lines = ["page type".ljust(width) + "".join(impact.rjust(10) for impact in IMPACTS)]
    for page_type, counts in figures.items():
        lines.append(page_type.ljust(width) + "".join(str(counts[i]).rjust(10) for i in IMPACTS))
    return "\n".join(lines)
