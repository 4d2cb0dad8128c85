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
    page.get_by_role("link", name="1. Kaganovich to Stalin, 2 June 1932").click()
    page.wait_for_load_state()
    assert page.url.endswith("letters/L1932-06-02-kaganovich-stalin.html")
    assert page.locator("h1").inner_text() == "1. Kaganovich to Stalin, 2 June 1932"
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


@pytest.fixture(scope="module")
def orgs_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two letters in the Schnitzler edition's style, from and to organisations (listOrg)."""
    from tei.render.web import render_web

    out = tmp_path_factory.mktemp("browser-orgs") / "site"
    render_web(FIXTURES / "orgs", out, title="Organisations")
    return out


def test_organisation_register_and_page(browser: object, orgs_site: Path) -> None:
    page = _page(browser, viewport={"width": 1100, "height": 800})
    page.goto((orgs_site / "index.html").as_uri())
    # The menu leads to the register of organisations, and it to each organisation.
    page.locator("header nav").get_by_role("link", name="Organisations").click()
    page.wait_for_load_state()
    assert page.url.endswith("organisations/index.html")
    assert page.locator("h1").inner_text() == "Register of organisations"
    assert page.locator("header nav a[aria-current=page]").inner_text() == "Organisations"
    page.locator("ul.register a", has_text="Stadttheater").click()
    page.wait_for_load_state()
    assert page.url.endswith("organisations/pmb7030.html")
    assert page.locator("h1").inner_text() == "Stadttheater"
    assert "k. k. Hofbühne" in page.locator("dl.meta").inner_text()
    _shot(page, "fixture-organisation.png")
    # Its mention links into the letter at the name, and the name back to the page.
    page.locator("a.mention").first.click()
    page.wait_for_load_state()
    target = page.locator(":target")
    assert target.inner_text() == "k. k. Hofbühne"
    target.click()
    page.wait_for_load_state()
    assert page.url.endswith("organisations/pmb7030.html")
    # The letter it sent.
    page.locator("section", has_text="Letters sent").get_by_role("link").click()
    page.wait_for_load_state()
    assert page.url.endswith("letters/L00101.html")
    assert page.external_requests == []


def _search(page: object, site: Path, query: str) -> object:
    """Search the site for ``query`` (a URL query string) and wait for the results."""
    page.goto((site / "search.html").as_uri() + "?" + query)  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.getElementById('status').textContent.startsWith('Searching')"
        " && document.getElementById('status').textContent !== ''"
    )
    return page.locator("ol.results > li")  # type: ignore[attr-defined]


def test_search_finds_passage(browser: object, site: Path) -> None:
    page = _page(browser)
    results = _search(page, site, "q=grain+plan")
    assert results.count() == 1
    assert "grain plan" in results.first.inner_text().lower()
    results.first.locator("a.passage").first.click()
    page.wait_for_load_state()
    assert "letters/L1932-06-12-stalin-kaganovich.html?" in page.url and "#b" in page.url
    assert "grain plan" in page.locator(":target").inner_text()
    # A name from the register is found too (accent- and case-insensitive).
    page.goto((site / "search.html").as_uri())
    page.fill("#q", "ROSENGOLZ")
    page.press("#q", "Enter")
    page.wait_for_function("() => document.querySelectorAll('ol.results > li').length >= 2")
    assert page.external_requests == []
    _shot(page, "fixture-search.png")


def test_search_results_are_letters_with_their_hits(browser: object, site: Path) -> None:
    page = _page(browser)
    results = _search(page, site, "q=plan")
    # One result per letter, however many passages match; the count of its hits beside it.
    titles = results.locator("p.where a").all_inner_texts()
    assert len(titles) == len(set(titles))
    letter = results.filter(has_text="3. Stalin to Kaganovich, not after 12 June 1932")
    assert letter.count() == 1
    assert "2 hits" in letter.locator(".hits").inner_text()
    assert letter.locator("a.passage").count() == 2
    # Every matched word is highlighted, not only the first.
    marks = letter.locator("mark").all_inner_texts()
    assert [m.lower() for m in marks] == ["plan", "plan"]


def test_phrase_search(browser: object, site: Path) -> None:
    page = _page(browser)
    assert _search(page, site, "q=%22grain+plan%22").count() == 1
    # The words apart are found; as a phrase in the other order, nothing.
    assert _search(page, site, "q=plan+grain").count() == 1
    assert _search(page, site, "q=%22plan+grain%22").count() == 0
    assert page.locator("#status").inner_text() == "Nothing found."
    results = _search(page, site, "q=%22the+grain+plan%22")
    assert [m.lower() for m in results.first.locator("mark").all_inner_texts()] == ["the", "grain", "plan"]


def test_variant_spelling_search(browser: object, site: Path) -> None:
    """The register gives Kaganovich the variant "Kaganowitsch", which no text uses."""
    page = _page(browser)
    results = _search(page, site, "q=Kaganowitsch")
    letters = results.filter(has_text="Kaganovich to Stalin, 2 June 1932")
    assert letters.count() == 1
    assert "Kaganovich" in letters.locator("mark").all_inner_texts()


def test_prefix_search(browser: object, site: Path) -> None:
    page = _page(browser)
    assert _search(page, site, "q=procure").count() == 0
    results = _search(page, site, "q=procure*")
    assert results.count() >= 1
    assert "procurement" in [m.lower() for m in results.locator("mark").all_inner_texts()]


def test_search_filters_combine_with_the_query(browser: object, site: Path) -> None:
    page = _page(browser)
    everywhere = _search(page, site, "q=kaganovich").count()
    filtered = _search(page, site, "q=kaganovich&from=1932-06-05&to=1932-06&corr=stalin")
    assert 0 < filtered.count() < everywhere
    assert set(filtered.locator("p.where a").all_inner_texts()) == {
        "2. Stalin to Kaganovich, [10 June 1932]",
        "3. Stalin to Kaganovich, not after 12 June 1932",
    }
    assert page.input_value("#from") == "1932-06-05"


def test_highlight_on_the_page_reached(browser: object, site: Path) -> None:
    page = _page(browser)
    results = _search(page, site, "q=%22grain+plan%22+molotov")
    results.first.locator("a.passage").first.click()
    page.wait_for_load_state()
    marks = page.locator("main mark.search-hit").all_inner_texts()
    assert {"grain", "plan", "Molotov"} <= set(marks)
    # The words are marked in the text itself, which stays what it was.
    assert "Tell Molotov that the grain plan stands" in page.locator(":target").inner_text()


def test_date_range_facet(browser: object, site: Path) -> None:
    page = _page(browser)
    page.goto((site / "index.html").as_uri())
    rows = page.locator("table.letters tbody tr:visible")
    assert rows.count() == 3
    page.fill("#f-from", "1932-06-05")
    page.fill("#f-to", "1932-06-11")
    assert rows.count() == 1
    assert "10 June 1932" in rows.first.inner_text()
    # Combined with a correspondent, and kept in the URL to be linked to.
    page.select_option("#f-corr", "kaganovich")
    assert rows.count() == 1
    page.select_option("#f-mentions", "rozengolts")
    assert rows.count() == 0
    assert "from=1932-06-05" in page.url and "mentions=rozengolts" in page.url
    page.goto((site / "index.html").as_uri() + "?from=1932-06-11")
    assert rows.count() == 1


def test_facets_without_javascript(browser: object, site: Path) -> None:
    page = _page(browser, java_script_enabled=False)
    page.goto((site / "index.html").as_uri())
    assert page.locator("form.facets").is_hidden()
    page.locator("nav.facets a", has_text="Jun").click()
    page.wait_for_load_state()
    assert page.url.endswith("years/1932.html#m1932-06")
    assert page.locator("section:target table.letters tbody tr").count() == 3
    page.goto((site / "index.html").as_uri())
    page.locator("nav.facets summary", has_text="person mentioned").click()
    page.locator("nav.facets a", has_text="Rozengolts").click()
    page.wait_for_load_state()
    assert page.url.endswith("mentioning/rozengolts.html")
    assert page.locator("table.letters tbody tr").count() == 1


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


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def sample_site(encoded_edition: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample edition's site as `teitool build sources` renders it (its [edition] metadata)."""
    from tei.export import read_edition_metadata
    from tei.render.web import render_web

    site = tmp_path_factory.mktemp("sample") / "site"
    meta = read_edition_metadata(ROOT / "sources" / "metadata.toml")
    render_web(encoded_edition, site, title=meta.title, edition_metadata=meta)
    return site


SAMPLE_LETTER = "letters/L1932-06-02-stalin-kaganovich.html"


def test_citation_is_copied_with_the_access_date(browser: object, sample_site: Path) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto((sample_site / SAMPLE_LETTER).as_uri())
    block = page.locator("section.cite")
    shown = " ".join(block.locator("#citation").inner_text().split())
    assert shown.startswith("Letter no. 1: “Stalin to Kaganovich, 2 June 1932”")
    assert "https://example.org/teitool-demo/site/" + SAMPLE_LETTER in shown
    block.get_by_role("button", name="Copy the citation").click()
    block.locator(".copy-status", has_text="Copied").wait_for()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    today = page.evaluate("() => new Date().toISOString().slice(0, 10)")
    assert copied == shown.replace("[date of access]", today)
    context.close()


def test_citation_without_javascript_is_text_and_the_tei_link_resolves(
    browser: object, sample_site: Path
) -> None:
    from tei.xmlio import TEI_NS, parse_file

    page = _page(browser, java_script_enabled=False)
    page.goto((sample_site / SAMPLE_LETTER).as_uri())
    assert page.locator("section.cite button").is_hidden()
    assert "In: The teitool editors (ed.)" in page.locator("#citation").inner_text()
    link = page.get_by_role("link", name="Download the TEI (XML)")
    target = (sample_site / SAMPLE_LETTER).parent / str(link.get_attribute("href"))
    assert parse_file(target.resolve()).getroot().tag == f"{{{TEI_NS}}}TEI"
    # The editorial decisions beside the metadata, in the source's words.
    decisions = page.locator("dl.meta dd.decision").all_inner_texts()
    assert any("heading reads “Kaganovich to Stalin June 2 1932”" in d for d in decisions)
    assert any("dateline reads “29/VI 32”" in d for d in decisions)


def _axe_violations(browser: object, site: Path, pages: list[Path]) -> dict[str, list[str]]:
    """axe-core's violations on ``pages``, by rule: where each was found."""
    page = _page(browser, viewport={"width": 1100, "height": 800})
    axe = AXE.read_text(encoding="utf-8")
    found: dict[str, list[str]] = {}
    for path in pages:
        page.goto(path.as_uri())  # type: ignore[attr-defined]
        page.add_script_tag(content=axe)  # type: ignore[attr-defined]
        violations = page.evaluate(  # type: ignore[attr-defined]
            "async () => (await axe.run(document)).violations"
            ".map(v => [v.id, v.nodes.map(n => n.target.join(' '))])"
        )
        for rule, targets in violations:
            found.setdefault(rule, []).extend(
                f"{path.relative_to(site)}: {target}" for target in targets
            )
    return found


def _no_violations(found: dict[str, list[str]]) -> None:
    summary = {rule: len(where) for rule, where in found.items()}
    assert not found, f"axe violations by rule {summary}; first: " + "; ".join(
        where[0] for where in found.values()
    )


@pytest.mark.skipif(
    not AXE.exists(), reason="axe-core is not installed: `npm ci` (make venv) puts it in node_modules/"
)
def test_every_page_has_no_axe_violations(browser: object, sample_site: Path) -> None:
    """axe-core (WCAG 2.x A/AA rules and best practices) on every page of the sample site."""
    pages = sorted(sample_site.rglob("*.html"))
    assert len(pages) > 250
    assert any(p.parent.name == "organisations" for p in pages)
    _no_violations(_axe_violations(browser, sample_site, pages))


@pytest.mark.skipif(
    not AXE.exists(), reason="axe-core is not installed: `npm ci` (make venv) puts it in node_modules/"
)
def test_organisation_pages_have_no_axe_violations(browser: object, orgs_site: Path) -> None:
    """The organisations of an edition in another style: the register, sender and addressee."""
    _no_violations(_axe_violations(browser, orgs_site, sorted(orgs_site.rglob("*.html"))))
