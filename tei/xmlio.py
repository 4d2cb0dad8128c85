"""The project's one secure XML parser and its atomic writer.

Every module that reads XML goes through :func:`parse_bytes` / :func:`parse_file`, so the
rules live in one place: no external entity is resolved, no DTD or schema is fetched, nothing
touches the network, and a document that declares entities (in any encoding) or refers to
entities it does not declare is refused before anything could expand them (the "billion
laughs" family). An engine outside lxml (jing) never reads a user's file: it gets
:func:`engine_copy`, the same text in UTF-8 without its DOCTYPE. Files that a schema or a
stylesheet pulls in (includes, imports, ``document()``) are read through
:class:`LocalFilesOnly`, which lets through only files below the folders the user named. Every module that writes a file goes through
:func:`write_atomic`, so a crash or a full disk never leaves a half-written output.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
import tempfile
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from tei.errors import EXIT_CANNOT_RUN, TeitoolError

if TYPE_CHECKING:  # what a Resolver hands back: a name in the lxml stubs only
    from lxml.etree._docloader import _InputDocument

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


def _parser(resolver: etree.Resolver | None = None, recover: bool = False) -> etree.XMLParser:
    parser = etree.XMLParser(
        recover=recover,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )
    # libxml2 loads what a schema includes or a stylesheet's document() names through the
    # parser of the document that asks; without a resolver of ours it would read any file.
    parser.resolvers.add(resolver or _REFUSE_ALL)
    return parser


_THREAD = threading.local()


def _document_parser() -> etree.XMLParser:
    """The thread's parser for documents that may pull in nothing: made once per thread (a
    new parser per document costs a tenth more on thousands of small ones), as lxml's parsers
    are not to be shared between threads."""
    parser: etree.XMLParser | None = getattr(_THREAD, "parser", None)
    if parser is None:
        parser = _THREAD.parser = _parser()
    return parser


def _entity_problem(path: str, line: int) -> XmlProblem:
    return XmlProblem(
        path,
        line,
        1,
        "the document declares entities (<!ENTITY>); teitool never expands or resolves "
        "them, to stay safe from entity bombs and file disclosure: remove the declaration",
        "entity-declaration",
    )


def _check_doctype(tree: etree._ElementTree, path: str) -> None:
    """Refuse what a DOCTYPE could smuggle past the byte check, whatever the encoding.

    The byte check finds ``<!ENTITY`` only in ASCII-compatible encodings; the parsed DTD
    shows declarations in UTF-16 and UTF-32 too. An entity that no declaration defines (one
    the external DTD would define, which is never loaded) cannot be expanded: an engine would
    either fetch the DTD or fail, so it is an error here.
    """
    dtd = tree.docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise _entity_problem(path, 1)
    for entity in tree.getroot().iter(etree.Entity):
        raise XmlProblem(
            path, entity.sourceline or 1, 1,
            f"the entity reference {entity.text} is not declared in the document (teitool "
            "never loads a DTD): write the character itself or a character reference",
            "undeclared-entity")


#: libxml2's findings that break the Namespaces in XML or xml:id recommendations, not XML
#: itself (an undeclared prefix, ``xml:id="[UUID]"``, an id used twice), with the rule each
#: is reported under. The document is well-formed: it can still be parsed and checked.
NAMESPACE_ERRORS = {
    "NS_ERR_UNDEFINED_NAMESPACE": "namespace",
    "NS_ERR_QNAME": "namespace",
    "NS_ERR_XML_NAMESPACE": "namespace",
    "NS_ERR_EMPTY": "namespace",
    "DTD_XMLID_VALUE": "xml-id",
    "DTD_ID_REDEFINED": "id-unique",
}


def _namespace_problems(path: str, log: etree._ListErrorLog) -> list[XmlProblem] | None:
    """The log's findings as problems if every one is a namespace error, else None."""
    problems: dict[tuple[int, int, str], XmlProblem] = {}
    for entry in log:
        rule = NAMESPACE_ERRORS.get(entry.type_name)
        if rule is None:
            return None
        problems.setdefault((entry.line, entry.column, entry.message), XmlProblem(
            path, entry.line or 1, entry.column or 1, entry.message.strip(), rule))
    return list(problems.values()) or None


def parse_bytes(
    data: bytes, path: str = "<bytes>", resolver: etree.Resolver | None = None,
    namespace_errors: list[XmlProblem] | None = None,
) -> etree._ElementTree:
    """Parse ``data`` safely; raise :class:`XmlProblem` naming ``path`` on any failure.

    ``resolver`` decides which files the document may pull in later (a schema's includes, a
    stylesheet's ``document()``); by default none. With a ``namespace_errors`` list, a
    document whose only faults are namespace errors (:data:`NAMESPACE_ERRORS`) is parsed
    all the same and its faults are added to the list, so that the schemas still run.
    """
    if not data.strip():
        raise XmlProblem(path, 1, 1, "the file is empty; expected an XML document", "not-xml")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise XmlProblem(path, 1, 1, "the file is binary, not XML", "not-xml")
    match = _ENTITY_DECL.search(data)
    if match:
        raise _entity_problem(path, data.count(b"\n", 0, match.start()) + 1)
    parser = _parser(resolver) if resolver is not None else _document_parser()
    try:
        tree = etree.ElementTree(etree.fromstring(data, parser, base_url=None))
    except etree.XMLSyntaxError as exc:
        found = _namespace_problems(path, parser.error_log)
        if namespace_errors is None or found is None:
            raise _syntax_problem(path, exc) from None
        namespace_errors.extend(found)
        tree = etree.ElementTree(etree.fromstring(data, _parser(resolver, recover=True),
                                                 base_url=None))
    if tree.docinfo.doctype:
        _check_doctype(tree, path)
    return tree


def _syntax_problem(path: str, exc: etree.XMLSyntaxError) -> XmlProblem:
    line, column = exc.position if exc.position else (1, 1)
    message = exc.msg or str(exc)
    message = re.sub(r",? line \d+, column \d+$", "", message)
    if "XML_PARSE_HUGE" in message:
        # libxml2's limits for safe parsing, in its words: say what they mean.
        message = ("elements nested deeper than 256 levels or a text node over 10 MB; "
                   "teitool parses with libxml2's safety limits on")
    return XmlProblem(path, line or 1, column or 1, f"not well-formed: {message}")


def parse_file(
    path: str | os.PathLike[str],
    max_bytes: int = DEFAULT_MAX_BYTES,
    resolver: etree.Resolver | None = None,
) -> etree._ElementTree:
    """Read and parse a file safely; raise :class:`XmlProblem` on I/O or parse failure.

    The tree knows its file (``docinfo.URL``), so what it refers to resolves against it.
    """
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
    tree = parse_bytes(data, name, resolver)
    tree.docinfo.URL = os.path.abspath(path)
    return tree


class LocalFilesOnly(etree.Resolver):
    """Lets a document pull in files below ``roots`` only, each read through this gate.

    Every URL libxml2 asks for (a schema's include or import, a Schematron include, a
    stylesheet's ``document()``) comes here first: a file below one of the folders is parsed
    with :func:`parse_file` (so it may not declare entities either) and handed over as text;
    anything else (the network, a file elsewhere, a relative URL with no base) is refused
    with an error that names it, and libxml2 never opens it itself. ``catalog`` maps a URL
    to a local file first (an XML catalog's lookup, :mod:`tei.validate.catalog`), whose
    answer must lie below ``roots`` too.
    """

    def __init__(self, roots: Iterable[str | os.PathLike[str]] = (),
                 catalog: Callable[[str], str | None] | None = None) -> None:
        super().__init__()
        self.roots = tuple(os.path.realpath(root) for root in roots)
        self.catalog = catalog

    def allows(self, filename: str) -> bool:
        real = os.path.realpath(filename)
        return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep)
                   for root in self.roots)

    def resolve(
        self, system_url: str | None, public_id: str | None, context: object
    ) -> _InputDocument:
        url = system_url or ""
        filename = (self.catalog(url) if self.catalog else None) or local_file(url)
        if filename is None:
            raise RefusedReference(f"{url}: teitool reads no URL (no network): use a local copy")
        if not self.allows(filename):
            raise RefusedReference(f"{url}: outside the folders teitool may read for this run ("
                                   + (", ".join(self.roots) or "none") + ")")
        try:
            tree = parse_file(filename, resolver=self)
        except XmlProblem as problem:
            raise RefusedReference(str(problem)) from None
        # The root alone: no DOCTYPE goes back to libxml2.
        text = etree.tostring(tree.getroot(), encoding="UTF-8", xml_declaration=True)
        return self.resolve_string(text, context, base_url=filename)


class RefusedReference(Exception):
    """A file or URL that a document asked for and teitool did not read; the message says why."""


_REFUSE_ALL = LocalFilesOnly()


def tag_of(element: etree._Element) -> str:
    """The tag of an element of a parsed tree: a str. (lxml keeps a tag set by hand as it was
    given, bytes or a QName, and a comment's tag is a function; callers pass neither.)"""
    tag = element.tag
    assert isinstance(tag, str), tag
    return tag


def local_file(url: str) -> str | None:
    """The absolute local path a URL or path names, or None (another scheme, no base)."""
    if url.startswith("file:"):
        parsed = urllib.parse.urlsplit(url)
        if parsed.netloc not in ("", "localhost"):
            return None
        return urllib.parse.unquote(parsed.path)
    if os.path.isabs(url):
        return url
    return None


def base_uri(base: str) -> str:
    """A base (lxml's ``element.base``: a URL, or a path) as a URL to resolve against.

    A folder's trailing slash is kept (``xml:base="schemas/"`` resolves ``a.rng`` inside it),
    which ``Path.as_uri`` would drop; a one-letter scheme is a Windows drive, not a URL.
    """
    if len(urllib.parse.urlsplit(base).scheme) > 1:
        return base
    uri = Path(base).absolute().as_uri()
    return uri + "/" if base.endswith(("/", os.sep)) and not uri.endswith("/") else uri


_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
    # Without a byte order mark, the first character '<' tells (XML 1.0, appendix F).
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)
_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z][\w.-]*)["']""")


def decode_document(data: bytes, path: str = "<bytes>") -> str:
    """A well-formed document's text, decoded the way an XML parser decodes it."""
    codec = next((codec for mark, codec in _BOMS if data.startswith(mark)), None)
    if codec is None:
        declared = _DECLARED_ENCODING.match(data)
        codec = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        text = data.decode(codec)
    except (LookupError, UnicodeDecodeError) as exc:
        raise XmlProblem(path, 1, 1, f"cannot decode the file as {codec}: {exc}; "
                         "save it as UTF-8", "encoding") from None
    return text.removeprefix("\ufeff")


_XML_DECLARATION = re.compile(r"^<\?xml\s[^?]*\?>")
_VERSION = re.compile(r"""version\s*=\s*["'](1\.[0-9])["']""")
_PROLOG_ITEM = re.compile(r"\s+|<!--.*?-->|<\?.*?\?>", re.DOTALL)
#: Inside a DOCTYPE: quoted strings, comments and PIs may hold '[', ']' and '>' of their own.
_DOCTYPE_PART = re.compile(r"""\s+|"[^"]*"|'[^']*'|<!--.*?-->|<\?.*?\?>|<![^"'>]*|[^\s"'<\[\]>]+|\[|\]""",
                           re.DOTALL)


def _doctype_end(text: str, start: int) -> int:
    """Where the DOCTYPE declaration at ``start`` ends (just after its '>')."""
    position = start + len("<!DOCTYPE")
    depth = 0
    while position < len(text):
        char = text[position]
        if char == ">" and depth == 0:
            return position + 1
        if char in "[]":
            depth += 1 if char == "[" else -1
            position += 1
            continue
        part = _DOCTYPE_PART.match(text, position)
        position = part.end() if part and part.end() > position else position + 1
    return len(text)


#: A document that is its own engine copy: declared as UTF-8 the way the copy declares it, or
#: not declared and not UTF-16 or UTF-32 (which begin "<\0" or "\0"), without a byte order mark.
_ENGINE_READY = re.compile(rb'<\?xml version="1\.[0-9]" encoding="UTF-8"\?>|<(?![?\0])')


def engine_copy(data: bytes, path: str = "<bytes>") -> bytes:
    """The document for an engine that reads files itself (jing): harmless, same lines.

    ``data`` must have passed :func:`parse_bytes`. The copy is UTF-8 whatever the original
    encoding, and its DOCTYPE, whatever precedes it (comments, processing instructions that
    mention ``<!DOCTYPE``), is blanked to spaces with its line breaks kept, so the engine has
    no DTD to load and reports the lines and columns of the original.
    """
    if b"<!DOCTYPE" not in data and _ENGINE_READY.match(data):
        return data  # most documents: no decoding and encoding again (thousands of them)
    text = decode_document(data, path)
    position = 0
    declaration = _XML_DECLARATION.match(text)
    head = ""
    if declaration:
        version = _VERSION.search(declaration.group(0))
        head = f'<?xml version="{version.group(1) if version else "1.0"}" encoding="UTF-8"?>'
        head += "\n" * declaration.group(0).count("\n")
        position = declaration.end()
    while True:
        item = _PROLOG_ITEM.match(text, position)
        if item is None or item.end() == position:
            break
        position = item.end()
    if text.startswith("<!DOCTYPE", position):
        end = _doctype_end(text, position)
        blank = "".join(c if c == "\n" else " " for c in text[position:end])
        text = text[:position] + blank + text[end:]
    return (head + text[declaration.end() if declaration else 0:]).encode("utf-8")


def serialize(tree: etree._ElementTree | etree._Element) -> bytes:
    """Serialise a document the one way the project does: UTF-8, declaration, final newline."""
    data = etree.tostring(tree, encoding="UTF-8", xml_declaration=True)
    return data if data.endswith(b"\n") else data + b"\n"


def cannot_write(path: str | os.PathLike[str], exc: OSError) -> TeitoolError:
    """The one-line error for an output that cannot be written (exit code 2)."""
    reason = exc.strerror or str(exc) or exc.__class__.__name__
    if isinstance(exc, FileExistsError):
        reason = f"a file stands where a folder of the path must be ({exc.filename})"
    return TeitoolError(f"{path}: cannot write the output: {reason}", EXIT_CANNOT_RUN)


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISREG, "a file"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
)


def check_output(path: str | os.PathLike[str], *, folder: bool = False) -> None:
    """Refuse an output path that exists as something other than a file (``folder``: a folder).

    Outputs are written beside their place and renamed into it, which would replace a device
    such as ``/dev/null``, a named pipe or a socket with a plain file (as root, for good).
    Raises :class:`TeitoolError` (exit code 2); a path that does not exist passes.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return  # absent, or not even stat-able: the write itself will say why
    wanted = stat.S_ISDIR if folder else stat.S_ISREG
    if wanted(mode):
        return
    kind = next((name for test, name in _KINDS if test(mode)), "not a file")
    expected = "folder" if folder else "file"
    raise TeitoolError(
        f"{path}: cannot write the output: it is {kind}, not a {expected}, and would be "
        f"replaced by one; choose another path",
        EXIT_CANNOT_RUN,
    )


# --- temporary files and folders beside an output --------------------------------------------
#
# write_atomic and atomic_directory write beside the output, as ".NAME.XXXXXXXX.tmp" (and
# retire the old folder as ".NAME.XXXXXXXX.old"). A run killed with SIGKILL, or a machine
# that loses power, leaves them behind; the next run for the same output removes them. What
# tells an abandoned one from one a running process still writes is a lock: each is locked
# (flock) from the moment it is made until it is renamed or removed. The kernel drops the
# lock when its holder dies, however it dies, and no pid can be reused to fool the check (a
# pid file can, and means nothing in another container). A leftover is removed only if it
# carries the name of this output, is older than this run's own, and its lock can be taken.
# Where locks are not available (Windows; directories on NFS) nothing is removed.

_LEFTOVER = re.compile(r"\.(.+)\.[a-z0-9_]{8}\.(tmp|old)", re.DOTALL)  # tempfile's 8 characters
_listed: dict[str, dict[tuple[str, str], list[str]]] = {}  # folder -> (name, suffix) -> entries


def _claim(path: str, fd: int) -> bool:
    """Lock ``fd``, just created at ``path``, until it is closed; False if a sweep of another
    run took ``path`` away in the moment before the lock (then make another)."""
    with contextlib.suppress(ImportError, OSError):  # no locks here: nothing is swept either
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        return os.path.samestat(os.fstat(fd), os.lstat(path))
    except OSError:
        return False


def _claimed(make: Callable[[], tuple[int, str]]) -> tuple[int, str]:
    """A new temporary file or folder from ``make`` (its fd and path), locked as in use."""
    for _ in range(3):
        fd, path = make()
        if _claim(path, fd):
            return fd, path
        os.close(fd)
    raise OSError(errno.EBUSY, "another run keeps removing the temporary files beside it")


def _open_folder(path: str) -> tuple[int, str]:
    return os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)), path


def _leftovers(folder: Path, name: str, *suffixes: str, once: bool = False) -> list[str]:
    """Entries of ``folder`` named like this module's temporary ones (ending ``.SUFFIX``) for
    the output ``name``.

    ``once``: list the folder only once per process and hand out each name's entries once;
    for write_atomic, which encode calls for thousands of files in one folder.
    """
    key = os.path.abspath(folder)
    found = _listed.get(key) if once else None
    if found is None:
        found = {}
        with contextlib.suppress(OSError):
            for entry in os.listdir(folder):
                match = _LEFTOVER.fullmatch(entry)
                if match:
                    found.setdefault((match.group(1), match.group(2)), []).append(entry)
        if once:
            _listed[key] = found
    return [entry for suffix in suffixes for entry in found.pop((name, suffix), [])]


def _sweep(folder: Path, entries: Iterable[str], mine: int, *, folders: bool) -> None:
    """Remove the ``entries`` of ``folder`` that earlier runs abandoned (see above); ``mine``
    is this run's own temporary file or folder, which they must be older than."""
    try:
        import fcntl
    except ImportError:
        return
    newest = os.fstat(mine).st_mtime_ns
    is_kind = stat.S_ISDIR if folders else stat.S_ISREG
    for entry in entries:
        path = folder / entry
        with contextlib.suppress(OSError):
            found = os.lstat(path)  # a symlink or a device with the name is never touched
            if not is_kind(found.st_mode) or found.st_mtime_ns >= newest:
                continue
            flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK
            fd = os.open(path, flags | (getattr(os, "O_DIRECTORY", 0) if folders else 0))
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if a run holds it
                if os.path.samestat(os.fstat(fd), os.lstat(path)):
                    if folders:
                        shutil.rmtree(path, ignore_errors=True)
                    else:
                        os.unlink(path)
            finally:
                os.close(fd)


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the whole new one, never a part.

    Raises :class:`TeitoolError` (exit code 2) when the file cannot be written, and when
    ``path`` exists and is not a file (:func:`check_output`). Temporary files that killed runs
    left beside ``path`` are removed.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    check_output(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _claimed(lambda: tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    except OSError as exc:
        raise cannot_write(target, exc) from None
    try:
        _sweep(target.parent, _leftovers(target.parent, target.name, "tmp", once=True), fd,
               folders=False)
        # The file stays open (and locked) until it has its name, so no sweep can take it.
        with os.fdopen(fd, "wb", closefd=False) as handle:
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
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_directory(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Build a directory in a temporary sibling and swap it into place only on success.

    On any exception (Ctrl-C included) the temporary folder is removed and the previous
    contents of ``path`` stay as they were. Raises :class:`TeitoolError` (exit code 2) when
    ``path`` exists and is not a folder; removes what killed runs left beside ``path``.
    """
    target = Path(path)
    check_output(target, folder=True)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        lock, staging = _claimed(lambda: _open_folder(tempfile.mkdtemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)))
    except OSError as exc:
        raise cannot_write(target, exc) from None
    try:
        _sweep(target.parent, _leftovers(target.parent, target.name, "tmp", "old"), lock,
               folders=True)
        yield Path(staging)
        try:
            os.chmod(staging, 0o755)
            _swap(Path(staging), target)
        except OSError as exc:
            raise cannot_write(target, exc) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        os.close(lock)


def _swap(staging: Path, target: Path) -> None:
    """Put ``staging`` in the place of ``target``, then remove the old ``target``."""
    if not target.exists():
        os.replace(staging, target)
        return
    lock, retired = _claimed(lambda: _open_folder(tempfile.mkdtemp(
        prefix=f".{target.name}.", suffix=".old", dir=target.parent)))
    old = Path(retired) / "old"
    stranded = False  # the old folder is out of its place and only here
    try:
        os.replace(target, old)
        try:
            os.replace(staging, target)
        except OSError:
            stranded = True
            os.replace(old, target)  # the old folder goes back: nothing changed
            stranded = False
            raise
    finally:
        # Killed while this runs (a large old build), the folder is left for the next sweep.
        if not stranded:
            shutil.rmtree(retired, ignore_errors=True)
        os.close(lock)
