"""Benchmark: pages per second of `teitool render web`.

Two corpora in one run:
  1. the real edition: sources/ encoded to TEI (or a TEI folder given with --tei);
  2. a generated correspondence of 2,000 letters (seeded, in the shape of docs/encoding.md:
     register references, footnotes, second markers, uncertain dates, lists, closers).
For each it prints the compile time of the stylesheets, the render time, and pages/s, and
compares the one-transformation design with its alternative, compiling per page (the
compile time measured here, times the number of pages). For the search it prints the size of
the index (all of it, and what a first query loads) and the time to the first result in
Chromium (navigation to the first result in the page), beside the same figures for the
previous search: one script holding every passage, scanned for the query's words.

    .venv/bin/python bench/render_web.py            # both corpora
    .venv/bin/python bench/render_web.py --letters 5000 --tei build/tei
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
import urllib.parse
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tei.render import xslt as runner  # noqa: E402
from tei.render.web import WEB_XSLT, render_web  # noqa: E402
from tei.xmlio import TEI_NS, XML_NS, serialize, write_atomic  # noqa: E402

T = f"{{{TEI_NS}}}"
CHROMIUM = os.environ.get("TEITOOL_CHROMIUM", "/usr/bin/chromium")
WORDS = (
    "the", "plan", "grain", "export", "question", "commission", "telegram", "report",
    "proposal", "decision", "comrades", "collective", "farms", "procurement", "harvest",
    "railway", "coal", "steel", "plant", "meeting", "instructions", "delegation", "treaty",
    "newspaper", "article", "answer", "draft", "schedule", "committee", "region", "factory",
)


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, T + tag, {k.replace("_", ":") if k == "xml_id" else k: v
                                            for k, v in attrs.items()})
    if text:
        el.text = text
    return el


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def generate(out: Path, letters: int, seed: int = 1932) -> None:
    """Write a register and ``letters`` letters into ``out`` (a TEI folder)."""
    rng = random.Random(seed)
    people = [f"p{i:02d}" for i in range(40)]
    register = etree.Element(T + "TEI", {"type": "persons", f"{{{XML_NS}}}id": "persons"},
                             nsmap={None: TEI_NS})
    header = _el(register, "teiHeader")
    fd = _el(header, "fileDesc")
    _el(_el(fd, "titleStmt"), "title", "Register")
    _el(_el(fd, "publicationStmt"), "p", "Generated.")
    _el(_el(fd, "sourceDesc"), "p", "Generated.")
    plist = _el(_el(register, "standOff"), "listPerson")
    for i, pid in enumerate(people):
        person = _el(plist, "person", **{f"{{{XML_NS}}}id": pid})
        _el(person, "persName", f"Person{i}, Name{i}", type="reg")
        _el(person, "persName", f"N. Person{i}", type="variant")
    write_atomic(out / "persons.xml", serialize(register))
    start = date(1930, 1, 1)
    for n in range(letters):
        sender, receiver = rng.sample(people[:8], 2) if rng.random() < 0.8 else rng.sample(people, 2)
        day = start + timedelta(days=rng.randrange(0, 5 * 365))
        doc_id = f"L{day.isoformat()}-{sender}-{receiver}-{n}"
        tei = etree.Element(T + "TEI", {"type": "letter", f"{{{XML_NS}}}id": doc_id,
                                        f"{{{XML_NS}}}lang": "en"}, nsmap={None: TEI_NS})
        header = _el(tei, "teiHeader")
        fd = _el(header, "fileDesc")
        _el(_el(fd, "titleStmt"), "title", f"{sender} to {receiver}, {day.isoformat()}")
        _el(_el(fd, "publicationStmt"), "p", "Generated.")
        ms = _el(_el(fd, "sourceDesc"), "msDesc")
        ident = _el(ms, "msIdentifier")
        _el(ident, "repository", "RGASPI")
        _el(ident, "idno", f"F. 558. Op. 11. D. {n}", type="archival")
        corresp = _el(_el(header, "profileDesc"), "correspDesc")
        sent = _el(corresp, "correspAction", type="sent")
        _el(sent, "persName", sender, ref=f"persons.xml#{sender}")
        attrs = {"when": day.isoformat()}
        if rng.random() < 0.1:
            attrs = {"notAfter": day.isoformat()}
        elif rng.random() < 0.1:
            attrs["cert"] = "medium"
        _el(sent, "date", day.strftime("%B %d, %Y"), **attrs)
        _el(_el(corresp, "correspAction", type="received"), "persName", receiver,
            ref=f"persons.xml#{receiver}")
        div = _el(_el(_el(tei, "text"), "body"), "div", type="letter")
        _el(_el(div, "opener"), "salute", "Dear comrade,")
        notes = 0
        for _ in range(rng.randint(2, 6)):
            p = _el(div, "p", _sentence(rng, rng.randint(10, 40)) + " ")
            name = _el(p, "persName", rng.choice(people), ref=f"persons.xml#{rng.choice(people)}")
            name.tail = " " + _sentence(rng, rng.randint(5, 20))
            if rng.random() < 0.3:
                notes += 1
                note = _el(p, "note", _sentence(rng, 12), place="foot", n=str(notes),
                           **{f"{{{XML_NS}}}id": f"{doc_id}-n{notes}"})
                note.tail = " " + _sentence(rng, 6)
        if rng.random() < 0.3:
            lst = _el(div, "list", type="ordered")
            for k in range(1, 4):
                _el(lst, "item", _sentence(rng, 6), n=str(k))
        closer = _el(div, "closer")
        _el(_el(closer, "signed"), "persName", sender, ref=f"persons.xml#{sender}")
        _el(_el(closer, "dateline"), "date", day.strftime("%d/%m %y"), when=day.isoformat())
        write_atomic(out / "letters" / f"{doc_id}.xml", serialize(tei))


#: Queries timed on each site: words, a phrase, a prefix.
QUERIES = ("grain procurement", '"grain procurement"', "proc*")
#: Records, in the page, when the first result (or "Nothing found.") appears (navigation
#: start = 0).
FIRST_RESULT = """
new MutationObserver((changes, observer) => {
  var status = document.getElementById("status");
  if (document.querySelector("ol.results > li")
      || (status && status.textContent && status.textContent !== "Searching…")) {
    window.firstResult = performance.now(); observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""
#: The previous search, for comparison: one script with every passage, scanned per query.
PREVIOUS_SEARCH = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>previous</title>
<script src="previous-index.js"></script></head><body><ol class="results"></ol><script>
var fold = s => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
var folded = TEI_SEARCH.blocks.map(b => fold(b[2]));
var terms = fold(new URLSearchParams(location.search).get("q")).split(/\\s+/).filter(Boolean);
var list = document.querySelector("ol.results");
folded.forEach((text, i) => {
  if (terms.every(t => text.includes(t)) && list.children.length < 200) {
    var li = document.createElement("li"); li.textContent = TEI_SEARCH.blocks[i][2];
    list.appendChild(li);
  }
});
window.firstResult = window.firstResult || performance.now();
</script></body></html>
"""


def _assignment(path: Path) -> object:
    return json.loads(path.read_text(encoding="utf-8").strip().splitlines()[-1].split(" = ", 1)[1][:-1])


def write_previous_search(site: Path) -> int:
    """The previous design's index (every passage in one script) and page; its size."""
    index = _assignment(site / "search" / "index.js")
    assert isinstance(index, dict)
    blocks = []
    for chunk in sorted((site / "search" / "x").glob("*.js"), key=lambda p: int(p.stem)):
        first = int(chunk.stem) * index["chunk"]
        for offset, passages in enumerate(_assignment(chunk)):  # type: ignore[arg-type]
            blocks += [[first + offset, anchor, text] for anchor, text in passages]
    data = {"docs": [row[:2] for row in index["docs"]], "blocks": blocks}
    text = "window.TEI_SEARCH = " + json.dumps(data, ensure_ascii=False, separators=(",", ":")) + ";\n"
    (site / "previous-index.js").write_text(text, encoding="utf-8")
    (site / "previous-search.html").write_text(PREVIOUS_SEARCH, encoding="utf-8")
    return len(text.encode("utf-8"))


def first_result_ms(browser: Any, url: str) -> float:
    """Milliseconds from navigation to the first result, best of three cold page loads."""
    times = []
    for _ in range(3):
        page = browser.new_page()
        page.add_init_script(FIRST_RESULT)
        page.goto(url)
        page.wait_for_function("() => window.firstResult !== undefined", timeout=120_000)
        times.append(page.evaluate("window.firstResult"))
        page.close()
    return float(min(times))


def index_loaded(browser: Any, site: Path, url: str) -> tuple[int, str]:
    """Bytes of index files a search at ``url`` loads until its first results, and what it
    says it found."""
    requested: list[str] = []
    page = browser.new_page()
    page.on("requestfinished", lambda r: requested.append(r.url))
    page.add_init_script(FIRST_RESULT)
    page.goto(url)
    page.wait_for_function("() => window.firstResult !== undefined", timeout=120_000)
    found = page.locator("#status").inner_text()
    page.close()
    paths = [Path(urllib.parse.unquote(urllib.parse.urlsplit(u).path)) for u in requested]
    return sum(p.stat().st_size for p in paths if p.is_relative_to(site / "search")), found


def measure_search(label: str, site: Path) -> None:
    from playwright.sync_api import sync_playwright

    files = list((site / "search").rglob("*.js"))
    total = sum(p.stat().st_size for p in files)
    previous = write_previous_search(site)
    print(f"{label} search index: {total / 1e6:.2f} MB in {len(files)} files "
          f"(index.js {(site / 'search' / 'index.js').stat().st_size / 1e6:.2f} MB); "
          f"previous: {previous / 1e6:.2f} MB in one file")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        for query in QUERIES:
            q = urllib.parse.quote(query)
            loaded, found = index_loaded(browser, site, (site / "search.html").as_uri() + "?q=" + q)
            new = first_result_ms(browser, (site / "search.html").as_uri() + "?q=" + q)
            old = first_result_ms(browser, (site / "previous-search.html").as_uri() + "?q=" + q)
            print(f"  {query!s:22} first result {new:6.0f} ms, loading {loaded / 1e6:.2f} MB"
                  f" ({found})"
                  f"  | previous {old:6.0f} ms, loading {previous / 1e6:.2f} MB")
        browser.close()


def measure(label: str, tei_dir: Path, work: Path) -> None:
    files = len(list(tei_dir.rglob("*.xml")))
    best = None
    for attempt in range(2):  # the first run also starts the Saxon processor
        result = render_web(tei_dir, work / f"site-{label}-{attempt}")
        best = result if best is None or result.seconds < best.seconds else best
    assert best is not None
    pages = best.html_pages
    print(f"{label}: {files} TEI files -> {pages} HTML pages in {best.seconds:.2f} s "
          f"= {pages / best.seconds:.0f} pages/s")
    if Path(CHROMIUM).exists():
        measure_search(label, best.out_dir)
    else:
        print(f"{label} search: not timed, no Chromium at {CHROMIUM}")


def compile_seconds() -> float:
    compiler = runner.processor().new_xslt30_processor()
    started = time.perf_counter()
    compiler.compile_stylesheet(stylesheet_file=str(WEB_XSLT))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=2000)
    parser.add_argument("--tei", type=Path, default=None, help="an encoded edition to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        compile_s = min(compile_seconds() for _ in range(3))
        print(f"compiling tei/xslt/web/site.xsl: {compile_s * 1000:.0f} ms (done once per run)")
        tei = args.tei
        if tei is None:
            try:
                from tei.encode import encode_sources

                tei = work / "edition"
                encode_sources([ROOT / "sources"], tei)
            except Exception as exc:  # the encoder is another step; the bench still runs
                print(f"edition: skipped, the sources could not be encoded ({exc})")
                tei = None
        if tei is not None:
            measure("edition", tei, work)
        generated = work / "generated"
        started = time.perf_counter()
        generate(generated, args.letters)
        print(f"generated {args.letters} letters in {time.perf_counter() - started:.1f} s")
        measure(f"generated-{args.letters}", generated, work)
        pages = len(list((work / f"site-generated-{args.letters}-1").rglob("*.html")))
        print(f"alternative, compiling per page: {pages} x {compile_s:.2f} s = "
              f"{pages * compile_s:.0f} s of compilation alone")


if __name__ == "__main__":
    main()
