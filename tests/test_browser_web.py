"""Browser tests of the web edition: Playwright driving Debian's Chromium (/usr/bin/chromium).

The project installs chromium (debian-packages.txt), so these run in CI; they skip only when
the browser is truly absent. Playwright never downloads a browser here. Screenshots of the
index, a letter and a person page go to build/screenshots/ for a human to look at.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

CHROMIUM = Path(os.environ.get("TEITOOL_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() or shutil.which("chromium")),
    reason="chromium is not installed (scripts/install-system-deps.sh installs it)",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tei.render.web import render_web

    out = tmp_path_factory.mktemp("browser") / "site"
    render_web(FIXTURES / "web" / "tei", out, title="Test edition")
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = CHROMIUM if CHROMIUM.exists() else Path(shutil.which("chromium") or "")
    with sync_api.sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _page(browser: object, **context_options: object) -> object:
    context = browser.new_context(**context_options)  # type: ignore[attr-defined]
    page = context.new_page()
    # The site is self-contained: any request off file:// would be a bug (fonts, CDNs).
    external: list[str] = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith("file:") else None)
    page.external_requests = external
    return page


def _shot(page: object, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)  # type: ignore[attr-defined]


def test_index_letter_footnote_person(browser: object, site: Path) -> None:
    page = _page(browser, viewport={"width": 1100, "height": 800})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto((site / "index.html").as_uri())
    assert page.locator("h1").count() == 1
    assert page.locator("main").count() == 1 and page.locator("header nav").count() == 1
    _shot(page, "fixture-index.png")

    # Follow a letter link from the chronological table.
    page.get_by_role("link", name="Kaganovich to Stalin, 2 June 1932").click()
    page.wait_for_load_state()
    assert page.url.endswith("letters/L1932-06-02-kaganovich-stalin.html")
    assert page.locator("h1").inner_text() == "Kaganovich to Stalin, 2 June 1932"
    # The escaped source text is shown as text and never run.
    assert '<script>alert("pwned")</script>' in page.locator("main").inner_text()
    assert dialogs == []

    # Click the first footnote marker: the note is the :target and on screen.
    page.locator("sup.noteref a").first.click()
    note = page.locator("li.note:target")
    assert note.count() == 1
    assert "minutes of the" in note.inner_text()
    box = note.bounding_box()
    assert box is not None and 0 <= box["y"] < 800
    _shot(page, "fixture-letter.png")
    # And back to the text.
    note.locator("a.backref").first.click()
    assert page.url.endswith("#ref-L1932-06-02-kaganovich-stalin-n1")

    # Follow a person link in the text.
    page.locator("main .text a.persName", has_text="Rosengolz").click()
    page.wait_for_load_state()
    assert page.url.endswith("persons/rozengolts.html")
    assert page.locator("h1").inner_text() == "Arkady Rozengolts"
    assert "Rosengolz" in page.locator("dl.meta").inner_text()
    _shot(page, "fixture-person.png")
    # Its mention links back into the letter at the name.
    page.locator("a.mention").first.click()
    page.wait_for_load_state()
    assert page.locator(":target").inner_text() == "Rosengolz"
    assert page.external_requests == []


def test_search_finds_passage(browser: object, site: Path) -> None:
    page = _page(browser)
    page.goto((site / "search.html").as_uri() + "?q=grain+plan")
    results = page.locator("ol.results li")
    results.first.wait_for()
    assert results.count() == 1
    assert "grain plan" in results.first.inner_text().lower()
    results.first.locator("a").click()
    page.wait_for_load_state()
    assert "letters/L1932-06-12-stalin-kaganovich.html#b" in page.url
    assert "grain plan" in page.locator(":target").inner_text()
    # A name from the register is found too (accent- and case-insensitive).
    page.goto((site / "search.html").as_uri())
    page.fill("#q", "ROSENGOLZ")
    page.press("#q", "Enter")
    assert page.locator("ol.results li").count() >= 2
    _shot(page, "fixture-search.png")


def test_usable_without_javascript(browser: object, site: Path) -> None:
    page = _page(browser, java_script_enabled=False)
    page.goto((site / "index.html").as_uri())
    # The correspondent filter is plain links to pre-rendered pages.
    page.locator("nav.filter a", has_text="Joseph Stalin").click()
    page.wait_for_load_state()
    assert page.url.endswith("by/stalin.html")
    assert page.locator("table.letters tbody tr").count() == 3
    page.locator("table.letters a", has_text="not after 12 June").click()
    page.wait_for_load_state()
    assert page.locator("nav.prevnext a[rel=prev]").count() == 1
    page.goto((site / "search.html").as_uri())
    assert "needs JavaScript" in page.locator("main").inner_text()


def test_readable_at_phone_width(browser: object, site: Path) -> None:
    page = _page(browser, viewport={"width": 360, "height": 740}, is_mobile=True)
    for name in ("index.html", "letters/L1932-06-02-kaganovich-stalin.html", "timeline.html"):
        page.goto((site / name).as_uri())
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{name} scrolls sideways at phone width"
    page.goto((site / "index.html").as_uri())
    _shot(page, "fixture-index-phone.png")


def test_timeline_links_to_letters(browser: object, site: Path) -> None:
    page = _page(browser)
    page.goto((site / "timeline.html").as_uri())
    blocks = page.locator("svg.timeline a")
    assert blocks.count() == 3
    blocks.first.click()
    page.wait_for_load_state()
    assert "/letters/" in page.url


def test_edition_index_letter_person(browser: object, encoded_edition: Path, tmp_path: Path) -> None:
    """The real edition, encoded from sources/: the same walk, with screenshots to look at."""
    from tei.render.web import render_web

    site = tmp_path / "site"
    render_web(encoded_edition, site, title="The edition")
    page = _page(browser, viewport={"width": 1100, "height": 800})
    page.goto((site / "index.html").as_uri())
    _shot(page, "edition-index.png")
    # The first letter in date order that has a footnote.
    rows = page.locator("table.letters tbody tr td:last-child a")
    assert rows.count() > 50
    for i in range(rows.count()):
        href = rows.nth(i).get_attribute("href")
        if "sup" in (site / href).read_text(encoding="utf-8") and 'class="noteref"' in (
            site / href
        ).read_text(encoding="utf-8"):
            rows.nth(i).click()
            break
    page.wait_for_load_state()
    assert "/letters/" in page.url
    marker = page.locator("sup.noteref a").first
    marker.click()
    note = page.locator("li.note:target")
    assert note.count() == 1 and note.is_visible()
    _shot(page, "edition-letter.png")
    page.locator("main .text a.persName").first.click()
    page.wait_for_load_state()
    assert "/persons/" in page.url
    assert page.locator("ul.mentions a.mention").count() >= 1
    _shot(page, "edition-person.png")
    page.goto((site / "timeline.html").as_uri())
    _shot(page, "edition-timeline.png")
    assert page.external_requests == []
