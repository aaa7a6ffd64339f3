"""axe-core in the browser tests: WCAG 2.1 A and AA rules run inside the page, as a
browser extension would, with axe-core vendored from npm (vendor/README.md), never
fetched from a CDN. Also the checks axe leaves to people that a test can still make:
no sideways scrolling at 320 px and at 200 % zoom."""

from pathlib import Path

AXE_VERSION = "4.14.1"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def axe_violations(page) -> list[dict]:
    """The serious and critical WCAG 2.1 AA violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Through the DevTools protocol: the page's CSP allows no inline script.
        page.evaluate(AXE.read_text())
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_21_AA,
    )
    return [v for v in results["violations"] if v["impact"] in BLOCKING]


def described(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        lines.append(f"{violation['impact']} {violation['id']}: {violation['help']} ({targets})")
    return "\n".join(lines)


def assert_accessible(page, where: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{where}:\n{described(violations)}"


def sideways(page) -> list[str]:
    """What sticks out past the window's right edge (WCAG 1.4.10, reflow): a reader at
    320 px or at 200 % zoom would have to scroll in two directions. Empty when nothing."""
    return page.evaluate(
        """() => document.documentElement.scrollWidth <= window.innerWidth + 1 ? [] :
           Array.from(document.querySelectorAll("body *"))
             .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
             .slice(-5).map(el => el.tagName + (el.id ? "#" + el.id : "") + " " + (el.className || "")
               + " " + Math.round(el.getBoundingClientRect().right) + "px")"""
    )
