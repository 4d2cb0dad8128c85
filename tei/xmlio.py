"""The project's one secure XML parser and its atomic writer.

Every module that reads XML goes through :func:`parse_bytes` / :func:`parse_file`, so the
rules live in one place: no external entity is resolved, no DTD or schema is fetched, nothing
touches the network, and a document that declares entities is refused before anything could
expand them (the "billion laughs" family). Every module that writes a file goes through
:func:`write_atomic`, so a crash or a full disk never leaves a half-written output.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from tei.errors import EXIT_CANNOT_RUN, TeitoolError

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NSMAP = {"tei": TEI_NS}

#: Files larger than this are refused with a clear message instead of being read into memory.
DEFAULT_MAX_BYTES = 256 * 1024 * 1024

_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)


@dataclass(frozen=True)
class XmlProblem(Exception):
    """A document that cannot be read safely or is not well-formed."""

    path: str
    line: int
    column: int
    message: str
    rule: str = "well-formed"

    def __str__(self) -> str:
        # A problem with the file as a whole (unreadable, a folder) has no place in it.
        where = f"{self.path}:{self.line}:{self.column}" if self.line else self.path
        return f"{where}: {self.message}"


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )


def parse_bytes(data: bytes, path: str = "<bytes>") -> etree._ElementTree:
    """Parse ``data`` safely; raise :class:`XmlProblem` naming ``path`` on any failure."""
    if not data.strip():
        raise XmlProblem(path, 1, 1, "the file is empty; expected an XML document", "not-xml")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise XmlProblem(path, 1, 1, "the file is binary, not XML", "not-xml")
    match = _ENTITY_DECL.search(data)
    if match:
        line = data.count(b"\n", 0, match.start()) + 1
        raise XmlProblem(
            path,
            line,
            1,
            "the document declares entities (<!ENTITY>); teitool never expands or resolves "
            "them, to stay safe from entity bombs and file disclosure: remove the declaration",
            "entity-declaration",
        )
    try:
        tree = etree.ElementTree(etree.fromstring(data, _parser(), base_url=None))
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (1, 1)
        message = exc.msg or str(exc)
        message = re.sub(r",? line \d+, column \d+$", "", message)
        if "XML_PARSE_HUGE" in message:
            # libxml2's limits for safe parsing, in its words: say what they mean.
            message = ("elements nested deeper than 256 levels or a text node over 10 MB; "
                       "teitool parses with libxml2's safety limits on")
        raise XmlProblem(path, line or 1, column or 1, f"not well-formed: {message}") from None
    return tree


def parse_file(
    path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES
) -> etree._ElementTree:
    """Read and parse a file safely; raise :class:`XmlProblem` on I/O or parse failure."""
    name = str(path)
    try:
        status = os.stat(path)
        if not stat.S_ISREG(status.st_mode):
            raise XmlProblem(name, 0, 0, "not a regular file (a folder, device or pipe)", "io")
        size = status.st_size
        if size > max_bytes:
            raise XmlProblem(
                name,
                1,
                1,
                f"the file is {size / 2**20:.0f} MiB, over the limit of {max_bytes / 2**20:.0f} MiB;"
                " split it or raise the limit",
                "too-large",
            )
        data = Path(path).read_bytes()
    except OSError as exc:
        raise XmlProblem(name, 0, 0, f"cannot read: {exc.strerror or exc}", "io") from None
    return parse_bytes(data, name)


def serialize(tree: etree._ElementTree | etree._Element) -> bytes:
    """Serialise a document the one way the project does: UTF-8, declaration, final newline."""
    data = etree.tostring(tree, encoding="UTF-8", xml_declaration=True)
    return data if data.endswith(b"\n") else data + b"\n"


def cannot_write(path: str | os.PathLike[str], exc: OSError) -> TeitoolError:
    """The one-line error for an output that cannot be written (exit code 2)."""
    reason = exc.strerror or str(exc)
    if isinstance(exc, FileExistsError):
        reason = f"a file stands where a folder of the path must be ({exc.filename})"
    return TeitoolError(f"{path}: cannot write the output: {reason}", EXIT_CANNOT_RUN)


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the whole new one, never a part.

    Raises :class:`TeitoolError` (exit code 2) when the file cannot be written.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise cannot_write(target, exc) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise cannot_write(target, exc) from None
        raise


@contextlib.contextmanager
def atomic_directory(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Build a directory in a temporary sibling and swap it into place only on success.

    On any exception (Ctrl-C included) the temporary folder is removed and the previous
    contents of ``path`` stay as they were.
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(
            tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        )
    except OSError as exc:
        raise cannot_write(target, exc) from None
    try:
        yield staging
        try:
            os.chmod(staging, 0o755)
            if target.exists():
                retired = Path(
                    tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent)
                )
                os.replace(target, retired / "old")
                os.replace(staging, target)
                shutil.rmtree(retired, ignore_errors=True)
            else:
                os.replace(staging, target)
        except OSError as exc:
            raise cannot_write(target, exc) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
