"""CMIF from any edition's letters: read through the edition model (tei/edition.py), every
authority id the TEI carries kept, doubt in CMIF's terms, valid against CMIF 1.1.

Fixtures: tests/fixtures/cmif/ (letters in the Weber edition's manner with a corpus-wide
register, per-letter lists, URIs in @ref, every form of doubt) and the model engineer's
tests/fixtures/edition/ (Schnitzler's and Escher's styles). The real samples and the CMIF
1.1 schema and Schematron are in ../shared/realtei/ (tests that need them skip without it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, SHARED
from lxml import etree

from tei.edition import authority_uri, read_edition
from tei.export import (
    CMIF_CERT,
    CMIF_URI_FORMS,
    authority_id,
    check_cmif,
    cmif_date,
    export_cmif,
    letter_url,
    read_edition_metadata,
)
from tei.xmlio import NSMAP, TEI_NS, XML_NS, parse_file

HERE = FIXTURES / "cmif"
METADATA = HERE / "metadata.toml"
EDITION_STYLES = FIXTURES / "edition"
REALTEI = SHARED / "realtei"
CMIF_SCHEMA = REALTEI / "cmif" / "cmi-customization.rng"
CMIF_SCHEMATRON = REALTEI / "cmif" / "cmif.sch"
SCHNITZLER = REALTEI / "schnitzler-briefe" / "editions"
ESCHER = REALTEI / "briefedition-escher"
NOW = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
#: The authority files whose ids the tests count in the TEI and in the CMIF.
COUNTED = ("gnd", "wikidata")

needs_cmif_schema = pytest.mark.skipif(not CMIF_SCHEMA.is_file(), reason="needs ../shared")


def export(tei: Path, out: Path, metadata: Path = METADATA) -> tuple[etree._ElementTree, list[str]]:
    result = export_cmif(tei, out, metadata_path=metadata, now=NOW)
    return parse_file(out), result.warnings


def xp(node: etree._ElementTree | etree._Element, path: str) -> list:
    return node.xpath(path, namespaces=NSMAP)


def action(tree: etree._ElementTree, key: str, kind: str) -> etree._Element:
    return xp(tree, f"//tei:correspDesc[@key='{key}']/tei:correspAction[@type='{kind}']")[0]


def cmif_issues(path: Path) -> list[str]:
    """What the CMIF 1.1 RELAX NG (jing, with its embedded Schematron) and the CMIF
    Schematron (XSLT 2) say of ``path``, through the project's validator."""
    from tei.validate import validate_paths

    report = validate_paths([path], schemas=[CMIF_SCHEMA, CMIF_SCHEMATRON], builtin=False,
                            use_cache=False, schemas_from_documents=False)
    return [f"{issue.rule}: {issue.message}" for issue in report.issues]


@pytest.fixture(scope="module")
def cmif(tmp_path_factory: pytest.TempPathFactory) -> tuple[etree._ElementTree, list[str]]:
    return export(HERE / "tei", tmp_path_factory.mktemp("cmif") / "cmif.xml")


# --- the crafted letters ---------------------------------------------------------------------


def test_a_letter_is_a_document_with_a_correspdesc_in_date_order(cmif) -> None:
    tree, _ = cmif
    # No @type, type="Brief", no letters/ folder; the register is no letter.
    assert xp(tree, "//tei:correspDesc/@key") == ["A1", "A3", "A2"]


@pytest.mark.parametrize(
    ("key", "kind", "tag", "name", "refs"),
    [
        # a corpus-wide register's idno (Wikidata, a bare id)
        ("A1", "sent", "persName", "Brandl, Georg", "http://www.wikidata.org/entity/Q99000046"),
        # two authority URIs in @ref and no entry: both kept, normalised
        ("A1", "received", "persName", "Rainer, Moritz von",
         "http://d-nb.info/gnd/100000053 http://www.wikidata.org/entity/Q99000053"),
        # a place: GeoNames first, then its GND id; a project URL is no authority id
        ("A1", "received", "placeName", "Auheim",
         "http://www.geonames.org/9000021 http://d-nb.info/gnd/9000021-6"),
        # the register's GND and VIAF and the letter's own list's Wikidata: one person
        ("A2", "received", "persName", "Keller, Johann Adam",
         "http://d-nb.info/gnd/100000045 http://viaf.org/viaf/90000045 "
         "http://www.wikidata.org/entity/Q99000045"),
        ("A2", "sent", "orgName", "Königliches Hoftheater Lindenau",
         "http://d-nb.info/gnd/9000045-1"),
        ("A2", "sent", "persName", "Wendt, E.", None),  # no id anywhere: the name kept
    ],
)
def test_authority_ids_come_from_ref_idno_and_registers(cmif, key, kind, tag, name, refs) -> None:
    tree, _ = cmif
    names = [n for n in action(tree, key, kind).iterfind(f"tei:{tag}", NSMAP) if n.text == name]
    assert [n.get("ref") for n in names] == [refs]


def test_doubt_in_cmif_terms(cmif) -> None:
    tree, _ = cmif
    sent, received = action(tree, "A1", "sent"), action(tree, "A1", "received")
    assert sent.find("tei:persName", NSMAP).get("cert") == "low"  # TEI's "medium"
    # @when wins over @notBefore (the CMIF Schematron forbids the pair); "high" is no doubt.
    assert dict(sent.find("tei:date", NSMAP).attrib) == {"when": "1811-07-11"}
    assert received.find("tei:placeName", NSMAP).get("evidence") == "conjecture"
    # "unknown" is doubt; evidence="internal" says nothing CMIF asks.
    assert dict(received.find("tei:date", NSMAP).attrib) == {
        "notBefore": "1811-07-12", "notAfter": "1811-07-18", "cert": "low"}


def _date(**attributes: str) -> etree._Element:
    return etree.Element(f"{{{TEI_NS}}}date", attributes)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"when": "1811-07-11", "cert": "high"}, {"when": "1811-07-11"}),
        ({"when": "1811-07", "cert": "medium"}, {"when": "1811-07", "cert": "low"}),
        ({"when": "1811", "cert": "LOW"}, {"when": "1811", "cert": "low"}),
        ({"when": "1811-07-11", "cert": "0.6"}, {"when": "1811-07-11", "cert": "low"}),
        ({"when": "1811-07-11", "evidence": "conjecture"},
         {"when": "1811-07-11", "evidence": "conjecture"}),
        ({"when": "1811-07-11T09:30:00+01:00"}, {"when": "1811-07-11"}),
        ({"from": "1811-07-01", "notBefore": "1811-06-01", "to": "1811-07-03",
          "notAfter": "1811-08-01"}, {"from": "1811-07-01", "to": "1811-07-03"}),
        ({"notBefore": "1811-07-01", "notAfter": "1811-07-31"},
         {"notBefore": "1811-07-01", "notAfter": "1811-07-31"}),
        ({"when": "--07-11"}, None),  # a gMonthDay: no form CMIF takes
        ({"cert": "low"}, None),
    ],
)
def test_dates_keep_what_cmif_allows(given: dict[str, str], expected: dict | None) -> None:
    notes: list[str] = []
    date = cmif_date(_date(**given), "L1", notes)
    assert (dict(date.attrib) if date is not None else None) == expected
    assert bool(notes) == ("--07-11" in given.values())


def test_every_tei_cert_value_has_a_cmif_value() -> None:
    assert set(CMIF_CERT) == {"high", "medium", "low", "unknown"}  # teidata.certainty
    assert set(CMIF_CERT.values()) <= {None, "low"}  # CMIF 1.1: only "low"


def test_dates_from_the_actions_else_the_dateline(cmif) -> None:
    tree, _ = cmif
    assert dict(action(tree, "A2", "sent").find("tei:date", NSMAP).attrib) == {
        "when": "1826-05-07"}
    assert dict(action(tree, "A2", "received").find("tei:date", NSMAP).attrib) == {
        "from": "1826-05-08", "to": "1826-05-09"}
    assert dict(action(tree, "A3", "sent").find("tei:date", NSMAP).attrib) == {
        "when": "1821-08-09"}
    assert action(tree, "A3", "received").find("tei:date", NSMAP) is None


def test_each_letter_has_its_source_and_its_own_url(cmif) -> None:
    tree, _ = cmif
    assert set(xp(tree, "//tei:correspDesc/@source")) == {
        "#b3c1e0a2-5f7d-4c1e-9a8b-0d2f4e6a8c10"}
    urls = {d.get("key"): d.get("ref") for d in xp(tree, "//tei:correspDesc")}
    assert urls == {
        "A1": "https://letters.example.org/A1",  # its idno type="URL"
        "A2": "https://data.example.org/letters/A2-based.xml",  # its @xml:base, a folder
        "A3": None,  # nothing gives one: CMIF's @ref is optional
    }


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ({"letter_url": "https://e.example.org/l/{id}"}, "https://e.example.org/l/A2"),
        # The home page says nothing of where the letters' pages are.
        ({"url": "https://e.example.org/"}, "https://data.example.org/letters/A2-based.xml"),
        ({}, "https://data.example.org/letters/A2-based.xml"),
    ],
)
def test_the_edition_metadata_says_where_letters_are_read_first(table, expected) -> None:
    meta = dataclasses.replace(read_edition_metadata(METADATA), **table)
    doc = next(d for d in read_edition(HERE / "tei").letters if d.id == "A2")
    assert letter_url(doc, meta) == expected


def test_persons_without_an_authority_id_are_reported_once(cmif) -> None:
    _, warnings = cmif
    unlinked = [w for w in warnings if "no authority id" in w]
    assert unlinked == [
        "1 correspondent(s) have no authority id (GND, VIAF, Wikidata) in the TEI, so "
        "correspSearch cannot link them (their names are kept): Wendt, E."]


def test_authority_ids_are_read_from_every_form_and_written_as_correspsearch_indexes() -> None:
    for value, scheme, written in [
        ("100000045", "gnd", "http://d-nb.info/gnd/100000045"),
        ("Q99000046", "wikidata", "http://www.wikidata.org/entity/Q99000046"),
        ("http://viaf.org/viaf/90000045/", "viaf", "http://viaf.org/viaf/90000045"),
        ("http://sws.geonames.org/9000021/", "geonames", "http://www.geonames.org/9000021"),
    ]:
        uri = authority_uri(value, scheme)
        found = authority_id(uri or "")
        assert found is not None and found[0] == scheme
        assert CMIF_URI_FORMS[scheme].format(found[1]) == written
        assert authority_id(written) == found  # the CMIF form reads back as the same id
    assert authority_id("https://pmb.acdh.oeaw.ac.at/entity/7001/") is None


# --- the Schnitzler and Escher styles ----------------------------------------------------------


@pytest.fixture(scope="module")
def styles(tmp_path_factory: pytest.TempPathFactory) -> tuple[etree._ElementTree, list[str]]:
    tei = tmp_path_factory.mktemp("styles") / "tei"
    tei.mkdir()
    for name in ("schnitzler-style.xml", "escher-style.xml", "escher-reversed.xml", "places.xml"):
        shutil.copyfile(EDITION_STYLES / name, tei / name)
    return export(tei, tei.parent / "cmif.xml")


def test_schnitzler_style_ids_from_back_lists_prefixes_and_a_standoff_register(styles) -> None:
    tree, _ = styles
    sent, received = action(tree, "L00042", "sent"), action(tree, "L00042", "received")
    assert sent.find("tei:persName", NSMAP).attrib == {"ref": "http://d-nb.info/gnd/100000029"}
    assert sent.findtext("tei:persName", namespaces=NSMAP) == "Roth, Emil"
    # The letter's back list gives the GND id, the edition's standOff the Wikidata id (the
    # same GND id makes them one person).
    assert received.find("tei:persName", NSMAP).get("ref") == (
        "http://d-nb.info/gnd/100000010 http://www.wikidata.org/entity/Q99000010")
    # "pmb:7050" through prefixDef; one GeoNames id, however written.
    assert received.find("tei:placeName", NSMAP).get("ref") == "http://www.geonames.org/9000001"


@pytest.mark.parametrize(
    ("key", "sender", "addressee", "place"),
    [
        ("K_0100", "Kaspar Imhof", "Konrad Hofer", "Bern"),
        ("K_0101", "Rudolf Berner", "Konrad Hofer", "Zürich"),  # @type against the title
    ],
)
def test_escher_style_roles_from_one_action(styles, key, sender, addressee, place) -> None:
    tree, _ = styles
    sent, received = action(tree, key, "sent"), action(tree, key, "received")
    assert sent.findtext("tei:persName", namespaces=NSMAP) == sender
    assert received.findtext("tei:persName", namespaces=NSMAP) == addressee
    assert sent.findtext("tei:placeName", namespaces=NSMAP) == place
    assert sent.find("tei:date", NSMAP) is not None


# --- validity: CMIF 1.1 schema and Schematron ------------------------------------------------


@needs_cmif_schema
def test_the_crafted_letters_cmif_is_valid_cmif(cmif, tmp_path) -> None:
    tree, _ = cmif
    path = tmp_path / "cmif.xml"
    tree.write(str(path))
    assert cmif_issues(path) == []


@needs_cmif_schema
def test_the_styles_cmif_is_valid_cmif(styles, tmp_path) -> None:
    tree, _ = styles
    path = tmp_path / "cmif.xml"
    tree.write(str(path))
    assert cmif_issues(path) == []


@needs_cmif_schema
def test_the_samples_cmif_is_valid_cmif(encoded_edition: Path, tmp_path: Path) -> None:
    """The sample edition as teitool encodes it: its cert="medium" dates are CMIF's "low"."""
    from conftest import SOURCES

    out = tmp_path / "cmif.xml"
    result = export_cmif(encoded_edition, out, metadata_path=SOURCES / "metadata.toml", now=NOW)
    assert result.letters > 50
    tree = parse_file(out)
    assert check_cmif(tree) == [] and not xp(tree, "//@cert[. != 'low']")
    assert cmif_issues(out) == []
    letters = [parse_file(f).getroot() for f in sorted((encoded_edition / "letters").glob("*.xml"))]
    registers = register_ids([*letters, parse_file(encoded_edition / "persons.xml").getroot()])
    given = {root.get(f"{{{XML_NS}}}id"): tei_authority_ids(root, registers) for root in letters}
    assert sum(map(len, given.values())) > 0
    assert all(ids <= cmif_authority_ids(tree, key) for key, ids in given.items())


# --- the real editions ---------------------------------------------------------------------------


def _counted(value: str, scheme: str = "") -> tuple[str, str] | None:
    """The (authority, id) a value gives, if it is one of the COUNTED authorities."""
    found = authority_id(authority_uri(value, scheme) or "")
    return found if found and found[0] in COUNTED else None


def register_ids(roots: list[etree._Element]) -> dict[str, set[tuple[str, str]]]:
    """Entry id → the GND and Wikidata ids its idnos give, over every list of the edition
    (per-letter lists repeat an entry, not always with the same idnos)."""
    ids: dict[str, set[tuple[str, str]]] = {}
    for root in roots:
        for entry in xp(root, "//tei:person | //tei:org"):
            found = ids.setdefault(entry.get(f"{{{XML_NS}}}id") or "", set())
            found.update(uri for idno in entry.iterfind("tei:idno", NSMAP)
                         if (uri := _counted("".join(idno.itertext()), idno.get("type") or "")))
    return ids


def tei_authority_ids(root: etree._Element, registers: dict[str, set[tuple[str, str]]]
                      ) -> set[tuple[str, str]]:
    """The GND and Wikidata ids the TEI gives a letter's correspondents, read without the
    model: URIs in their @ref, and the ids of the entries their @ref points at."""
    ids: set[tuple[str, str]] = set()
    for name in xp(root, "//tei:correspAction/*[self::tei:persName or self::tei:orgName]"):
        for token in (name.get("ref") or "").split():
            uri = _counted(token)
            ids |= {uri} if uri else registers.get(token.partition("#")[2], set())
    return ids


def cmif_authority_ids(tree: etree._ElementTree, key: str) -> set[tuple[str, str]]:
    refs = xp(tree, f"//tei:correspDesc[@key='{key}']//*[self::tei:persName or self::tei:orgName]/@ref")
    return {found for ref in refs for uri in ref.split() if (found := _counted(uri))}


@pytest.fixture(scope="module", params=["schnitzler", "escher"])
def real(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> tuple[Path, Path, etree._ElementTree]:
    folder = {"schnitzler": SCHNITZLER, "escher": ESCHER}[request.param]
    if not folder.is_dir():
        pytest.skip("needs ../shared/realtei")
    out = tmp_path_factory.mktemp(request.param) / "cmif.xml"
    tree, _ = export(folder, out)
    return folder, out, tree


def test_real_editions_every_letter_and_every_authority_id(real) -> None:
    folder, _, tree = real
    roots = [parse_file(file).getroot() for file in sorted(folder.glob("*.xml"))]
    assert len(xp(tree, "//tei:correspDesc")) == len(roots) == 40
    registers = register_ids(roots)
    given = {root.get(f"{{{XML_NS}}}id"): tei_authority_ids(root, registers) for root in roots}
    kept = {key: cmif_authority_ids(tree, key) for key in given}
    assert {key: ids - kept[key] for key, ids in given.items() if ids - kept[key]} == {}
    if folder == SCHNITZLER:  # the sample carries ids: the count is no vacuous truth
        assert sum(map(len, given.values())) == sum(map(len, kept.values())) > 40


def test_real_editions_no_unknown_correspondents(real) -> None:
    _, _, tree = real
    assert xp(tree, "//tei:persName[. = 'Unknown']") == []


@needs_cmif_schema
def test_real_editions_cmif_is_valid_cmif(real) -> None:
    _, out, _ = real
    assert cmif_issues(out) == []
