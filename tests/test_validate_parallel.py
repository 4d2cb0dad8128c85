"""How a run shares the machine: jing started first, at most one JVM per core, the Python
layers on the gate's trees while jing works, the sandbox in memory when it has room."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, TEI_ALL_RNG

from tei.errors import TeitoolError
from tei.validate import jing, runner, validate_paths
from tei.validate.specs import SchemaSpec

needs_jing = pytest.mark.skipif(not jing.available(), reason="needs Java (jing)")
needs_tei_all = pytest.mark.skipif(not TEI_ALL_RNG.exists(), reason="needs tei_all.rng")

RNG = ('<grammar xmlns="http://relaxng.org/ns/structure/1.0">'
       '<start><element name="a"><empty/></element></start></grammar>')
EMBEDDED = FIXTURES / "validate" / "embedded"


def test_slices_are_even_and_never_over_the_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    assert jing.slices(10, 1) == [range(0, 10)]
    assert jing.slices(10, 3) == [range(0, 4), range(4, 7), range(7, 10)]
    assert jing.slices(2, 4) == [range(0, 1), range(1, 2)]
    assert jing.slices(0, 2) == []
    monkeypatch.setattr(jing, "BATCH", 4)
    assert jing.slices(10, 1) == [range(0, 4), range(4, 7), range(7, 10)]


@pytest.mark.parametrize(("schemas", "workers", "python_work", "expected"), [
    (1, 2, True, 1),   # two cores and Schematron to run: one core for Python
    (1, 2, False, 2),  # grammar only: both
    (1, 8, True, 7),
    (2, 8, True, 3),   # two schemas share the cores
    (1, 1, True, 1),   # --jobs 1
])
def test_jing_gets_the_cores_the_python_layers_leave(schemas: int, workers: int,
                                                     python_work: bool, expected: int) -> None:
    assert runner._jing_cores(schemas, workers, python_work) == expected


@pytest.mark.parametrize(("files", "cores", "driver", "expected"), [
    (2007, 2, False, 1),  # a second JVM would not pay for its start-up
    (6000, 2, False, 2),  # one per core at most
    (6000, 7, False, 4),
    (10, 8, False, 1),
    (2007, 2, True, 2),   # a thread costs little
    (60, 8, True, 1),
    (6000, 7, True, 7),
])
def test_how_many_files_jing_checks_at_once(files: int, cores: int, driver: bool,
                                            expected: int, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    monkeypatch.setattr(jing, "driver_jar", lambda _cache: Path("driver.jar") if driver else None)
    assert jing.parallelism(files, cores, Path("cache")) == expected


@needs_jing
def test_slices_in_turn_give_the_same_findings(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """More slices than processes: each starts when one ends; a file that stops jing still
    leaves the files after it checked, in its slice and in the next ones."""
    schema = tmp_path / "a.rng"
    schema.write_text(RNG)
    files = [(f"f{n}.xml", b"<a/>" if n % 3 else b"<b/>") for n in range(9)]
    files[4] = ("broken.xml", b"<a>")
    expected = jing.start(SchemaSpec.from_path(schema), files, None).results()
    monkeypatch.setattr(jing, "BATCH", 2)
    run = jing.start(SchemaSpec.from_path(schema), files, None, parallel=2)
    assert len(run.processes) == 2 and len(run.waiting) == 3
    assert run.results() == expected
    assert [bool(expected[name]) for name, _ in files] == [
        True, False, False, True, True, False, True, False, False]


@needs_jing
def test_jing_started_before_the_copies_waits_for_them(tmp_path: Path) -> None:
    """jing starts before the gate has written the copies: one it reaches too early stops
    it, and it starts again there once all are written, with the same findings. A file the
    gate refused gets teitool's placeholder, whose findings are not the file's."""
    schema = tmp_path / "a.rng"
    schema.write_text(RNG)
    files = [(f"f{n}.xml", b"<a/>" if n % 3 else b"<b/>") for n in range(9)]
    expected = jing.start(SchemaSpec.from_path(schema), files, None).results()
    expected["refused.xml"] = []
    names = [name for name, _ in files] + ["refused.xml"]
    run = jing.begin(SchemaSpec.from_path(schema), names, None)
    spawned: list[range] = []
    spawn = run._spawn

    def counted(indexes: range) -> subprocess.Popen[bytes]:
        spawned.append(indexes)
        return spawn(indexes)

    run._spawn = counted  # type: ignore[method-assign]
    run.processes[0][0].wait()  # jing reached the first copy before it was there
    for index, (_name, data) in enumerate(files):
        run.add(index, data)
    run.add(len(files), None)  # the gate refused it
    run.added()
    assert run.results() == expected
    assert spawned == [range(0, 10)]  # started again at the first file, once


@needs_jing
def test_the_sandbox_goes_to_memory_when_it_has_room(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    memory = tmp_path / "shm"
    memory.mkdir()
    monkeypatch.setattr(jing, "MEMORY_FOLDERS", (str(tmp_path / "missing"), str(memory)))
    schema = tmp_path / "a.rng"
    schema.write_text(RNG)
    run = jing.start(SchemaSpec.from_path(schema), [("x.xml", b"<b/>")], None)
    assert Path(run.sandbox.name).parent == memory.resolve()
    assert "not allowed" in run.results()["x.xml"][0].message
    assert list(memory.iterdir()) == []  # removed after the run
    monkeypatch.setattr(jing, "MEMORY_SHARE", 0.0)  # no room: the temporary folder
    run = jing.start(SchemaSpec.from_path(schema), [("x.xml", b"<b/>")], None)
    assert Path(run.sandbox.name).parent != memory.resolve()
    run.stop()


@needs_jing
def test_a_python_layer_that_fails_stops_jing_and_removes_its_copies(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    memory = tmp_path / "shm"
    memory.mkdir()
    monkeypatch.setattr(jing, "MEMORY_FOLDERS", (str(memory),))
    (tmp_path / "a.rng").write_text(RNG)
    (tmp_path / "broken.sch").write_text("<schema xmlns='http://purl.oclc.org/dsdl/schematron'"
                                         " queryBinding='xslt2'><pattern><rule context='a'>"
                                         "<assert test='(('>x</assert></rule></pattern>"
                                         "</schema>")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.xml").write_text("<a/>")
    with pytest.raises(TeitoolError):
        validate_paths([docs], schemas=[tmp_path / "a.rng", tmp_path / "broken.sch"],
                       builtin=False, use_cache=False)
    assert list(memory.iterdir()) == []


@needs_jing
@needs_tei_all
def test_the_layers_give_the_same_findings_here_and_in_worker_processes(tmp_path: Path) -> None:
    """jobs=2: one JVM and the embedded rules in this process, on the gate's trees; jobs=3:
    the rules in two worker processes, which parse again. The same findings either way."""
    for source in sorted(EMBEDDED.glob("*.xml")):
        for number in range(8):
            shutil.copy(source, tmp_path / f"{source.stem}-{number}.xml")
    (tmp_path / "not-xml.xml").write_text("<TEI")  # refused by the gate: never sent to jing
    (tmp_path / "grammar.xml").write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><x/></TEI>')
    reports = [validate_paths([tmp_path], schemas=[TEI_ALL_RNG], builtin=False,
                              use_cache=False, jobs=jobs) for jobs in (1, 2, 3)]
    found = [[(f.path, [i.to_dict() for i in f.issues]) for f in report.files]
             for report in reports]
    assert found[0] == found[1] == found[2]
    # six constraints broken 8 times each (a seventh is a warning), the parser, the grammar
    assert sum(1 for result in reports[0].files if result.errors) == 6 * 8 + 2
    assert reports[0].warnings == 8
    assert {i.layer for i in reports[0].issues} == {"schematron", "well-formed", "rng"}
