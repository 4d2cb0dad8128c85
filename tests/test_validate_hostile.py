"""Hostile input: nothing is resolved or fetched, bombs and giants are refused fast."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import FIXTURES, TEI_ALL_RNG

from tei.validate import jing, validate_paths
from tei.xmlio import XmlProblem, engine_copy, parse_bytes

REGISTER = FIXTURES / "validate" / "valid" / "persons.xml"

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE TEI [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader/><text><body><p>&xxe;</p></body></text></TEI>
"""

LAUGHS = b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n' + b"".join(
    f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'.encode()
    for n in range(1, 10)
) + b']>\n<lolz>&lol9;</lolz>\n'

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE TEI SYSTEM "http://192.0.2.1/tei.dtd">
<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader/></TEI>
"""


def check(tmp_path: Path, name: str, data: bytes, **kwargs):  # noqa: ANN201
    path = tmp_path / name
    path.write_bytes(data)
    return validate_paths([path], use_cache=False, register=REGISTER, **kwargs)


def test_external_entity_is_reported_not_read(tmp_path: Path) -> None:
    report = check(tmp_path, "xxe.xml", XXE)
    assert [i.rule for i in report.issues] == ["entity-declaration"]
    assert "root:" not in report.render("text") and "root:" not in report.render("json")
    assert report.issues[0].line == 2
    assert report.exit_code == 1


@pytest.mark.skipif(not (TEI_ALL_RNG.exists() and jing.available()), reason="needs jing")
def test_external_entity_never_reaches_jing(tmp_path: Path) -> None:
    report = check(tmp_path, "xxe.xml", XXE, schemas=[TEI_ALL_RNG], builtin=False)
    assert "root:" not in report.render("text")
    assert [i.rule for i in report.issues] == ["entity-declaration"]


def test_billion_laughs_refused_before_expansion(tmp_path: Path) -> None:
    report = check(tmp_path, "lol.xml", LAUGHS)
    assert [i.rule for i in report.issues] == ["entity-declaration"]


@pytest.mark.skipif(not (TEI_ALL_RNG.exists() and jing.available()), reason="needs jing")
def test_external_dtd_is_not_fetched(tmp_path: Path) -> None:
    """192.0.2.1 is TEST-NET-1: a fetch would hang until a timeout; jing gets a masked copy."""
    report = check(tmp_path, "dtd.xml", EXTERNAL_DTD, schemas=[TEI_ALL_RNG])
    assert report.issues and all(i.line == 3 for i in report.issues if i.rule == "tei_all.rng")


def test_the_engine_copy_keeps_lines_and_columns_without_the_doctype() -> None:
    masked = engine_copy(EXTERNAL_DTD)
    assert masked.split(b"\n")[2:] == EXTERNAL_DTD.split(b"\n")[2:]
    assert masked.count(b"\n") == EXTERNAL_DTD.count(b"\n")
    assert b"DOCTYPE" not in masked and b"192.0.2.1" not in masked


@pytest.mark.parametrize("data", [
    '<?xml version="1.0" encoding="UTF-8"?>\n<a>é</a>'.encode(),
    "<a>é</a>".encode(),  # no declaration: UTF-8
    '<?xml version="1.0" encoding="ISO-8859-1"?>\n<a>é</a>'.encode("latin-1"),
    '<?xml version="1.0" encoding="UTF-16"?>\n<a>é</a>'.encode("utf-16"),
    "\ufeff<a>é</a>".encode(),  # a byte order mark: dropped
    '<?xml version="1.0" encoding="utf8"?>\n<a>é</a>'.encode(),  # named as every engine knows it
])
def test_the_engine_copy_is_utf_8_with_the_same_lines(data: bytes) -> None:
    copy = engine_copy(data)
    text = copy.decode("utf-8")
    assert text.endswith("<a>é</a>") and not text.startswith("\ufeff")
    assert text.count("\n") == data.count(b"\n" if b"\x00" not in data else "\n".encode("utf-16-le"))
    if text.startswith("<?xml"):
        assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')


@pytest.mark.parametrize("data", [
    '<?xml version="1.0" encoding="UTF-8"?>\n<a>é</a>\n'.encode(),
    '<?xml version="1.1" encoding="UTF-8"?>\r\n<a>é</a>'.encode(),
    "<a>é</a>".encode(),
    '<!-- a comment first --><a>é</a>'.encode(),
])
def test_a_utf_8_document_without_doctype_is_its_own_engine_copy(data: bytes) -> None:
    """The copy keeps every byte, columns of the first line too (decoded and encoded again
    only when something is to change)."""
    assert engine_copy(data) == data


@pytest.mark.parametrize(
    ("name", "data", "rule", "words"),
    [
        ("binary.xml", bytes(range(256)) * 64, "not-xml", "binary"),
        ("empty.xml", b"", "not-xml", "empty"),
        ("text.xml", b"Dear Lazar,\nthis is a letter, not XML.\n", "well-formed", "not well-formed"),
        ("truncated.xml", b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader>', "well-formed",
         "not well-formed"),
    ],
)
def test_non_xml_is_one_clear_error(tmp_path: Path, name: str, data: bytes, rule: str,
                                    words: str) -> None:
    report = check(tmp_path, name, data)
    assert len(report.issues) == 1
    assert report.issues[0].rule == rule and words in report.issues[0].message


def test_a_200_mb_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    """Generated here (about a second); checked in a child process to measure its memory."""
    big = tmp_path / "big.xml"
    paragraph = b"<p>" + b"The Politburo met again and decided the same. " * 20 + b"</p>\n"
    with big.open("wb") as out:
        out.write(b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader/><text><body>\n')
        block = paragraph * 1000
        for _ in range(200 * 2**20 // len(block) + 1):
            out.write(block)
        out.write(b"</body></text></TEI>\n")
    assert big.stat().st_size > 200 * 10**6
    done = subprocess.run(
        [sys.executable, "-m", "tei", "validate", str(big), "--no-cache", "--format", "json"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert '"rule": "too-large"' in done.stdout and "split it" in done.stdout
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across fork and exec, so a child of a
    # big pytest process would report the parent's peak.
    probe = (
        "import re, sys\n"
        "from tei.validate import validate_paths\n"
        "validate_paths([sys.argv[1]], use_cache=False)\n"
        "status = open('/proc/self/status').read()\n"
        "print(re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, str(big)], capture_output=True,
                          text=True, timeout=60)
    peak_mib = int(done.stdout.split()[-1]) / 1024
    assert peak_mib < 150, f"the check used {peak_mib:.0f} MiB"


def test_a_pipe_or_device_is_refused_unread(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "pipe.xml")  # reading it would wait for a writer for ever
    report = validate_paths([tmp_path / "pipe.xml", "/dev/zero"], use_cache=False,
                            register=REGISTER)
    assert [i.rule for f in report.files for i in f.issues] == ["io", "io"]
    assert all("not a regular file" in i.message for f in report.files for i in f.issues)


def test_deep_nesting_is_said_in_words(tmp_path: Path) -> None:
    deep = b"<TEI>" + b"<hi>" * 400 + b"x" + b"</hi>" * 400 + b"</TEI>"
    (issue,) = check(tmp_path, "deep.xml", deep).files[0].issues
    assert "nested deeper than 256 levels" in issue.message and "XML_PARSE" not in issue.message


@pytest.mark.parametrize("command", [
    ["validate", "{tei}", "-o", "{file}/report.txt"],
    ["render", "web", "{tei}", "-o", "{file}/site"],
    ["export", "cmif", "{tei}", "-o", "{file}/cmif.xml", "--metadata", "{metadata}"],
])
def test_an_output_that_cannot_be_written_is_one_line(tmp_path: Path, command: list[str]) -> None:
    from click.testing import CliRunner

    from tei.cli import main

    (tmp_path / "a-file").write_text("x")
    values = {"tei": str(FIXTURES / "validate" / "valid"), "file": str(tmp_path / "a-file"),
              "metadata": str(FIXTURES / "export" / "metadata.toml")}
    result = CliRunner().invoke(main, [part.format(**values) for part in command])
    assert result.exit_code == 2, result.output
    assert "cannot write the output" in result.output
    assert isinstance(result.exception, SystemExit)  # a clean exit, no exception escaped


def test_a_schema_that_refers_to_the_network_is_refused(tmp_path: Path) -> None:
    from tei.errors import TeitoolError

    remote = tmp_path / "remote.rng"
    remote.write_text('<grammar xmlns="http://relaxng.org/ns/structure/1.0">'
                      '<include href="http://192.0.2.1/x.rng"/></grammar>')
    outer = tmp_path / "outer.rng"  # through a local include, too
    outer.write_text('<grammar xmlns="http://relaxng.org/ns/structure/1.0">'
                     '<include href="remote.rng"/></grammar>')
    (tmp_path / "a.xml").write_text("<a/>")
    for schema in (remote, outer):
        with pytest.raises(TeitoolError, match="never fetches schemas from the network"):
            validate_paths([tmp_path / "a.xml"], schemas=[schema], builtin=False, use_cache=False)


def test_a_broken_file_does_not_hide_the_files_after_it_from_jing(tmp_path: Path) -> None:
    """jing stops at a file that is not well-formed; the files after it must still be checked
    (and an unchecked file never cached as valid)."""
    if not (jing.available() and TEI_ALL_RNG.is_file()):
        pytest.skip("needs Java and ../shared/tei-p5/tei_all.rng")
    (tmp_path / "a-empty.xml").write_text("")
    (tmp_path / "b-no-header.xml").write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>x</p></body></text></TEI>')
    report = validate_paths([tmp_path], schemas=[TEI_ALL_RNG], builtin=False,
                            use_cache=False, rng_engine="jing")
    assert [f.errors > 0 for f in report.files] == [True, True]
    assert "teiHeader" in report.files[1].issues[0].message


def test_the_parser_of_a_thread_forgets_the_last_document() -> None:
    """The secure parser is made once per thread and used for document after document: a
    refused or faulty document leaves nothing behind for the next, and threads parse at once
    without mixing their documents."""
    good = b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><text xml:id="a"/></TEI>'
    faults = [b"<TEI><unclosed></TEI>", b'<!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>',
              b"<TEI>&undeclared;</TEI>", b'<TEI xml:id="[uuid]"/>']
    for fault in faults:
        with contextlib.suppress(XmlProblem):
            parse_bytes(fault, "fault.xml", namespace_errors=[])
        problems: list[XmlProblem] = []
        tree = parse_bytes(good, "good.xml", namespace_errors=problems)
        assert problems == [] and tree.getroot().tag.endswith("TEI")

    def ids(n: int) -> list[str]:
        return [parse_bytes(f'<d xml:id="t{n}-{i}"/>'.encode(), f"{n}.xml").getroot().get(
            "{http://www.w3.org/XML/1998/namespace}id") for i in range(300)]

    with ThreadPoolExecutor(4) as pool:
        found = list(pool.map(ids, range(4)))
    assert found == [[f"t{n}-{i}" for i in range(300)] for n in range(4)]
