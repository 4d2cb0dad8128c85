"""Transcription markup once, for both outputs (tei/xslt/transcription.xsl and its hooks).

Each row of the tables is a crafted TEI snippet and what it must become in the web edition's
HTML (both readings in the page, the one that belongs to a single reading marked "dipl" or
"norm"), in the print edition's Typst (one reading: normalised unless asked otherwise) and in
the plain text of titles and search. The stylesheets are the real ones: a small harness
imports web/site.xsl or print/edition.xsl and renders only the snippet's text.

The last tests render the real letters in ../shared/realtei/ (skipped when absent).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import SHARED
from lxml import etree, html

from tei.render.xslt import Stylesheet, compile_stylesheet
from tei.resources import XSLT_DIR

TEI = "http://www.tei-c.org/ns/1.0"
XML = "http://www.w3.org/XML/1998/namespace"
REALTEI = SHARED / "realtei"

HARNESS = """<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:tei="http://www.tei-c.org/ns/1.0" xmlns:t="urn:teitool" exclude-result-prefixes="#all">
  <xsl:import href="{sheet}"/>
  <xsl:output method="{method}"/>
  <xsl:param name="plain" select="false()"/>
  <xsl:template match="/">
    <xsl:choose>
      <xsl:when test="$plain"><xsl:value-of select="t:plain(//tei:text)"/></xsl:when>
      <xsl:otherwise>{wrap}</xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
"""


def _harness(tmp_path_factory: pytest.TempPathFactory, sheet: str, method: str,
             wrap: str) -> Stylesheet:
    """An output's stylesheet applied to a snippet's text only, compiled once per module."""
    path = tmp_path_factory.mktemp("harness") / "harness.xsl"
    path.write_text(HARNESS.format(sheet=(XSLT_DIR / sheet).as_uri(), method=method, wrap=wrap))
    return compile_stylesheet(path)


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Stylesheet:
    return _harness(tmp_path_factory, "web/site.xsl", "html",
                    "<div><xsl:apply-templates select='//tei:text'/></div>")


@pytest.fixture(scope="module")
def typst(tmp_path_factory: pytest.TempPathFactory) -> Stylesheet:
    return _harness(tmp_path_factory, "print/edition.xsl", "text",
                    "<xsl:apply-templates select='//tei:text'/>")


def tei(body: str, back: str = "") -> str:
    return (
        f'<TEI xmlns="{TEI}" xml:id="d"><teiHeader/><text><body><p>{body}</p></body>'
        f"{f'<back>{back}</back>' if back else ''}</text></TEI>"
    )


def shown(tree: html.HtmlElement, reading: str) -> str:
    """The words a reader sees in one reading: the other reading's members are hidden."""
    hidden = "norm" if reading == "diplomatic" else "dipl"
    copy = html.fromstring(html.tostring(tree))
    for el in copy.xpath(f"//*[contains(concat(' ', @class, ' '), ' {hidden} ')]"):
        el.drop_tree()
    for switch in copy.xpath("//fieldset"):
        switch.drop_tree()
    for br in copy.iter("br"):
        br.tail = " " + (br.tail or "")
    return " ".join(copy.text_content().split())


def render_web(sheet: Stylesheet, xml: str, reading: str = "normalised") -> html.HtmlElement:
    out = sheet.transform(xml, {"reading": reading}).output
    return html.fromstring(out)


def plain(sheet: Stylesheet, xml: str, reading: str = "normalised") -> str:
    return sheet.transform(xml, {"plain": True, "reading": reading}).output


def body(typst_text: str) -> str:
    return " ".join(typst_text.split())


# ------------------------------------------------------------------------------------ table

#: snippet → (normalised words, diplomatic words): the same in the web page (what shows), the
#: plain text and the Typst source (escaped, so compared after removing the backslashes of
#: its escaping and its markup).
READINGS = [
    ("a <choice><abbr>u.</abbr><expan>und</expan></choice> b", "a und b", "a u. b"),
    ("a <choice><expan>und</expan><abbr>u.</abbr></choice> b", "a und b", "a u. b"),
    ("ist <choice><sic>Rhu</sic><corr>Ruh</corr></choice>.", "ist Ruh.", "ist Rhu."),
    ("<choice><orig>Theil</orig><reg>Teil</reg></choice>", "Teil", "Theil"),
    ("u<ex>nd</ex> so", "und so", "u so"),
    (
        "<choice>\n  <abbr>z. B.</abbr>\n  <expan>zum Beispiel</expan>\n</choice>!",
        "zum Beispiel!",
        "z. B.!",
    ),
    ("noch <del>zwei Keller</del> <add>einen</add> Raum", "noch einen Raum", "noch zwei Keller einen Raum"),
    ("da<subst><del>was</del><add>ich</add></subst>", "daich", "dawasich"),
    ("Brücken<lb break='no'/>waage", "Brückenwaage", "Brücken waage"),
    ("Brücken\n   <lb break='no'/>\n  waage", "Brückenwaage", "Brücken waage"),
    ("zum<lb/>größten", "zum größten", "zum größten"),
    ("zu<space unit='chars' quantity='1'/>sein", "zu sein", "zu sein"),
    ("i<c rendition='#langesS'>s</c>t", "ist", "iſt"),
    ("de<c rendition='#gemination-n'>nn</c>", "denn", "den\u0304"),
    (
        "<choice><abbr>H<choice><abbr>n</abbr><expan>err</expan></choice></abbr><expan>Herrn</expan></choice>",
        "Herrn",
        "Hn",
    ),
]


@pytest.mark.parametrize(("snippet", "normalised", "diplomatic"), READINGS)
def test_readings_web(web: Stylesheet, snippet: str, normalised: str, diplomatic: str) -> None:
    tree = render_web(web, tei(snippet))
    assert shown(tree, "normalised") == normalised
    assert shown(tree, "diplomatic") == diplomatic


@pytest.mark.parametrize(("snippet", "normalised", "diplomatic"), READINGS)
def test_readings_plain(web: Stylesheet, snippet: str, normalised: str, diplomatic: str) -> None:
    assert plain(web, tei(snippet)) == normalised
    # The plain text (search, titles) has no lines to show: a word split by a line end is
    # one word in both readings.
    expected = normalised if "break='no'" in snippet else diplomatic
    assert plain(web, tei(snippet), "diplomatic") == expected


def _typst_words(source: str) -> str:
    text = re.sub(r"#linebreak\(\)", " ", source)
    text = re.sub(r"#[a-z-]+\[", "", text).replace("]", "")
    return " ".join(text.replace("\\", "").split())


@pytest.mark.parametrize(("snippet", "normalised", "diplomatic"), READINGS)
def test_readings_print(typst: Stylesheet, snippet: str, normalised: str, diplomatic: str) -> None:
    assert _typst_words(typst.transform(tei(snippet)).output) == normalised
    dipl = _typst_words(typst.transform(tei(snippet), {"reading": "diplomatic"}).output)
    assert dipl == diplomatic


#: snippet → an XPath the web page matches, and a string the Typst source holds.
ELEMENTS = [
    (
        "<del rend='strikethrough'>weg</del>",
        "//del[@class='del s-strikethrough dipl'][@title='deleted']",
        "",
    ),
    ("<add place='above'>dazu</add>", "//ins[@class='add'][@title='added (above)']", "dazu"),
    (
        "<unclear reason='faded'>wohl</unclear>",
        "//span[@class='unclear'][contains(@title, 'faded')]",
        "#unclear[wohl]",
    ),
    ("<supplied>ist</supplied>", "//span[@class='supplied']", "#supplied[ist]"),
    (
        "<gap reason='illegible' quantity='3' unit='words'/>",
        "//span[@class='gap'][@title='gap: illegible: 3 words'][.='[…]']",
        "\\[…\\]",
    ),
    ("<hi rend='italic'>a</hi>", "//em[@class='hi s-italic']", "#emph[a]"),
    ("<hi rend='bold'>a</hi>", "//strong[@class='hi s-bold']", "#strong[a]"),
    ("<hi rend='underline'>a</hi>", "//span[@class='hi s-underline']", "#underline[a]"),
    ("<hi rend='sup'>r</hi>", "//sup[@class='hi s-superscript']", "#super[r]"),
    ("<hi rend='superscript'>r</hi>", "//sup", "#super[r]"),
    ("<hi rend='subscript'>2</hi>", "//sub", "#sub[2]"),
    ("<hi rend='spaced-out'>Herr</hi>", "//span[@class='hi s-spaced']", "#spaced[Herr]"),
    ("<hi rend='gesperrt'>Herr</hi>", "//span[@class='hi s-spaced']", "#spaced[Herr]"),
    ("<hi rend='small-caps'>a</hi>", "//span[@class='hi s-smallcaps']", "#smallcaps[a]"),
    ("<hi rend='capitals'>a</hi>", "//span[@class='hi s-caps']", "#upper[a]"),
    ("<hi rend='latintype'>a</hi>", "//span[@class='hi s-latin']", "#latin[a]"),
    ("<hi rend='italic bold'>a</hi>", "//em[@class='hi s-italic s-bold']", "#emph[#strong[a]]"),
    ("<hi rendition='#u'>a</hi>", "//span[@class='hi s-underline']", "#underline[a]"),
    ("<hi rend='no-such-style'>a</hi>", "//span[@class='hi'][.='a']", "a"),
    ("<hi>a</hi>", "//span[@class='hi'][.='a']", "a"),
    (
        "<seg rend='right'>3. VII.</seg>",
        "//span[@class='seg s-align-right']",
        "#align-right[3\\. VII\\.]",
    ),
    ("x<pb n='2'/>y", "//span[@class='pb'][.='[p. 2]']", "#source-page([2])"),
    (
        "x<pb n='2' facs='https://example.org/f/2.jpg'/>y",
        "//span[@class='pb']/a[@href='https://example.org/f/2.jpg'][.='[p. 2]']",
        '#link("https://example.org/f/2.jpg")[#source-page([2])]',
    ),
    (
        "<ref target='https://example.org/a?b=1'>Link</ref>",
        "//a[@class='ref'][@href='https://example.org/a?b=1'][@rel='external'][.='Link']",
        '#link("https://example.org/a?b=1")[Link]',
    ),
    (
        "<ref target='#n1'>see</ref><note xml:id='n1'>N</note>",
        "//a[@class='ref'][@href='#n1']",
        "see",
    ),
]


@pytest.mark.parametrize(("snippet", "xpath", "typst_part"), ELEMENTS)
def test_element_web_and_print(
    web: Stylesheet, typst: Stylesheet, snippet: str, xpath: str, typst_part: str
) -> None:
    tree = render_web(web, tei(snippet))
    assert tree.xpath(xpath), html.tostring(tree, encoding="unicode")
    assert typst_part in body(typst.transform(tei(snippet)).output)


@pytest.mark.parametrize(
    "snippet",
    [
        "x<pb/>y",  # no number, no facsimile
        "x<pb facs='HS.NZ85.1_0009'/>y",  # a facsimile id that names no image
        "x<pb n=''/>y",
    ],
)
def test_page_break_without_number_shows_nothing(
    web: Stylesheet, typst: Stylesheet, snippet: str
) -> None:
    tree = render_web(web, tei(snippet))
    assert shown(tree, "normalised") == "xy" and not tree.xpath("//*[@class='pb']")
    source = typst.transform(tei(snippet)).output
    assert "[p" not in source and "source-page" not in source


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:x",
        "file:///etc/passwd",
        "//evil.example/x",
        "java\tscript:alert(1)",
        "\\\\host\\share",
    ],
)
def test_unsafe_targets_are_no_links(web: Stylesheet, typst: Stylesheet, target: str) -> None:
    escaped = target.replace("&", "&amp;").replace("<", "&lt;")
    snippet = f"<ref target='{escaped}'>click</ref>"
    tree = render_web(web, tei(snippet))
    assert not tree.xpath("//a"), html.tostring(tree, encoding="unicode")
    assert shown(tree, "normalised") == "click"
    assert "#link" not in typst.transform(tei(snippet)).output


@pytest.mark.parametrize(
    ("snippet", "normalised"),
    [
        ("Vgl. <ref>X</ref>; <ref target='Register_d2.4'><!-- → S. 35 --></ref>.", "Vgl. X."),
        ("Grimselfeier<ref type='sum' target='a'><!-- c --></ref> meine", "Grimselfeier meine"),
        ("nach Berlin, <ref target='L09320'/>.", "nach Berlin."),
        ("im Sommer 1889 (<ref type='schnitzler-tagebuch' target='1889-09-08'/>).", "im Sommer 1889."),
    ],
)
def test_empty_ref_leaves_no_punctuation(
    web: Stylesheet, typst: Stylesheet, snippet: str, normalised: str
) -> None:
    assert shown(render_web(web, tei(snippet)), "normalised") == normalised
    assert plain(web, tei(snippet)) == normalised
    assert _typst_words(typst.transform(tei(snippet)).output) == normalised


def test_notes_are_footnotes_wherever_they_stand(web: Stylesheet, typst: Stylesheet) -> None:
    """Notes without @place or @n (Escher, Schnitzler) are numbered footnotes, not brackets."""
    snippet = (
        "Frau<note type='commentary'>Ferrante</note>, aber<note>sic!</note> gut"
        "<note><ref target='L1'/>, <ref target='L2'/>.</note>"
    )
    tree = render_web(web, tei(snippet))
    assert shown(tree, "normalised") == "Frau1, aber2 gut"
    assert [a.get("href") for a in tree.xpath("//sup[@class='noteref']/a")] == ["#d-n1", "#d-n2"]
    source = body(typst.transform(tei(snippet)).output)
    assert source.count("#footnote[") == 2 and "\\[" not in source


def test_back_lists_are_registers_not_prose(web: Stylesheet, typst: Stylesheet) -> None:
    back = (
        "<listPerson><person xml:id='p1'><persName><forename>Wilhelm</forename>"
        "<surname>Muster</surname></persName><birth><date when='1858-03-14'>1858-03-14</date>"
        "<settlement><placeName>Bonn</placeName><location><geo>50,7000 7,1000</geo></location>"
        "</settlement></birth><death><date when='1931-11-02'/></death>"
        "<note>a note on him</note></person></listPerson>"
        "<listPlace><place xml:id='pl1'><placeName>Wien</placeName><location><geo>48,2 16,3</geo>"
        "</location></place></listPlace>"
        "<listBibl><bibl><title type='main'>Die Probe</title><author>Halder, Anton</author>"
        "</bibl></listBibl>"
    )
    xml = tei("Text.", back)
    tree = render_web(web, xml)
    assert [
        h.text_content() for h in tree.xpath("//section[contains(@class, 'register-list')]/h2")
    ] == ["Persons", "Places", "Works and literature"]
    assert [li.text_content() for li in tree.xpath("//li")] == [
        "Muster, Wilhelm (1858–1931)",
        "Wien",
        "Die Probe — Halder, Anton",
    ]
    assert "50,7000" not in tree.text_content() and not tree.xpath("//sup[@class='noteref']")
    assert plain(web, xml) == "Text."
    source = body(typst.transform(xml).output)
    assert "#register-list([Persons], ([Muster\\, Wilhelm \\(1858–1931\\)],))" in source
    assert "50\\,7000" not in source and "#footnote" not in source


@pytest.mark.parametrize(
    ("div_type", "label"),
    [
        ("translation", "Translation"),
        ("summary", "Summary"),
        ("commentary", "Commentary"),
        ("transcription", "Transcription"),
        ("normalised", "Normalised text"),
    ],
)
def test_parallel_divisions_are_labelled(
    web: Stylesheet, typst: Stylesheet, div_type: str, label: str
) -> None:
    xml = (
        f'<TEI xmlns="{TEI}"><teiHeader/><text><body><div type="{div_type}" xml:lang="en">'
        "<p>Words.</p></div><div type='letter'><p>More.</p></div></body></text></TEI>"
    )
    tree = render_web(web, xml)
    section = tree.xpath("//section[contains(@class, 'labelled')][@lang='en']")[0]
    assert section.xpath("h2[@class='div-label']")[0].text_content() == label
    assert len(tree.xpath("//*[@class='div-label']")) == 1  # the letter's own div: no label
    assert f"#div-label([{label}])" in typst.transform(xml).output


def test_line_breaks_outside_prose_stay_line_breaks(web: Stylesheet, typst: Stylesheet) -> None:
    xml = (
        f'<TEI xmlns="{TEI}"><teiHeader/><text><body><p><lb/>Erste<lb/>zweite</p>'
        "<closer>Mit Gruß<lb/>Ihr</closer></body></text></TEI>"
    )
    tree = render_web(web, xml)
    assert len(tree.xpath("//p/br[contains(@class, 'dipl')]")) == 1  # the first lb starts no line
    assert len(tree.xpath("//div[@class='closer']/br[not(@class)]")) == 1
    normalised = body(typst.transform(xml).output)
    assert "Erste zweite" in normalised and normalised.count("#linebreak()") == 1
    assert body(typst.transform(xml, {"reading": "diplomatic"}).output).count("#linebreak()") == 2


def test_reading_switch_only_where_there_are_two_readings(web: Stylesheet) -> None:
    two = render_web(web, tei("a <choice><abbr>u.</abbr><expan>und</expan></choice>"))
    assert [i.get("id") for i in two.xpath("//fieldset[@class='readings']//input")] == [
        "reading-normalised",
        "reading-diplomatic",
    ]
    assert two.xpath("//input[@id='reading-normalised'][@checked]")
    asked = render_web(web, tei("<choice><abbr>u.</abbr><expan>und</expan></choice>"), "diplomatic")
    assert asked.xpath("//input[@id='reading-diplomatic'][@checked]")
    assert not render_web(web, tei("plain words")).xpath("//fieldset")


def test_style_sheet_hides_the_other_reading() -> None:
    css = (XSLT_DIR / "web" / "style.css").read_text(encoding="utf-8")
    assert ".dipl { display: none; }" in css  # without :has() the normalised reading shows
    assert "main:has(#reading-diplomatic:checked) .norm { display: none; }" in css


def test_text_is_never_code(web: Stylesheet, typst: Stylesheet) -> None:
    snippet = (
        '<choice><abbr>&lt;script&gt;alert(1)&lt;/script&gt;</abbr><expan>#read("/etc/passwd")'
        "</expan></choice><hi rend='bold'>]#eval(\"1\")[</hi><gap reason='#x]'/>"
    )
    tree = render_web(web, tei(snippet))
    assert not tree.xpath("//script")
    assert "<script>alert(1)</script>" in tree.text_content()
    source = typst.transform(tei(snippet)).output
    assert '\\#read\\(\\"\\/etc\\/passwd\\"\\)' in source
    assert '#strong[\\]\\#eval\\(\\"1\\"\\)\\[]' in source
    assert "#read(" not in source and "#eval(" not in source


# ------------------------------------------------------------------------------ real letters

SCHNITZLER = REALTEI / "schnitzler-briefe" / "editions"
ESCHER = REALTEI / "briefedition-escher"


@pytest.fixture(scope="module", params=[SCHNITZLER, ESCHER], ids=["schnitzler", "escher"])
def real_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder: Path = request.param
    if not folder.is_dir():
        pytest.skip(f"{folder} is not here (a clone outside the workplace)")
    from tei.render.web import render_web as render_site

    out = tmp_path_factory.mktemp("real") / folder.name  # the site is named after its sources
    render_site(folder, out)
    return out


def _letters(site: Path) -> list[html.HtmlElement]:
    pages = sorted((site / "letters").glob("*.html"))
    assert len(pages) == 40
    return [html.fromstring(p.read_bytes()) for p in pages]


def test_real_letters_show_one_form_of_each_choice(real_site: Path) -> None:
    for page in _letters(real_site):
        text = page.xpath("//div[@class='text']")[0]
        words = shown(text, "normalised")
        for choice in text.xpath(".//*[contains(@class, 'abbr')][contains(@class, 'dipl')]"):
            expan = choice.getnext()
            if expan is not None and "expan" in (expan.get("class") or ""):
                both = f"{choice.text_content()} {expan.text_content()}"
                assert both not in words, both
        assert not re.search(r"\bu\. und\b|\bvgl\. vergleiche\b", words, re.I)


def test_real_letters_have_no_empty_page_numbers_nor_list_prose(real_site: Path) -> None:
    for page in _letters(real_site):
        text = page.xpath("//div[@class='text']")[0]
        words = shown(text, "normalised")
        assert "[p. ]" not in words
        # Coordinates and life dates of the back lists never reach the reading text.
        assert not re.search(r"\d+,\d{4,} \d+,\d{4,}", words)
        assert not re.search(r"\d{4}-\d{2}-\d{2}", words)


#: Words of one letter of each sample as a reader of the normalised text must find them:
#: joined across a line end inside a word (Escher), or across characters with a rendition and
#: kept apart by a space the writer left (Schnitzler); and what must not be there.
REAL_WORDS = {
    "K_0296": (
        (
            "Gegenstand",
            "Mitarbeiter",
            "niedergelegt",
            "Rechtshistoriker",
            "Wichtiges und Erfreuliches",
        ),
        ("Gegen stand", "u. und"),
    ),
    "L00221": (
        ("ungehalten zu sein", "Bei der Masse der Einsendung", "Dirne1, aber"),
        ("zusein", "Lombroso die These"),
    ),
}


def test_real_letters_join_words_and_keep_them_apart(real_site: Path) -> None:
    pages = {p.stem: p for p in (real_site / "letters").glob("*.html")}
    (name,) = set(pages) & set(REAL_WORDS)
    page = html.fromstring(pages[name].read_bytes())
    words = shown(page.xpath("//div[@class='text']")[0], "normalised")
    present, absent = REAL_WORDS[name]
    assert [w for w in present if w not in words] == []
    assert [w for w in absent if w in words] == []


def test_real_letters_print(tmp_path: Path) -> None:
    if not ESCHER.is_dir():
        pytest.skip(f"{ESCHER} is not here")
    from tei.render.pdf import render_print

    result = render_print(ESCHER, tmp_path / "escher.pdf", keep_source=True)
    assert result.source is not None
    source = result.source.read_text(encoding="utf-8")
    assert "Gegenstand" in source and "Gegen#linebreak()" not in source
    assert "u\\. und" not in source and "\\[p\\. \\]" not in source
    assert source.count("#footnote[") >= 100


# ------------------------------------------------------------------- whole editions, fixtures

FIXTURE_LETTERS = Path(__file__).resolve().parent / "fixtures" / "transcription"


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tei.render.web import render_web as render_site

    out = tmp_path_factory.mktemp("letters") / "site"
    render_site(FIXTURE_LETTERS, out)
    return out


def test_fixture_letters_on_the_web(fixture_site: Path) -> None:
    escher = html.fromstring((fixture_site / "letters" / "K_9001.html").read_bytes())
    text = escher.xpath("//div[@class='text']")[0]
    words = shown(text, "normalised")
    assert "Neues und Gutes" in words and "Brückenwaage" in words
    assert "noch einen Lagerraum" in words and "zwei Keller" not in words
    assert shown(text, "diplomatic").startswith("Glarus den 13. März 1844. Dein Brief")
    assert "Neues u. Gutes" in shown(text, "diplomatic")
    notes = [" ".join(li.text_content().split()) for li in escher.xpath("//ol[@class='notes']/li")]
    assert notes == ["sic! ↩", "Gemeint ist Leo Amsler. Vgl.Vergleiche Tagblatt. ↩"]
    schnitzler = html.fromstring((fixture_site / "letters" / "L09002.html").read_bytes())
    text = schnitzler.xpath("//div[@class='text']")[0]
    assert [h.text_content() for h in text.xpath(".//*[@class='div-label']")] == [
        "Summary",
        "Translation",
    ]
    assert "bald zu sehen, doch ist" in shown(text, "normalised")
    assert "bald zu ſehen, doch iſt" in shown(text, "diplomatic")
    assert text.xpath(
        ".//a[@href='https://example.org/ferrante']"
    ) and "javascript" not in html.tostring(text, encoding="unicode")
    assert [
        h.text_content() for h in text.xpath(".//section[contains(@class, 'register-list')]/h2")
    ] == ["Persons", "Works and literature", "Places"]
    assert "[p." not in shown(text, "normalised") and "50,93835" not in text.text_content()


def test_fixture_letters_in_print(tmp_path: Path) -> None:
    """Every hook's Typst compiles (footnotes, labels, registers, styles, page marks)."""
    from tei.render.pdf import render_print

    result = render_print(FIXTURE_LETTERS, tmp_path / "letters.pdf", keep_source=True)
    assert result.pages >= 2 and result.source is not None
    source = result.source.read_text(encoding="utf-8")
    assert "Neues und Gutes" in source and "Brückenwaage" in source
    assert source.count("#footnote[") == 3 and "#div-label([Translation])" in source
    assert "#register-list([Places], ([Hamburg],))" in source
    assert "\\[p\\." not in source and "javascript" not in source


def test_reader_switches_the_reading_in_a_browser(fixture_site: Path) -> None:
    """Chromium shows the normalised reading, and the diplomatic one when the reader asks."""
    import os
    import shutil

    chromium = Path(os.environ.get("TEITOOL_CHROMIUM", "/usr/bin/chromium"))
    if not (chromium.exists() or shutil.which("chromium")):
        pytest.skip("chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(chromium if chromium.exists() else shutil.which("chromium")),
            args=["--headless", "--no-sandbox", "--disable-gpu"],
        )
        try:
            page = browser.new_page()
            page.goto((fixture_site / "letters" / "K_9001.html").as_uri())
            normalised = page.inner_text("div.text")
            assert "Neues und Gutes" in normalised and "u. Gut" not in normalised
            assert "Brückenwaage" in normalised and "zwei Keller" not in normalised
            page.check("#reading-diplomatic")
            diplomatic = page.inner_text("div.text")
            assert "Neues u. Gutes" in diplomatic and " und Gut" not in diplomatic
            assert "Brücken\nwaage" in diplomatic and "zwei Keller" in diplomatic
        finally:
            browser.close()


def test_print_marks_the_writers_changes_in_the_diplomatic_reading(typst: Stylesheet) -> None:
    xml = tei("noch <del rend='overwritten'>zwei Keller</del> <add place='above'>einen</add> Raum")
    assert body(typst.transform(xml).output) == "noch einen Raum"
    diplomatic = body(typst.transform(xml, {"reading": "diplomatic"}).output)
    assert diplomatic == "noch #deleted[#strike[zwei Keller]] #added[einen] Raum"


@pytest.mark.parametrize("reading", ["normalised", "diplomatic"])
def test_a_form_explains_the_other_in_either_reading(web: Stylesheet, reading: str) -> None:
    xml = tei(
        "<choice><abbr>u.</abbr><expan>und</expan></choice> <choice><sic>Rhu</sic><corr>Ruh</corr></choice>"
    )
    tree = render_web(web, xml, reading)
    assert tree.xpath("//span[@class='abbr dipl']/@title") == ["abbreviation: und"]
    assert tree.xpath("//span[@class='sic dipl']/@title") == ["so in the source; corrected: Ruh"]


# What the normalised reading must show of a TEI text: every letter and digit, except the
# source's forms a choice corrects or expands, deletions, abbreviation marks, notes (shown as
# footnotes), running heads and the back lists (shown as registers).
_LEFT_OUT = {
    f"{{{TEI}}}{name}"
    for name in (
        "note",
        "fw",
        "listPerson",
        "listPlace",
        "listOrg",
        "listBibl",
        "listEvent",
        "del",
        "am",
        "handShift",
        "gap",
    )
}
_SOURCE_FORMS = {f"{{{TEI}}}{name}" for name in ("abbr", "sic", "orig")}


def _normalised_text(el: etree._Element, out: list[str]) -> None:
    left_out = el.tag in _LEFT_OUT or (
        el.tag in _SOURCE_FORMS
        and el.getparent() is not None
        and el.getparent().tag == f"{{{TEI}}}choice"
    )
    if not left_out:
        out.append(el.text or "")
        for child in el:
            if isinstance(child.tag, str):
                _normalised_text(child, out)
            out.append(child.tail or "")


def _letters_and_digits(text: str) -> str:
    return re.sub(r"[\W_]+", "", text)


def test_real_letters_lose_no_word(real_site: Path) -> None:
    """Every letter and digit of each text, in order, in the normalised page."""
    source = {SCHNITZLER.name: SCHNITZLER, ESCHER.name: ESCHER}[real_site.name]
    roots = [etree.parse(str(f)).getroot() for f in sorted(source.glob("*.xml"))]
    by_id = {root.get(f"{{{XML}}}id"): root for root in roots}
    assert len(by_id) == 40
    for page in sorted((real_site / "letters").glob("*.html")):
        tree = html.fromstring(page.read_bytes())
        root = by_id[page.stem]
        out: list[str] = []
        _normalised_text(root.find(f"{{{TEI}}}text"), out)
        text = tree.xpath("//div[@class='text']")[0]
        for el in text.xpath(
            ".//*[contains(concat(' ', @class, ' '), ' dipl ')] | .//fieldset | .//sup[@class='noteref']"
            " | .//span[@class='pb'] | .//section[contains(@class, 'register-list')]"
            " | .//*[@class='div-label']"
        ):
            el.drop_tree()
        assert _letters_and_digits(text.text_content()) == _letters_and_digits("".join(out)), (
            page.stem
        )
        # The notes: each note's words, in order, in the list of notes.
        notes: list[str] = []
        for note in root.iterfind(f".//{{{TEI}}}text//{{{TEI}}}note"):
            if note.xpath(
                "ancestor::*[starts-with(local-name(), 'list') or local-name() = 'note']"
            ):
                continue
            notes.append(note.text or "")
            for child in note:
                if isinstance(child.tag, str):
                    _normalised_text(child, notes)
                notes.append(child.tail or "")
        shown_notes = tree.xpath("//ol[@class='notes']")
        for el in tree.xpath(
            "//ol[@class='notes']//*[contains(concat(' ', @class, ' '), ' dipl ')]"
        ):
            el.drop_tree()
        listed = shown_notes[0].text_content() if shown_notes else ""
        assert _letters_and_digits(listed) == _letters_and_digits("".join(notes)), page.stem
