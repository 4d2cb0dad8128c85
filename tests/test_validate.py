"""teitool validate: discovery, layers, user schemas, cache, parallel runs, report formats, CLI."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, TEI_ALL_RNG, count_reads
from lxml import etree

from tei.cli import main
from tei.validate import discover, find_register, jing, validate_paths
from tei.validate.specs import SchemaSpec

FIX = FIXTURES / "validate"
LETTER = FIX / "valid" / "letters" / "L1932-06-05-stalin-kaganovich.xml"


@pytest.fixture
def edition(tmp_path: Path) -> Path:
    """A copy of the valid fixtures plus two rule failures (one error, one warning)."""
    root = tmp_path / "tei"
    shutil.copytree(FIX / "valid", root)
    shutil.copy(FIX / "rules" / "ref-person-fail.xml", root / "letters" / "bad.xml")
    shutil.copy(FIX / "rules" / "dateline-date-fail.xml", root / "letters" / "warn.xml")
    return root


def run(edition: Path, tmp_path: Path, **kwargs):  # noqa: ANN201
    return validate_paths([edition], cache_directory=tmp_path / "cache", **kwargs)


# --- discovery ------------------------------------------------------------------------------


def test_discover_files_folders_and_globs(edition: Path) -> None:
    assert len(discover([edition])) == 6
    assert discover([edition / "letters" / "bad.xml"]) == [str(edition / "letters" / "bad.xml")]
    assert [Path(p).name for p in discover([str(edition / "letters" / "*.xml")])] == [
        "L1932-06-05-stalin-kaganovich.xml", "bad.xml", "warn.xml"]
    assert len(discover([str(edition / "**" / "*.xml")])) == 6
    (edition / ".teitool-cache").mkdir()
    (edition / ".teitool-cache" / "x.xml").write_text("<x/>")
    assert len(discover([edition, edition / "persons.xml"])) == 6  # hidden skipped, no doubles


def test_discover_names_files_as_the_user_wrote_them(edition: Path, monkeypatch) -> None:
    monkeypatch.chdir(edition.parent)
    named = f"./{edition.name}/letters/"
    assert discover([named]) == discover([f"{edition.name}/letters"]) == [
        f"{edition.name}/letters/{name}"
        for name in ("L1932-06-05-stalin-kaganovich.xml", "bad.xml", "warn.xml")]


@pytest.mark.parametrize("bad", ["missing-folder", "nothing-*.xml"])
def test_discover_refuses_what_is_not_there(tmp_path: Path, bad: str) -> None:
    from tei.errors import TeitoolError

    with pytest.raises(TeitoolError) as caught:
        discover([tmp_path / bad])
    assert caught.value.exit_code == 2


# --- results and exit codes -----------------------------------------------------------------


def test_errors_warnings_and_exit_codes(edition: Path, tmp_path: Path) -> None:
    report = run(edition, tmp_path)
    assert report.errors == 1 and report.warnings == 1
    assert report.exit_code == 1
    by_file = {Path(r.path).name: r for r in report.files}
    assert [i.rule for i in by_file["bad.xml"].issues] == ["ref-person"]
    (edition / "letters" / "bad.xml").unlink()
    assert run(edition, tmp_path).exit_code == 0
    assert run(edition, tmp_path, strict=True).exit_code == 1


def test_user_schemas_of_every_kind(edition: Path, tmp_path: Path) -> None:
    rng = tmp_path / "only-persons.rng"
    rng.write_text(
        """<grammar xmlns="http://relaxng.org/ns/structure/1.0"><start>
        <element><nsName ns="http://www.tei-c.org/ns/1.0"/>
          <attribute name="type"><value>persons</value></attribute><zeroOrMore><choice>
          <attribute><anyName><except><name>type</name></except></anyName></attribute><text/>
          <element><anyName/><ref name="any"/></element></choice></zeroOrMore></element>
        </start><define name="any"><zeroOrMore><choice><attribute><anyName/></attribute><text/>
        <element><anyName/><ref name="any"/></element></choice></zeroOrMore></define></grammar>""",
        "utf-8",
    )
    sch = tmp_path / "no-postscript.sch"
    sch.write_text(
        """<schema xmlns="http://purl.oclc.org/dsdl/schematron"><ns prefix="t"
        uri="http://www.tei-c.org/ns/1.0"/><pattern><rule context="t:postscript">
        <report test="true()" id="no-ps" role="warning">A postscript: move it.</report>
        </rule></pattern></schema>""", "utf-8")
    for engine in ("lxml", "jing") if jing.available() else ("lxml",):
        report = validate_paths([edition], schemas=[rng, sch], builtin=False, use_cache=False,
                                rng_engine=engine)
        rules = sorted({(Path(i.path).name, i.rule) for i in report.issues})
        assert ("L1932-06-05-stalin-kaganovich.xml", "no-ps") in rules, engine
        assert ("L1932-06-05-stalin-kaganovich.xml", "only-persons.rng") in rules, engine
        assert ("persons.xml", "only-persons.rng") not in rules, engine


@pytest.mark.skipif(not (TEI_ALL_RNG.exists() and jing.available()), reason="needs jing")
def test_tei_all_through_jing_in_one_batch(edition: Path) -> None:
    broken = edition / "letters" / "broken.xml"
    broken.write_text(LETTER.read_text("utf-8").replace("<postscript>", "<postscript><foo/>"),
                      "utf-8")
    report = validate_paths([edition], schemas=[TEI_ALL_RNG], builtin=False, use_cache=False)
    found = [(Path(i.path).name, i.rule) for i in report.issues]
    assert found == [("broken.xml", "tei_all.rng")]
    issue = report.issues[0]
    assert issue.line == LETTER.read_text("utf-8").splitlines().index(
        next(x for x in LETTER.read_text("utf-8").splitlines() if "<postscript>" in x)) + 1


def test_schema_problems_are_exit_2(tmp_path: Path) -> None:
    from tei.errors import TeitoolError

    bad = tmp_path / "bad.xsd"
    bad.write_text("<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'><xs:element/>"
                   "</xs:schema>")
    for schema in (bad, tmp_path / "missing.rng", tmp_path / "schema.dtd"):
        with pytest.raises(TeitoolError) as caught:
            validate_paths([LETTER], schemas=[schema], use_cache=False)
        assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    ("register_at", "marker_at", "found"),
    [
        ("ed/tei/letters", None, True),  # beside the file
        ("ed/tei", None, True),  # the build layout: tei/letters/*.xml, tei/persons.xml
        ("ed", None, True),  # three levels up
        ("", None, False),  # four levels up: an unrelated persons.xml in a shared folder
        ("ed", "ed/tei", False),  # above the project's root (.git): not this project's
        ("ed/tei", "ed/tei", True),  # in the project's root
    ],
)
def test_find_register_stays_near_the_file_and_in_its_project(
    tmp_path: Path, register_at: str, marker_at: str | None, found: bool
) -> None:
    folder = tmp_path / "ed" / "tei" / "letters" / "1932"
    folder.mkdir(parents=True)
    register = tmp_path / register_at / "persons.xml"
    register.write_text("<listPerson/>")
    if marker_at:
        (tmp_path / marker_at / ".git").mkdir()
    assert find_register(folder) == (register if found else None)


# --- cache and parallel runs ------------------------------------------------------------------


def test_cache_skips_unchanged_files_only(edition: Path, tmp_path: Path) -> None:
    first = run(edition, tmp_path)
    assert first.cached == 0
    second = run(edition, tmp_path)
    assert second.cached == 6
    for fmt in ("json", "junit", "github", "sarif"):
        assert second.render(fmt) == first.render(fmt)
    (edition / "letters" / "warn.xml").write_bytes(
        (FIX / "rules" / "dateline-date-pass.xml").read_bytes())
    third = run(edition, tmp_path)
    assert third.cached == 5 and third.warnings == 0
    # the register changed: every file that resolves into it is checked again
    register = edition / "persons.xml"
    register.write_text(register.read_text("utf-8").replace('xml:id="molotov"',
                                                            'xml:id="voroshilov"'), "utf-8")
    fourth = run(edition, tmp_path)
    assert fourth.cached == 0 and fourth.errors == 2  # bad.xml now fine; letter, chapter not
    assert run(edition, tmp_path, use_cache=False).cached == 0


def test_a_re_run_reads_no_unchanged_file_and_a_touched_one_once(
        edition: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads = count_reads(monkeypatch)
    first = run(edition, tmp_path)
    assert len(reads) == len(first.files) == 6
    reads.clear()
    assert run(edition, tmp_path).cached == 6 and reads == []
    # Touched, not changed: read once to learn that, its result still from the cache ...
    touched = edition / "letters" / "warn.xml"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    third = run(edition, tmp_path)
    assert reads == ["warn.xml"] and third.cached == 6
    assert third.render("json") == first.render("json")
    # ... and not read again
    reads.clear()
    assert run(edition, tmp_path).cached == 6 and reads == []


def test_without_the_cache_a_file_is_read_once_and_not_scanned_for_schemas(
        edition: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run without the cache that takes no schema from documents (a --schema given) has
    no use for the schemas a file names: each file is read once, by the checks."""
    from tei.validate import runner

    def unwanted(_data: bytes) -> None:
        raise AssertionError("a file was scanned for the schemas it names")

    reads = count_reads(monkeypatch)
    monkeypatch.setattr(runner, "requested_schemas", unwanted)
    report = run(edition, tmp_path, use_cache=False, schemas=[runner.BUILTIN_XSD])
    assert sorted(reads) == sorted(Path(f.path).name for f in report.files)
    assert len(reads) == 6 and report.cached == 0


def test_a_cache_of_an_older_layout_is_emptied_not_read(edition: Path, tmp_path: Path) -> None:
    """The first cache had no layout number and no column for the schemas a file names."""
    first = run(edition, tmp_path, use_cache=False)
    (tmp_path / "cache").mkdir()
    old = sqlite3.connect(tmp_path / "cache" / "validate.sqlite")
    with old:
        old.execute("CREATE TABLE results (key TEXT PRIMARY KEY, issues TEXT NOT NULL)")
        old.execute("CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER,"
                    " ctime INTEGER, inode INTEGER, digest TEXT NOT NULL)")
        old.execute("INSERT INTO files VALUES (?, 1, 2, 3, 4, 'x')",
                    (os.fsencode(edition / "letters" / "bad.xml"),))
    old.close()
    again = run(edition, tmp_path)
    assert again.cached == 0 and again.render("json") == first.render("json")
    assert run(edition, tmp_path).cached == 6


def test_parallel_equals_serial(tmp_path: Path) -> None:
    root = tmp_path / "many"
    shutil.copytree(FIX / "rules", root)
    for n in range(40):
        shutil.copy(LETTER, root / f"copy-{n:02d}.xml")
    serial = validate_paths([root], jobs=1, use_cache=False)
    parallel = validate_paths([root], jobs=2, use_cache=False)
    assert len(parallel.files) == 69
    assert parallel.render("json") == serial.render("json")


# --- report formats ---------------------------------------------------------------------------


@pytest.fixture
def report(edition: Path):  # noqa: ANN201
    return validate_paths([edition], use_cache=False)


def test_text_report(report) -> None:  # noqa: ANN001
    text = report.render("text")
    lines = [line for line in text.splitlines() if line]
    pattern = re.compile(r"^\S+:\d+:\d+: (error|warning): .+ \[[\w.-]+\]$")
    assert all(pattern.match(line) for line in lines[:-1]), lines
    assert lines[-1].startswith("6 files checked: 1 of 6 invalid; 1 error, 1 warning")
    assert "\n\n" in text  # grouped by file


def test_json_report(report) -> None:  # noqa: ANN001
    data = json.loads(report.render("json"))
    assert data["valid"] is False
    assert data["summary"] == {"files": 6, "invalid": 1, "errors": 1, "warnings": 1}
    issue = next(i for f in data["files"] for i in f["issues"] if i["severity"] == "error")
    assert set(issue) == {"line", "column", "severity", "message", "rule", "layer"}


def test_junit_report_has_the_jenkins_junit_structure(report) -> None:  # noqa: ANN001
    """Structure of Jenkins' junit-4.xsd: testsuites > testsuite(name, tests) > testcase(name)
    > skipped?, error*, failure*, system-out*, system-err*; failure(message?, type?)."""
    root = etree.fromstring(report.render("junit").encode())
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1 and set(root.attrib) <= {"name", "time", "tests", "failures",
                                                     "disabled", "errors"}
    suite = suites[0]
    assert suite.get("name") and suite.get("tests") == "6" and suite.get("failures") == "1"
    order = ["skipped", "error", "failure", "system-out", "system-err"]
    for case in suite:
        assert case.tag == "testcase" and case.get("name") and case.get("classname")
        tags = [child.tag for child in case]
        assert tags == sorted(tags, key=order.index)
        for failure in case.findall("failure"):
            assert set(failure.attrib) <= {"message", "type"}
    failed = [c for c in suite if c.find("failure") is not None]
    assert [Path(c.get("name")).name for c in failed] == ["bad.xml"]
    warned = [c for c in suite if c.find("system-out") is not None]
    assert [Path(c.get("name")).name for c in warned] == ["warn.xml"]


def test_github_annotations(report) -> None:  # noqa: ANN001
    lines = report.render("github").splitlines()
    command = re.compile(r"^::(error|warning) file=[^,]+,line=\d+,col=\d+,title=[\w.-]+::[^\n]+$")
    assert [bool(command.match(line)) for line in lines] == [True, True, False]
    assert lines[0].startswith("::error file=") and "bad.xml" in lines[0]
    assert "%0A" not in lines[0]


def test_github_escapes_newlines_and_separators() -> None:
    from tei.validate import Issue, ValidationReport

    issue = Issue("a,b:c.xml", 1, 2, "error", "two\nlines 100%", "r", "xsd")
    text = ValidationReport(files=[]).render("github")
    assert text.startswith("0 files")
    from tei.validate.model import FileResult

    text = ValidationReport(files=[FileResult("a,b:c.xml", [issue])]).render("github")
    assert text.splitlines()[0] == "::error file=a%2Cb%3Ac.xml,line=1,col=2,title=r::two%0Alines 100%25"


def test_sarif_report_has_the_required_structure(report) -> None:  # noqa: ANN001
    sarif = json.loads(report.render("sarif"))
    assert sarif["version"] == "2.1.0" and "sarif-2.1.0" in sarif["$schema"]
    run_ = sarif["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "teitool"
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert len(rule_ids) == len(set(rule_ids)) and "ref-person" in rule_ids
    assert all(rule["shortDescription"]["text"] for rule in driver["rules"])
    assert len(run_["results"]) == 2
    for result in run_["results"]:
        assert result["ruleId"] in rule_ids
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note", "none")
        assert result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].endswith(".xml")
        assert "\\" not in location["artifactLocation"]["uri"]
        assert location["region"]["startLine"] >= 1 and location["region"]["startColumn"] >= 1
    # A rule's default level is its own: a warning rule's is "warning".
    levels = {rule["id"]: rule["defaultConfiguration"]["level"] for rule in driver["rules"]}
    assert levels["ref-person"] == "error" and levels["dateline-date"] == "warning"


def test_sarif_uris_are_uri_references(tmp_path: Path) -> None:
    odd = tmp_path / "a b%c.xml"
    odd.write_text("<x>")
    sarif = json.loads(validate_paths([odd], use_cache=False).render("sarif"))
    uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri["uri"].endswith("/a%20b%25c.xml")


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_is_reported_per_batch_of_files(encoded_edition: Path, jobs: int) -> None:
    heard: list[tuple[int, int | None]] = []
    report = validate_paths(
        [encoded_edition], use_cache=False, jobs=jobs, progress=lambda d, t: heard.append((d, t))
    )
    files = len(report.files)
    assert files >= 48  # enough files to be worth a bar
    assert heard[-1] == (files, files)
    assert [done for done, _ in heard] == sorted({done for done, _ in heard})


def test_machine_formats_are_deterministic(edition: Path) -> None:
    one = validate_paths([edition], use_cache=False)
    two = validate_paths([edition], use_cache=False, jobs=2)
    # a slow run must not show: no timing reaches a machine format (CI once failed on 0.00 s vs 0.01 s)
    two.seconds = one.seconds + 1.0
    for fmt in ("json", "junit", "github", "sarif"):
        assert one.render(fmt) == two.render(fmt)


# --- the command ------------------------------------------------------------------------------


def test_cli_formats_exit_codes_and_output_file(edition: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEITOOL_CACHE_DIR", str(tmp_path / "cache"))
    runner = CliRunner()
    done = runner.invoke(main, ["validate", str(edition), "--format", "github"])
    assert done.exit_code == 1 and done.output.startswith("::error file=")
    sarif = tmp_path / "out" / "tei.sarif"
    done = runner.invoke(main, ["validate", str(edition), "-f", "sarif", "-o", str(sarif)])
    assert done.exit_code == 1 and json.loads(sarif.read_text())["version"] == "2.1.0"
    (edition / "letters" / "bad.xml").unlink()
    done = runner.invoke(main, ["validate", str(edition), "--jobs", "2"])
    assert done.exit_code == 0, done.output
    assert runner.invoke(main, ["validate", str(edition), "--strict"]).exit_code == 1
    done = runner.invoke(main, ["validate", str(tmp_path / "nothing")])
    assert done.exit_code == 2 and "no such file or folder" in done.output
    done = runner.invoke(main, ["validate", str(edition), "--no-builtin", "--no-cache"])
    assert done.exit_code == 0 and "all valid" in done.output
    done = runner.invoke(main, ["validate", str(edition / "letters" / "warn.xml"),
                                "--register", str(FIX / "rules" / "persons.xml")])
    assert done.exit_code == 0 and "1 warning" in done.output


def test_cli_default_path_is_build_tei(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TEITOOL_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    shutil.copytree(FIX / "valid", tmp_path / "build" / "tei")
    done = CliRunner().invoke(main, ["validate"])
    assert done.exit_code == 0 and done.output.startswith("4 files checked: all valid")
    # The cache is the user's, never in the working folder, where a pull request could
    # commit one with forged results.
    assert (tmp_path / "user-cache" / "teitool" / "validate.sqlite").is_file()
    assert not (tmp_path / ".teitool-cache").exists()


def test_cache_notices_a_same_size_edit_with_the_old_mtime(edition: Path, tmp_path: Path) -> None:
    """Unchanged stat data lets a re-run skip reading; ctime and inode catch forged mtimes."""
    import os

    warn = edition / "letters" / "warn.xml"
    assert run(edition, tmp_path).warnings == 1
    before = warn.stat()
    text = warn.read_text("utf-8")
    fixed = text.replace('when="1932-06-29">29/VI 32', 'when="1932-06-05">05/VI 32')
    assert len(fixed) == len(text) and fixed != text
    warn.write_text(fixed, "utf-8")
    os.utime(warn, ns=(before.st_atime_ns, before.st_mtime_ns))
    again = run(edition, tmp_path)
    assert again.warnings == 0 and again.cached == 5


@pytest.mark.parametrize(("name", "text", "included"), [
    ("s.rng", '<grammar xmlns="http://relaxng.org/ns/structure/1.0"><include href="part.rng"/>'
              "</grammar>", True),
    ("s.rng", '<grammar xmlns:a="http://relaxng.org/ns/compatibility/annotations/1.0">'
              '<a:documentation>include "part.rng" as you like</a:documentation></grammar>', False),
    ("s.xsd", '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:import namespace="x"'
              ' schemaLocation="part.rng"/></xs:schema>', True),
    ("s.sch", "<schema><rule><assert test=\"@a = document('part.rng')//b\"/></rule></schema>",
     True),
    ("s.sch", "<schema><rule><assert test=\"doc(&quot;part.rng&quot;)\"/></rule></schema>", True),
    ("s.sch", "<schema><rule><assert test=\"my.doc('part.rng')\"/></rule></schema>", False),
    ("s.rnc", 'include "part.rng"\nstart = element a { empty }', True),
])
def test_a_schema_s_cache_key_covers_the_files_it_includes(tmp_path: Path, name: str, text: str,
                                                           included: bool) -> None:
    """An edit to a file the schema includes or reads checks the files again; words of its
    documentation that look like an include are not an include."""
    schema = tmp_path / name
    schema.write_text(text)
    part = tmp_path / "part.rng"
    part.write_text("<element/>")
    before = SchemaSpec.from_path(schema).digest
    part.write_text("<element name='changed'/>")
    assert (SchemaSpec.from_path(schema).digest != before) is included
