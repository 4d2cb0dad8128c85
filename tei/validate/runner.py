"""Run the checks over files, folders and globs: in parallel, incrementally, safely."""

from __future__ import annotations

import fnmatch
import glob
import hashlib
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from stat import S_ISREG
from typing import Any

import lxml  # the package only (its version); lxml.etree is imported when a file is checked

from tei import __version__
from tei.errors import EXIT_CANNOT_RUN, TeitoolError
from tei.progress import Progress
from tei.validate.cache import KnownFile, ResultCache, cache_dir
from tei.validate.docschemas import (
    SchemaRequest,
    UnusableSchema,
    allowed_roots,
    requested_schemas,
    resolve_request,
)
from tei.validate.model import (
    ERROR,
    WARNING_ROLES,
    FileResult,
    Issue,
    RuleHelp,
    ValidationReport,
)
from tei.validate.specs import (
    BUILTIN_XSD,
    KINDS,
    NO_REGISTER,
    Register,
    SchemaSpec,
    builtin_specs,
    named_catalogs,
    read_catalogs,
    with_embedded_rules,
)

REGISTER_NAME = "persons.xml"
#: A TEI file bigger than this is refused unread: parsing it would need several times its
#: size in memory. Real letters and chapters are kilobytes; a whole book is a few MB.
MAX_BYTES = 64 * 1024 * 1024
#: Below this many files to check, start no worker processes (their start costs more).
PARALLEL_THRESHOLD = 48

_GLOB_CHARS = set("*?[")

# --- finding files --------------------------------------------------------------------------


def discover(paths: Iterable[str | os.PathLike[str]], names: Sequence[str] = ()) -> list[str]:
    """Files named, the files under folders named whose names match ``names`` (default
    :data:`DEFAULT_NAMES`, in any case), the matches of glob patterns; sorted.

    Paths stay strings, as the user wrote them: a re-run over thousands of cached files
    spends its time here, and Path objects cost more than the rest of that run.
    """
    found: set[str] = set()
    wanted = _name_filter(names)
    for raw in paths:
        text = os.fspath(raw)
        if not os.path.exists(text) and _GLOB_CHARS & set(text):
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                raise TeitoolError(f"{text}: no file matches this pattern", EXIT_CANNOT_RUN)
        else:
            matches = [text]
        for path in map(os.path.normpath, matches):
            if os.path.isdir(path):
                for folder, subfolders, entries in os.walk(path):
                    subfolders[:] = [d for d in subfolders if not d.startswith(".")]
                    # normpath: "./x.xml" from "." is a name GitHub annotations do not match.
                    folder = os.path.normpath(folder)
                    prefix = "" if folder == os.curdir else os.path.join(folder, "")
                    found.update(prefix + name for name in entries
                                 if wanted(name) and not name.startswith("."))
            elif os.path.exists(path):
                found.add(path)
            else:
                raise TeitoolError(f"{text}: no such file or folder", EXIT_CANNOT_RUN)
    return sorted(found)


def _name_filter(names: Sequence[str]) -> Callable[[str], bool]:
    """Which file names in a folder are checked: the user's patterns as written, else
    :data:`DEFAULT_NAMES` in any case (``letter.XML`` is TEI as much as ``letter.xml``)."""
    if names:
        return lambda name: any(fnmatch.fnmatchcase(name, pattern) for pattern in names)
    # The default patterns as one regular expression: a folder of thousands of files.
    default = re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in DEFAULT_NAMES))
    return lambda name: default.match(name.lower()) is not None


#: How far above a TEI file's folder its register is looked for: enough for an edition's
#: tei/letters/1932/*.xml beside tei/persons.xml, not so far that an unrelated persons.xml
#: in a shared folder (the home folder, /tmp) is taken for it.
REGISTER_SEARCH_LEVELS = 3

#: A folder holding one of these is a project's root: the search for a register stops there.
PROJECT_ROOT_MARKERS = (".git", "teitool.toml")


def find_register(folder: Path) -> Path | None:
    """persons.xml in ``folder`` or the nearest of its ancestors.

    The search goes up at most :data:`REGISTER_SEARCH_LEVELS` folders and never past the
    root of the project (a folder with ``.git`` or ``teitool.toml``).
    """
    folder = folder.resolve()
    for candidate in (folder, *folder.parents)[: REGISTER_SEARCH_LEVELS + 1]:
        register = candidate / REGISTER_NAME
        if register.is_file():
            return register
        if any((candidate / marker).exists() for marker in PROJECT_ROOT_MARKERS):
            break
    return None


# --- worker processes -----------------------------------------------------------------------

_STATE: dict[str, Any] = {}


def _init_worker(specs: tuple[SchemaSpec, ...], check_register: bool,
                 registers: dict[str, Register], readable: tuple[str, ...]) -> None:
    """Compile the schemas once per process (inherited from the parent when forked)."""
    from tei.validate.checks import Checker

    key = (specs, check_register, readable)
    if _STATE.get("key") != key:
        # The key only once the checker exists: a schema that fails to compile must fail
        # again on the next call, not leave an earlier run's checker in its place.
        _STATE.pop("key", None)
        _STATE["checker"] = Checker(specs, check_register, readable)
        _STATE["key"] = key
    _STATE["registers"] = registers


def _check_batch(batch: list[tuple[str, bytes, str]]) -> list[list[dict[str, Any]]]:
    checker = _STATE["checker"]
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
    lxml_version = lxml.__version__  # type: ignore[attr-defined]  # the stubs' lxml/__init__ is empty
    digest = hashlib.sha256(f"teitool {__version__}\0lxml {lxml_version}\0".encode())
    digest.update(f"register-check {check_register}\0".encode())
    for spec in specs:
        digest.update(f"{spec.kind}\0{spec.rule}\0{spec.digest}\0{spec.phase}\0".encode())
    return digest.hexdigest()


def rule_descriptions(schemas: Sequence[str]) -> dict[str, RuleHelp]:
    """One line and a level per rule a run can report (for SARIF's rule list)."""
    rules = {
        "well-formed": RuleHelp("The file is well-formed XML."),
        "not-xml": RuleHelp("The file is XML text, not empty and not binary."),
        "entity-declaration": RuleHelp("No entity declarations (external entities, entity bombs)."),
        "undeclared-entity": RuleHelp("No reference to an entity the document does not declare."),
        "external-dtd": RuleHelp("No external DTD, which teitool would not load.", "warning"),
        "encoding": RuleHelp("The file's text is in an encoding teitool can read."),
        "too-large": RuleHelp("The file is small enough to check safely."),
        "io": RuleHelp("The file can be read."),
        "id-unique": RuleHelp("Every xml:id is used once in its document."),
        "register-missing": RuleHelp(
            "A register of persons (persons.xml) is there to check @ref.", "warning"),
    }
    for schema in map(Path, schemas):
        kind = KINDS.get(schema.suffix.lower(), "schema")
        if kind != "sch":
            rules[schema.name] = RuleHelp(f"The document is valid against {schema.name} ({kind}).")
            continue
        from tei.xmlio import XmlProblem, parse_file

        try:
            tree = parse_file(schema)
        except XmlProblem:
            continue
        sch = "{http://purl.oclc.org/dsdl/schematron}"
        for node in tree.iter(f"{sch}assert", f"{sch}report"):
            rule_id = node.get("id")
            if rule_id:
                # assert and report are in a rule in a pattern, in a valid schema: this one
                # may not be (the check reports that)
                rule = node.getparent()
                pattern = rule.getparent() if rule is not None else None
                pattern_id = pattern.get("id") if pattern is not None else None
                role = (node.get("role") or "error").lower()
                rules.setdefault(rule_id, RuleHelp(
                    f"Schematron rule {rule_id} ({schema.name}, pattern "
                    f"{pattern_id or '-'}, {role})",
                    "warning" if role in WARNING_ROLES else "error"))
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
    progress: Progress | None = None,
    cache_directory: str | os.PathLike[str] | None = None,
    rng_engine: str = "auto",
    max_bytes: int = MAX_BYTES,
    catalogs: Sequence[str | os.PathLike[str]] = (),
    schemas_from_documents: bool | None = None,
    names: Sequence[str] = (),
    phase: str = "",
    embedded_schematron: bool = True,
) -> ValidationReport:
    """Check TEI files, folders and globs; return a report (see ``report.exit_code``).

    Layers: well-formedness (always), ``tei/schema/teitool.xsd`` and ``tei/schema/teitool.sch``
    (unless ``builtin`` is false) and every file in ``schemas`` (.xsd, .rng, .rnc, .sch).
    ``schemas_from_documents``: also the schemas each document names (``<?xml-model?>``,
    ``xsi:schemaLocation``), which take the built-in's place for that document; None (the
    default) means "when no ``schemas`` are given". ``catalogs``: XML catalogs for schema
    references by URL (besides ``$XML_CATALOG_FILES`` and the built-in one). ``names``: the
    file name patterns searched for in folders (default :data:`DEFAULT_NAMES`).
    ``register`` is the persons.xml that ``@ref`` pointers resolve into; by default each
    file's nearest persons.xml. ``phase``: the Schematron phase of the ``schemas`` (default:
    each schema's own default). ``embedded_schematron``: also run the Schematron rules a RELAX
    NG schema carries (TEI's constraints in ``tei_all.rng``). ``rng_engine``: ``auto`` (jing when Java is there, else
    lxml), ``jing`` or ``lxml``. ``progress`` (see :mod:`tei.progress`) hears how many files
    have been checked. Raises :class:`TeitoolError` when the check cannot run (a missing path
    or schema, a schema that does not compile, a schema a document names that is not there).
    """
    started = time.perf_counter()
    files = discover(paths, names)
    if not files:
        raise TeitoolError("no XML files to check in " + ", ".join(map(str, paths)), EXIT_CANNOT_RUN)
    if rng_engine not in ("auto", "jing", "lxml"):
        raise TeitoolError(f"unknown RELAX NG engine {rng_engine!r}: use auto, jing or lxml")
    catalog_files = named_catalogs(catalogs)
    explicit = [SchemaSpec.from_path(s, catalogs=catalog_files, phase=phase) for s in schemas]
    choice = _SchemaChoice(
        builtin_specs() if builtin else [], explicit, catalog_files, files,
        from_documents=not explicit if schemas_from_documents is None else schemas_from_documents,
        embedded_schematron=embedded_schematron)
    registers = _Registers(register)

    cache = ResultCache(cache_dir(cache_directory)) if use_cache else None
    try:
        absolute = _absolute_paths(files)
        known = cache.known_files(absolute.values()) if cache is not None else {}
        surveyed, results = _survey(files, absolute, known, choice, registers, max_bytes,
                                    keyed=cache is not None)
        pending = (_cached_by_content(surveyed, cache, choice, results) if cache is not None
                   else surveyed)
        if pending:
            # The JVM class-data archive is not a result: keep using it under --no-cache too.
            jing_dir = cache.directory if cache is not None else cache_dir(cache_directory)
            checked = _check_pending(pending, choice, registers, absolute.values(), rng_engine, jobs,
                                     progress, jing_dir, results)
            if cache is not None:
                cache.put_many(checked)
        if cache is not None:
            # Every file whose state or result changed, checked or found by its content.
            cache.remember_files([(absolute[item.display], item.known()) for item in surveyed])
    finally:
        if cache is not None:
            cache.close()

    ordered = [results[display] for display in files]
    _register_warning_once(ordered)
    return ValidationReport(
        files=ordered,
        strict=strict,
        seconds=time.perf_counter() - started,
        schemas=[str(spec.path) for spec in choice.used],
        notes=_foreign_tei_note(ordered),
        from_documents=choice.named_any,
    )


class _Registers:
    """Each file's register of persons: the one the user named, else the nearest persons.xml
    above the file (:func:`find_register`). Hashed for the cache keys when first met; their
    ids are read only if a file is checked (:meth:`loaded`)."""

    def __init__(self, named: str | os.PathLike[str] | None) -> None:
        if named is not None and not Path(named).is_file():
            raise TeitoolError(f"{named}: no such register file", EXIT_CANNOT_RUN)
        self._named = None if named is None else Path(named)
        self.paths: dict[str, Path] = {}
        self._digests: dict[str, str] = {}
        self._by_folder: dict[str, str] = {}
        self._loaded: dict[str, Register] | None = None

    def for_file(self, display: str) -> str:
        """The key of the file's register ("" for none)."""
        # The folder as written with its separator ("/" and "" differ): cheaper than
        # os.path.dirname for thousands of files.
        head, separator, _name = display.rpartition(os.sep)
        folder = head + separator
        if folder not in self._by_folder:
            self._by_folder[folder] = self._find(os.path.dirname(display))
        return self._by_folder[folder]

    def digest(self, key: str) -> str:
        return self._digests.get(key, "")

    def loaded(self) -> dict[str, Register]:
        """Every register met, its ids read (once)."""
        if self._loaded is None:
            from tei.validate.checks import load_register

            self._loaded = {key: load_register(path, self._digests[key])
                            for key, path in self.paths.items()}
        return self._loaded

    def _find(self, folder: str) -> str:
        found = self._named if self._named is not None else find_register(Path(folder or "."))
        if found is None:
            return ""
        key = str(found)
        if key not in self._digests:
            try:
                self._digests[key] = hashlib.sha256(found.read_bytes()).hexdigest()
            except OSError as exc:
                raise TeitoolError(f"{found}: cannot read the register: {exc.strerror}",
                                   EXIT_CANNOT_RUN) from None
            self.paths[key] = found
        return key


def _absolute_paths(files: list[str]) -> dict[str, str]:
    """os.path.abspath of each file, with the working folder asked once (not once per file)."""
    here = os.getcwd()
    return {display: os.path.normpath(os.path.join(here, display)) for display in files}


def _survey(
    files: list[str], absolute: dict[str, str], known_files: dict[str, KnownFile],
    choice: _SchemaChoice, registers: _Registers, max_bytes: int, *, keyed: bool = True,
) -> tuple[list[_Pending], dict[str, FileResult]]:
    """Each file's state: its content's digest, the schemas it names and gets, its result's
    cache key; its content read only if it changed since the cache saw it. Without a cache
    (``keyed`` false) no digest and no key, and the schemas a file names are looked for only
    if the run takes schemas from documents: nothing would use them, and the file is read
    when it is checked (after jing started).

    Returns the files whose result is not known yet, and the results known: of the files
    unchanged since their last check with the same schemas and register (from the cache), and
    of the files that cannot be checked at all (unreadable, not a file, too large).
    """
    pending: list[_Pending] = []
    results: dict[str, FileResult] = {}
    # Scanned for the cache even when this run ignores them: a later run that heeds them
    # takes them from there.
    scanned = keyed or choice.from_documents
    for display in files:
        try:
            stat = os.stat(display)
            refused = _refused(display, stat, max_bytes)
            if refused is not None:
                results[display] = FileResult(display, [refused])
                continue
            signature = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
            known = known_files.get(absolute[display])
            # Like git's index: an unchanged size, mtime, ctime and inode means unchanged
            # content, so a re-run reads no file it has seen before.
            if known is not None and known.signature == signature:
                data, digest = None, known.digest
                requests = (tuple(SchemaRequest(**named) for named in known.requests)
                            if known.requests else ())
            elif scanned:
                data = _read(display)
                digest = hashlib.sha256(data).hexdigest() if keyed else ""
                requests = requested_schemas(data)
            else:
                data, digest, requests = None, "", ()
        except OSError as exc:
            results[display] = FileResult(display, [Issue(
                display, 0, 0, ERROR, f"cannot read: {exc.strerror or exc}", "io",
                "well-formed")])
            continue
        register = registers.for_file(display)
        specs = choice.for_file(display, requests)
        key = (hashlib.sha256(f"{choice.config(specs)}\0{registers.digest(register)}\0"
                              f"{digest}".encode()).hexdigest() if keyed else "")
        if data is None and known is not None and known.key == key and known.issues is not None:
            results[display] = _cached_result(display, specs, known.issues, choice)
        else:
            pending.append(_Pending(display, data, register, signature, digest, requests, specs,
                                    key))
    return pending, results


def _refused(display: str, stat: os.stat_result, max_bytes: int) -> Issue | None:
    """Why a file is not read at all, if it is not."""
    if not S_ISREG(stat.st_mode):
        return Issue(display, 0, 0, ERROR, "not a regular file (a device or pipe has no end to "
                     "read to): give XML files", "io", "well-formed")
    if stat.st_size > max_bytes:
        return Issue(display, 0, 0, ERROR,
                     f"the file is {stat.st_size / 2**20:.0f} MiB, over the limit of "
                     f"{max_bytes / 2**20:.0f} MiB for one TEI document: split it "
                     "(one document per letter or chapter)", "too-large", "well-formed")
    return None


def _cached_by_content(pending: list[_Pending], cache: ResultCache, choice: _SchemaChoice,
                       results: dict[str, FileResult]) -> list[_Pending]:
    """The results the cache has for the pending files' keys (a file renamed, copied, touched
    or checked with other schemas since) into ``results``; the files it has none for."""
    hits = cache.get_many(item.key for item in pending)
    remaining = []
    for item in pending:
        if item.key in hits:
            results[item.display] = _cached_result(item.display, item.specs, hits[item.key],
                                                   choice)
        else:
            remaining.append(item)
    return remaining


def _cached_result(display: str, specs: tuple[SchemaSpec, ...], issues: list[dict[str, Any]],
                   choice: _SchemaChoice) -> FileResult:
    return _file_result(display, specs, [Issue.from_dict({**issue, "path": display})
                                         for issue in issues], choice, cached=True)


def _file_result(display: str, specs: tuple[SchemaSpec, ...], issues: list[Issue],
                 choice: _SchemaChoice, *, cached: bool = False) -> FileResult:
    """A file's result: ``issues`` (sorted), and the errors of the schemas it names that
    cannot be used."""
    problems = choice.problems.get(display)
    return FileResult(display, _sorted(problems + issues) if problems else issues,
                      cached=cached, schemas=choice.names(specs))


def _check_pending(
    pending: list[_Pending], choice: _SchemaChoice, registers: _Registers,
    absolute: Iterable[str],
    rng_engine: str, jobs: int | None, progress: Progress | None, jing_dir: Path,
    results: dict[str, FileResult],
) -> list[tuple[str, list[dict[str, Any]]]]:
    """Check the pending files, group by group of the same schemas, into ``results``; return
    what the cache is to keep: the issues (without the path) per key."""
    readable = _readable_folders(absolute, registers.paths.values())
    fresh = []
    done = 0
    for specs, group in _groups(pending).items():
        def heard(checked: int, _total: int | None, before: int = done) -> None:
            if progress is not None:
                progress(before + checked, len(pending))

        checked = _check_group(group, specs, rng_engine, registers, jobs, heard, readable,
                               jing_dir)
        done += len(group)
        for item, issues in zip(group, checked, strict=True):
            ordered = _sorted(issues)  # and so in the cache, which gives them back as they are
            results[item.display] = _file_result(item.display, specs, ordered, choice)
            fresh.append((item.key, [{k: v for k, v in i.to_dict().items() if k != "path"}
                                     for i in ordered]))
    return fresh


#: The files searched for in a folder: TEI is saved as .xml or .tei, in any case.
DEFAULT_NAMES = ("*.xml", "*.tei")


class _SchemaChoice:
    """Which schemas check which file: the built-in and ``--schema`` ones, and the ones the
    document names (``from_documents``), which take the built-in's place for it."""

    def __init__(self, builtin: list[SchemaSpec], explicit: list[SchemaSpec],
                 catalogs: tuple[str, ...], files: list[str], *, from_documents: bool,
                 embedded_schematron: bool = True) -> None:
        self.builtin = tuple(builtin)
        self._files = files  # the run's: where the schemas documents name may be
        self._allowed_roots: tuple[str, ...] | None = None
        self.explicit = tuple(explicit)
        self.catalogs = catalogs
        self.from_documents = from_documents
        self.embedded_schematron = embedded_schematron
        self._named: dict[tuple[Path, str, str], SchemaSpec] = {}
        self._working_folder = os.getcwd()
        #: per choice of schemas: its part of the cache key and how the report names it
        self._described: dict[tuple[SchemaSpec, ...], tuple[str, tuple[str, ...]]] = {}
        self.used: dict[SchemaSpec, None] = {}
        self.named_any = False
        #: per file, the errors of the schemas it names that cannot be used
        self.problems: dict[str, list[Issue]] = {}
        self._plain: tuple[SchemaSpec, ...] | None = None  # for a file that names none
        self._last: tuple[tuple[SchemaSpec, ...] | None, tuple[str, tuple[str, ...]]] = (
            None, ("", ()))

    def for_file(self, display: str, requests: Sequence[SchemaRequest]
                 ) -> tuple[SchemaSpec, ...]:
        """The schemas for the file, which names ``requests`` (heeded when the run takes
        schemas from documents); a schema it names that cannot be used is an error of the
        file (:attr:`problems`), and the built-in schemas stay off for it all the same: they
        are not what it asked for."""
        if not self.from_documents:
            requests = ()
        if not requests and self._plain is not None:
            return self._plain  # most files name no schema: the same choice for all of them
        named = []
        for request in requests:
            try:
                named.append(self._spec(request, display))
            except UnusableSchema as refused:
                self.problems.setdefault(display, []).append(Issue(
                    display, request.line, 1, ERROR, str(refused), "schema-reference",
                    "xml-model"))
        self.named_any = self.named_any or bool(requests)
        chosen = (*(self.builtin if not requests else ()), *self.explicit, *named)
        if self.embedded_schematron:
            chosen = tuple(with_embedded_rules(chosen))
        specs = tuple(dict.fromkeys(chosen))
        self.used.update(dict.fromkeys(specs))
        if not requests:
            self._plain = specs
        return specs

    def _spec(self, request: SchemaRequest, display: str) -> SchemaSpec:
        path = resolve_request(request, display, self._roots(), self._catalog_lookup)
        key = (path, request.kind, request.phase)
        if key not in self._named:
            self._named[key] = SchemaSpec.from_path(path, catalogs=self.catalogs,
                                                    kind=request.kind, phase=request.phase)
        return self._named[key]

    def _roots(self) -> tuple[str, ...]:
        """Worked out when a document first names a schema (a realpath per file)."""
        if self._allowed_roots is None:
            self._allowed_roots = allowed_roots(self._files)
        return self._allowed_roots

    def _catalog_lookup(self) -> Callable[[str], str | None]:
        return read_catalogs(self.catalogs).resolve

    def config(self, specs: tuple[SchemaSpec, ...]) -> str:
        """What the choice adds to a file's cache key."""
        return self._described_as(specs)[0]

    def names(self, specs: tuple[SchemaSpec, ...]) -> tuple[str, ...]:
        """How the report names the schemas of the choice."""
        return self._described_as(specs)[1]

    def _described_as(self, specs: tuple[SchemaSpec, ...]) -> tuple[str, tuple[str, ...]]:
        if specs is self._last[0]:  # most files share one choice: no hashing of the specs
            return self._last[1]
        if specs not in self._described:
            self._described[specs] = (_config_digest(specs, _checks_register(specs)),
                                      _names_from(specs, self._working_folder))
        self._last = (specs, self._described[specs])
        return self._last[1]


def _checks_register(specs: Sequence[SchemaSpec]) -> bool:
    """The built-in rules point into teitool's register; other schemas know nothing of it."""
    return any(spec.builtin for spec in specs)


def _names_from(specs: tuple[SchemaSpec, ...], working_folder: str) -> tuple[str, ...]:
    """How the report names the schemas that checked a file: their paths (relative to the
    working folder when below it) and the Schematron phase, if one was asked for. Once each:
    a RELAX NG schema and its embedded rules (kind rng-sch) share a file."""
    here = working_folder.rstrip(os.sep) + os.sep
    names = []
    for spec in specs:
        path = str(spec.path)
        if os.path.isabs(path) and path.startswith(here):
            path = os.path.relpath(path, here)
        names.append(f"{path} (phase {spec.phase})" if spec.phase else path)
    return tuple(dict.fromkeys(names))


def _groups(pending: list[_Pending]) -> dict[tuple[SchemaSpec, ...], list[_Pending]]:
    groups: dict[tuple[SchemaSpec, ...], list[_Pending]] = {}
    for item in pending:
        groups.setdefault(item.specs, []).append(item)
    return groups


def _check_group(
    group: list[_Pending], specs: tuple[SchemaSpec, ...], rng_engine: str,
    known_registers: _Registers, jobs: int | None, progress: Progress,
    readable: tuple[str, ...], jing_dir: Path,
) -> list[list[Issue]]:
    """Issues per file of ``group``, all checked against ``specs``: in Python, and with jing
    for RELAX NG when it can run.

    With jing, the files go through the secure parser here first (jing gets only what it
    accepted: well-formed, no entity, any encoding; the rest already has its verdict). With
    jing's driver, or for many files, jing starts before the gate (its JVM and schema take as
    long as the gate), each copy made as the gate accepts its file; the Python layers run
    while it works, on the trees parsed for the gate. jing gets the cores the Python layers
    leave (one core: one thread of the driver, or one JVM); see :func:`_jing_cores` and
    :func:`jing.parallelism`.
    """
    jing_specs: list[SchemaSpec] = []
    if any(spec.kind in ("rng", "rnc") for spec in specs):
        from tei.validate import jing

        use_jing = rng_engine == "jing" or (rng_engine == "auto" and jing.available())
        jing_specs = [s for s in specs if s.kind == "rnc" or (s.kind == "rng" and use_jing)]
    python_specs = tuple(s for s in specs if s not in jing_specs)
    check_register = _checks_register(specs)
    if not jing_specs:
        return _run_python_checks(_contents(group), python_specs, check_register,
                                  known_registers.loaded(), jobs, progress, readable)
    from tei.validate import jing

    workers = _workers(jobs)
    parallel = jing.parallelism(
        len(group), _jing_cores(len(jing_specs), workers, bool(python_specs)), jing_dir)
    python_jobs = max(1, workers - parallel * len(jing_specs))
    here = python_jobs == 1 or len(group) < PARALLEL_THRESHOLD
    size = sum(item.signature[0] for item in group)
    # The gate's trees are kept for the layers when they run here, and not for a huge group.
    keep = bool(python_specs) and here and size <= TREE_BUDGET
    parsed: list[tuple[Any, list[Issue]]] = []
    gated: list[bool] = []
    runs: list[jing.JingRun] = []
    try:
        # jing first, its JVM starting and compiling the schema while the gate works; each
        # file's copy is made as soon as the gate accepted it. A few files, and jing's
        # command line (it takes its files when it starts): the gate first, and no JVM at all
        # if it refuses them all.
        early = len(group) >= PARALLEL_THRESHOLD or jing.driver_jar(jing_dir) is not None
        if early:
            displays = [item.display for item in group]
            for spec in jing_specs:
                runs.append(jing.begin(spec, displays, jing_dir, parallel, size))
        # Imported once jing has started (lxml and the checks' modules take a while).
        from tei.validate.checks import parse_document

        items: list[tuple[str, bytes, str]] = []
        for index, item in enumerate(group):
            display, data = item.display, item.content()  # read here if not yet
            items.append((display, data, item.register))
            tree, issues = parse_document(display, data)
            parsed.append((tree if keep else None, issues))
            refused = _unparsed(issues)
            gated.append(refused)
            for run in runs:
                run.add(index, None if refused else data)
        for run in runs:
            run.added()
        registers = known_registers.loaded()
        if not early:
            well_formed = [(display, data) for (display, data, _), refused
                           in zip(items, gated, strict=True) if not refused]
            for spec in jing_specs:
                runs.append(jing.start(spec, well_formed, jing_dir, parallel))
        if not python_specs:
            checked = [issues for _tree, issues in parsed]
            if progress is not None and len(items) >= PARALLEL_THRESHOLD:
                progress(len(items), len(items))
        elif keep:
            checked = _check_trees(items, parsed, python_specs, check_register, registers,
                                   progress, readable)
        else:
            checked = _run_python_checks(items, python_specs, check_register, registers,
                                         python_jobs, progress, readable)
        extra: dict[str, list[Issue]] = {}
        while runs:
            for display, issues in runs.pop(0).results().items():
                extra.setdefault(display, []).extend(issues)
    finally:
        for run in runs:
            run.stop()
    return [issues if refused else issues + extra.get(display, [])
            for (display, _, _), issues, refused in zip(items, checked, gated, strict=True)]


#: The most source text (bytes) whose parsed trees are kept from the gate for the layers;
#: above it, each file is parsed again when its turn comes (a tree takes several times the
#: memory of its text).
TREE_BUDGET = 64 * 1024 * 1024


def _workers(jobs: int | None) -> int:
    return max(1, jobs if jobs is not None else (os.cpu_count() or 1))


def _jing_cores(schemas: int, workers: int, python_work: bool) -> int:
    """The cores each schema's jing may use: all of them, but one left to the Python layers
    if they have work; :func:`jing.parallelism` decides how many it does use."""
    return max(1, (workers - 1 if python_work else workers) // max(1, schemas))


def _check_trees(
    items: list[tuple[str, bytes, str]], parsed: list[tuple[Any, list[Issue]]],
    specs: tuple[SchemaSpec, ...], check_register: bool, registers: dict[str, Register],
    progress: Progress | None, readable: tuple[str, ...],
) -> list[list[Issue]]:
    """The Python layers in this process, over the trees the gate parsed (no second parse)."""
    _init_worker(specs, check_register, registers, readable)
    checker = _STATE["checker"]
    report = progress if len(items) >= PARALLEL_THRESHOLD else None
    out: list[list[Issue]] = []
    for (display, data, register), (tree, issues) in zip(items, parsed, strict=True):
        if tree is None:
            out.append(issues)
        else:
            out.append(checker.check_tree(tree, display, data,
                                          registers.get(register, NO_REGISTER), issues))
        if report is not None and (len(out) % 64 == 0 or len(out) == len(items)):
            report(len(out), len(items))
    return out


def _register_warning_once(results: list[FileResult]) -> None:
    """Keep the "no register" warning on the first file only: it is about the run."""
    seen = False
    for result in results:
        if any(issue.rule == "register-missing" for issue in result.issues):
            if seen:
                result.issues = [i for i in result.issues if i.rule != "register-missing"]
            seen = True


#: Above this share of files failing the built-in grammar, the files are someone else's TEI.
FOREIGN_SHARE = 0.5


def _foreign_tei_note(results: list[FileResult]) -> list[str]:
    """A note, once, when most files checked by the built-in schema are not in its
    customization: the other edition's TEI wants its own schema, not teitool's."""
    builtin_name = BUILTIN_XSD.name
    builtin = [r for r in results if any(name.endswith(builtin_name) for name in r.schemas)]
    foreign = [r for r in builtin
               if any(i.rule == BUILTIN_XSD.name and i.severity == ERROR for i in r.issues)]
    if len(builtin) < 2 or len(foreign) <= FOREIGN_SHARE * len(builtin):
        return []
    return [f"{len(foreign)} of {len(builtin)} files are not in teitool's TEI customization "
            f"(teitool.xsd): TEI from another edition? Check it against its own schema: "
            "--no-builtin --schema their.rng (or tei_all.rng), or let the files' "
            "<?xml-model?> choose (the default when no --schema is given)"]


@dataclass(slots=True)
class _Pending:
    """A file whose result is not known yet: its content is read only if the cache lacks it."""

    display: str
    data: bytes | None
    register: str
    signature: tuple[int, ...]
    digest: str
    #: the schemas the document names (used when the run takes schemas from documents)
    requests: tuple[SchemaRequest, ...]
    specs: tuple[SchemaSpec, ...] = ()
    key: str = ""

    def content(self) -> bytes:
        """The file's bytes, read now if the survey did not need them (its digest, if the
        run keeps one, then of what is checked)."""
        if self.data is None:
            self.data = _read(self.display)
            if self.digest:
                self.digest = hashlib.sha256(self.data).hexdigest()
        return self.data

    def known(self) -> KnownFile:
        """What the cache is to know of the file."""
        return KnownFile(self.signature, self.digest, tuple(map(asdict, self.requests)),
                         self.key)


def _contents(group: list[_Pending]) -> list[tuple[str, bytes, str]]:
    """Each file's name, bytes (read now if the survey did not need them) and register."""
    return [(item.display, item.content(), item.register) for item in group]


def _read(path: str) -> bytes:
    with open(path, "rb") as stream:
        return stream.read()


def _unparsed(issues: list[Issue]) -> bool:
    """The secure parser refused the file (a warning of that layer, such as an external DTD
    that is not read, leaves it to the schemas)."""
    return any(i.layer == "well-formed" and i.severity == ERROR for i in issues)


def _readable_folders(absolute: Iterable[str], registers: Iterable[Path]) -> tuple[str, ...]:
    """What the user named: the folders of the checked files (``absolute``: their absolute
    paths) and of the registers."""
    folders = {os.path.dirname(path) for path in absolute}
    folders.update(str(register.resolve().parent) for register in registers)
    return tuple(sorted(folders))


def _sorted(issues: list[Issue]) -> list[Issue]:
    return sorted(issues, key=lambda i: (i.line, i.column, i.layer, i.rule, i.message))


def _run_python_checks(
    items: list[tuple[str, bytes, str]],
    specs: tuple[SchemaSpec, ...],
    check_register: bool,
    registers: dict[str, Register],
    jobs: int | None,
    progress: Progress | None,
    readable: tuple[str, ...],
) -> list[list[Issue]]:
    """Issues per pending file, in order; in worker processes when there are many files.

    ``progress`` hears of every batch checked, when there are enough files to be worth a bar.
    ``readable``: the folders a schema's ``document()`` may read besides its own.
    """
    workers = _workers(jobs)
    report = progress if len(items) >= PARALLEL_THRESHOLD else None
    # Compile here first: forked workers inherit the compiled schemas, and a schema that does
    # not compile is reported once, as a run error, before any worker starts.
    _init_worker(specs, check_register, registers, readable)
    size = max(4, min(64, len(items) // (workers * 4) or 1))
    batches = list(_batches(items, size))
    out: list[list[dict[str, Any]]] = []

    def checked(result: list[list[dict[str, Any]]]) -> None:
        out.extend(result)
        if report is not None:
            report(len(out), len(items))

    if workers == 1 or len(items) < PARALLEL_THRESHOLD:
        for batch in batches:
            checked(_check_batch(batch))
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        context = multiprocessing.get_context(method)
        with ProcessPoolExecutor(
            max_workers=min(workers, len(batches)),
            mp_context=context,
            initializer=_init_worker,
            initargs=(specs, check_register, registers, readable),
        ) as pool:
            for result in pool.map(_check_batch, batches):
                checked(result)
    return [[Issue.from_dict(d) for d in issues] for issues in out]
