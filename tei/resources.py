"""Where teitool's own data lives: inside the ``tei`` package, wherever it is installed.

The stylesheets (``tei/xslt/``), the validator's schemas (``tei/schema/``) and the files
``teitool init`` writes (``tei/skeleton/``) are package data, so a wheel installed anywhere
(``pip install teitool``, ``pip install git+…``, an editable checkout) finds them the same
way: through :mod:`importlib.resources`, never through a path relative to a checkout.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from tei.errors import EXIT_CANNOT_RUN, TeitoolError


def package_folder(name: str) -> Path:
    """The folder ``name`` inside the installed package, as a real path for Saxon and lxml."""
    folder = files("tei") / name
    # Saxon and libxml2 resolve imports and includes against real files: an install inside
    # a zip (no such folder) cannot run them.
    if not isinstance(folder, Path) or not folder.is_dir():
        raise TeitoolError(f"teitool's {name}/ folder is missing from its installation "
                           f"({folder}); reinstall teitool with pip", EXIT_CANNOT_RUN)
    return folder


XSLT_DIR = package_folder("xslt")
SCHEMA_DIR = package_folder("schema")
