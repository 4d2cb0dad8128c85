"""Reading the project's TOML files (teitool.toml, pyproject.toml, metadata.toml) the one way:
any problem is one :class:`TeitoolError` naming the file, never a traceback."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from tei.errors import EXIT_CANNOT_RUN, TeitoolError


def read_toml(path: Path) -> dict[str, Any]:
    """The table of a TOML file; raises :class:`TeitoolError` (exit code 2) if it is
    unreadable, not UTF-8 or not valid TOML."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise TeitoolError(f"{path}: not valid TOML: {exc}", EXIT_CANNOT_RUN) from None
    except UnicodeDecodeError:
        raise TeitoolError(
            f"{path}: not valid TOML: the file is not UTF-8 text", EXIT_CANNOT_RUN
        ) from None
    except OSError as exc:
        raise TeitoolError(f"{path}: cannot read: {exc.strerror or exc}", EXIT_CANNOT_RUN) from None
