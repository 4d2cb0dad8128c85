"""Project settings for ``teitool build``: ``teitool.toml`` or ``[tool.teitool]`` in pyproject.

An edition keeps its build settings beside its sources, so ``teitool build`` with no options
does the right thing in that folder and in CI. The search starts in the current folder and
walks up (as ruff and pytest do): the first ``teitool.toml``, or the first ``pyproject.toml``
with a ``[tool.teitool]`` table, wins. Paths in the file are relative to the file's folder.
Command-line options always win over the file; the file wins over the built-in defaults.

Keys (all optional)::

    [tool.teitool]            # or, in teitool.toml, the same keys at the top level
    sources = ["sources"]     # what `teitool build` encodes when no SOURCES are given
    output = "build"          # the build folder
    metadata = "sources/metadata.toml"
    register = "sources/persons.xml"
    paper = "a4"              # a4 | letter | a5
    pdfa = false              # the PDF as PDF/A-2b, for an archive's deposit
    line_numbers = false      # every fifth line numbered in the PDF's margin
    reading = "normalised"    # the PDF's text: normalised | diplomatic (the site has both)
    jobs = 2                  # worker processes for validation
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from tei.errors import EXIT_CANNOT_RUN, TeitoolError
from tei.readings import READINGS
from tei.tomlfile import read_toml

PAPER_SIZES = ("a4", "letter", "a5")
CONFIG_FILE = "teitool.toml"


@dataclass(frozen=True)
class Settings:
    """The effective settings of a build; ``None`` means "the step's own default"."""

    sources: tuple[Path, ...] = (Path("sources"),)
    output: Path = Path("build")
    metadata: Path | None = None
    register: Path | None = None
    paper: str = "a4"
    pdfa: bool = False
    line_numbers: bool = False
    reading: str = "normalised"
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    #: The file the settings were read from, if any (shown in the build summary).
    origin: Path | None = None

    def with_options(self, **options: Any) -> Settings:
        """Settings with every command-line option that was given (not ``None``) applied."""
        given = {name: value for name, value in options.items() if value is not None}
        if "sources" in given:
            given["sources"] = tuple(Path(p) for p in given["sources"])
            if not given["sources"]:
                del given["sources"]  # click gives () for "no SOURCES argument"
        unknown = set(given) - {f.name for f in fields(self)}
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        return replace(self, **given)


def _path(base: Path) -> Callable[[str, Any], Path]:
    def convert(key: str, value: Any) -> Path:
        if not isinstance(value, str) or not value:
            raise ValueError(f"{key} must be a path (a non-empty string)")
        return base / value

    return convert


def _paths(base: Path) -> Callable[[str, Any], tuple[Path, ...]]:
    def convert(key: str, value: Any) -> tuple[Path, ...]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(
            isinstance(item, str) and item for item in items
        ):
            raise ValueError(f"{key} must be a path or a list of paths")
        return tuple(base / item for item in items)

    return convert


def _paper(key: str, value: Any) -> str:
    if value not in PAPER_SIZES:
        raise ValueError(f"{key} must be one of {', '.join(PAPER_SIZES)}, not {value!r}")
    return str(value)


def _reading(key: str, value: Any) -> str:
    if value not in READINGS:
        raise ValueError(f"{key} must be one of {', '.join(READINGS)}, not {value!r}")
    return str(value)


def _flag(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{key} must be true or false, not {value!r}")
    return value


def _jobs(key: str, value: Any) -> int:
    # bool is an int in Python; "jobs = true" is a mistake, not 1.
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{key} must be a whole number of at least 1, not {value!r}")
    return value


def _converters(base: Path) -> dict[str, Callable[[str, Any], Any]]:
    return {
        "sources": _paths(base),
        "output": _path(base),
        "metadata": _path(base),
        "register": _path(base),
        "paper": _paper,
        "pdfa": _flag,
        "line_numbers": _flag,
        "reading": _reading,
        "jobs": _jobs,
    }


def settings_from_table(
    table: Mapping[str, Any], base: Path, origin: Path | None = None
) -> Settings:
    """Check and convert one ``[tool.teitool]`` table; paths are taken relative to ``base``."""
    converters = _converters(base)
    where = str(origin) if origin else "configuration"
    unknown = sorted(set(table) - set(converters))
    if unknown:
        raise TeitoolError(
            f"{where}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(converters)}",
            EXIT_CANNOT_RUN,
        )
    values: dict[str, Any] = {}
    for key, value in table.items():
        try:
            values[key] = converters[key](key, value)
        except ValueError as exc:
            raise TeitoolError(f"{where}: {exc}", EXIT_CANNOT_RUN) from None
    return replace(Settings(), origin=origin, **values)


def _table_of(path: Path) -> dict[str, Any] | None:
    """The teitool table of a config file, or ``None`` if a pyproject.toml has none."""
    data = read_toml(path)
    if path.name != "pyproject.toml":
        return data
    table = data.get("tool", {}).get("teitool")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise TeitoolError(f"{path}: [tool.teitool] must be a table", EXIT_CANNOT_RUN)
    return table


def find_config(start: Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    """The nearest config file at or above ``start`` (default: cwd) and its teitool table."""
    folder = (start or Path.cwd()).resolve()
    for candidate_dir in (folder, *folder.parents):
        for name in (CONFIG_FILE, "pyproject.toml"):
            path = candidate_dir / name
            if path.is_file():
                table = _table_of(path)
                if table is not None:
                    return path, table
    return None


def load_settings(config_file: Path | None = None, start: Path | None = None) -> Settings:
    """Settings from ``config_file`` if given, else from the nearest config file, else defaults.

    Paths from a file are made relative to the current folder when they lie below it, so
    that messages and the summary show short paths.
    """
    if config_file is not None:
        table = _table_of(config_file)
        if table is None:
            raise TeitoolError(f"{config_file}: has no [tool.teitool] table", EXIT_CANNOT_RUN)
        found: tuple[Path, dict[str, Any]] | None = (config_file, table)
    else:
        found = find_config(start)
    if found is None:
        return Settings()
    path, table = found
    base = _short(path.resolve().parent)
    return settings_from_table(table, base, origin=path)


def _short(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd().resolve())
    except ValueError:
        return path
