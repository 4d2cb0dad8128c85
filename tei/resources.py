"""Where teitool's own data lives: inside the ``tei`` package, wherever it is installed.

The stylesheets (``tei/xslt/``), the validator's schemas (``tei/schema/``) and the files
``teitool init`` writes (``tei/skeleton/``) are package data, so a wheel installed anywhere
(``pip install teitool``, ``pip install git+…``, an editable checkout) finds them the same
way: through :mod:`importlib.resources`, never through a path relative to a checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

import tei
from tei.errors import EXIT_CANNOT_RUN, TeitoolError


def package_folder(name: str) -> Path:
    """The folder ``name`` inside the installed package, as a real path for Saxon and lxml."""
    # Installed in real folders (every install but a zip): the folder beside tei/__init__.py,
    # which is what importlib.resources answers there, without the cost of importing it
    # (a fully cached ``teitool validate`` is over in a tenth of a second).
    init = getattr(tei, "__file__", None)
    if init and os.path.isfile(init):
        beside = Path(init).parent / name
        if beside.is_dir():
            return beside
    from importlib.resources import files

    folder = files("tei") / name
    # Saxon and libxml2 resolve imports and includes against real files: an install inside
    # a zip (no such folder) cannot run them.
    if not isinstance(folder, Path) or not folder.is_dir():
        raise TeitoolError(f"teitool's {name}/ folder is missing from its installation "
                           f"({folder}); reinstall teitool with pip", EXIT_CANNOT_RUN)
    return folder


XSLT_DIR = package_folder("xslt")
SCHEMA_DIR = package_folder("schema")
