"""The web edition: pages, links, escaping, unknown elements, determinism, errors."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner
from conftest import FIXTURES
from lxml import etree, html

from tei.edition import page_id
from tei.errors import TeitoolError
from tei.render.web import MARKER, render_web
from tei.xmlio import TEI_NS, parse_file

WEB_TEI = FIXTURES / "web" / "tei"
LETTER = "letters/L1932-06-02-kaganovich-stalin.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("web") / "site"
    result = render_web(WEB_TEI, out, title="Test edition")
    assert result.html_pages == len(list(out.rglob("*.html")))
    return out


def _doc(site: Path, name: str) -> html.HtmlElement:
    return html.fromstring((site / name).read_bytes())


def _text(el: html.HtmlElement) -> str:
    return " ".join(el.text_content().split())


# --- link checker ------------------------------------------------------------------------------


def check_links(site: Path) -> list[str]:
    """Every internal link, stylesheet, script and SVG link resolves, anchors included."""
    ids: dict[Path, set[str]] = {}
    problems: list[str] = []

    def ids_of(page: Path) -> set[str]:
        if page not in ids:
            ids[page] = set(_doc(site, str(page.relative_to(site))).xpath("//@id"))
        return ids[page]

    for page in sorted(site.rglob("*.html")):
        tree = _doc(site, str(page.relative_to(site)))
        # Every href (HTML and SVG links, stylesheets), script src and form action.
        refs = sorted(set(tree.xpath("//@href | //@src | //form/@action")))
        for ref in refs:
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc:
                continue  # authority links (Wikidata, VIAF) leave the site on purpose
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.is_file():
                problems.append(f"{page.relative_to(site)}: {ref}: no such file")
                continue
            if parts.fragment and target.suffix == ".html" and parts.fragment not in ids_of(target):
                problems.append(f"{page.relative_to(site)}: {ref}: no such anchor")
    return problems


def test_every_internal_link_and_anchor_resolves(site: Path) -> None:
    assert check_links(site) == []


def test_link_checker_notices_a_broken_link(tmp_path: Path, site: Path) -> None:
    page = tmp_path / "index.html"
    page.write_text('<html><body><a href="gone.html">x</a><a href="#nowhere">y</a></body></html>')
    assert len(check_links(tmp_path)) == 2


# --- pages -------------------------------------------------------------------------------------


def test_pages_written(site: Path) -> None:
    expected = [
        "index.html",
        LETTER,
        "letters/L1932-06-10-stalin-kaganovich.html",
        "chapters/ch-900.html",
        "front/intro-900.html",
        "texts/foreign-poem.html",
        "persons/index.html",
        "persons/stalin.html",
        "organisations/index.html",
        "organisations/politburo.html",
        "by/stalin.html",
        "timeline.html",
        "search.html",
        "search/index.js",
        "assets/style.css",
        "assets/search.js",
        "assets/highlight.js",
        "assets/facets.js",
        "years/1932.html",
        "mentioning/rozengolts.html",
        MARKER,
    ]
    for name in expected:
        assert (site / name).is_file(), name


def test_every_page_is_accessible_and_offline(site: Path) -> None:
    for page in site.rglob("*.html"):
        tree = _doc(site, str(page.relative_to(site)))
        name = page.relative_to(site)
        assert len(tree.xpath("//h1")) == 1, name
        assert tree.get("lang"), name
        assert len(tree.xpath("//main")) == 1 and tree.xpath("//header//nav"), name
        assert tree.xpath("//meta[@name='viewport']"), name
        # Nothing loaded from elsewhere: the site works offline (rel=canonical, license and
        # schema.DC name addresses, they load nothing).
        loaded = "//link[@rel = 'stylesheet']/@href | //script/@src | //img/@src"
        for ref in tree.xpath(loaded):
            assert not urlsplit(ref).scheme, (name, ref)


def test_foreign_language_text_keeps_its_lang(site: Path) -> None:
    assert _doc(site, "texts/foreign-poem.html").get("lang") == "de"


def test_letter_page(site: Path) -> None:
    tree = _doc(site, LETTER)
    # The letter's number (the model's, as in print) before its title.
    assert _text(tree.xpath("//h1")[0]) == "1. Kaganovich to Stalin, 2 June 1932"
    meta = _text(tree.xpath("//dl[@class='meta']")[0])
    for fact in ("Lazar Kaganovich", "Joseph Stalin", "Moscow", "RGASPI F. 558. Op. 11. D. 740",
                 "F. 81. Op. 3. D. 99", "Autograph."):
        assert fact in meta
    # Structure: opener, list, closer, postscript.
    assert tree.xpath("//div[@class='opener']/p[@class='mark']")
    assert [li.get("value") for li in tree.xpath("//div[@class='text']//ol/li")] == ["1", "2"]
    assert tree.xpath("//div[@class='closer']/p[@class='dateline']")
    assert tree.xpath("//div[@class='postscript']")
    # Persons link to the register.
    assert tree.xpath("//div[@class='text']//a[@class='persName name'][@href='../persons/rozengolts.html']")


def test_footnotes_link_both_ways(site: Path) -> None:
    tree = _doc(site, LETTER)
    markers = tree.xpath("//sup[@class='noteref']")
    assert len(markers) == 2  # the note's marker and a second marker (ref noteAnchor)
    note = tree.xpath("//li[@class='note']")[0]
    for marker in markers:
        assert marker.xpath("a/@href")[0] == "#" + note.get("id")
    backs = note.xpath("a[@class='backref']/@href")
    assert sorted(b.lstrip("#") for b in backs) == sorted(m.get("id") for m in markers)


def test_unanchored_note_is_kept_without_marker(site: Path) -> None:
    tree = _doc(site, "letters/L1932-06-12-stalin-kaganovich.html")
    notes = tree.xpath("//ol[@class='notes']/li")
    assert [n.get("value") for n in notes] == ["1", "2"]
    assert "marker the source lost" in _text(notes[1])
    assert not notes[1].xpath("a[@class='backref']")


@pytest.mark.parametrize(
    ("page", "printed", "title"),
    [
        (LETTER, "June 1", "1 June 1932"),
        (LETTER, "2/VI 32", "2 June 1932"),
        ("letters/L1932-06-12-stalin-kaganovich.html", "[earlier June 12, 1932]",
         "not after 12 June 1932"),
        ("letters/L1932-06-10-stalin-kaganovich.html", "[June 10, 1932]",
         "10 June 1932 (supplied by the editors)"),
        ("chapters/ch-900.html", "early 1932", "January 1932 – April 1932"),
    ],
)
def test_dates_as_printed_with_normalised_value_on_hover(
    site: Path, page: str, printed: str, title: str
) -> None:
    tree = _doc(site, page)
    dates = tree.xpath("//*[contains(concat(' ', @class, ' '), ' date ')]")
    hits = [el for el in dates if _text(el) == printed]
    assert hits, printed
    assert hits[0].get("title") == title


def test_index_is_chronological_and_marks_uncertain_dates(site: Path) -> None:
    tree = _doc(site, "index.html")
    rows = tree.xpath("//table[@class='letters']/tbody/tr")
    assert [_text(r.xpath("td")[0]) for r in rows] == [
        "2 June 1932",
        "[10 June 1932] (date uncertain)",
        "[not after 12 June 1932] (date uncertain)",
    ]
    assert rows[1].xpath("td[1]/span[contains(@class, 'uncertain')]")
    # The filter is plain links, one page per correspondent.
    filters = tree.xpath("//nav[@class='filter']//a/@href")
    assert filters == ["index.html#letters", "by/kaganovich.html", "by/politburo.html",
                       "by/stalin.html"]
    assert len(_doc(site, "by/politburo.html").xpath("//table/tbody/tr")) == 1
    # The chapters and the introduction are listed too.
    assert tree.xpath("//a[@href='chapters/ch-900.html']") and tree.xpath(
        "//a[@href='front/intro-900.html']"
    )


def test_prev_next_in_date_order(site: Path) -> None:
    order = [
        "L1932-06-02-kaganovich-stalin",
        "L1932-06-10-stalin-kaganovich",
        "L1932-06-12-stalin-kaganovich",
    ]
    for i, name in enumerate(order):
        tree = _doc(site, f"letters/{name}.html")
        prev = tree.xpath("//nav[@class='prevnext']//a[@rel='prev']/@href")
        nxt = tree.xpath("//nav[@class='prevnext']//a[@rel='next']/@href")
        assert prev == ([f"../letters/{order[i - 1]}.html"] if i else [])
        assert nxt == ([f"../letters/{order[i + 1]}.html"] if i + 1 < len(order) else [])


def test_person_page(site: Path) -> None:
    tree = _doc(site, "persons/stalin.html")
    assert _text(tree.xpath("//h1")[0]) == "Joseph Stalin"
    meta = _text(tree.xpath("//dl")[0])
    assert "Stalin, Joseph" in meta and "I. Stalin" in meta
    assert tree.xpath("//a[@href='https://www.wikidata.org/wiki/Q855']")
    assert "Letters sent (2)" in _text(tree) and "Letters received (1)" in _text(tree)
    mentions = tree.xpath("//ul[@class='mentions']/li")
    documents = [m.xpath("a[1]/@href")[0] for m in mentions]
    # Reading order: introduction, letters by date, chapters.
    assert documents == [
        "../front/intro-900.html",
        f"../{LETTER}",
        "../letters/L1932-06-12-stalin-kaganovich.html",
        "../chapters/ch-900.html",
    ]
    # Two mentions in the first letter: the header line and the salutation.
    assert len(mentions[1].xpath("a[@class='mention']")) == 2
    register = _doc(site, "persons/index.html")
    assert [_text(a) for a in register.xpath("//ul[@class='register']/li/a")] == [
        "Kaganovich, Lazar", "Molotov, Vyacheslav", "Rozengolts, Arkady", "Stalin, Joseph",
    ]  # the Politburo is in the register of organisations


def test_chapter_sections_and_endnote_markers(site: Path) -> None:
    tree = _doc(site, "chapters/ch-900.html")
    assert [_text(h) for h in tree.xpath("//div[@class='text']//h2")] == ["PRESSURE FOR RETREAT"]
    assert [_text(s) for s in tree.xpath("//sup[@class='endnote']")] == ["183", "184"]
    assert tree.xpath("//blockquote/ol/li")
    assert tree.xpath("//i[@class='foreign'][@lang='ru']")
    assert "A. Historian" in _text(tree.xpath("//dl[@class='meta']")[0])
    # the source's page number, for citing it
    assert [_text(s) for s in tree.xpath("//span[@class='pb']")] == ["[p. 12]"]


def test_text_is_escaped(site: Path) -> None:
    raw = (site / LETTER).read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(" in raw
    assert "<script>alert" not in raw and "<b>bold" not in raw
    tree = _doc(site, LETTER)
    # The one script is the search highlighter, from the site's assets: none from the text.
    assert tree.xpath("//script/@src") == ["../assets/highlight.js", "../assets/cite.js"]
    assert not tree.xpath("//script[not(@src)]") and not tree.xpath("//b")
    assert '<script>alert("pwned")</script>' in _text(tree)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def test_unknown_elements_render_their_text(site: Path) -> None:
    """A TEI file from outside the project (verse, drama, choice, tables): no word is lost."""
    source = parse_file(WEB_TEI / "other" / "foreign-poem.xml").getroot()
    text = source.find(f"{{{TEI_NS}}}text")
    expected = _words(" ".join(text.itertext()))
    shown = _doc(site, "texts/foreign-poem.html").xpath("//div[@class='text']")[0]
    for cell in shown.iter("td", "th"):  # a browser sets table cells apart; text_content does not
        cell.tail = " " + (cell.tail or "")
    for switch in shown.xpath(".//fieldset[@class='readings']"):  # the page's control, not text
        switch.drop_tree()
    # Both readings of each choice are in the page, in document order; a browser shows one.
    for member in shown.xpath(".//*[contains(@class, 'dipl') or contains(@class, 'norm')]"):
        member.tail = " " + (member.tail or "")
    assert _words(_text(shown)) == expected
    tree = _doc(site, "texts/foreign-poem.html")
    assert tree.xpath("//span[@class='tei-lg']/span[@class='tei-l']")


def _script_json(path: Path) -> object:
    """The JSON value a search index script assigns."""
    assignment = path.read_text(encoding="utf-8").strip().splitlines()[-1]
    return json.loads(assignment.split(" = ", 1)[1].rstrip(";"))


def _index(site: Path) -> tuple[list[list[object]], list[list[list[str]]]]:
    """The search index's documents and every document's passages ([anchor, text])."""
    data = _script_json(site / "search" / "index.js")
    assert isinstance(data, dict)
    passages: list[list[list[str]]] = []
    for chunk in sorted((site / "search" / "x").glob("*.js"), key=lambda p: int(p.stem)):
        passages += _script_json(chunk)  # type: ignore[operator]
    return data["docs"], passages


def test_search_index_points_at_passages(site: Path) -> None:
    docs, passages = _index(site)
    assert len(docs) == len(passages)
    hits = [(d, a) for d, blocks in enumerate(passages) for a, text in blocks if "grain plan" in text]
    assert len(hits) == 1
    href = docs[hits[0][0]][0]
    assert href == "letters/L1932-06-12-stalin-kaganovich.html"
    assert hits[0][1] in _doc(site, href).xpath("//@id")
    # Every anchor of the index exists on its page.
    for doc, blocks in enumerate(passages):
        for anchor, _ in blocks:
            if anchor:
                assert anchor in _doc(site, str(docs[doc][0])).xpath("//@id")
    texts = [(str(docs[d][0]), a, t) for d, blocks in enumerate(passages) for a, t in blocks]
    # Note texts (of several paragraphs too), editorial notes and register names are
    # searchable; a paragraph holding a footnote of several paragraphs stays searchable.
    assert any(t.startswith("Note 1: The plan was adopted") for _, _, t in texts)
    assert any("reply came by telegraph" in t and a for _, a, t in texts)
    assert any("Rosengolz" in t and href == "persons/rozengolts.html" for href, _, t in texts)
    # Letters carry what the search filters by: number, kind, date, correspondents.
    assert docs[hits[0][0]][2:6] == ["3", "letter", "1932-06-12", ["stalin", "kaganovich", "politburo"]]


def test_search_index_terms_and_variants(site: Path) -> None:
    index = _script_json(site / "search" / "index.js")
    assert isinstance(index, dict)
    assert ["kaganovich", "kaganowitsch"] in index["groups"]
    terms = _script_json(site / "search" / "t" / "67-72.js")
    assert isinstance(terms, dict) and "grain" in terms
    # The stylesheet's intermediate file is not left in the site.
    assert not (site / "search" / "source.json").exists()


def test_timeline_svg(site: Path) -> None:
    tree = _doc(site, "timeline.html")
    svg = tree.xpath("//*[local-name()='svg']")[0]
    links = svg.xpath(".//*[local-name()='a']/@href")
    assert sorted(links) == sorted(
        f"letters/L1932-06-{d}.html"
        for d in ("02-kaganovich-stalin", "10-stalin-kaganovich", "12-stalin-kaganovich")
    )
    # Direction: Stalin (in most letters, ties by name) wrote two, received one.
    assert len(svg.xpath(".//*[local-name()='rect'][contains(@class, 'up')]")) == 2
    assert len(svg.xpath(".//*[local-name()='rect'][contains(@class, 'down')]")) == 1
    assert len(svg.xpath(".//*[local-name()='rect'][contains(@class, 'uncertain')]")) == 2
    # The axis says the year where it starts, so that a span of years reads right.
    labels = svg.xpath(".//*[local-name()='text'][@class='label']/text()")
    assert labels[0].endswith("1932")


def test_render_is_deterministic(tmp_path: Path, site: Path) -> None:
    again = tmp_path / "again"
    render_web(WEB_TEI, again, title="Test edition")
    first = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first == second


def test_rerender_replaces_an_earlier_site(tmp_path: Path) -> None:
    out = tmp_path / "site"
    render_web(WEB_TEI, out)
    (out / "stale.html").write_text("old")
    render_web(WEB_TEI, out)
    assert not (out / "stale.html").exists()


# --- errors ------------------------------------------------------------------------------------


def test_refuses_to_replace_a_folder_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_text("precious")
    with pytest.raises(TeitoolError) as info:
        render_web(WEB_TEI, out)
    assert info.value.exit_code == 2
    assert (out / "thesis.docx").read_text() == "precious"


def test_an_empty_folder_cannot_be_rendered(tmp_path: Path) -> None:
    (tmp_path / "tei").mkdir()
    with pytest.raises(TeitoolError) as info:
        render_web(tmp_path / "tei", tmp_path / "site")
    assert info.value.exit_code == 2  # nothing to run on, as validate and encode say


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<TEI xmlns='http://www.tei-c.org/ns/1.0'><teiHeader>", "not well-formed"),
        (b"<html><body/></html>", "not a TEI document"),
        (b"<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>", "declares entities"),
    ],
)
def test_bad_input_is_one_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    tei = tmp_path / "tei"
    tei.mkdir()
    (tei / "bad.xml").write_bytes(content)
    with pytest.raises(TeitoolError) as info:
        render_web(tei, tmp_path / "site")
    assert info.value.exit_code == 1
    assert message in str(info.value) and "bad.xml" in str(info.value)
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("L1932-06-05-stalin", "L1932-06-05-stalin"), ("a b/c", "a-b-c"), ("..", "document"),
     ("Über", "Uber")],
)
def test_page_id(raw: str, expected: str) -> None:
    assert page_id(raw) == expected


def test_cli(tmp_path: Path) -> None:
    from tei.cli import main

    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["render", "web", str(WEB_TEI), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "pages" in result.output and (out / "index.html").exists()
    missing = CliRunner().invoke(main, ["render", "web", str(tmp_path / "nope"), "-o", str(out)])
    assert missing.exit_code == 2
    assert "Traceback" not in missing.output


# --- the real edition --------------------------------------------------------------------------


def test_encoded_edition_renders_with_sound_links(encoded_edition: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = render_web(encoded_edition, out)
    letters = list((encoded_edition / "letters").glob("*.xml"))
    assert len(list((out / "letters").glob("*.html"))) == len(letters)
    assert check_links(out) == []
    # Every persName of the TEI that the register knows is a link on the pages.
    refs = sum(
        len(parse_file(p).getroot().xpath("//tei:text//tei:persName[@ref]",
                                          namespaces={"tei": TEI_NS}))
        for p in letters
    )
    linked = sum(len(_doc(out, f"letters/{p.stem}.html").xpath(
        "//div[@class='text']//a[@class='persName name'] | //section[@class='notes']//a[@class='persName name']"
        " | //div[@class='text']//span[contains(@class, 'unresolved')]"
        " | //section[@class='notes']//span[contains(@class, 'unresolved')]")) for p in letters)
    assert linked == refs
    assert result.html_pages > len(letters)
    # The lines of figures of 4 June 1932 are a table: labels as row headings, each row a
    # search hit of its own.
    page = _doc(out, "letters/L1932-06-04-kaganovich-stalin.html")
    rows = page.xpath("//table[@class='figures']/tbody/tr")
    assert len(rows) == 22 and rows[0].xpath("string(th[@scope='row'])") == "Ukraine"
    assert rows[0].xpath("string(td)") == "5000" and rows[0].get("id")
    assert any('"Ukraine 5000"' in chunk.read_text(encoding="utf-8")
               for chunk in (out / "search" / "x").glob("*.js"))
    etree.clear_error_log()


# --- citing: meta tags, the "Cite this" block, the TEI, the edition's citation files ----------


@pytest.fixture(scope="module")
def cited_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture edition rendered with [edition] metadata, as `teitool build` does."""
    import datetime as dt

    from tei.export import EditionMetadata

    meta = EditionMetadata(
        title="Test edition", editor="Ann Editor and Bob Editor", publisher="Test Press",
        cmif_url="https://example.org/ed/cmif.xml",
        licence="https://creativecommons.org/licenses/by/4.0/", bibl="Test edition, 2026.",
        site_url="https://example.org/ed/site",  # no final "/": added
    )
    out = tmp_path_factory.mktemp("cited") / "site"
    render_web(WEB_TEI, out, title="Test edition", edition_metadata=meta,
               when=dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
    return out


def test_document_pages_carry_citation_meta_tags_and_a_canonical_url(cited_site: Path) -> None:
    tree = _doc(cited_site, LETTER)

    def meta(name: str) -> list[str]:
        return tree.xpath(f"//head/meta[@name='{name}']/@content")

    url = "https://example.org/ed/site/" + LETTER
    assert tree.xpath("//head/link[@rel='canonical']/@href") == [url]
    assert meta("citation_title") == meta("DC.title") == ["Kaganovich to Stalin, 2 June 1932"]
    assert meta("citation_author") == meta("DC.creator") == ["Lazar Kaganovich"]
    assert meta("citation_editor") == ["Ann Editor", "Bob Editor"]
    assert meta("citation_date") == ["1932/06/02"] and meta("DC.date") == ["1932-06-02"]
    assert meta("citation_public_url") == meta("DC.identifier") == [url]
    assert meta("DC.rights") == ["https://creativecommons.org/licenses/by/4.0/"]
    assert meta("citation_inbook_title") == ["Test edition"]
    # Every document page has them, chapters too; the register pages do not.
    for page in ("chapters/ch-900.html", "front/intro-900.html"):
        assert _doc(cited_site, page).xpath("//meta[@name='citation_title']"), page
    assert not _doc(cited_site, "persons/index.html").xpath("//meta[@name='citation_title']")


def test_cite_block_names_edition_editors_number_title_date_url(cited_site: Path) -> None:
    tree = _doc(cited_site, LETTER)
    citation = _text(tree.xpath("//section[@class='cite']//p[@id='citation']")[0])
    assert citation == (
        "Letter no. 1: “Kaganovich to Stalin, 2 June 1932”, 2 June 1932. In: Ann Editor, "
        "Bob Editor (eds.), Test edition. Test Press. https://example.org/ed/site/" + LETTER
        + " (accessed [date of access])."
    )
    # The copy button is for cite.js to show; without a script the text is selectable.
    button = tree.xpath("//button[@data-copy='citation']")[0]
    assert button.get("hidden") is not None
    assert tree.xpath("//section[@class='cite']//a[@rel='license']/@href") == [
        "https://creativecommons.org/licenses/by/4.0/"
    ]


def test_tei_download_is_the_documents_own_file(cited_site: Path) -> None:
    for page in (LETTER, "chapters/ch-900.html"):
        tree = _doc(cited_site, page)
        href = tree.xpath("//section[@class='cite']//a[@type='application/tei+xml']/@href")[0]
        assert tree.xpath("//head/link[@rel='alternate'][@type='application/tei+xml']/@href") == [href]
        source = (cited_site / page).parent / href
        copied = parse_file(source).getroot()
        assert copied.tag == f"{{{TEI_NS}}}TEI"
    letter = cited_site / "tei" / "L1932-06-02-kaganovich-stalin.xml"
    assert letter.read_bytes() == (WEB_TEI / "letters" / letter.name).read_bytes()


def test_edition_citation_files_are_linked_from_the_home_page(cited_site: Path) -> None:
    tree = _doc(cited_site, "index.html")
    assert set(tree.xpath("//section[@class='cite']//a/@href")) >= {"citation.cff", "edition.bib"}
    cff = (cited_site / "citation.cff").read_text(encoding="utf-8")
    assert "cff-version: 1.2.0" in cff and 'title: "Test edition"' in cff
    assert '  - name: "Ann Editor"\n  - name: "Bob Editor"' in cff
    assert 'url: "https://example.org/ed/site/"' in cff and "date-released: 2026-05-01" in cff
    bib = (cited_site / "edition.bib").read_text(encoding="utf-8")
    assert "editor = {Ann Editor and Bob Editor}" in bib and "year = {2026}" in bib


def test_citation_files_serialise_values_as_data() -> None:
    import datetime as dt

    import yaml

    from tei.export import EditionMetadata
    from tei.render.citation import bibtex, citation_cff

    hostile = 'A "quoted" title: {braces} \\ 100% & #1\nnext: line'
    meta = EditionMetadata(title=hostile, editor="X", publisher="P", cmif_url="https://e.org/c",
                           licence="https://creativecommons.org/licenses/by/4.0/", bibl="b")
    when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert yaml.safe_load(citation_cff(meta, "https://e.org/{x}/", when))["title"] == hostile
    bib = bibtex(meta, "https://e.org/{x}/", when)
    assert r"\{braces\} \textbackslash{} 100\% \& \#1" in bib
    assert "url = {https://e.org/%7Bx%7D/}" in bib
    # Braces balance: the entry ends where it should.
    assert bib.count("{") - bib.count(r"\{") == bib.count("}") - bib.count(r"\}")


def test_without_metadata_pages_cite_no_url(site: Path) -> None:
    tree = _doc(site, LETTER)
    assert not tree.xpath("//link[@rel='canonical']") and not (site / "citation.cff").exists()
    citation = _text(tree.xpath("//p[@id='citation']")[0])
    assert "http" not in citation and "Test edition" in citation


def test_person_page_has_life_dates_and_named_authority_links(site: Path) -> None:
    meta = _doc(site, "persons/stalin.html").xpath("//dl[@class='meta']")[0]
    assert "18 December 1878 – 5 March 1953" in _text(meta)
    link = meta.xpath(".//a[@rel='external']")[0]
    assert (link.get("href"), link.text) == ("https://www.wikidata.org/wiki/Q855", "Wikidata Q855")


def test_registers_count_in_correct_plurals_and_sort_by_folded_names(site: Path) -> None:
    items = _doc(site, "persons/index.html").xpath("//ul[@class='register']/li")
    counts = [_text(li.xpath("span[@class='count']")[0]) for li in items]
    assert all(not re.search(r"\b1 (mentions|letters)\b", c) for c in counts), counts
    assert any(re.search(r"\b1 (mention|letter)\b", c) for c in counts), counts
    names = [li.xpath("a")[0].text for li in items]
    keys = [unicodedata.normalize("NFKD", n).encode("ascii", "ignore").decode().casefold()
            for n in names]
    assert keys == sorted(keys)


def test_cli_takes_citations_from_the_metadata(tmp_path: Path) -> None:
    from conftest import SOURCES

    from tei.cli import main

    out = tmp_path / "site"
    metadata = SOURCES / "metadata.toml"
    result = CliRunner().invoke(
        main, ["render", "web", str(WEB_TEI), "-o", str(out), "--metadata", str(metadata)]
    )
    assert result.exit_code == 0, result.output
    tree = _doc(out, LETTER)
    assert tree.xpath("//link[@rel='canonical']/@href") == [
        "https://example.org/teitool-demo/site/" + LETTER
    ]
    assert "Stalin and Kaganovich: the correspondence of June 1932" in tree.findtext(".//title")
    assert (out / "citation.cff").is_file() and (out / "edition.bib").is_file()


# --- organisations: their own register, like places -------------------------------------------

ORGS_TEI = FIXTURES / "orgs"  # two letters in the Schnitzler edition's style, with listOrg


@pytest.fixture(scope="module")
def orgs_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("orgs") / "site"
    render_web(ORGS_TEI, out, title="Organisations")
    return out


def _menu(tree: html.HtmlElement) -> list[tuple[str, str]]:
    return [(_text(a), a.get("href")) for a in tree.xpath("//header//nav//a")]


def test_organisations_have_a_register_of_their_own(orgs_site: Path) -> None:
    assert check_links(orgs_site) == []
    register = _doc(orgs_site, "organisations/index.html")
    assert _text(register.xpath("//h1")[0]) == "Register of organisations"
    items = register.xpath("//ul[@class='register']/li")
    # In register order; an orgName whose GND URI no list claims is an organisation too.
    assert [(a.text, a.get("href")) for li in items for a in li.xpath("a")] == [
        ("Abendpost", "gnd-4000002-X.html"), ("Stadttheater", "pmb7030.html"),
        ("Th. Adler Verlag", "pmb7031.html"),
    ]
    assert _text(items[1].xpath("span[@class='count']")[0]) == "(2 mentions, 1 letter)"
    # Persons and places keep their registers, without the organisations.
    persons = _doc(orgs_site, "persons/index.html")
    assert [_text(a) for a in persons.xpath("//ul[@class='register']/li/a")] == ["Halder, Anton"]
    assert not list((orgs_site / "persons").glob("pmb7030*"))
    lead = _text(_doc(orgs_site, "index.html").xpath("//p[@class='lead']")[0])
    assert "1 person in the register, 1 place, 3 organisations." in lead


def test_organisation_page(orgs_site: Path) -> None:
    tree = _doc(orgs_site, "organisations/pmb7030.html")
    assert _text(tree.xpath("//h1")[0]) == "Stadttheater"
    assert tree.xpath("//article[@class='org']")
    meta = tree.xpath("//dl[@class='meta']")[0]
    terms = [_text(dt) for dt in meta.xpath("dt")]
    values = [_text(dd) for dd in meta.xpath("dd")]
    assert dict(zip(terms, values, strict=True))["Also written"] == "k. k. Hofbühne"
    link = meta.xpath(".//a[@rel='external']")[0]
    assert (link.get("href"), link.text) == ("https://d-nb.info/gnd/4000001-1", "GND 4000001-1")
    # The letter it sent; it received none.
    assert [_text(h) for h in tree.xpath("//section/h2")] == ["Letters sent (1)", "Mentions (2)"]
    assert tree.xpath("//section[@aria-labelledby='sent-heading']//a/@href") == [
        "../letters/L00101.html"]
    assert tree.xpath("//a[@href='../by/pmb7030.html']")
    # Every mention, in either spelling, links to the name in its letter.
    mentions = tree.xpath("//a[@class='mention']")
    assert [(m.get("href"), m.get("title")) for m in mentions] == [
        ("../letters/L00101.html#m1", "k. k. Hofbühne"),
        ("../letters/L00102.html#m1", "Stadttheater"),
    ]
    letter = _doc(orgs_site, "letters/L00102.html")
    name = letter.get_element_by_id("m1")
    assert (name.get("class"), name.get("href"), _text(name)) == (
        "orgName name", "../organisations/pmb7030.html", "Stadttheater")
    # An organisation that received a letter: the page says so, with its variant spelling
    # and its Wikidata link.
    fischer = _doc(orgs_site, "organisations/pmb7031.html")
    assert "Letters received (1)" in _text(fischer) and "Letters sent" not in _text(fischer)
    assert "Verlag Th. Adler" in _text(fischer.xpath("//dl[@class='meta']")[0])
    assert fischer.xpath("//a[@href='https://www.wikidata.org/wiki/Q99000031']")


def test_organisations_as_correspondents_link_to_their_pages(orgs_site: Path) -> None:
    index = _doc(orgs_site, "index.html")
    assert index.xpath("//td[@data-label='From']/a/@href") == [
        "organisations/pmb7030.html", "persons/pmb7001.html"]
    assert index.xpath("//td[@data-label='To']/a/@href") == [
        "persons/pmb7001.html", "organisations/pmb7031.html"]
    letter = _doc(orgs_site, "letters/L00101.html")
    assert letter.xpath("//dl[@class='meta']//a[@href='../organisations/pmb7030.html']")
    by = _doc(orgs_site, "by/pmb7030.html")
    assert by.xpath("//p[@class='lead']/a/@href") == ["../organisations/pmb7030.html"]
    # The search finds an organisation by its names, on its page.
    docs, passages = _index(orgs_site)
    found = [str(d[0]) for d, blocks in zip(docs, passages, strict=True)
             if any("Hofbühne" in text for _, text in blocks)]
    assert "organisations/pmb7030.html" in found


def test_menu_links_the_organisations_only_when_there_are_some(
    orgs_site: Path, site: Path, tmp_path: Path
) -> None:
    for page in sorted(orgs_site.rglob("*.html")):
        name = str(page.relative_to(orgs_site))
        tree = _doc(orgs_site, name)
        assert len(tree.xpath("//h1")) == 1, name
        up = "../" if "/" in name else ""
        assert _menu(tree) == [
            ("Letters", f"{up}index.html"), ("Persons", f"{up}persons/index.html"),
            ("Places", f"{up}places/index.html"), ("Organisations", f"{up}organisations/index.html"),
            ("Timeline", f"{up}timeline.html"), ("Search", f"{up}search.html"),
        ], name
        current = tree.xpath("//header//nav//a[@aria-current='page']/@href")
        if name.startswith("organisations/"):
            assert current == ["../organisations/index.html"], name
    assert ("Organisations", "organisations/index.html") in _menu(_doc(site, "index.html"))
    # An edition without organisations: no menu entry and no empty register.
    out = render_web(FIXTURES / "edition", tmp_path / "none").out_dir
    assert not (out / "organisations").exists()
    for page in out.rglob("*.html"):
        assert "Organisations" not in [label for label, _ in _menu(_doc(out, str(page.relative_to(out))))]
    assert check_links(out) == []
