"""teitool as users get it: the wheel and the sdist, installed into a fresh virtual environment.

Tests inside the checkout run an editable install, which finds its stylesheets, schemas and
skeleton whether or not they are declared as package data. These tests build the
distributions from a clean copy of the checkout (so that the checkout gets no build/ or
*.egg-info), check that every file of the package is in them, install the wheel with its
dependencies (from PyPI through pip's cache) into a new venv in a temporary folder, and run
teitool from a folder outside the checkout: `teitool init`, `teitool build`, `teitool
validate`, as the README of a new project says.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest
from cleancopy import clean_copy
from conftest import FIXTURES, ROOT

VALID, INVALID = FIXTURES / "validate" / "valid", FIXTURES / "validate" / "invalid"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
#: The base interpreter behind the test's venv: the fresh venv must not inherit that venv.
BASE_PYTHON = os.path.realpath(sys.executable)
#: Folders of package data teitool cannot run without (tei/resources.py).
DATA_FOLDERS = ("tei/xslt", "tei/schema", "tei/skeleton")


def run(command: Iterable[str | os.PathLike[str]], *, cwd: Path, env: dict[str, str] | None = None,
        timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([os.fspath(part) for part in command], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def ok(done: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert done.returncode == 0, f"{done.args}: exit {done.returncode}\n{done.stdout}{done.stderr}"
    return done


def package_files(tree: Path) -> dict[str, str]:
    """The files of the ``tei`` package in a source tree or install: name → sha256."""
    return {
        path.relative_to(tree).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in (tree / "tei").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def wheel_files(wheel: Path) -> dict[str, str]:
    with zipfile.ZipFile(wheel) as archive:
        return {name: hashlib.sha256(archive.read(name)).hexdigest()
                for name in archive.namelist()
                if not name.endswith("/") and ".dist-info/" not in name}


@dataclass
class Dists:
    source: Path  # the clean copy the expectations come from
    wheel: Path
    sdist: Path
    sdist_wheel: Path  # the wheel pip builds from the sdist (what `pip install teitool` does)


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> Dists:
    base = tmp_path_factory.mktemp("dists")
    # One snapshot (others edit the checkout meanwhile), one copy of it per build:
    # setuptools reads a former build's egg-info/SOURCES.txt into the next sdist, which would
    # hide a file the package data does not declare.
    snapshot = clean_copy(base / "snapshot")
    for name in ("sdist", "wheel"):
        shutil.copytree(snapshot, base / name)

    ok(run([sys.executable, "-m", "build", "--sdist", "--outdir", base / "dist", base / "sdist"],
           cwd=base))
    (sdist,) = (base / "dist").glob("teitool-*.tar.gz")

    ok(run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", base / "dist",
            base / "wheel"], cwd=base))
    (wheel,) = (base / "dist").glob("teitool-*.whl")

    ok(run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir",
            base / "from-sdist", sdist], cwd=base))
    (sdist_wheel,) = (base / "from-sdist").glob("teitool-*.whl")
    return Dists(snapshot, wheel, sdist, sdist_wheel)


def test_wheel_has_every_package_file(dists: Dists) -> None:
    expected = package_files(dists.source)
    for folder in DATA_FOLDERS:
        assert any(name.startswith(folder + "/") for name in expected), f"{folder}/ is empty"
    files = wheel_files(dists.wheel)
    # Every file, with its bytes: a dotfile or a file in a hidden folder of the skeleton
    # (.gitignore, .github/workflows/) is the first a glob in package-data misses.
    assert sorted(set(expected) - set(files)) == [], "missing from the wheel"
    assert sorted(set(files) - set(expected)) == [], "in the wheel, not in the package"
    assert files == expected
    with zipfile.ZipFile(dists.wheel) as archive:
        top_level = archive.read(f"teitool-{VERSION}.dist-info/top_level.txt").decode()
        entry_points = archive.read(f"teitool-{VERSION}.dist-info/entry_points.txt").decode()
    assert top_level.split() == ["tei"]
    assert "teitool = tei.cli:main" in entry_points


def test_sdist_has_package_data_and_builds_the_same_wheel(dists: Dists) -> None:
    prefix = f"teitool-{VERSION}/"
    with tarfile.open(dists.sdist) as archive:
        members = {member.name.removeprefix(prefix) for member in archive.getmembers()
                   if member.isfile()}
    missing = sorted(set(package_files(dists.source)) - members)
    assert missing == [], "missing from the sdist"
    assert {"pyproject.toml", "README.md", "PKG-INFO"} <= members
    assert wheel_files(dists.sdist_wheel) == wheel_files(dists.wheel)


def test_pip_install_of_a_checkout_gives_the_wheels_files(dists: Dists, tmp_path: Path) -> None:
    """`pip install .` (not editable), as the GitHub Action and `pip install git+…` do."""
    source = shutil.copytree(dists.source, tmp_path / "checkout")
    ok(run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-compile",
            "--target", tmp_path / "target", source], cwd=tmp_path))
    assert package_files(tmp_path / "target") == wheel_files(dists.wheel)


# --- the wheel, installed -------------------------------------------------------------------


@dataclass
class Installed:
    bin: Path
    env: dict[str, str]  # for commands: the fresh venv first on PATH, nothing of the test's


@pytest.fixture(scope="module")
def installed(dists: Dists, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    # From the base interpreter, without --system-site-packages: nothing of the test's venv.
    # Without pip of its own (teitool needs none; ensurepip alone takes seconds): the test's
    # pip installs into it through --python.
    ok(run([BASE_PYTHON, "-m", "venv", "--without-pip", venv], cwd=venv.parent))
    bin_ = venv / "bin"
    # The wheel and its dependencies as `pip install teitool` gets them; pip's download
    # cache makes the second run fast.
    ok(run([sys.executable, "-m", "pip", "--python", bin_ / "python", "install",
            "--disable-pip-version-check", dists.wheel], cwd=venv.parent))
    test_venv = str(Path(sys.executable).parent)
    path = [str(bin_)] + [p for p in os.environ["PATH"].split(os.pathsep) if p != test_venv]
    env = {name: value for name, value in os.environ.items()
           if name not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "TEITOOL_CACHE_DIR"}}
    env["PATH"] = os.pathsep.join(path)
    return Installed(bin_, env)


def test_installed_wheel_runs_outside_the_checkout(installed: Installed, tmp_path: Path) -> None:
    done = ok(run(["teitool", "--version"], cwd=tmp_path, env=installed.env))
    assert done.stdout.strip() == f"teitool, version {VERSION}"
    # The package imported is the installed one, not the checkout.
    done = ok(run(["python", "-c", "import tei; print(tei.__file__)"], cwd=tmp_path,
                  env=installed.env))
    location = Path(done.stdout.strip())
    assert location.is_relative_to(installed.bin.parent), location
    assert not location.is_relative_to(ROOT)

    done = run(["teitool", "validate", VALID], cwd=tmp_path, env=installed.env)
    assert done.returncode == 0, done.stdout + done.stderr
    done = run(["teitool", "validate", INVALID / "unknown-element.xml"],
               cwd=tmp_path, env=installed.env)
    assert done.returncode == 1 and "blink" in done.stdout, done.stdout + done.stderr

    ok(run(["teitool", "render", "web", VALID, "-o", "site"], cwd=tmp_path,
           env=installed.env))
    assert (tmp_path / "site" / "index.html").is_file()
    assert list((tmp_path / "site" / "letters").glob("*.html"))


def test_init_build_validate(installed: Installed, tmp_path: Path) -> None:
    """The first five minutes: a new project from `teitool init`, built and validated."""
    ok(run(["teitool", "init", "proj"], cwd=tmp_path, env=installed.env))
    project = tmp_path / "proj"
    # The skeleton, dotfiles and hidden folders included.
    assert (project / ".gitignore").is_file()
    assert (project / ".github" / "workflows" / "tei.yml").is_file()
    assert (project / "README.md").is_file()

    done = ok(run(["teitool", "build"], cwd=project, env=installed.env))
    build = project / "build"
    assert (build / "site" / "index.html").is_file(), done.stdout + done.stderr
    assert (build / "print" / "edition.pdf").read_bytes().startswith(b"%PDF-")
    assert (build / "export" / "cmif.xml").is_file()
    assert (build / "export" / "bag" / "bagit.txt").is_file()
    assert list((build / "tei" / "letters").glob("*.xml"))

    done = run(["teitool", "validate", "build/tei"], cwd=project, env=installed.env)
    assert done.returncode == 0, done.stdout + done.stderr
