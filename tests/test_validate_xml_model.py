"""The schemas documents ask for, which files are checked, and how the report reads."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import fuzzing
import pytest
from click.testing import CliRunner
from conftest import FIXTURES, SHARED, count_reads

from tei.cli import main
from tei.validate import discover, validate_paths
from tei.validate.docschemas import SchemaRequest, requested_schemas

MODELS = FIXTURES / "validate" / "xml-model"
VALID = FIXTURES / "validate" / "valid"
ESCHER = SHARED / "realtei" / "briefedition-escher"


@pytest.fixture
def in_models(monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working folder is the fixtures' project, as in CI at a repository's root."""
    monkeypatch.chdir(MODELS)
    monkeypatch.delenv("XML_CATALOG_FILES", raising=False)
    return MODELS


def run(paths: list[str], **options: object) -> dict[str, tuple[tuple[str, ...], list[str]]]:
    report = validate_paths(paths, use_cache=False, jobs=1, **options)  # type: ignore[arg-type]
    return {Path(r.path).name: (r.schemas, [i.rule for i in r.issues]) for r in report.files}


# --- what a document asks for --------------------------------------------------------------

RNG = "http://relaxng.org/ns/structure/1.0"
SCH = "http://purl.oclc.org/dsdl/schematron"


@pytest.mark.parametrize(("head", "expected"), [
    (f'<?xml-model href="a.rng" schematypens="{RNG}"?><r/>',
     [SchemaRequest("a.rng", "rng", "", 1, "xml-model")]),
    (f"<?xml-model href='s.sch' schematypens='{SCH}' phase='p1'?><r/>",
     [SchemaRequest("s.sch", "sch", "p1", 1, "xml-model")]),
    ('<?xml-model href="a.rnc" type="application/relax-ng-compact-syntax"?><r/>',
     [SchemaRequest("a.rnc", "rnc", "", 1, "xml-model")]),
    ('<?xml-model href="x.xsd"?><r/>', [SchemaRequest("x.xsd", "xsd", "", 1, "xml-model")]),
    # oXygen's "the Schematron embedded in this RELAX NG": the RELAX NG layer runs it
    (f'<?xml-model href="tei.rng" schematypens="{SCH}"?><r/>',
     [SchemaRequest("tei.rng", "rng", "", 1, "xml-model")]),
    ('<?xml version="1.0"?>\n<!-- c --><?other x?>\n<?xml-model href="a&amp;b.rng"?>\n<r/>',
     [SchemaRequest("a&b.rng", "rng", "", 3, "xml-model")]),
    ('<r xmlns:i="http://www.w3.org/2001/XMLSchema-instance"\n i:schemaLocation="urn:a a.xsd '
     ' urn:b  b.xsd"/>', [SchemaRequest("a.xsd", "xsd", "", 1, "i:schemaLocation"),
                          SchemaRequest("b.xsd", "xsd", "", 1, "i:schemaLocation")]),
    ('<r xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
     'xsi:noNamespaceSchemaLocation="n.xsd"/>',
     [SchemaRequest("n.xsd", "xsd", "", 1, "xsi:noNamespaceSchemaLocation")]),
    ('<r xsi:schemaLocation="urn:a a.xsd"/>', []),  # an undeclared prefix is not xsi
    ('<r><?xml-model href="late.rng"?></r>', []),  # only the prolog counts
    ('<?xml version="1.0"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0"/>', []),
])
def test_requests_are_read_from_the_prolog_and_the_root(head: str,
                                                        expected: list[SchemaRequest]) -> None:
    assert list(requested_schemas(head.encode())) == expected


def test_a_utf16_document_names_its_schema_too() -> None:
    data = '<?xml-model href="a.rng"?><r/>'.encode("utf-16")
    assert [r.href for r in requested_schemas(data)] == ["a.rng"]


def test_each_file_is_checked_against_the_schemas_it_names(in_models: Path) -> None:
    found = run(["docs"], catalogs=["catalog/catalog.xml"])
    assert found == {
        "by-url.tei": (("catalog/letter.rng",), []),
        "no-namespace.XML": (("schemas/note.xsd",), ["note.xsd"]),
        "rng.xml": (("schemas/letter.rng",), ["letter.rng", "letter.rng"]),
        "sch-all.xml": (("schemas/letter.sch",), ["letter-when", "empty-p"]),
        "sch-phase.xml": (("schemas/letter.sch (phase dates-only)",), ["letter-when"]),
        "xsd-location.xml": (("schemas/letter.xsd",), ["letter.xsd"]),
    }


def test_a_file_naming_no_schema_gets_the_built_in_one(in_models: Path, tmp_path: Path) -> None:
    shutil.copy(VALID / "letters" / sorted(p.name for p in (VALID / "letters").iterdir())[0],
                tmp_path / "plain.xml")
    shutil.copy(VALID / "persons.xml", tmp_path)
    found = run([str(tmp_path / "plain.xml"), "docs/rng.xml"])
    assert found["plain.xml"][0][0].endswith("teitool.xsd")
    assert found["rng.xml"][0] == ("schemas/letter.rng",)


def test_an_explicit_schema_turns_the_documents_schemas_off(in_models: Path) -> None:
    found = run(["docs/rng.xml"], schemas=["schemas/letter.xsd"], builtin=False)
    assert found == {"rng.xml": (("schemas/letter.xsd",), ["letter.xsd"])}
    both = run(["docs/rng.xml"], schemas=["schemas/letter.xsd"], builtin=False,
               schemas_from_documents=True)
    assert both["rng.xml"][0] == ("schemas/letter.xsd", "schemas/letter.rng")


def test_without_documents_schemas_the_built_in_applies(in_models: Path) -> None:
    found = run(["docs/rng.xml"], schemas_from_documents=False)
    assert [Path(s).name for s in found["rng.xml"][0]] == ["teitool.xsd", "teitool.sch"]


@pytest.mark.parametrize(("href", "why"), [
    ("http://127.0.0.1:{port}/evil.rng", "--catalog"),
    ("file:///etc/passwd.rng", "outside the working folder"),
    ("../../../../../../../../etc/x.rng", "outside the working folder"),
    ("schemas/missing.rng", "no such file"),
    ("schemas/letter.dtd", "DTD"),
])
def test_a_document_cannot_point_the_run_elsewhere(in_models: Path, tmp_path: Path,
                                                   href: str, why: str) -> None:
    """The reference is an error of that file alone: the other files are still checked."""
    with fuzzing.Listener() as listener:
        document = tmp_path / "hostile.xml"
        document.write_text(f'<?xml-model href="{href.format(port=listener.port)}"?><r/>')
        report = validate_paths([document, "docs/rng.xml"], use_cache=False, jobs=1)
        assert listener.take() == []
    hostile, other = report.files
    [problem] = hostile.issues
    assert (problem.rule, problem.line, hostile.schemas) == ("schema-reference", 1, ())
    assert why in problem.message
    assert other.schemas == ("schemas/letter.rng",) and other.errors == 2


def test_the_report_says_which_schemas_checked_which_file(in_models: Path) -> None:
    report = validate_paths(["docs/rng.xml", "docs/xsd-location.xml"], use_cache=False, jobs=1)
    text = report.render("text")
    assert "checked against schemas/letter.rng: 1 file" in text
    assert "checked against schemas/letter.xsd: 1 file" in text
    data = json.loads(report.render("json"))
    assert [f["schemas"] for f in data["files"]] == [["schemas/letter.rng"],
                                                    ["schemas/letter.xsd"]]


def test_requests_are_cached_with_the_results(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "docs"
    shutil.copytree(MODELS / "docs", folder)
    shutil.copytree(MODELS / "schemas", tmp_path / "schemas")
    (folder / "by-url.tei").unlink()  # it needs the catalog
    options = dict(cache_directory=tmp_path / "cache", jobs=1)
    first = validate_paths([folder], **options)  # type: ignore[arg-type]
    reads = count_reads(monkeypatch)
    again = validate_paths([folder], **options)  # type: ignore[arg-type]
    assert first.cached == 0 and again.cached == len(again.files) == 5
    assert reads == []  # the schemas each file names come from the cache too
    assert [r.schemas for r in again.files] == [r.schemas for r in first.files]
    # An edited schema is a new cache key: the files naming it (and, as an XSD's neighbours
    # count for it, those naming note.xsd) are checked again.
    schema = tmp_path / "schemas" / "letter.xsd"
    schema.write_text(schema.read_text().replace('maxOccurs="unbounded"', ""))
    assert validate_paths([folder], **options).cached == 3  # type: ignore[arg-type]


# --- which files --------------------------------------------------------------------------


def test_tei_and_upper_case_files_are_found(tmp_path: Path) -> None:
    for name in ("a.xml", "b.tei", "C.XML", "d.TEI", "e.txt", ".hidden.xml", "f.tei.xml"):
        (tmp_path / name).write_text("<r/>")
    assert [Path(p).name for p in discover([tmp_path])] == [
        "C.XML", "a.xml", "b.tei", "d.TEI", "f.tei.xml"]


def test_glob_chooses_the_files_in_folders_and_named_files_are_always_checked(
        tmp_path: Path) -> None:
    for name in ("a.xml", "b.tei.xml", "notes.txt"):
        (tmp_path / name).write_text("<r/>")
    assert [Path(p).name for p in discover([tmp_path], ["*.tei.xml"])] == ["b.tei.xml"]
    assert [Path(p).name for p in discover([tmp_path, tmp_path / "notes.txt"], ["*.tei.xml"])
            ] == ["b.tei.xml", "notes.txt"]


def test_the_cli_takes_glob_and_counts_every_tei_file(tmp_path: Path) -> None:
    for name in ("a.xml", "b.tei", "C.XML"):
        (tmp_path / name).write_text("<r/>")
    result = CliRunner().invoke(main, ["validate", str(tmp_path), "--no-builtin", "--no-cache"])
    assert result.exit_code == 0 and "3 files checked" in result.output
    result = CliRunner().invoke(main, ["validate", str(tmp_path), "--no-builtin", "--no-cache",
                                       "--glob", "*.tei"])
    assert "1 file checked" in result.output


# --- namespace errors -----------------------------------------------------------------------


def test_namespace_errors_are_reported_and_the_schemas_still_run(in_models: Path,
                                                                 tmp_path: Path) -> None:
    document = tmp_path / "ns.xml"
    document.write_text('<?xml-model href="' + str(MODELS / "schemas" / "letter.rng") + '"?>\n'
                        '<letter xmlns="urn:teitool:test" xml:id="[UUID]">\n'
                        '<p pmb:ref="1">x</p><opener/></letter>\n')
    report = validate_paths([document], use_cache=False, jobs=1,
                            schemas=[MODELS / "schemas" / "letter.rng"], builtin=False,
                            rng_engine="lxml", embedded_schematron=False)
    rules = [(i.line, i.rule, i.layer) for i in report.issues]
    assert (2, "xml-id", "namespaces") in rules
    assert (3, "namespace", "namespaces") in rules
    assert any(i.rule == "letter.rng" for i in report.issues), rules
    assert not any("well-formed" in i.message for i in report.issues)


def test_a_real_well_formedness_error_still_stops_the_file(tmp_path: Path) -> None:
    document = tmp_path / "broken.xml"
    document.write_text('<letter xml:id="[UUID]"><p></letter>')
    report = validate_paths([document], use_cache=False, jobs=1, builtin=False)
    assert [i.rule for i in report.issues] == ["well-formed"]


# --- the built-in check on foreign TEI ----------------------------------------------------


@pytest.mark.skipif(not ESCHER.is_dir(), reason="../shared/realtei is not here")
def test_foreign_tei_gets_one_note_and_a_summary(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(ESCHER), "--no-cache", "--summary",
                                       "-j", "1"])
    assert result.exit_code == 1
    assert result.output.count("not in teitool's TEI customization") == 1
    assert "--no-builtin --schema" in result.output
    assert "findings by rule:" in result.output and "findings by file" in result.output
    assert ": error:" not in result.output  # --summary: the counts, not every finding


def test_the_missing_register_is_reported_once_per_run(tmp_path: Path) -> None:
    letters = tmp_path / "letters"
    letters.mkdir()
    letter = next((VALID / "letters").glob("*.xml"))
    for name in ("a.xml", "b.xml", "c.xml"):
        shutil.copy(letter, letters / name)
    (tmp_path / ".git").mkdir()  # the search for persons.xml stops here
    report = validate_paths([letters], use_cache=False, jobs=1)
    assert len([i for i in report.issues if i.rule == "register-missing"]) == 1


def test_xsd_and_schematron_report_one_problem_once() -> None:
    """A date teitool.xsd and the date-iso rule both refuse: the rule's message only."""
    rules = FIXTURES / "validate" / "rules"
    report = validate_paths([rules / "date-iso-fail.xml", rules / "id-unique-fail.xml"],
                            use_cache=False, jobs=1, register=rules / "persons.xml")
    assert [i.rule for i in report.files[0].issues] == ["date-iso"]
    assert {i.rule for i in report.files[1].issues} == {"id-unique"}


def test_clark_names_are_written_with_their_prefix(tmp_path: Path) -> None:
    document = tmp_path / "base.xml"
    document.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:base="x" type="letter"/>')
    report = validate_paths([document], use_cache=False, jobs=1)
    messages = " ".join(i.message for i in report.issues)
    assert "{http://www.w3.org/XML/1998/namespace}" not in messages
    assert "xml:base" in messages
