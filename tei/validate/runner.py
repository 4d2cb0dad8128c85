"""Run the checks over files, folders and globs: in parallel, incrementally, safely."""

from __future__ import annotations

import glob
import hashlib
import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import lxml

from tei import __version__
from tei.errors import EXIT_CANNOT_RUN, TeitoolError
from tei.validate import jing
from tei.validate.cache import ResultCache, cache_dir
from tei.validate.checks import (
    NO_REGISTER,
    Checker,
    Register,
    SchemaSpec,
    builtin_specs,
    load_register,
)
from tei.validate.model import ERROR, FileResult, Issue, ValidationReport

REGISTER_NAME = "persons.xml"
#: A TEI file bigger than this is refused unread: parsing it would need several times its
#: size in memory. Real letters and chapters are kilobytes; a whole book is a few MB.
MAX_BYTES = 64 * 1024 * 1024
#: Below this many files to check, start no worker processes (their start costs more).
PARALLEL_THRESHOLD = 48

_GLOB_CHARS = set("*?[")

# --- finding files --------------------------------------------------------------------------


def discover(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files named, the *.xml under folders named, the matches of glob patterns; sorted."""
    found: dict[str, Path] = {}
    for raw in paths:
        text = os.fspath(raw)
        if not Path(text).exists() and _GLOB_CHARS & set(text):
            matches = [Path(m) for m in sorted(glob.glob(text, recursive=True))]
            if not matches:
                raise TeitoolError(f"{text}: no file matches this pattern", EXIT_CANNOT_RUN)
        else:
            matches = [Path(text)]
        for path in matches:
            if path.is_dir():
                for file in sorted(path.rglob("*.xml")):
                    if file.is_file() and not any(
                        part.startswith(".") for part in file.relative_to(path).parts
                    ):
                        found.setdefault(str(file), file)
            elif path.exists():
                found.setdefault(str(path), path)
            else:
                raise TeitoolError(f"{text}: no such file or folder", EXIT_CANNOT_RUN)
    return [found[key] for key in sorted(found)]


def find_register(folder: Path) -> Path | None:
    """persons.xml in ``folder`` or the nearest of its ancestors."""
    folder = folder.resolve()
    for candidate in (folder, *folder.parents):
        register = candidate / REGISTER_NAME
        if register.is_file():
            return register
    return None


# --- worker processes -----------------------------------------------------------------------

_STATE: dict[str, Any] = {}


def _init_worker(specs: tuple[SchemaSpec, ...], check_register: bool,
                 registers: dict[str, Register]) -> None:
    """Compile the schemas once per process (inherited from the parent when forked)."""
    key = (specs, check_register)
    if _STATE.get("key") != key:
        _STATE["key"] = key
        _STATE["checker"] = Checker(specs, check_register)
    _STATE["registers"] = registers


def _check_batch(batch: list[tuple[str, bytes, str]]) -> list[list[dict]]:
    checker: Checker = _STATE["checker"]
    registers: dict[str, Register] = _STATE["registers"]
    return [
        [issue.to_dict() for issue in checker.check(path, data, registers.get(reg, NO_REGISTER))]
        for path, data, reg in batch
    ]


def _batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --- the run --------------------------------------------------------------------------------


def _config_digest(specs: Sequence[SchemaSpec], check_register: bool) -> str:
    digest = hashlib.sha256(f"teitool {__version__}\0lxml {lxml.__version__}\0".encode())
    digest.update(f"register-check {check_register}\0".encode())
    for spec in specs:
        digest.update(f"{spec.kind}\0{spec.rule}\0{spec.digest}\0".encode())
    return digest.hexdigest()


def _rule_descriptions(specs: Sequence[SchemaSpec]) -> dict[str, str]:
    rules = {
        "well-formed": "The file is well-formed XML.",
        "not-xml": "The file is XML text, not empty and not binary.",
        "entity-declaration": "No entity declarations (external entities, entity bombs).",
        "too-large": "The file is small enough to check safely.",
        "io": "The file can be read.",
        "register-missing": "A register of persons (persons.xml) is there to check @ref.",
    }
    for spec in specs:
        if spec.kind == "sch":
            from lxml import etree

            from tei.xmlio import parse_file

            tree = parse_file(spec.path)
            for node in tree.iter("{http://purl.oclc.org/dsdl/schematron}assert",
                                  "{http://purl.oclc.org/dsdl/schematron}report"):
                if node.get("id"):
                    pattern = node.getparent().getparent()
                    rules[node.get("id")] = (
                        f"Schematron rule {node.get('id')} ({spec.rule}, pattern "
                        f"{pattern.get('id') or '-'}, {node.get('role') or 'error'})"
                    )
            del etree
        else:
            rules[spec.rule] = f"The document is valid against {spec.rule} ({spec.kind})."
    return rules


def validate_paths(
    paths: Iterable[str | os.PathLike[str]],
    *,
    schemas: Iterable[str | os.PathLike[str]] = (),
    builtin: bool = True,
    register: str | os.PathLike[str] | None = None,
    jobs: int | None = None,
    use_cache: bool = True,
    strict: bool = False,
    progress: bool = False,
    cache_directory: str | os.PathLike[str] | None = None,
    rng_engine: str = "auto",
    max_bytes: int = MAX_BYTES,
) -> ValidationReport:
    """Check TEI files, folders and globs; return a report (see ``report.exit_code``).

    Layers: well-formedness (always), ``schema/teitool.xsd`` and ``schema/teitool.sch``
    (unless ``builtin`` is false) and every file in ``schemas`` (.xsd, .rng, .rnc, .sch).
    ``register`` is the persons.xml that ``@ref`` pointers resolve into; by default each
    file's nearest persons.xml. ``rng_engine``: ``auto`` (jing when Java is there, else
    lxml), ``jing`` or ``lxml``. Raises :class:`TeitoolError` when the check cannot run
    (a missing path or schema, a schema that does not compile).
    """
    started = time.perf_counter()
    files = discover(paths)
    if not files:
        raise TeitoolError("no XML files to check in " + ", ".join(map(str, paths)), EXIT_CANNOT_RUN)
    specs = (builtin_specs() if builtin else []) + [SchemaSpec.from_path(s) for s in schemas]
    if rng_engine not in ("auto", "jing", "lxml"):
        raise TeitoolError(f"unknown RELAX NG engine {rng_engine!r}: use auto, jing or lxml")
    use_jing = rng_engine == "jing" or (rng_engine == "auto" and jing.available())
    jing_specs = [s for s in specs if s.kind == "rnc" or (s.kind == "rng" and use_jing)]
    python_specs = tuple(s for s in specs if s not in jing_specs)

    registers: dict[str, Register] = {}
    if register is not None:
        if not Path(register).is_file():
            raise TeitoolError(f"{register}: no such register file", EXIT_CANNOT_RUN)
        fixed = load_register(register)
    folder_register: dict[Path, str] = {}

    def register_for(file: Path) -> str:
        if register is not None:
            registers.setdefault("fixed", fixed)
            return "fixed"
        folder = file.parent
        if folder not in folder_register:
            found = find_register(folder)
            key = str(found) if found else ""
            if found and key not in registers:
                registers[key] = load_register(found)
            folder_register[folder] = key
        return folder_register[folder]

    config = _config_digest(specs, builtin)
    results: dict[str, FileResult] = {}
    pending: list[tuple[str, bytes, str, str]] = []  # display, data, register key, cache key
    for file in files:
        display = str(file)
        try:
            size = file.stat().st_size
            if size > max_bytes:
                results[display] = FileResult(display, [Issue(
                    display, 0, 0, ERROR,
                    f"the file is {size / 2**20:.0f} MiB, over the limit of "
                    f"{max_bytes / 2**20:.0f} MiB for one TEI document: split it "
                    "(one document per letter or chapter)", "too-large", "well-formed")])
                continue
            data = file.read_bytes()
        except OSError as exc:
            results[display] = FileResult(display, [Issue(
                display, 0, 0, ERROR, f"cannot read: {exc.strerror or exc}", "io", "well-formed")])
            continue
        reg = register_for(file)
        reg_digest = registers[reg].digest if reg else ""
        key = hashlib.sha256(
            f"{config}\0{reg_digest}\0".encode() + hashlib.sha256(data).digest()
        ).hexdigest()
        pending.append((display, data, reg, key))

    cache = ResultCache(cache_dir(cache_directory)) if use_cache else None
    try:
        if cache is not None:
            hits = cache.get_many(key for *_, key in pending)
            remaining = []
            for display, data, reg, key in pending:
                if key in hits:
                    issues = [Issue.from_dict({**d, "path": display}) for d in hits[key]]
                    results[display] = FileResult(display, issues, cached=True)
                else:
                    remaining.append((display, data, reg, key))
            pending = remaining

        if pending:
            jing_dir = cache.directory if cache is not None else None
            runs = [
                jing.start(spec, [(d, d, data) for d, data, _, _ in pending
                                  if jing.safe_for_jing(data)], jing_dir)
                for spec in jing_specs
            ]
            checked = _run_python_checks(pending, python_specs, builtin, registers, jobs, progress)
            extra: dict[str, list[Issue]] = {}
            for run in runs:
                for display, issues in run.results().items():
                    extra.setdefault(display, []).extend(issues)
            fresh = []
            for (display, _data, _reg, key), issues in zip(pending, checked, strict=True):
                if not any(i.layer == "well-formed" for i in issues):
                    issues = issues + extra.get(display, [])
                results[display] = FileResult(display, _sorted(issues))
                fresh.append((key, [{k: v for k, v in i.to_dict().items() if k != "path"}
                                    for i in results[display].issues]))
            if cache is not None:
                cache.put_many(fresh)
    finally:
        if cache is not None:
            cache.close()

    ordered = [results[str(file)] for file in files]
    return ValidationReport(
        files=ordered,
        rules=_rule_descriptions(specs),
        strict=strict,
        seconds=time.perf_counter() - started,
        schemas=[str(spec.path) for spec in specs],
    )


def _sorted(issues: list[Issue]) -> list[Issue]:
    return sorted(issues, key=lambda i: (i.line, i.column, i.layer, i.rule, i.message))


def _run_python_checks(
    pending: list[tuple[str, bytes, str, str]],
    specs: tuple[SchemaSpec, ...],
    check_register: bool,
    registers: dict[str, Register],
    jobs: int | None,
    progress: bool,
) -> list[list[Issue]]:
    """Issues per pending file, in order; in worker processes when there are many files."""
    items = [(display, data, reg) for display, data, reg, _ in pending]
    workers = max(1, jobs if jobs is not None else (os.cpu_count() or 1))
    show = progress and sys.stderr.isatty() and len(items) >= PARALLEL_THRESHOLD
    # Compile here first: forked workers inherit the compiled schemas, and a schema that does
    # not compile is reported once, as a run error, before any worker starts.
    _init_worker(specs, check_register, registers)
    size = max(4, min(64, len(items) // (workers * 4) or 1))
    batches = list(_batches(items, size))
    out: list[list[dict]] = []
    bar_context: Any = nullcontext()
    if show:
        import click

        bar_context = click.progressbar(length=len(items), label="validating", file=sys.stderr)
    with bar_context as bar:
        if workers == 1 or len(items) < PARALLEL_THRESHOLD:
            for batch in batches:
                out.extend(_check_batch(batch))
                if show:
                    bar.update(len(batch))
        else:
            import multiprocessing

            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
            context = multiprocessing.get_context(method)
            with ProcessPoolExecutor(
                max_workers=min(workers, len(batches)),
                mp_context=context,
                initializer=_init_worker,
                initargs=(specs, check_register, registers),
            ) as pool:
                for batch, result in zip(batches, pool.map(_check_batch, batches), strict=True):
                    out.extend(result)
                    if show:
                        bar.update(len(batch))
    return [[Issue.from_dict(d) for d in issues] for issues in out]
