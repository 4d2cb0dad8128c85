"""The edition model (tei/edition.py): kinds, ids, titles, correspondents, dates, numbers,
registers and the manifest, on crafted TEI in the styles of two published editions, on the
project's own fixtures, and on the real samples in ../shared/realtei when they are there."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, SHARED
from lxml import etree

from tei.edition import (
    KEY_ATTRIBUTE,
    T_NS,
    Document,
    Edition,
    authority_uri,
    date_info,
    document_kind,
    document_title,
    letter_numbers,
    read_edition,
    source_position,
)
from tei.xmlio import TEI_NS

EDITION = FIXTURES / "edition"
WEB_TEI = FIXTURES / "web" / "tei"
REALTEI = SHARED / "realtei"
REAL_FOLDERS = {
    "schnitzler": REALTEI / "schnitzler-briefe" / "editions",
    "escher": REALTEI / "briefedition-escher",
}
T = f"{{{TEI_NS}}}"
M = f"{{{T_NS}}}"


def _tei(xml: str) -> etree._Element:
    return etree.fromstring(f'<TEI xmlns="{TEI_NS}" {xml}')


@pytest.fixture(scope="module")
def edition() -> Edition:
    return read_edition(EDITION)


def _doc(edition: Edition, doc_id: str) -> Document:
    return next(d for d in edition.documents if d.id == doc_id)


# ------------------------------------------------------------------------------ reading


def test_files_that_are_not_tei_are_skipped_with_one_warning_each(edition: Edition) -> None:
    skipped = [w for w in edition.warnings if w.endswith("skipped")]
    assert len(skipped) == 2
    assert any("not-tei.xml" in w and "<catalog>" in w for w in skipped)
    assert any("broken.xml" in w and "not well-formed" in w for w in skipped)


def test_a_repeated_id_is_reported_and_renamed(edition: Edition) -> None:
    ids = [d.id for d in edition.documents]
    assert len(ids) == len(set(ids))
    assert "L00042-2" in ids and "L00042" in ids
    assert _doc(edition, "L00042-2").src == "z-notes/duplicate.xml"  # the later in path order
    assert any("'L00042' is also used by" in w for w in edition.warnings)


def test_kinds(edition: Edition) -> None:
    kinds = {d.id: d.kind for d in edition.documents}
    assert kinds == {"K_0101": "letter", "K_0100": "letter", "L00042-2": "text",
                     "places": "persons", "L00042": "letter"}


@pytest.mark.parametrize(
    ("xml", "src", "kind"),
    [
        ('type="letter"/>', "", "letter"),
        ('type="Brief"><teiHeader><profileDesc><correspDesc/></profileDesc></teiHeader></TEI>',
         "", "letter"),
        ("><teiHeader><profileDesc><correspDesc/></profileDesc></teiHeader></TEI>", "x/a.xml",
         "letter"),
        ('type="chapter"/>', "", "chapter"),
        ('type="introduction"/>', "", "introduction"),
        ('type="persons"/>', "", "persons"),
        ('type="diary"/>', "", "text"),
        ("/>", "", "text"),
        ("/>", "front/a.xml", "introduction"),
        ("><text><body><div type='chapter'/></body></text></TEI>", "", "chapter"),
        ("><standOff><listPerson/></standOff></TEI>", "", "persons"),
        ("><standOff><listPlace/></standOff><text/></TEI>", "", "text"),
    ],
)
def test_document_kind(xml: str, src: str, kind: str) -> None:
    assert document_kind(_tei(xml), src) == kind


def test_one_file_and_a_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.tei"
    letter = ("<TEI><teiHeader><fileDesc><titleStmt><title>T{n}</title></titleStmt></fileDesc>"
              "<profileDesc><correspDesc/></profileDesc></teiHeader></TEI>")
    corpus.write_text(f"<teiCorpus xmlns='{TEI_NS}'><teiHeader/>"
                      + letter.format(n=1) + letter.format(n=2) + "</teiCorpus>")
    edition = read_edition(corpus)
    assert [(d.id, d.kind, d.title, d.number) for d in edition.documents] == [
        ("corpus-1", "letter", "T1", 1), ("corpus-2", "letter", "T2", 2)]
    assert read_edition(tmp_path).documents[0].src == "corpus.tei"  # *.tei files are TEI too


# ------------------------------------------------------------------------------ metadata


@pytest.mark.parametrize(
    ("titles", "expected"),
    [
        ('<title level="s">Series</title><title level="a">The letter</title>', "The letter"),
        ('<title>Series</title><title type="main">Main</title>', "Main"),
        ('<title level="m">Book</title><title>Own</title>', "Own"),
        ('<title level="s">Series</title>', "Series"),
        ('<title level="a">A <note>n</note><choice><abbr>u.</abbr><expan>und</expan></choice>'
         " B</title>", "A und B"),
    ],
)
def test_document_title(titles: str, expected: str) -> None:
    root = _tei(f"><teiHeader><fileDesc><titleStmt>{titles}</titleStmt></fileDesc></teiHeader></TEI>")
    assert document_title(root) == expected


def test_schnitzler_style_letter(edition: Edition) -> None:
    doc = _doc(edition, "L00042")
    assert doc.title == "Emil Roth an Anton Halder, 4. 3. 1890"
    assert [(p.role, p.name, p.key) for p in doc.parties] == [
        ("sender", "Emil Roth", "pmb7002"), ("addressee", "Anton Halder", "halder")]
    assert [(p.role, p.key) for p in doc.places] == [("sent", "vienna"), ("received", "vienna")]
    assert doc.date is not None and doc.date.get("when") == "1890-03-04"
    assert doc.archive == "Stadtarchiv Nachlass Halder, B 5"


def test_escher_style_letter(edition: Edition) -> None:
    doc = _doc(edition, "K_0100")
    assert [(p.role, p.name) for p in doc.parties] == [
        ("sender", "Kaspar Imhof"), ("addressee", "Konrad Hofer")]
    assert doc.archive == "StA CH-XA#K2.3#100/17#4*; K II.3"


def test_roles_that_contradict_the_title_follow_the_title(edition: Edition) -> None:
    doc = _doc(edition, "K_0101")
    assert [(p.role, p.name) for p in doc.parties] == [
        ("sender", "Rudolf Berner"), ("addressee", "Konrad Hofer")]
    assert any("K_0101" in w and "contradict the title" in w for w in edition.warnings)
    assert not any("K_0100" in w for w in edition.warnings if "contradict" in w)


@pytest.mark.parametrize(
    ("attrs", "bounds", "sort"),
    [
        ('when="1932-06-05"', ("1932-06-05", "1932-06-05"), "1932-06-05"),
        ('when="1932-06-10" cert="medium"', ("1932-06-10", "1932-06-10"), "1932-06-10"),
        ('notAfter="1932-06-12"', ("1932-06-12", "1932-06-12"), "1932-06-12"),
        ('notBefore="1932-06-21"', ("1932-06-21", "1932-06-21"), "1932-06-21"),
        ('notBefore="1932-06-01" notAfter="1932-06-03"', ("1932-06-01", "1932-06-03"),
         "1932-06-03"),
        ('from="1932-03-01" to="1932-05-31"', ("1932-03-01", "1932-05-31"), "1932-03-01"),
        ('when="1932-06"', ("1932-06-01", "1932-06-31"), "1932-06"),
        ('when="1932"', ("1932-01-01", "1932-12-31"), "1932"),
        ("", (None, None), "9999"),
        ('when="June"', (None, None), "June"),
    ],
)
def test_date_info(attrs: str, bounds: tuple[str | None, str | None], sort: str) -> None:
    info = date_info(etree.fromstring(f'<date xmlns="{TEI_NS}" {attrs}>x</date>'))
    assert info is not None and (info.earliest, info.latest) == bounds
    assert info.sort_key == sort and info.text == "x"


def test_source_position_reads_the_encoders_statement() -> None:
    root = _tei(
        "><teiHeader><fileDesc><publicationStmt><p>Encoded with teitool from "
        "sources/003_x.txt, lines 147–164.</p></publicationStmt></fileDesc></teiHeader></TEI>"
    )
    assert source_position(root) == ("sources/003_x.txt", 147)
    assert source_position(_tei("/>")) == ("", 0)


def test_reading_order_and_letter_numbers() -> None:
    def letter(doc_id: str, date: str, line: int, order: int) -> Document:
        root = _tei(
            "><teiHeader><fileDesc><publicationStmt><p>from sources/a.txt, lines "
            f"{line}–{line + 3}.</p></publicationStmt></fileDesc><profileDesc><correspDesc>"
            f"<correspAction type='sent'><date {date}/></correspAction></correspDesc>"
            "</profileDesc></teiHeader></TEI>"
        )
        date_el = root.find(f".//{T}date")
        return Document(Path(f"{doc_id}.xml"), "", root, "letter", doc_id, order,
                        date=date_info(date_el))

    def other(doc_id: str, kind: str) -> Document:
        return Document(Path(f"{doc_id}.xml"), "", _tei("/>"), kind, doc_id, 0)

    docs = [
        other("ch-000", "chapter"),
        letter("L-b", "when='1932-06-05'", 90, 1),
        other("odd", "text"),
        letter("L-undated", "", 10, 2),
        letter("L-a", "when='1932-06-05'", 40, 3),
        letter("L-z", "when='1932-06-02'", 500, 4),
        # as the web orders it: a bounded date by its latest day
        letter("L-range", "notBefore='1932-06-01' notAfter='1932-06-10'", 20, 5),
        other("intro", "introduction"),
        # foreign letters (no source lines) of the same day: in the order they were read
        letter("F-2", "when='1932-07-01'", 0, 7),
        letter("F-1", "when='1932-07-01'", 0, 6),
    ]
    assert [d.id for d in sorted(docs, key=Document.sort_key)] == [
        "intro", "L-z", "L-a", "L-b", "L-range", "F-1", "F-2", "L-undated", "ch-000", "odd"]
    assert letter_numbers(docs) == {
        "L-z": 1, "L-a": 2, "L-b": 3, "L-range": 4, "F-1": 5, "F-2": 6, "L-undated": 7}


# ------------------------------------------------------------------------------ registers


@pytest.mark.parametrize(
    ("value", "scheme", "uri"),
    [
        ("https://d-nb.info/gnd/100000010/", "", "https://d-nb.info/gnd/100000010"),
        ("http://d-nb.info/gnd/100000010", "", "https://d-nb.info/gnd/100000010"),
        ("100000010", "GND", "https://d-nb.info/gnd/100000010"),
        ("Q855", "wikidata", "https://www.wikidata.org/wiki/Q855"),
        ("http://www.wikidata.org/entity/Q855", "", "https://www.wikidata.org/wiki/Q855"),
        ("http://viaf.org/viaf/12345/", "", "https://viaf.org/viaf/12345"),
        ("http://sws.geonames.org/9000001/", "URI", "https://www.geonames.org/9000001"),
        ("https://pmb.acdh.oeaw.ac.at/entity/50/", "", "https://pmb.acdh.oeaw.ac.at/entity/50"),
        ("100000010", "", None),
        ("pmb7050", "pmb", None),
    ],
)
def test_authority_uri(value: str, scheme: str, uri: str | None) -> None:
    assert authority_uri(value, scheme) == uri


def test_entries_sharing_an_authority_are_one_entity(edition: Edition) -> None:
    entities = edition.registers.entities
    halder = entities["halder"]
    assert "pmb7001" not in entities  # the per-letter copy, merged by its GND id
    assert halder.name == "Halder, Anton" and halder.kind == "person"
    assert halder.authorities == [
        "https://www.wikidata.org/wiki/Q99000010", "https://d-nb.info/gnd/100000010"]
    assert (halder.born, halder.died) == (None, None)  # the first entry has none
    vienna = entities["vienna"]
    assert vienna.kind == "place" and "Wien" in vienna.variants and "pmb7050" not in entities


def test_references_resolve_every_way(edition: Edition) -> None:
    keys = {
        (el.get("ref") or el.get("key"), el.get(KEY_ATTRIBUTE))
        for doc in edition.documents
        for el in doc.root.iter()
        if isinstance(el.tag, str) and (el.get("ref") or el.get("key"))
    }
    assert ("#pmb7001", "halder") in keys  # #id, merged by authority
    assert ("pmb:7050", "vienna") in keys  # a declared prefix
    assert ("https://d-nb.info/gnd/100000037", "pmb7003") in keys  # a GND URI of an entry
    assert ("http://www.wikidata.org/entity/Q99000010", "halder") in keys  # Wikidata, other form
    assert ("Hofer (vom Berg) Konrad", "Hofer-vom-Berg-Konrad") in keys  # @key as identity
    assert ("#pmb7257", None) in keys  # a work: not a person, place or organisation
    assert ("#nobody", None) in keys  # dangling: reported, not invented
    assert any("'#nobody'" in w for w in edition.warnings)


def test_entities_named_only_by_keys_take_the_headers_names(edition: Edition) -> None:
    escher = edition.registers.entities["Hofer-vom-Berg-Konrad"]
    assert escher.name == "Hofer (vom Berg) Konrad" and escher.display == "Konrad Hofer"
    assert escher.letters == 2 and escher.mentions == 1
    gotthard = edition.registers.entities["Grimsel-Pass"]
    assert gotthard.kind == "place"


def test_mentions_count_names_in_the_texts_only(edition: Edition) -> None:
    entities = edition.registers.entities
    assert entities["halder"].mentions == 2  # rs type=person, and the Wikidata mention
    assert entities["pmb7002"].mentions == 0 and entities["pmb7002"].letters == 1


# ------------------------------------------------------------------------------ the manifest


def test_manifest(edition: Edition) -> None:
    manifest = read_edition(EDITION).manifest()
    docs = manifest.findall(f"{M}doc")
    assert [d.get("kind") for d in docs] == ["letter", "letter", "letter", "text", "persons"]
    letter = manifest.find(f"{M}doc[@id='L00042']")
    assert letter is not None
    assert (letter.get("n"), letter.get("href"), letter.get("src")) == (
        "3", "letters/L00042.html", "schnitzler-style.xml")
    meta = letter.find(f"{M}meta")
    assert meta is not None
    assert meta.findtext(f"{M}title") == "Emil Roth an Anton Halder, 4. 3. 1890"
    sender = meta.find(f"{M}sender")
    assert sender is not None and (sender.get("key"), sender.text) == ("pmb7002", "Emil Roth")
    date = meta.find(f"{M}date")
    assert date is not None and date.get("when") == "1890-03-04" and date.get("sort") == "1890-03-04"
    assert letter.find(f"{T}TEI") is not None
    assert manifest.find(f"{M}doc[@kind='persons']").get("href") is None  # type: ignore[union-attr]
    entity = manifest.find(f"{M}registers/{M}entity[@key='halder']")
    assert entity is not None and entity.get("sort") == "halder, anton"
    assert [a.text for a in entity.findall(f"{M}authority")][1] == "https://d-nb.info/gnd/100000010"


def test_the_projects_fixtures_keep_their_registers() -> None:
    edition = read_edition(WEB_TEI)
    stalin = edition.registers.entities["stalin"]
    assert stalin.name == "Stalin, Joseph" and stalin.display == "Joseph Stalin"
    assert "I. Stalin" in stalin.variants
    letters = edition.letters
    assert [d.number for d in letters] == list(range(1, len(letters) + 1))
    assert all(d.senders and d.addressees for d in letters)


# ------------------------------------------------------------------------------ real editions


@pytest.mark.skipif(not REALTEI.exists(), reason="../shared/realtei is not here")
@pytest.mark.parametrize("name", sorted(REAL_FOLDERS))
def test_every_real_letter_is_a_letter_with_its_parties(name: str) -> None:
    edition = read_edition(REAL_FOLDERS[name])
    files = list(REAL_FOLDERS[name].glob("*.xml"))
    assert len(edition.documents) == len(files) and len(files) >= 40
    for doc in edition.documents:
        assert doc.kind == "letter", doc.src
        assert doc.senders and doc.addressees, doc.src
        assert doc.date is not None and doc.date.earliest, doc.src
        assert doc.title and "Briefwechsel" not in doc.title, doc.src
        assert " an " in doc.title
        sender = doc.senders[0].name.split()[-1]
        assert sender in doc.title.split(" an ")[0], (doc.src, sender, doc.title)
    assert sorted(d.number or 0 for d in edition.documents) == list(range(1, len(files) + 1))


@pytest.mark.skipif(not REALTEI.exists(), reason="../shared/realtei is not here")
def test_schnitzler_registers_merge_the_per_letter_lists() -> None:
    edition = read_edition(REAL_FOLDERS["schnitzler"])
    schnitzler = edition.registers.entities["pmb2121"]
    assert schnitzler.name == "Schnitzler, Arthur"
    assert "https://d-nb.info/gnd/118609807" in schnitzler.authorities
    # Every letter is to or from him but one between his wife and Gerty von Hofmannsthal.
    assert schnitzler.letters == sum("Arthur Schnitzler" in d.title for d in edition.documents)
    assert edition.registers.of_kind("place") and edition.registers.of_kind("person")


@pytest.mark.skipif(not REALTEI.exists(), reason="../shared/realtei is not here")
@pytest.mark.parametrize("name", sorted(REAL_FOLDERS))
def test_web_edition_of_a_real_folder(name: str, tmp_path: Path) -> None:
    from lxml import html

    from tei.render.web import render_web

    folder = REAL_FOLDERS[name]
    result = render_web(folder, tmp_path / "site")
    letters = read_edition(folder).letters
    assert result.counts == {"letter": len(letters)}
    pages = sorted((tmp_path / "site" / "letters").glob("*.html"))
    assert len(pages) == len(letters)
    index = html.parse(str(tmp_path / "site" / "index.html"))
    links = index.xpath("//table[@class='letters']//td[@data-label='Letter']/a")
    # Numbered as the model numbers them (date order, the same as print).
    assert [a.text_content() for a in links] == [f"{d.number}. {d.title}" for d in letters]
    assert len(set(a.text_content() for a in links)) == len(letters)  # no series title
    senders = index.xpath("//table[@class='letters']//td[@data-label='From']")
    assert "unknown" not in [td.text_content() for td in senders]
    timeline = html.parse(str(tmp_path / "site" / "timeline.html"))
    assert len(timeline.xpath("//*[local-name()='rect']")) == len(letters)
    assert list((tmp_path / "site" / "places").glob("*.html"))


# ------------------------------------------------------------------------------ outputs


def test_web_and_print_skip_what_is_not_tei(tmp_path: Path) -> None:
    from lxml import html
    from pypdf import PdfReader

    from tei.render.pdf import render_print
    from tei.render.web import render_web

    site = render_web(EDITION, tmp_path / "site")
    assert site.counts == {"letter": 3, "text": 1, "persons": 1}
    assert sum(w.endswith("skipped") for w in site.warnings) == 2
    escher = html.parse(str(tmp_path / "site" / "letters" / "K_0100.html"))
    meta = [" ".join(el.text_content().split()) for el in escher.xpath("//dl[@class='meta']/*")]
    assert meta[:6] == ["Letter", "No. 2", "From", "Kaspar Imhof", "To", "Konrad Hofer"]
    assert (tmp_path / "site" / "places" / "vienna.html").is_file()
    assert (tmp_path / "site" / "persons" / "halder.html").is_file()
    book = render_print(EDITION, tmp_path / "edition.pdf")
    assert book.documents == {"letter": 3, "text": 1}
    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "edition.pdf").pages)
    assert "Imhof → Konrad Hofer" in text or "Kaspar Imhof → Konrad Hofer" in text
    assert "Index of places" in text and "Vienna" in text


def test_prefix_patterns_that_could_backtrack_are_not_used() -> None:
    from tei.edition import Registers, _prefixes

    header = _tei(
        "><teiHeader><encodingDesc><listPrefixDef>"
        "<prefixDef ident='bad' matchPattern='(a+)+b' replacementPattern='#$1'/>"
        "<prefixDef ident='broken' matchPattern='([' replacementPattern='#$1'/>"
        "<prefixDef ident='pmb' matchPattern='([0-9]+)' replacementPattern='#pmb$1'/>"
        "</listPrefixDef></encodingDesc></teiHeader></TEI>"
    )
    prefixes = _prefixes([header])
    assert sorted(prefixes) == ["pmb"]
    registers = Registers(prefixes)
    registers.add_entries(_tei("><standOff><listPerson><person xml:id='pmb7'><persName>P"
                               "</persName></person></listPerson></standOff></TEI>"))
    assert registers.resolve("pmb:7", "person") == "pmb7"
    assert registers.resolve("bad:" + "a" * 40, "person") == "bad-" + "a" * 40  # a literal id
