"""The archive line: "Archive: RGASPI F. 558. Op. 11. D. 77. L. 136. Certified typewritten copy."."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from tei.encode.conventions import Conventions
from tei.encode.letters.patterns import patterns_of
from tei.encode.teidoc import E

#: An archive's acronym: two capitals or more, no full stop inside ("GARF", "TsGIA", "SPb").
_ACRONYM = re.compile(r"(?=(?:[a-z]*[A-Z]){2})[A-Za-z]+[,.]?")
#: The repository of a reference that names none.
UNKNOWN_REPOSITORY = "unknown"


@dataclass(frozen=True)
class Archive:
    """An ``Archive:`` line: "RGASPI F. 558. Op. 11. D. 77. L. 136. Certified typewritten copy."."""

    text: str
    repository: str
    references: tuple[str, ...]
    form: str | None
    #: The repository of each reference ("RGASPI …; APRF …"), in their order.
    repositories: tuple[str, ...] = ()


def parse_archive(line: str, *, conventions: Conventions | None = None) -> Archive | None:
    """Read an ``Archive:`` line (the profile's archive labels); several references are
    separated by ";", each perhaps with its own repository."""
    rules = patterns_of(conventions)
    match = rules.archive.match(line)
    if not match:
        return None
    rest = match.group("rest").strip()
    references: list[str] = []
    repositories: list[str] = []
    repository = ""
    for part in rest.split(";"):
        tokens = part.split()
        # The repository is an acronym ("RGASPI", "TsGIA"); a second one ("CUL DAR") is
        # the collection, a part of the reference.
        if tokens and _ACRONYM.fullmatch(tokens[0]):
            repository = tokens[0].rstrip(",.")
            tokens = tokens[1:]
        # The reference runs up to the first word of prose ("Autograph", "Certified …").
        reference = []
        for token in tokens:
            if re.match(r"[A-Z][a-z]{2,}", token):
                break
            reference.append(token)
        if reference:
            references.append(" ".join(reference).rstrip(".,"))
            repositories.append(repository or UNKNOWN_REPOSITORY)
    lowered = rest.lower()
    form = next((value for words, value in rules.document_forms if words in lowered), None)
    first = repositories[0] if repositories else repository or UNKNOWN_REPOSITORY
    return Archive(line.strip(), first, tuple(references), form, tuple(repositories))


def source_description(
    archives: list[Archive],
    opener_lines: list[str],
    source_name: str,
    *,
    conventions: Conventions | None = None,
) -> tuple[etree._Element, list[etree._Element]]:
    """``msDesc`` for a document with archive lines (and the ``p`` elements that keep their
    words), else a ``p`` that says there is none. The first reference is the ``idno``, any
    other (after ";", or on a second archive line) an ``altIdentifier`` with its own
    repository. A cipher mark among the ``opener_lines`` or in an archive line ("Cipher.")
    makes the form a cipher, whatever else the line says."""
    if not archives:
        note = f"The source gives no archival reference for this document ({source_name})."
        return E.p(note), []
    first = archives[0]
    identifier = E.msIdentifier(E.repository(first.repository))
    references = [
        (repository, reference)
        for archive in archives
        for repository, reference in zip(archive.repositories, archive.references, strict=True)
    ] or [(first.repository, first.text)]
    identifier.append(E.idno(references[0][1], type="archival"))
    for repository, reference in references[1:]:
        other = E.altIdentifier(E.idno(reference, type="archival"))
        if repository != first.repository:
            other.insert(0, E.repository(repository))
        identifier.append(other)
    rules = patterns_of(conventions)
    said = [*opener_lines, *(archive.text for archive in archives)]
    cipher = any(rules.cipher_mark.search(line) for line in said)
    form = "cipher" if cipher else next((a.form for a in archives if a.form), None)
    kept = [E.p(archive.text) for archive in archives]
    object_desc = E.objectDesc(*kept)
    if form:
        object_desc.set("form", form)
    return E.msDesc(identifier, E.physDesc(object_desc)), kept
