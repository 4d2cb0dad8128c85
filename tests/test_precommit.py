"""The pre-commit hooks (.pre-commit-hooks.yaml), run the way pre-commit runs them.

pre-commit installs the hook's repository into a venv (``language: python``), keeps the
staged files whose name matches ``files`` (and not ``exclude``), and runs
``shlex.split(entry) + args + files`` in the repository's root; a non-zero exit fails the
commit. Here the test's venv stands in for pre-commit's (it has ``teitool`` installed), and
a temporary repository for the user's.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import CLOSER_SCH, ROOT, user_repository

HOOKS: dict[str, dict[str, Any]] = {
    hook["id"]: hook
    for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
}
LETTER = "tei/letters/L1932-06-05-stalin-kaganovich.xml"
VALID = [LETTER, "tei/front/intro-001.xml", "tei/chapters/ch-001.xml", "tei/persons.xml"]


def matching(hook: dict[str, Any], names: list[str]) -> list[str]:
    """The staged files pre-commit passes to the hook (``types`` is the default, [file])."""
    assert "types" not in hook and "types_or" not in hook, "filter by types here too"
    files, exclude = re.compile(hook["files"]), re.compile(hook.get("exclude", "^$"))
    return [name for name in names if files.search(name) and not exclude.search(name)]


def run_hook(hook_id: str, repo: Path, staged: list[str],
             args: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    hook = HOOKS[hook_id]
    files = matching(hook, staged)
    assert files, "pre-commit does not run a hook without files"
    # A project's `args:` replace the hook's own.
    command = [*shlex.split(hook["entry"]), *(hook.get("args", []) if args is None else args),
               *files]
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env["PATH"]])
    env.pop("TEITOOL_CACHE_DIR", None)
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True,
                          timeout=300, check=False)


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """A user's repository: valid TEI, an invalid and a malformed file, files not TEI."""
    root = user_repository(tmp_path / "repo")
    (root / "bad" / "broken.tei").write_text("<TEI><text>", encoding="utf-8")
    (root / "schema").mkdir()
    (root / "schema" / "closer.sch").write_text(CLOSER_SCH, encoding="utf-8")
    (root / "README.md").write_text("# TEI\n", encoding="utf-8")
    (root / "notes.txt").write_text("not TEI\n", encoding="utf-8")
    return root


def test_hooks_are_declared_for_pre_commit() -> None:
    assert set(HOOKS) == {"teitool-validate", "teitool-validate-schema"}
    for hook in HOOKS.values():
        assert hook["language"] == "python"  # pre-commit pip-installs this repository
        assert shlex.split(hook["entry"])[:2] == ["teitool", "validate"]
        assert hook.get("pass_filenames", True) is True
        assert hook["require_serial"] is True  # teitool runs its own worker processes
    assert "--no-builtin" in shlex.split(HOOKS["teitool-validate-schema"]["entry"])


@pytest.mark.parametrize("hook_id", sorted(HOOKS))
def test_files_pattern_takes_xml_and_tei(hook_id: str) -> None:
    names = ["a.xml", "tei/letters/L1.xml", "b.tei", "tei/c.tei", "d.XML.bak", "e.xml.bak",
             "notes.txt", "README.md", "xml", "f.teitool", "g.xmlx", "schema/s.sch"]
    assert matching(HOOKS[hook_id], names) == ["a.xml", "tei/letters/L1.xml", "b.tei",
                                               "tei/c.tei"]


def test_validate_hook(repo: Path) -> None:
    staged = [*VALID, "README.md", "notes.txt", "schema/closer.sch"]
    done = run_hook("teitool-validate", repo, staged)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 files checked: all valid" in done.stdout

    # A .tei file is checked like any other.
    shutil.copy(repo / LETTER, repo / "tei" / "letters" / "copy.tei")
    done = run_hook("teitool-validate", repo, [*staged, "tei/letters/copy.tei"])
    assert done.returncode == 0 and "5 files checked" in done.stdout, done.stdout + done.stderr

    done = run_hook("teitool-validate", repo, [*staged, "bad/unknown-element.xml"])
    assert done.returncode == 1, done.stdout + done.stderr
    assert "bad/unknown-element.xml:30:92: error: Element 'blink'" in done.stdout

    done = run_hook("teitool-validate", repo, [*staged, "bad/broken.tei"])
    assert done.returncode == 1, done.stdout + done.stderr
    assert "bad/broken.tei:" in done.stdout


def test_schema_hook(repo: Path) -> None:
    # Without the built-in schema, well-formed XML passes, whatever its elements.
    done = run_hook("teitool-validate-schema", repo, ["bad/unknown-element.xml", "notes.txt"])
    assert done.returncode == 0, done.stdout + done.stderr
    done = run_hook("teitool-validate-schema", repo, ["bad/broken.tei"])
    assert done.returncode == 1, done.stdout + done.stderr

    # With the project's own schema as args, as the comment in .pre-commit-hooks.yaml shows.
    args = ["--schema", "schema/closer.sch"]
    done = run_hook("teitool-validate-schema", repo, VALID, args)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{LETTER}:" in done.stdout and "no closer here [no-closer]" in done.stdout
    done = run_hook("teitool-validate-schema", repo, ["tei/chapters/ch-001.xml"], args)
    assert done.returncode == 0, done.stdout + done.stderr
