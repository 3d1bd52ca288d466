"""Print how long each page of a review site takes to load in headless Chromium: `python -m tests.qa.browser.measure_load DIR`."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.qa.browser.conftest import ARGS, CHROMIUM


def main(site: Path) -> None:
    """Load the overview and every chapter page twice (cold, then warm) and print the load times in ms."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        times = {}
        for html in sorted(site.glob("*.html")):
            ms = []
            for _ in range(2):
                page.goto(html.as_uri())
                ms.append(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
            times[html.name] = ms
        browser.close()
    for name, (cold, warm) in sorted(times.items(), key=lambda kv: -kv[1][0]):
        print(f"{name:<20} cold {cold:7.1f} ms  warm {warm:7.1f} ms  {html.parent.joinpath(name).stat().st_size:>8} B")
    worst = max(times.values(), key=lambda t: t[0])
    print(f"{len(times)} pages; slowest cold {worst[0]:.1f} ms; median cold "
          f"{sorted(t[0] for t in times.values())[len(times) // 2]:.1f} ms")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
