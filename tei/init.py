"""``teitool init``: a new edition project that builds at once.

The files are package data in ``tei/skeleton/`` (found through :mod:`tei.resources`, like
the stylesheets): a short example correspondence, an empty register of persons, the
per-source and ``[edition]`` metadata (the latter to fill in), the build settings, a
``.gitignore``, a GitHub Actions workflow and a README. ``teitool init DIR`` and then
``cd DIR && teitool build`` give the whole edition: TEI, report, site, PDF, CMIF and bag.

Nothing is overwritten: every file is checked before any is written, and a run that would
overwrite one writes nothing. Each file is written atomically.
"""

from __future__ import annotations

import contextlib
import json
import re
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from tei import __version__
from tei.errors import EXIT_CANNOT_RUN, TeitoolError
from tei.resources import package_folder
from tei.xmlio import check_output, write_atomic

#: Where the workflow says what `pip install` takes to get teitool (see install_requirement).
REQUIREMENT_MARK = b"@TEITOOL_REQUIREMENT@"
#: A repository URL that may go into a workflow as it is: https, no credentials, no quotes.
_PUBLIC_REPOSITORY = re.compile(r"^https://[\w.-]+/[\w./~-]+$")


def skeleton_files() -> list[Path]:
    """The files of a new project, as paths relative to its folder (dotfiles included)."""
    skeleton = package_folder("skeleton")
    return sorted(path.relative_to(skeleton) for path in skeleton.rglob("*") if path.is_file())


def init_project(folder: Path) -> list[Path]:
    """Write a new edition project into ``folder``, made if missing; return the files written.

    Raises :class:`TeitoolError` (exit code 2), before anything is written, when a file of
    the project exists already (all of them are named) or something else stands in the
    way (a file where a folder of the project goes).
    """
    check_output(folder, folder=True)
    files = skeleton_files()
    in_the_way = [relative for relative in files if _in_the_way(folder, relative)]
    if in_the_way:
        raise TeitoolError(
            f"{folder}: would overwrite {', '.join(str(path) for path in in_the_way)}; "
            "nothing written (choose a new or empty folder)",
            EXIT_CANNOT_RUN,
        )
    skeleton = package_folder("skeleton")
    requirement = install_requirement().encode("utf-8")
    written = []
    for relative in files:
        data = (skeleton / relative).read_bytes().replace(REQUIREMENT_MARK, requirement)
        write_atomic(folder / relative, data)
        written.append(folder / relative)
    return written


def _in_the_way(folder: Path, relative: Path) -> bool:
    """Whether the project's file ``relative`` exists in ``folder`` (a dangling link too),
    or one of its folders is there as something other than a folder."""
    target = folder / relative
    if target.exists() or target.is_symlink():
        return True
    return any(
        (folder / parent).exists() and not (folder / parent).is_dir()
        for parent in relative.parents
        if parent != Path(".")
    )


def install_requirement() -> str:
    """What the workflow's `pip install` takes to get this teitool in CI: the git commit it
    was installed from, when pip recorded one (PEP 610's direct_url.json) at a public https
    address, else the release of its version (an editable or local install has no address
    CI could reach, and a URL with credentials must not go into a repository)."""
    try:
        recorded = distribution("teitool").read_text("direct_url.json")
    except PackageNotFoundError:
        recorded = None
    with contextlib.suppress(ValueError, AttributeError, TypeError):
        origin = json.loads(recorded or "{}")
        url, vcs = origin.get("url", ""), origin.get("vcs_info", {})
        commit = vcs.get("commit_id", "")
        if (
            vcs.get("vcs") == "git"
            and _PUBLIC_REPOSITORY.match(url)
            and re.fullmatch(r"[0-9a-f]{40}", commit)
        ):
            return f"teitool @ git+{url}@{commit}"
    return f"teitool=={__version__}"
