"""A copy of the checkout as it would be committed, for tests that build or pip-install it.

pip and setuptools build a source tree in place: from the checkout itself they would leave
``build/`` and ``teitool.egg-info/`` behind, and they would pick up whatever lies around
(caches, an old ``build/``). A copy of the files git would commit (tracked, plus new files
not ignored) is what a clone, ``pip install git+…`` or the GitHub Action's checkout gets.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import ROOT

#: Without git (an unpacked sdist): what .gitignore keeps out.
IGNORED = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
    ".ruff_cache", ".mypy_cache", ".teitool-cache",
)


def committed_files() -> list[str] | None:
    """The checkout's files as git would commit them, or None outside a git checkout."""
    try:
        listing = subprocess.run(
            ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True, check=True, timeout=60,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return [os.fsdecode(name) for name in listing.split(b"\0") if name]


def clean_copy(dest: Path) -> Path:
    """Copy the checkout's committable files to ``dest`` (created) and return it."""
    names = committed_files()
    if names is None:
        shutil.copytree(ROOT, dest, ignore=IGNORED, symlinks=True)
        return dest
    dest.mkdir(parents=True)
    for name in names:
        source = ROOT / name
        # A tracked file deleted in the working tree is not part of the next commit.
        if not source.is_file():
            continue
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    return dest
