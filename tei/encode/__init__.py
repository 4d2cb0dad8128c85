"""Plain-text sources → TEI P5: the entry point that reads, recognises, encodes and writes.

Every document is built and checked (lossless) in memory first; only when all sources have
been encoded are the files written, each atomically, so a failure leaves no partial output.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from tei.encode import letters as letters_mod
from tei.encode.conventions import Conventions, available_profiles, conventions_for, table_problems
from tei.encode.introduction import build_introduction
from tei.encode.lossless import LosslessError
from tei.encode.persons import Register
from tei.encode.reading import NOT_XML, SourceText, describe_char, read_source
from tei.encode.registerfile import Provisional, output_register, provisional_mentions
from tei.encode.teidoc import XML_ID
from tei.errors import EXIT_CANNOT_RUN, EXIT_OK, EXIT_PROBLEMS, TeitoolError
from tei.progress import Progress
from tei.resources import package_folder
from tei.tomlfile import read_toml
from tei.xmlio import (
    NSMAP,
    XmlProblem,
    cannot_write,
    parse_bytes,
    parse_file,
    serialize,
    write_atomic,
)

KINDS = ("auto", "letters", "chapter")
OUTPUT_FOLDERS = ("front", "letters", "chapters")
#: A source with fewer words than this holds nothing to encode.
MIN_WORDS = 5


@dataclass
class EncodeResult:
    """What ``encode_sources`` wrote and noticed."""

    documents: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    letters: int = 0
    chapters: int = 0
    introductions: int = 0
    footnotes: int = 0
    endnotes: int = 0
    persons: set[str] = field(default_factory=set)
    #: The persons (and groups) the register lacks, in the order first met: the output
    #: register has them as provisional entries, for the editor to review.
    provisional: list[Provisional] = field(default_factory=list)
    #: Documents checked against the built-in schema before writing (all of them, all valid).
    schema_checked: int = 0
    exit_code: int = EXIT_OK

    def summary(self) -> str:
        return (
            f"encoded {len(self.documents)} documents ({self.letters} letters, {self.chapters} "
            f"chapters, {self.introductions} introductions); {self.footnotes} footnotes, "
            f"{self.endnotes} endnotes; {len(self.persons)} persons referenced "
            f"({len(self.provisional)} provisional); "
            f"{len(self.warnings)} warnings"
        )


def source_files(paths: list[Path]) -> list[Path]:
    """Files named, and the *.txt files of folders named, in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.glob("*.txt"))
            if not found:
                raise TeitoolError(f"{path}: the folder has no *.txt source files")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise TeitoolError(f"{path}: no such file or folder")
    return files


def _beside(sources: list[Path], name: str) -> Path | None:
    for source in sources:
        folder = source if source.is_dir() else source.parent
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def find_register(sources: list[Path]) -> Path | None:
    """The register beside the sources, or None: then every name is unknown (a new edition)."""
    return _beside(sources, "persons.xml")


def load_register(path: Path | None, conventions: Conventions | None = None) -> Register:
    """The register at ``path``; without one, an empty register. ``conventions`` (the
    edition's) say how persons are named: forms of address, titles, transliterations."""
    return Register.load(path, conventions) if path is not None else Register.empty(conventions)


def empty_register() -> bytes:
    """The register written for a run without one: the empty register `teitool init` makes,
    so the TEI folder always has the persons.xml its @ref pointers and checks need."""
    return (package_folder("skeleton") / "sources" / "persons.xml").read_bytes()


#: The keys of a source's metadata table (see sources/metadata.toml): text, years, words.
_TEXT_KEYS = ("title", "author", "book", "place", "publisher", "note", "editor")
_YEAR_KEYS = ("year", "context_year")


def load_metadata(path: Path | None) -> dict[str, Any]:
    """Per-source metadata (TOML), or an empty table when there is none; a key of the wrong
    kind or unknown (a typo) is a :class:`TeitoolError` naming the file, table and key."""
    if path is None:
        return {}
    data = read_toml(path)
    for problem in _metadata_problems(data):
        raise TeitoolError(f"{path}: {problem}", EXIT_CANNOT_RUN)
    return data


def _metadata_problems(data: dict[str, Any]) -> Iterator[str]:
    unknown = sorted(set(data) - {"sources", "edition", "conventions"})
    if unknown:
        yield (f"unknown table {', '.join(unknown)}: the metadata has [sources.\"<file>\"] "
               "tables, an [edition] table and a [conventions] table")
    if "conventions" in data:
        yield from _conventions_problems(data["conventions"], "[conventions]")
    sources = data.get("sources", {})
    if not isinstance(sources, dict):
        yield 'sources must be tables: [sources."<file name>"]'
        return
    for name, entry in sources.items():
        where = f'[sources."{name}"]'
        if not isinstance(entry, dict):
            yield f"{where} must be a table of keys (title, author, book, …)"
            continue
        for key, value in entry.items():
            if key in _TEXT_KEYS:
                if not isinstance(value, str):
                    yield f"{where}: {key} must be text in quotes, not {value!r}"
                else:
                    yield from _unwritable(where, key, value)
            elif key in _YEAR_KEYS:
                if isinstance(value, bool) or not isinstance(value, int) or not 1000 <= value <= 2100:
                    yield f"{where}: {key} must be a year such as 1932, not {value!r}"
            elif key == "conventions":
                yield from _conventions_problems(value, f"{where}.conventions")
            elif key == "foreign":
                if not isinstance(value, dict) or not all(
                    isinstance(v, str) for v in value.values()
                ):
                    yield f'{where}: foreign must be a table of word = "language" (vozhd = "ru")'
                else:
                    for word, language in value.items():
                        yield from _unwritable(where, f"foreign.{word}", f"{word} {language}")
            else:
                known = ", ".join((*_TEXT_KEYS, *_YEAR_KEYS, "foreign", "conventions"))
                yield f"{where}: unknown key {key!r} (known: {known})"


def _conventions_problems(value: Any, where: str) -> Iterator[str]:
    if not isinstance(value, dict):
        yield f"{where} must be a table (profile = \"…\", and tables of lists)"
        return
    yield from table_problems(value, where=where)
    if isinstance(value.get("profile"), str) and value["profile"] not in available_profiles():
        yield (f"{where}: unknown conventions profile {value['profile']!r}; "
               f"known: {', '.join(available_profiles())}")


def _unwritable(where: str, key: str, value: str) -> Iterator[str]:
    """A metadata text goes into the TEI as it is: one with a character XML cannot carry
    (TOML's escapes can write "\\u0007") is a problem, not a crash when the TEI is built."""
    found = NOT_XML.search(value)
    if found:
        yield f"{where}: {key} contains {describe_char(found.group())}, which XML cannot carry"


def source_metadata(metadata: dict[str, Any], source: SourceText) -> dict[str, Any] | None:
    """The metadata table of one source: ``[sources."<file name>"]``."""
    table = metadata.get("sources", {})
    entry = table.get(source.name) or table.get(source.path.stem)
    return entry if isinstance(entry, dict) else None


def recognise_kind(
    source: SourceText, register: Register, conventions: Conventions | None = None
) -> str:
    if letters_mod.looks_like_correspondence(source, register, conventions=conventions):
        return "letters"
    return "chapter"


def _encode_correspondence(
    source: SourceText,
    register: Register,
    metadata: dict[str, Any] | None,
    result: EncodeResult,
    conventions: Conventions | None = None,
) -> list[tuple[str, etree._Element]]:
    prelude, raw_documents = letters_mod.split_documents(
        source, register, conventions=conventions
    )
    if not raw_documents:
        raise TeitoolError(
            f"{source.path}: no letter found (no header line such as 'Stalin to Kaganovich "
            "June 4, 1932' and no 'Archive:' line); is it a chapter? try --kind chapter",
            EXIT_PROBLEMS,
        )
    outputs: list[tuple[str, etree._Element]] = []
    stem = source.id_stem or "letters"
    introduction = (
        build_introduction(
            prelude, source, register, f"intro-{stem}", metadata, result.warnings, conventions
        )
        if prelude
        else None
    )
    if introduction is not None:
        outputs.append(("front", introduction))
        result.introductions += 1
        result.footnotes += len(introduction.findall(".//{*}note[@place='foot']"))
    built = [
        letters_mod.build_letter(
            raw, source, register, last=raw is raw_documents[-1], conventions=conventions
        )
        for raw in raw_documents
    ]
    letters_mod.assign_ids(built)
    for letter in built:
        outputs.append(("letters", letter.root))
        result.warnings.extend(letter.warnings)
        result.footnotes += letter.footnotes
        result.persons |= letter.persons
    result.letters += len(built)
    return outputs


def _encode_chapter(
    source: SourceText, register: Register, metadata: dict[str, Any] | None, result: EncodeResult
) -> list[tuple[str, etree._Element]]:
    from tei.encode.chapters import encode_chapter

    chapter = encode_chapter(source, register, metadata)
    result.warnings.extend(chapter.warnings)
    result.chapters += 1
    result.endnotes += len(chapter.root.findall(".//{*}note[@type='endnote']"))
    result.persons |= {ref for el in chapter.root.iter("{*}persName") if (ref := el.get("ref"))}
    return [("chapters", chapter.root)]


def encode_sources(
    sources: list[Path],
    out_dir: Path,
    *,
    kind: str = "auto",
    register_path: Path | None = None,
    metadata_path: Path | None = None,
    progress: Progress | None = None,
) -> EncodeResult:
    """Encode ``sources`` (files or folders of *.txt) into ``out_dir``.

    ``progress`` (see :mod:`tei.progress`) hears of each source encoded, in bytes of source.
    Raises :class:`TeitoolError` (nothing written) when a source cannot be read or encoded.
    """
    if kind not in KINDS:
        raise TeitoolError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    files = source_files(sources)
    register_path = register_path or find_register(sources)
    metadata = load_metadata(metadata_path or _beside(sources, "metadata.toml"))
    register = load_register(register_path, conventions_for(metadata))

    result = EncodeResult()
    outputs: list[tuple[str, etree._Element, Path]] = []  # folder, document, its source
    read = [read_source(path) for path in files]
    # What one source says of a name holds in all ("Comrade Pell" here, "Pell" there).
    register.learn([source.text for source in read])
    # The bytes of the sources before each one, and of all (the last): one running sum.
    before = [0, *itertools.accumulate(path.stat().st_size for path in files)]
    for done, path in enumerate(files):
        if progress is not None:
            progress(before[done], before[-1])
        source = read[done]
        if len(source.text.split()) < MIN_WORDS:
            raise TeitoolError(
                f"{path}: nothing recognisable to encode (fewer than {MIN_WORDS} words)",
                EXIT_PROBLEMS,
            )
        conventions = conventions_for(metadata, source.name)
        source_kind = recognise_kind(source, register, conventions) if kind == "auto" else kind
        try:
            if source_kind == "letters":
                made = _encode_correspondence(
                    source, register, source_metadata(metadata, source), result, conventions
                )
            else:
                made = _encode_chapter(source, register, source_metadata(metadata, source), result)
        except LosslessError as exc:
            raise TeitoolError(f"lossless check failed: {exc}", EXIT_PROBLEMS) from None
        outputs += [(folder, root, path) for folder, root in made]
    result.provisional = provisional_mentions(
        (root for _folder, root, _origin in outputs), register.run.entries
    )

    targets = [(out_dir / folder / f"{root.get(XML_ID)}.xml", root, origin)
               for folder, root, origin in outputs]
    _refuse_shared_ids([(target, origin) for target, _root, origin in targets])
    documents = [(target, readable_bytes(root, origin, target)) for target, root, origin in targets]
    # Valid as well as lossless, checked in memory: an invalid document stops the run here.
    from tei.encode.schemacheck import refuse_invalid

    origins = [origin for _target, _root, origin in targets]
    result.schema_checked = refuse_invalid(
        (target, data, origin) for (target, data), origin in zip(documents, origins, strict=True)
    )
    try:
        register_bytes = register_path.read_bytes() if register_path else empty_register()
        write_atomic(out_dir / "persons.xml", output_register(register_bytes, result.provisional))
        for target, data in documents:
            write_atomic(target, data)
            result.documents.append(target)
        remove_stale(out_dir, {path.name for path in files}, set(result.documents))
    except OSError as exc:
        raise cannot_write(out_dir, exc) from None
    return result


def _refuse_shared_ids(targets: list[tuple[Path, Path]]) -> None:
    """Two documents with one id would be one file, the second silently replacing the first:
    :class:`TeitoolError` (exit 1, nothing written) naming both sources."""
    first: dict[Path, Path] = {}
    for target, origin in targets:
        if target in first:
            raise TeitoolError(
                f"{origin}: a document of it and one of {first[target]} both get the id "
                f"{target.stem} and would both be {target}; nothing written (a chapter's id "
                "comes from its file name's prefix, a letter's from its date and "
                "correspondents): rename one source, or remove the letter given twice",
                EXIT_PROBLEMS,
            )
        first[target] = origin


def readable_bytes(root: etree._Element, source: Path, target: Path) -> bytes:
    """The document serialised, once read back through the validator's parser: every
    document written passes it. :class:`TeitoolError` (exit 1) names the source otherwise."""
    data = serialize(root)
    try:
        parse_bytes(data, str(target))
    except XmlProblem as problem:
        raise TeitoolError(
            f"{source}: its document {target.name} would not pass the validator "
            f"(line {problem.line}, column {problem.column}: {problem.message}); nothing written",
            EXIT_PROBLEMS,
        ) from None
    return data


def remove_stale(out_dir: Path, source_names: set[str], written: set[Path]) -> None:
    """Delete documents an earlier run made from these sources that this run did not write.

    A document names its source in ``publicationStmt`` ("Encoded with teitool from
    sources/X.txt, …"); documents of other sources, and files teitool did not make, stay.
    """
    made_from = re.compile(r"Encoded with teitool from \S*?([^/\s,]+\.txt)")
    for folder in OUTPUT_FOLDERS:
        for path in sorted((out_dir / folder).glob("*.xml")):
            if path in written:
                continue
            try:
                statement = parse_file(path).findtext(
                    ".//tei:publicationStmt/tei:p", namespaces=NSMAP
                )
            except XmlProblem:
                continue
            match = made_from.search(statement or "")
            if match and match.group(1) in source_names:
                path.unlink()
        # A folder this removal emptied (the source no longer gives an introduction) goes too.
        if (out_dir / folder).is_dir() and not any((out_dir / folder).iterdir()):
            (out_dir / folder).rmdir()
