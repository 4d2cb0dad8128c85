"""The print edition: pure helpers (table-driven) and typeset PDFs, checked from the PDF
itself (pypdf, pdftotext): what a reader sees, not what the stylesheet meant to write.

Typst typesets the fixture in a fraction of a second; the module-scoped fixtures still
render once for the many tests that read them.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from click.testing import CliRunner
from conftest import FIXTURES
from lxml import etree

from tei.cli import main
from tei.edition import DateInfo, Document
from tei.errors import TeitoolError
from tei.export import EditionMetadata
from tei.render.pdf import Selection, parse_select, render_print
from tei.xmlio import TEI_NS

PRINT_TEI = FIXTURES / "print" / "tei"
T = f"{{{TEI_NS}}}"


def _tei(xml: str) -> etree._Element:
    return etree.fromstring(f'<TEI xmlns="{TEI_NS}" {xml}')


# ------------------------------------------------------------------------------ pure helpers


@pytest.mark.parametrize(
    ("spec", "ranges", "ids"),
    [
        ("1932-06-01..1932-06-15", (("1932-06-01", "1932-06-15"),), ()),
        ("1932-06..", (("1932-06-01", "9999-12-31"),), ()),
        ("..1932-06-15", (("0000-01-01", "1932-06-15"),), ()),
        ("1932-06", (("1932-06-01", "1932-06-31"),), ()),
        ("ch-000, L1932-06-1*", (), ("ch-000", "L1932-06-1*")),
        (["1932-06-05", "ch-*"], (("1932-06-05", "1932-06-05"),), ("ch-*",)),
    ],
)
def test_parse_select(spec: str | list[str], ranges: tuple, ids: tuple) -> None:
    assert parse_select(spec) == Selection(ranges, ids)


@pytest.mark.parametrize(
    "spec",
    ["1932-06-15..1932-06-01", "June..July", "", " , ", "..", "1932-13-01", "1932-06-31..1932-07"],
)
def test_parse_select_refuses(spec: str) -> None:
    with pytest.raises(TeitoolError) as err:
        parse_select(spec)
    assert err.value.exit_code == 2


@pytest.mark.parametrize(
    ("doc_id", "dates", "spec", "selected"),
    [
        ("L1", ("1932-06-05", "1932-06-05"), "1932-06-01..1932-06-15", True),
        ("L1", ("1932-06-16", "1932-06-16"), "1932-06-01..1932-06-15", False),
        ("L1", ("1932-06-10", "1932-06-20"), "1932-06-15", True),  # an overlapping span
        ("ch-000", (None, None), "1932-06-01..1932-06-15", False),  # chapters have no date
        ("ch-000", (None, None), "ch-*", True),
        ("L1", ("1932-06-05", "1932-06-05"), "ch-*", False),
    ],
)
def test_selection_matches(doc_id: str, dates: tuple, spec: str, selected: bool) -> None:
    low, high = dates
    date = DateInfo((), "", low, high, low or "9999") if low else None
    doc = Document(Path("x.xml"), "x.xml", _tei("/>"), "letter", doc_id, 0, date=date)
    assert parse_select(spec).matches(doc) is selected


# ------------------------------------------------------------------------------ reading PDFs


def _page_texts(pdf: Path) -> list[str]:
    """Each page's text, hyphenation at line ends undone and spaces normalised."""
    out = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    # Typst sets soft hyphens (U+00AD) where it breaks a word; a word joiner before numbers.
    return [
        " ".join(re.sub(r"[\u00ad\u2010-]\n", "", page).replace("\u2060", "").split())
        for page in pages
    ]


def _bookmarks(reader: pypdf.PdfReader) -> list[tuple[int, str, int]]:
    """(level, title, 1-based page) of every PDF bookmark, in order."""
    found: list[tuple[int, str, int]] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, str(item.title), reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 1)
    return found


def _runs(page: pypdf.PageObject) -> Iterator[tuple[float, bool, str]]:
    """(font size, begins a line, text) of each run of text on a page, in drawing order."""
    runs: list[tuple[float, bool, str]] = []
    last_y: list[float] = [float("nan")]

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if not text.strip():
            return
        y = round((tm[5] if tm else 0) * (cm[3] if cm else 1) + (cm[5] if cm else 0), 1)
        runs.append((round(size * (tm[3] if tm else 1) * (cm[3] if cm else 1), 1),
                     y != last_y[0], text))
        last_y[0] = y

    page.extract_text(visitor_text=visit)
    return iter(runs)


#: The size edition.typ sets the footnotes in.
NOTE_SIZE = 8.0


def _note_numbers(page: pypdf.PageObject) -> tuple[list[int], set[int]]:
    """The numbers of the footnotes at the foot of a page, and the note markers in its text.

    Typst draws a note's number as a run of its own (in the font's superscript figures), so a
    run of digits alone at the notes' size that begins a line is a note's number, at another size (the text's,
    a dateline's) a marker.
    """
    notes: list[int] = []
    markers: set[int] = set()
    for size, starts_line, text in _runs(page):
        if re.fullmatch(r"\d+", text.strip()):
            if size == NOTE_SIZE and starts_line:
                notes.append(int(text))
            else:
                markers.add(int(text))
    return notes, markers


def _link_pages(reader: pypdf.PdfReader, page_number: int) -> list[tuple[list[float], int]]:
    """(rectangle, target page) of each internal link on a page."""
    links = []
    page = reader.pages[page_number - 1]
    for annot in page.get("/Annots", []) or []:
        annot = annot.get_object()
        dest = annot.get("/Dest")
        if dest is None and annot.get("/A") is not None:
            dest = annot["/A"].get("/D")
        if isinstance(dest, list) and dest:
            target = reader.get_page_number(dest[0].get_object()) + 1
            links.append(([float(x) for x in annot["/Rect"]], target))
    return links


def _spellings(tei_dir: Path) -> dict[str, set[str]]:
    """Register id → the words of each mention in the TEI (what the page must show)."""
    spelled: dict[str, set[str]] = {}
    for path in tei_dir.rglob("*.xml"):
        for name in etree.parse(str(path)).iter(f"{T}persName"):
            ref = name.get("ref")
            if ref and name.xpath("ancestor::tei:text", namespaces={"tei": TEI_NS}):
                words = " ".join("".join(name.itertext()).split())
                spelled.setdefault(ref.partition("#")[2] or ref, set()).add(words)
    return spelled


def _squash(text: str) -> str:
    """Text without spaces and hyphens: a hyphen at a line's end may be the word's own."""
    return re.sub(r"[\s\-\u2010\u00ad]", "", text)


def _check_edition(pdf: Path, tei_dir: Path) -> None:
    """The checks the issue asks for, on any rendered edition."""
    reader = pypdf.PdfReader(str(pdf))
    texts = _page_texts(pdf)
    assert len(texts) == len(reader.pages)
    marks = _bookmarks(reader)

    # One index, in the bookmarks and in the contents.
    assert [title for _, title, _ in marks].count("Index of persons") == 1
    index_page = next(page for _, title, page in marks if title == "Index of persons")
    assert texts[index_page - 1].startswith("Index of persons")
    # Before it, only the contents name it (the old edition printed it twice): once, on its
    # last page, before the first part.
    named = [n for n, t in enumerate(texts[: index_page - 1], 1) if "Index of persons" in t]
    assert len(named) == 1 and 2 <= named[0] < marks[0][2]

    # Letters numbered 1, 2, … in the bookmarks, and each heading on its page.
    letters = [(title, page) for level, title, page in marks if level == 2 and re.match(r"\d+\. ", title)]
    assert [int(title.split(".")[0]) for title, _ in letters] == list(
        range(1, len(letters) + 1)
    )
    assert len(letters) == len(list((tei_dir / "letters").glob("*.xml")))
    for title, page in letters:
        assert _squash(title) in _squash(texts[page - 1]), title

    # No page shows a note number twice; every note's number is a marker on its page, or the
    # note is marked as belonging to the page before (Typst moves a note that does not fit;
    # a note that runs on to the next page has no number there).
    for number, page in enumerate(reader.pages, 1):
        notes, markers = _note_numbers(page)
        assert len(notes) == len(set(notes)), (number, notes)
        moved = set(notes) - markers
        if moved:
            assert f"Note to p. {number - 1}:" in texts[number - 1], (number, moved)
            assert moved <= _note_numbers(reader.pages[number - 2])[1], (number, moved)
    numbers = [n for page in reader.pages for n in _note_numbers(page)[0]]
    assert numbers == list(range(1, len(numbers) + 1))  # through the volume, in order

    # The index: each page number links to that page, which shows the person's name.
    spelled = _spellings(tei_dir)
    register = etree.parse(str(tei_dir / "persons.xml"))
    for page in range(index_page, len(texts) + 1):
        for _rect, target in _link_pages(reader, page):
            assert target < index_page
    index_text = " ".join(texts[index_page - 1 :])
    checked = 0
    for person in register.iter(f"{T}person"):
        reg = person.findtext(f"{T}persName[@type='reg']") or person.findtext(f"{T}persName")
        pid = person.get("{http://www.w3.org/XML/1998/namespace}id")
        if not reg or pid not in spelled:
            continue
        match = re.search(re.escape(" ".join(reg.split())) + r" ((?:\d+, )*\d+)", index_text)
        assert match, reg
        pages = [int(n) for n in match.group(1).split(", ")]
        assert pages == sorted(set(pages)), reg  # each page once, in order
        for number in pages:
            assert any(_squash(s) in _squash(texts[number - 1]) for s in spelled[pid]), (reg, number)
        checked += 1
    assert checked


def _tagged(reader: pypdf.PdfReader) -> bool:
    root = reader.trailer["/Root"]
    return "/StructTreeRoot" in root and bool(root.get("/MarkInfo", {}).get("/Marked"))


# ------------------------------------------------------------------------------ the fixture


EDITION = EditionMetadata(
    title="",
    editor="Ann Editor; Bo Second",
    publisher="Example Press",
    cmif_url="https://example.org/cmif.xml",
    licence="https://creativecommons.org/licenses/by/4.0/",
    bibl="x",
    url="https://example.org/edition/",
    description="Letters of June 1932, a test edition.",
    missing=("title",),
)


@pytest.fixture(scope="module")
def fixture_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("print") / "edition.pdf"
    result = render_print(PRINT_TEI, out, paper="a5", keep_source=True, edition=EDITION)
    assert result.source is not None and result.source.is_file()
    assert result.documents == {"introduction": 1, "letter": 4, "chapter": 1}
    assert result.pages == len(pypdf.PdfReader(str(out)).pages)
    assert not result.warnings, result.warnings
    return out


def test_fixture_pdf_opens_with_a_plausible_page_count(fixture_pdf: Path) -> None:
    reader = pypdf.PdfReader(str(fixture_pdf))
    # title, contents, introduction, at least 1 page of letters, chapter, index
    assert 6 <= len(reader.pages) <= 14
    assert reader.pages[0].mediabox.width == pytest.approx(148 / 25.4 * 72, abs=1)  # A5


def test_fixture_notes_index_letters(fixture_pdf: Path) -> None:
    _check_edition(fixture_pdf, PRINT_TEI)


def test_fixture_is_tagged_with_metadata(fixture_pdf: Path) -> None:
    reader = pypdf.PdfReader(str(fixture_pdf))
    assert _tagged(reader)
    info = reader.metadata
    assert info is not None
    assert info.title == "Stalin and Kaganovich. Correspondence. 1931–1936"
    assert info.author == "Ann Editor, Bo Second"
    assert info.subject == "Letters of June 1932, a test edition."
    assert "TEI" in str(info.get("/Keywords"))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "Ann Editor" in xmp and "pdfaid" not in xmp  # PDF/A only when asked


def test_fixture_front_matter_and_structure(fixture_pdf: Path) -> None:
    texts = _page_texts(fixture_pdf)
    reader = pypdf.PdfReader(str(fixture_pdf))
    marks = {title: page for _, title, page in _bookmarks(reader)}
    # Title page from the introduction's title, the chapters' records and [edition].
    assert "Stalin and Kaganovich. Correspondence. 1931–1936" in texts[0]
    assert "4 letters, 2 June 1932 – 21 June 1932" in texts[0]
    assert "Stephen Kotkin, Stalin: Waiting for Hitler, 1929–1941" in texts[0]
    assert "Edited by Ann Editor; Bo Second".upper() in texts[0].upper()
    assert "Example Press" in texts[0] and "creativecommons.org/licenses/by/4.0" in texts[0]
    # Contents with page numbers that are where the parts are.
    contents = texts[1]
    assert contents.startswith("Contents")
    for label in ("Introduction", "Letters", "Chapters", "Index of persons"):
        assert re.search(re.escape(label) + r"[ .]*" + str(marks[label]) + r"\b", contents)
    first = "1. Kaganovich → Stalin, 2 June 1932"
    assert re.search(re.escape(first) + r"[ .]*" + str(marks[first]), contents)
    # Uncertain dates are marked; the archival reference and the structure are printed.
    everything = " ".join(texts)
    assert "[10 June 1932] (date supplied by the editors)" in everything
    assert "not after 12 June 1932" in everything
    assert "not before 21 June 1932" in everything
    assert "RGASPI F. 81. Op. 3. D. 99. L. 78–79; F. 558. Op. 11. D. 740. L. 1" in everything
    assert "Strictly secret." in everything and "Send me the text of the communiqué" in everything
    assert "[The text of this document is not given in the source.]" in everything
    # Letters in date order, chapters after them; the parts and the chapter are bookmarked.
    order = [
        marks[t]
        for t in ("1. Kaganovich → Stalin, 2 June 1932",
                  "2. Stalin → Kaganovich, Molotov, [10 June 1932]",
                  "4. Kaganovich → Stalin, not before 21 June 1932", "Chapters")
    ]
    assert order == sorted(order)
    # Chapter endnote markers are printed, and running heads name the letter being read.
    chapter_page = texts[marks["Chapters"] - 1]
    assert "Pu-Yi as its head.183" in chapter_page
    assert any(t.startswith("1. Kaganovich to Stalin, 2 June 1932") for t in texts)
    # Page numbers at the foot.
    assert texts[marks["Index of persons"] - 1].rstrip().endswith(str(marks["Index of persons"]))


def test_index_sorted_as_a_reader_expects(tmp_path: Path) -> None:
    folder = tmp_path / "tei"
    (folder / "letters").mkdir(parents=True)
    people = [("radek", "Radek, Karl"), ("rakosi", "Rákosi, Mátyás"), ("redens", "Redens, Anna"),
              ("zhdanov", "Ždanov, Andrej"), ("zinoviev", "Zinoviev, Grigory")]
    persons = "".join(
        f"<person xml:id='{pid}'><persName type='reg'>{name}</persName></person>"
        for pid, name in people
    )
    (folder / "persons.xml").write_text(
        f"<TEI xmlns='{TEI_NS}' type='persons'><teiHeader/><standOff><listPerson>{persons}"
        "</listPerson></standOff></TEI>", encoding="utf-8")
    names = " ".join(f"<persName ref='persons.xml#{pid}'>{pid}</persName>" for pid, _ in reversed(people))
    (folder / "letters" / "L1.xml").write_text(_letter("L1", f"<p>{names}</p>"), encoding="utf-8")
    out = tmp_path / "x.pdf"
    render_print(folder, out)
    index = _page_texts(out)[-1]
    found = [index.index(name) for _, name in people]
    assert found == sorted(found), index


def test_organisations_have_an_index_of_their_own(tmp_path: Path) -> None:
    """Organisations (listOrg, orgName; the Schnitzler edition's style) in an index of their
    own, each with the pages that name it. The texts name no person and no place, so those
    indexes (of mentions) are left out, and no organisation is listed among the persons."""
    out = tmp_path / "orgs.pdf"
    render_print(FIXTURES / "orgs", out)
    marks = [(level, title) for level, title, _ in _bookmarks(pypdf.PdfReader(str(out)))]
    assert marks[-1] == (1, "Index of organisations")
    assert not {"Index of persons", "Index of places"} & {title for _, title in marks}
    index = _page_texts(out)[-1]
    # In order, each with the page of its mentions (both letters are on page 3).
    assert re.match(r"Index of organisations Abendpost 3 Stadttheater 3 Th\. Adler Verlag 3\b",
                    index), index


def _letter(doc_id: str, body: str, when: str = "1932-06-05") -> str:
    return (
        f"<TEI xmlns='{TEI_NS}' type='letter' xml:id='{doc_id}'><teiHeader><fileDesc>"
        "<titleStmt><title>t</title></titleStmt></fileDesc><profileDesc><correspDesc>"
        "<correspAction type='sent'><persName>A</persName>"
        f"<date when='{when}'/></correspAction><correspAction type='received'>"
        "<persName>B</persName></correspAction></correspDesc></profileDesc></teiHeader>"
        f"<text><body><div type='letter'>{body}</div></body></text></TEI>"
    )


#: Text that would be Typst code if it reached Typst unescaped.
HOSTILE = [
    '#read("/etc/passwd")',
    '#import "/etc/x.typ": *',
    "$x^2$",
    "*bold* and _under_",
    r"back\slash \ [brackets] {braces}",
    "@label and <label>",
    "= heading - list + enum / term: x",
    "`raw` ~ 'q' \"dq\" ... -- --- 1. //comment /*c*/",
    "#let x = 1 #x #{ panic() }",
    "line\u2028= not a heading\u2029- nor a list",
]


def test_hostile_text_prints_literally(tmp_path: Path) -> None:
    folder = tmp_path / "tei"
    (folder / "letters").mkdir(parents=True)
    paragraphs = "".join(f"<p>{_xml_text(text)}</p>" for text in HOSTILE)
    note = f"<note n='1' place='foot'>{_xml_text(HOSTILE[0])}</note>"
    head = _xml_text('#read("x") *h*')
    (folder / "letters" / "L1.xml").write_text(
        _letter("L1", f"<head>{head}</head>{paragraphs}<p>x{note}</p>"), encoding="utf-8"
    )
    # and a seeded fuzz: runs of Typst's special characters among letters and spaces
    rng = random.Random(15)
    alphabet = "#$*_`@<>[]=-/+~'\".:(){}|^;,!?%&\\ab 1"
    fuzz = ["x" + "".join(rng.choice(alphabet) for _ in range(40)) + "x" for _ in range(30)]
    (folder / "letters" / "L2.xml").write_text(
        _letter("L2", "".join(f"<p>{_xml_text(text)}</p>" for text in fuzz), when="1932-06-06"),
        encoding="utf-8",
    )
    out = tmp_path / "x.pdf"
    result = render_print(folder, out, title="#read(\"/etc/hostname\") $T$")
    assert result.pages >= 1
    text = "\n".join(_page_texts(out))
    for hostile in HOSTILE:
        assert " ".join(hostile.split()) in text, hostile
    assert '#read("/etc/hostname") $T$' in text
    assert "root:" not in text
    for text_run in fuzz:
        assert " ".join(text_run.split()) in text, text_run


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_pdfa_and_reproducible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    render_print(PRINT_TEI, first, pdfa=True, line_numbers=True)
    render_print(PRINT_TEI, second, pdfa=True, line_numbers=True)
    assert first.read_bytes() == second.read_bytes()
    reader = pypdf.PdfReader(str(first))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part[>=\"']+2", xmp) and re.search(r"pdfaid:conformance[>=\"']+B", xmp)
    assert _tagged(reader)
    assert str(reader.metadata.get("/CreationDate", "")).startswith("D:20231114")  # type: ignore[union-attr]
    # Every fifth line numbered in the margin: a 5 and a 10 as runs of their own.
    numbers = {text.strip() for page in reader.pages for _, _, text in _runs(page)}
    assert {"5", "10"} <= numbers


# ------------------------------------------------------------------------------ options, bad input


def test_select_and_paper_keep_the_letters_numbers(tmp_path: Path) -> None:
    out = tmp_path / "june.pdf"
    result = render_print(PRINT_TEI, out, paper="letter", select="1932-06-10..1932-06-21")
    assert result.documents == {"letter": 3}
    reader = pypdf.PdfReader(str(out))
    assert reader.pages[0].mediabox.width == pytest.approx(8.5 * 72, abs=1)
    text = " ".join(_page_texts(out))
    assert "2. Stalin → Kaganovich, Molotov" in text and "4. Kaganovich → Stalin" in text
    assert "1. Kaganovich → Stalin" not in text
    assert not result.source and not out.with_suffix(".typ").exists()


def test_unknown_tei_still_prints_its_text(tmp_path: Path) -> None:
    folder = tmp_path / "tei"
    folder.mkdir()
    shutil.copy(PRINT_TEI / "persons.xml", folder)
    (folder / "diary.xml").write_text(
        f'<TEI xmlns="{TEI_NS}" type="diary"><teiHeader><fileDesc><titleStmt><title>A diary'
        "</title></titleStmt></fileDesc></teiHeader><text><body><entry><when>Monday</when>"
        "<said>Met <persName ref='persons.xml#molotov'>Molotov</persName> at noon.</said>"
        "</entry></body></text></TEI>",
        encoding="utf-8",
    )
    out = tmp_path / "diary.pdf"
    result = render_print(folder, out)
    assert result.documents == {"text": 1}
    text = " ".join(_page_texts(out))
    assert "A diary" in text and "Monday" in text and "Met Molotov at noon." in text
    assert "Molotov, Vyacheslav" in text  # the index still works


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("<TEI xmlns='http://www.tei-c.org/ns/1.0'><text>", "bad.xml:1:"),
        ("just words", "not well-formed"),
        ("<html><body>hi</body></html>", "not a TEI document: the root element is <html>"),
        ("<!DOCTYPE x [<!ENTITY a 'b'>]><TEI/>", "declares entities"),
    ],
)
def test_bad_input_is_refused_with_one_line(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text(content, encoding="utf-8")
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(main, ["render", "print", str(bad), "-o", str(out)])
    assert result.exit_code == 1
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert not out.exists()


def test_cli_options(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["render", "print", str(PRINT_TEI), "--paper", "b5"])
    assert result.exit_code == 2
    result = runner.invoke(
        main, ["render", "print", str(PRINT_TEI), "-o", str(tmp_path / "x.pdf"), "--select", "1999"]
    )
    assert result.exit_code == 1 and "matched no document" in result.output
    result = runner.invoke(main, ["render", "print", str(tmp_path / "missing")])
    assert result.exit_code == 2 and "no such folder" in result.output
    out = tmp_path / "y.pdf"
    result = runner.invoke(
        main,
        ["render", "print", str(PRINT_TEI), "-o", str(out), "--pdfa", "--line-numbers", "--typst", "-q"],
    )
    assert result.exit_code == 0, result.output
    assert out.with_suffix(".typ").is_file()
    assert b"pdfaid" in out.read_bytes()


def test_old_pdf_survives_a_failed_run(tmp_path: Path) -> None:
    out = tmp_path / "edition.pdf"
    out.write_bytes(b"%PDF-old")
    with pytest.raises(TeitoolError):
        render_print(PRINT_TEI, out, select="1999")
    assert out.read_bytes() == b"%PDF-old"


# ------------------------------------------------------------------------------ the real edition


@pytest.fixture(scope="module")
def edition_pdf(encoded_edition: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole encoded edition, typeset once per module."""
    out = tmp_path_factory.mktemp("print-edition") / "edition.pdf"
    result = render_print(encoded_edition, out)
    assert not [w for w in result.warnings if w.startswith("typst")], result.warnings[:5]
    return out


def test_edition_pdf(edition_pdf: Path, encoded_edition: Path) -> None:
    reader = pypdf.PdfReader(str(edition_pdf))
    letters = len(list((encoded_edition / "letters").glob("*.xml")))
    chapters = len(list((encoded_edition / "chapters").glob("*.xml")))
    assert letters > 50 and chapters >= 1
    # about a page for every letter or two, a few pages per chapter, front matter and index
    assert letters // 3 + 4 * chapters <= len(reader.pages) <= 2 * letters + 40 * chapters
    _check_edition(edition_pdf, encoded_edition)
    # The lines of figures of 4 June 1932 are typeset as a table, label beside figure.
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert re.search(r"Ukraine\s+5000\s+CCHO\s+1250", text)


@pytest.mark.parametrize(
    ("reading", "shown", "hidden"),
    [("normalised", "und Gutes", "u. Gutes"),
     ("diplomatic", "u. Gutes", "und Gutes")],
)
def test_the_reading_printed_is_chosen(
    tmp_path: Path, reading: str, shown: str, hidden: str
) -> None:
    """One reading per PDF: the editors' expansion ("und") or the source's abbreviation ("u.")."""
    letter = FIXTURES / "transcription" / "escher-style.xml"
    out = tmp_path / "letter.pdf"
    result = CliRunner().invoke(
        main, ["render", "print", str(letter), "-o", str(out), "--typst", "--reading", reading]
    )
    assert result.exit_code == 0, result.output
    pages = pypdf.PdfReader(out).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert shown in text
    assert hidden not in text


def test_an_unknown_reading_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TeitoolError, match="--reading: 'facsimile' is not one of"):
        render_print(FIXTURES / "transcription", tmp_path / "x.pdf", reading="facsimile")
