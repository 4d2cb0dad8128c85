"""Reports on hostile input: any file name and any message give a valid report, and finding
the place of each of many issues on one line stays linear."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote_to_bytes

import pytest
from conftest import FIXTURES
from lxml import etree

from tei.validate import validate_paths
from tei.validate.checks import Locator, TreeIndex, _locate, compile_schematron
from tei.validate.model import FileResult, Issue, ValidationReport
from tei.validate.reports import FORMATS
from tei.validate.specs import SchemaSpec
from tei.xmlio import TEI_NS, parse_bytes

INVALID = (FIXTURES / "validate" / "invalid" / "bad-attribute.xml").read_bytes()

#: File names from a pull request: a control character, a terminal escape, a line break, a
#: byte that is not UTF-8, and a name that imitates a line of the text report.
NASTY = [b"ctl\x01.xml", b"esc\x1b[31m.xml", b"new\nline.xml", b"bad\xff.xml",
         b"a:1:1: error: x.xml"]

#: What no report may contain: control characters other than line feed (and tab), and lone
#: surrogates (a report that holds one cannot even be encoded).
UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


@pytest.fixture
def nasty(tmp_path: Path) -> Path:
    folder = tmp_path / "tei"
    folder.mkdir()
    for name in NASTY:
        with open(os.path.join(os.fsencode(folder), name), "wb") as handle:
            handle.write(INVALID)
    return folder


def check_report(fmt: str, text: str, paths: list[str]) -> None:
    """``text`` is a valid report in ``fmt`` that names each of ``paths`` recognisably."""
    text.encode("utf-8")  # strict: no surrogates
    if fmt in ("text", "github"):
        assert not UNPRINTABLE.search(text), fmt
    if fmt == "junit":
        suites = etree.fromstring(text.encode("utf-8"))
        names = [case.get("name") for case in suites.iter("testcase")]
        assert len(names) == len(paths)
        assert "\\x01" in " ".join(names) and "\\xff" in " ".join(names)
    if fmt == "json":
        data = json.loads(text)
        named = {f["path"] for f in data["files"]}
        # JSON carries control characters exactly; a byte that is not UTF-8 is spelled out.
        assert {p for p in paths if "\udcff" not in p} <= named
        assert any(p.endswith("bad\\xff.xml") for p in named)
    if fmt == "sarif":
        data = json.loads(text)
        uris = [a["location"]["uri"] for a in data["runs"][0]["artifacts"]]
        # Percent-encoded from the name's bytes on disk: decoding gives the very name back.
        assert sorted(unquote_to_bytes(u) for u in uris) == sorted(os.fsencode(p) for p in paths)
    if fmt == "text":
        *listed, summary = [line for line in text.splitlines() if line]
        # The counts per rule and per file close a long report (they name the files too).
        issues = listed[:listed.index("findings by rule:")] if "findings by rule:" in listed \
            else listed
        # Each issue is one line: a line break in a name does not start another.
        assert all(line.startswith(str(Path(paths[0]).parent)) for line in issues)
        assert len(issues) >= len(paths) and "5 files checked" in summary


@pytest.mark.parametrize("fmt", FORMATS)
def test_nasty_file_names_give_valid_reports(nasty: Path, fmt: str) -> None:
    report = validate_paths([nasty], use_cache=False, jobs=1)
    paths = [r.path for r in report.files]
    # One error each: teitool.xsd and the date-iso rule refuse the same date, reported once.
    assert len(paths) == len(NASTY) and report.errors == len(NASTY)
    check_report(fmt, report.render(fmt), paths)


@pytest.mark.parametrize("fmt", FORMATS)
def test_nasty_file_names_through_the_cli(nasty: Path, tmp_path: Path, fmt: str) -> None:
    env = {**os.environ, "LC_ALL": "C.UTF-8", "TEITOOL_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-m", "tei", "validate", str(nasty), "--format", fmt, "--no-cache"],
        capture_output=True, env=env, check=False)
    assert done.returncode == 1, done.stderr
    assert b"Traceback" not in done.stderr
    paths = [os.fsdecode(os.path.join(os.fsencode(nasty), name)) for name in NASTY]
    check_report(fmt, done.stdout.decode("utf-8"), paths)


def test_a_name_that_is_not_utf8_through_the_cache(nasty: Path, tmp_path: Path) -> None:
    """sqlite3 refused the surrogates of such a name: the cache stores names as bytes."""
    for _ in range(2):  # the second run from the cache
        report = validate_paths([nasty], cache_directory=tmp_path / "cache", jobs=1)
        assert report.errors == len(NASTY)
    assert all(result.cached for result in report.files)


@pytest.mark.parametrize("fmt", FORMATS)
def test_any_message_text_gives_a_valid_report(fmt: str) -> None:
    path = os.fsdecode(b"dir/odd\x07\xfe.xml")
    message = "quoted \x00\x1b[2J\r\nvalue \x85 \ud800 \udcff \ufffe end"
    issue = Issue(path, 3, 4, "error", message, "rule\x0b", "xsd")
    report = ValidationReport([FileResult(path, [issue])])
    text = report.render(fmt)
    text.encode("utf-8")
    if fmt in ("text", "github"):
        assert not UNPRINTABLE.search(text)
    elif fmt == "junit":
        failure = etree.fromstring(text.encode("utf-8")).find(".//failure")
        assert "\\x1b[2J" in failure.get("message") and "\\xfe" in failure.text
    else:
        json.loads(text)
    if fmt == "text":
        assert text.splitlines()[0].endswith("end [rule\\x0b]")  # the issue stays one line


# --- locating many issues on one line ----------------------------------------------------------

HEAD = (f'<?xml version="1.0"?>\n<TEI xmlns="{TEI_NS}"><teiHeader><fileDesc><titleStmt><title>t'
        "</title></titleStmt><publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p>"
        "</sourceDesc></fileDesc></teiHeader><text><body>")
TAIL = "</body></text></TEI>\n"


def test_100000_bad_attributes_on_one_line_are_each_located(tmp_path: Path) -> None:
    """Each finding used to rescan the line: 100,000 of them took minutes; now one scan."""
    count = 100_000
    start_tag = "<p " + " ".join(f'a{i}="x"' for i in range(count)) + ">"
    path = tmp_path / "attributes.xml"
    path.write_text(HEAD + start_tag + "x</p>" + TAIL)
    report = validate_paths([path], use_cache=False, jobs=1, builtin=True)
    issues = [i for i in report.issues if "attribute 'a" in i.message]
    assert len(issues) == count
    line = (HEAD + start_tag).splitlines()[-1]
    last = issues[-1]
    assert (last.line, last.column) == (2, line.index(f'a{count - 1}="x"') + 1)


def test_20000_namesakes_on_one_line_are_each_located(tmp_path: Path) -> None:
    """The Schematron finding on the 20,000th persName of a line: the location path is
    resolved by look-ups and its namesakes before it counted once (before, each finding made
    libxml2 walk the siblings and Python the whole document)."""
    count = 20_000
    one = '<persName ref="#nobody">N</persName>'
    data = (HEAD + "<p>" + one * count + "</p>" + TAIL).encode()
    tree = parse_bytes(data)
    locator = Locator(data)
    step = "*[local-name()='{}' and namespace-uri()='" + TEI_NS + "']"
    parent = "/" + "/".join(step.format(name) for name in ("TEI", "text", "body", "p"))
    start = data.decode().splitlines()[1].index(one) + 1
    for n in range(1, count + 1):
        location = f"{parent}/{step.format('persName')}[{n}]"
        assert _locate(tree, location, locator) == (2, start + (n - 1) * len(one))
    # An attribute is placed at the first of its name on the line, as it always was.
    ref = f"{parent}/{step.format('persName')}[{count}]/@ref"
    assert _locate(tree, ref, locator) == (2, start + len("<persName "))


def test_the_schematron_itself_counts_namesakes_once(tmp_path: Path) -> None:
    """50,000 findings on sibling persNames through the built-in Schematron: the skeleton's
    count of preceding siblings per finding took 25 s for 20,000 (minutes for this many);
    every finding still lands on its own element."""
    count = 50_000
    one = '<persName ref="#nobody">N</persName>'
    (tmp_path / "persons.xml").write_bytes((FIXTURES / "validate" / "valid" / "persons.xml").read_bytes())
    (tmp_path / "many.xml").write_bytes((HEAD + "<p>" + one * count + "</p>" + TAIL).encode())
    report = validate_paths([tmp_path / "many.xml"], use_cache=False, jobs=1)
    columns = [i.column for i in report.issues if "#nobody" in i.message]
    start = len((HEAD + "<p>").splitlines()[-1]) + 1
    assert columns == [start + n * len(one) for n in range(count)]


VARIED = f"""<?xml version="1.0"?>
<TEI xmlns="{TEI_NS}" xmlns:x="urn:x" xml:id="d"><teiHeader/><text><body>
<p rend="a" n="1"><hi rend="b">x</hi><hi>y</hi><x:hi x:rend="c">z</x:hi><hi rend="d"/></p>
<p n="2"
   rend="multi"><persName ref="#a">A</persName> <seg><persName ref="#b">B</persName></seg></p>
<p xmlns="" rend="none"><hi rend="e">plain</hi><hi>again</hi></p>
<p>rend="in text" <hi rend="f">w</hi></p>
</body></text></TEI>
"""


def _schematron_locations(tmp_path: Path, tree: etree._ElementTree) -> list[str]:
    """The location of every element and attribute, as lxml's Schematron skeleton writes it."""
    sch = tmp_path / "all.sch"
    sch.write_text(
        '<schema xmlns="http://purl.oclc.org/dsdl/schematron"><pattern>'
        '<rule context="*"><report test="true()">e</report></rule></pattern><pattern>'
        '<rule context="@*"><report test="true()">a</report></rule></pattern></schema>')
    svrl = compile_schematron(SchemaSpec.from_path(sch))(tree)
    return [r.get("location") for r in svrl.getroot().iter("{*}successful-report")]


def test_the_index_finds_what_xpath_finds(tmp_path: Path) -> None:
    tree = parse_bytes(VARIED.encode())
    index = TreeIndex(tree)
    locations = _schematron_locations(tmp_path, tree)
    assert len(locations) > 20
    for location in locations:
        found = tree.xpath(location)
        node, attribute = index.find(location)
        if not found:  # the skeleton counts a no-namespace <p> among the TEI ones: XPath too
            assert (node, attribute) == (None, None), location
        elif isinstance(found[0], etree._Element):
            assert (node, attribute) == (found[0], None), location
        else:
            assert (node, attribute) == (found[0].getparent(), found[0].attrname), location
    assert index.find("/*[local-name()='TEI' and namespace-uri()='urn:none']") == (None, None)
    assert index.find("not a path") == (None, None)


def _old_find(lines: list[str], line: int, pattern: str, nth: int = 0) -> tuple[int, int]:
    """The search the Locator made before its index: a fresh regex scan per finding."""
    if not 1 <= line <= len(lines):
        return max(line, 1), 1
    regex = re.compile(pattern)
    for candidate in range(line, max(line - 20, 0), -1):
        matches = list(regex.finditer(lines[candidate - 1]))
        if matches:
            return candidate, matches[min(nth, len(matches) - 1)].start() + 1
    return line, 1


def test_the_locator_answers_as_its_scan_did() -> None:
    lines = VARIED.split("\n")
    locator = Locator(VARIED.encode())
    for line in range(0, len(lines) + 2):
        for name in ("p", "hi", "persName", "seg", "TEI", "body", "missing", "x:hi"):
            for nth in (0, 1, 2, 5):
                old = _old_find(lines, line, rf"<(?:[\w.-]+:)?{re.escape(name)}(?=[\s/>])", nth)
                assert locator.element(line, name, nth) == old, (line, name, nth)
        for name in ("rend", "n", "ref", "x:rend", "xml:id", "xmlns", "missing", "r·d"):
            old = _old_find(lines, line, rf"(?<![\w:.-]){re.escape(name)}\s*=")
            assert locator.attribute(line, name) == old, (line, name)
