"""Outputs on a hostile machine: what killed runs leave behind, devices and pipes given as
outputs, a full disk, and whatever else escapes: one line from the CLI, never a traceback."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, SOURCES

import tei.render.web
from tei.cli import main
from tei.errors import TeitoolError
from tei.render.xslt import WriteFailure, compile_stylesheet
from tei.xmlio import atomic_directory, write_atomic

VALID = FIXTURES / "validate" / "valid"
METADATA = FIXTURES / "export" / "metadata.toml"
LETTERS = SOURCES / "003_171032f87d76c798.txt"


def hold(code: str, *args: str) -> tuple[subprocess.Popen[str], str]:
    """Start a Python child running ``code``; return it and the first line it prints."""
    child = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                             text=True)
    assert child.stdout is not None
    return child, child.stdout.readline().strip()


def age(path: Path) -> None:
    """Date ``path`` a minute back, as if a run killed a minute ago had left it."""
    past = time.time() - 60
    os.utime(path, (past, past), follow_symlinks=False)


# --- what killed runs leave behind ------------------------------------------------------------

#: A run building a folder, stopped half-way until it is killed.
BUILDING = """
import sys, time
from tei.xmlio import atomic_directory
with atomic_directory(sys.argv[1]) as staging:
    (staging / "page.html").write_text("half a page")
    print(staging, flush=True)
    time.sleep(120)
"""

#: A run writing a file, stopped before the file is complete until it is killed.
WRITING = """
import os, sys, time
def stall(fd):
    print("writing", flush=True)
    time.sleep(120)
os.fsync = stall
from tei.xmlio import write_atomic
write_atomic(sys.argv[1], b"x" * 100_000)
"""


def test_a_killed_runs_staging_folder_is_removed_by_the_next_run(tmp_path: Path) -> None:
    target = tmp_path / "site"
    child, staging = hold(BUILDING, str(target))
    child.kill()  # SIGKILL: no clean-up of its own runs
    child.wait()
    assert Path(staging).is_dir()
    age(Path(staging))
    with atomic_directory(target) as new:
        (new / "index.html").write_text("whole")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert (target / "index.html").read_text() == "whole"


def test_a_running_runs_staging_folder_is_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "site"
    child, staging = hold(BUILDING, str(target))
    try:
        age(Path(staging))  # old, but its run is alive and holds it
        with atomic_directory(target) as new:
            (new / "index.html").write_text("whole")
        assert (Path(staging) / "page.html").read_text() == "half a page"
    finally:
        child.kill()
        child.wait()


def test_only_its_own_abandoned_leftovers_are_removed(tmp_path: Path) -> None:
    target = tmp_path / "site"
    staging = tmp_path / ".site.abcd1234.tmp"  # a killed build's
    (staging / "tei").mkdir(parents=True)
    retired = tmp_path / ".site.k2j4_9zz.old"  # a build killed while removing the old one
    (retired / "old" / "tei").mkdir(parents=True)
    others = [".site.abc.tmp", ".site.abcd1234.bak", ".other.abcd1234.tmp", "site.abcd1234.tmp",
              ".site.ABCD1234.tmp", ".site.x.abcd1234.tmp"]
    for name in others:
        (tmp_path / name).mkdir()
    a_file = tmp_path / ".site.file1234.tmp"
    a_file.write_text("a file, where a staging folder would be a folder")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep").write_text("keep")
    link = tmp_path / ".site.link1234.tmp"
    link.symlink_to(elsewhere)
    for path in [staging, retired, a_file, link, *(tmp_path / name for name in others)]:
        age(path)
    newer = tmp_path / ".site.newr1234.tmp"  # a run that started after this one
    newer.mkdir()
    future = time.time() + 60
    os.utime(newer, (future, future))
    with atomic_directory(target) as new:
        (new / "index.html").write_text("whole")
    assert not staging.exists() and not retired.exists()
    assert all((tmp_path / name).is_dir() for name in others)
    assert a_file.is_file() and link.is_symlink() and (elsewhere / "keep").is_file()
    assert newer.is_dir()


def test_a_killed_writes_temporary_file_is_removed_by_the_next_write(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    child, said = hold(WRITING, str(target))
    assert said == "writing"
    child.kill()
    child.wait()
    (leftover,) = tmp_path.glob(".report.txt.*.tmp")
    age(leftover)
    write_atomic(target, "the report")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]


def test_a_running_writes_temporary_file_is_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    child, _ = hold(WRITING, str(target))
    try:
        (pending,) = tmp_path.glob(".report.txt.*.tmp")
        age(pending)
        write_atomic(target, "the report")
        assert pending.is_file() and target.read_text() == "the report"
    finally:
        child.kill()
        child.wait()


def test_a_failed_swap_puts_the_old_folder_back(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "site"
    target.mkdir()
    (target / "index.html").write_text("old")
    real_replace = os.replace

    def replace(source, destination):  # noqa: ANN001, ANN202
        if Path(destination) == target and Path(source).suffix == ".tmp":  # the new one only
            raise OSError(errno.EIO, "Input/output error")
        return real_replace(source, destination)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(TeitoolError, match="Input/output error"), atomic_directory(target) as new:
        (new / "index.html").write_text("new")
    monkeypatch.undo()
    assert (target / "index.html").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


# --- devices, pipes and sockets as outputs -----------------------------------------------------


@pytest.fixture
def specials(tmp_path: Path) -> Iterator[list[Path]]:
    """Paths that exist and are neither a file nor a folder; a write must not replace them."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    sock = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock))
    link = tmp_path / "to-null"
    link.symlink_to(os.devnull)
    yield [Path(os.devnull), fifo, sock, link]
    server.close()


def kind(path: Path) -> int:
    return stat.S_IFMT(os.stat(path).st_mode)


@pytest.fixture
def build_dir(tmp_path: Path) -> Path:
    """The least that export bag takes: a build folder with a register."""
    folder = tmp_path / "build"
    (folder / "tei").mkdir(parents=True)
    shutil.copy(SOURCES / "persons.xml", folder / "tei" / "persons.xml")
    return folder


COMMANDS = [
    ["encode", str(LETTERS), "-o", "{out}"],
    ["validate", str(VALID), "-o", "{out}"],
    ["validate", str(VALID), "--format", "sarif", "-o", "{out}"],
    ["render", "web", str(VALID), "-o", "{out}"],
    ["render", "print", str(VALID), "-o", "{out}"],
    ["render", "print", str(VALID), "-o", "{tmp}/edition.pdf", "--typst"],  # {out}: the .typ
    ["export", "cmif", str(VALID), "-o", "{out}", "--metadata", str(METADATA)],
    ["export", "bag", "{build}", "-o", "{out}"],
    ["build", str(SOURCES), "-o", "{out}"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_device_pipe_or_socket_as_output_is_refused(
    command: list[str], specials: list[Path], build_dir: Path, tmp_path: Path
) -> None:
    for special in specials:
        out = special
        if "--typst" in command:  # the kept source is the second output: make it the special one
            out = tmp_path / "edition.typ"
            with contextlib.suppress(FileNotFoundError):
                out.unlink()
            out.symlink_to(special)
        before = kind(special)
        args = [part.format(out=out, tmp=tmp_path, build=build_dir) for part in command]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, (special, result.output)
        assert result.output.count("\n") == 1, result.output
        assert result.output.startswith(f"teitool: {out}: cannot write the output: it is a ")
        assert kind(special) == before  # still the device, pipe or socket it was


def test_write_atomic_and_atomic_directory_refuse_them_too(specials: list[Path],
                                                         tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    for special in specials:
        with pytest.raises(TeitoolError, match="cannot write the output: it is a"):
            write_atomic(special, "data")
        with pytest.raises(TeitoolError, match="not a folder"), atomic_directory(special):
            pass
        assert kind(special) in (stat.S_IFCHR, stat.S_IFIFO, stat.S_IFSOCK)
    with pytest.raises(TeitoolError, match="it is a file, not a folder"), atomic_directory(a_file):
        pass
    with pytest.raises(TeitoolError, match="it is a folder, not a file"):
        write_atomic(tmp_path, "data")


# --- a full disk ---------------------------------------------------------------------------------

needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")

RESULT_DOCUMENT = """<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:template name="xsl:initial-template">
    <xsl:result-document href="page.html" method="html">
      <html><body><xsl:for-each select="1 to 5000"><p>line <xsl:value-of select="."/></p>
      </xsl:for-each></body></html>
    </xsl:result-document>
  </xsl:template>
</xsl:stylesheet>
"""


def test_write_atomic_says_the_disk_is_full(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "edition.pdf"
    target.write_bytes(b"the previous edition")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(TeitoolError) as caught:
        write_atomic(target, b"%PDF new")
    assert str(caught.value) == f"{target}: cannot write the output: No space left on device"
    assert target.read_bytes() == b"the previous edition"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edition.pdf"]


@needs_dev_full
def test_saxon_on_a_full_disk_is_one_line_of_ours(tmp_path: Path, capfd) -> None:
    """/dev/full answers every write with ENOSPC: the page Saxon writes is a link to it."""
    sheet_path = tmp_path / "pages.xsl"
    sheet_path.write_text(RESULT_DOCUMENT)
    out = tmp_path / "out"
    out.mkdir()
    (out / "page.html").symlink_to("/dev/full")
    with pytest.raises(WriteFailure) as caught:
        compile_stylesheet(sheet_path).call_template(None, base_output_uri=out)
    assert caught.value.reason == "No space left on device"
    assert caught.value.path == str(out.resolve() / "page.html")
    assert capfd.readouterr().err == ""  # Saxon's own six lines are held back


@needs_dev_full
def test_render_web_on_a_full_disk_says_so_first(tmp_path: Path, monkeypatch, capfd) -> None:
    real = tei.render.web.atomic_directory

    @contextlib.contextmanager
    def full_disk(path: Path) -> Iterator[Path]:
        with real(path) as staging:
            (staging / "index.html").symlink_to("/dev/full")
            yield staging

    monkeypatch.setattr(tei.render.web, "atomic_directory", full_disk)
    site = tmp_path / "site"
    result = CliRunner().invoke(main, ["render", "web", str(VALID), "-o", str(site)])
    assert result.exit_code == 2
    assert result.output == (
        f"teitool: {site}/index.html: cannot write the output: No space left on device\n")
    assert "Error in" not in capfd.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing half-made is left


# --- whatever escapes: one line ------------------------------------------------------------------


def raising(exc: BaseException) -> Callable[..., None]:
    def function(*args: object, **kwargs: object) -> None:
        raise exc

    return function


@pytest.mark.parametrize(
    ("exc", "line"),
    [
        (OSError(errno.ENOSPC, "No space left on device", "/out/report.txt"),
         "/out/report.txt: No space left on device"),
        (PermissionError(errno.EACCES, "Permission denied", "/etc/teitool"),
         "/etc/teitool: Permission denied"),
        (OSError(errno.EXDEV, "Invalid cross-device link", "/a", None, "/b"),
         "/a -> /b: Invalid cross-device link"),
        (MemoryError(), "out of memory: the input is too large for the memory of this machine"),
        (KeyError("boom"), "internal error: KeyError: 'boom'; please report it "
                           "(set TEITOOL_DEBUG=1 for the traceback)"),
        (RuntimeError("line one\nline\x1b[2J two"), "internal error: RuntimeError: line one\\nline"
                                                     "\\x1b[2J two; please report it (set "
                                                     "TEITOOL_DEBUG=1 for the traceback)"),
    ],
    ids=["enospc", "eacces", "two-files", "memory", "bug", "bug-with-control-characters"],
)
def test_what_escapes_the_library_is_one_line(exc: BaseException, line: str, monkeypatch) -> None:
    monkeypatch.delenv("TEITOOL_DEBUG", raising=False)
    monkeypatch.setattr("tei.validate.validate_paths", raising(exc))
    result = CliRunner().invoke(main, ["validate", str(VALID)])
    assert result.exit_code == 2
    assert result.output == f"teitool: {line}\n"
    assert isinstance(result.exception, SystemExit)


def test_teitool_debug_shows_the_traceback(monkeypatch) -> None:
    monkeypatch.setenv("TEITOOL_DEBUG", "1")
    monkeypatch.setattr("tei.validate.validate_paths", raising(KeyError("boom")))
    result = CliRunner().invoke(main, ["validate", str(VALID)])
    assert result.exit_code == 2
    assert result.output.startswith("Traceback (most recent call last):")
    assert result.output.splitlines()[-1].startswith("teitool: internal error: KeyError: 'boom'")


def test_usage_errors_are_still_clicks(monkeypatch) -> None:
    result = CliRunner().invoke(main, ["validate", "--format", "nope"])
    assert result.exit_code == 2 and "Usage:" in result.output and "internal" not in result.output


def test_a_reader_that_goes_away_is_no_error(tmp_path: Path) -> None:
    """``teitool validate | head``: the pipe closes early; no traceback, the shell's 141."""
    many = tmp_path / "tei"
    many.mkdir()
    for n in range(50):
        shutil.copy(FIXTURES / "validate" / "invalid" / "bad-attribute.xml", many / f"{n}.xml")
    child = subprocess.Popen(
        [sys.executable, "-m", "tei", "validate", str(many), "--no-cache"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "TEITOOL_CACHE_DIR": str(tmp_path / "cache")})
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # before teitool writes a byte
    error = child.stderr.read()
    assert child.wait() == 141
    assert error == b""
