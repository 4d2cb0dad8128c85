"""The XSLT 3.0 runner: saxonche, one processor per process, stylesheets compiled once.

Both editions (web and print) go through here. The rules that matter:

* A stylesheet is compiled once per run (:func:`compile_stylesheet` caches the executable by
  path and modification time), then applied to as many sources as needed.
* Sources never reach Saxon's own parser from disk: they are read with the project's secure
  parser (:mod:`tei.xmlio`, no entities, no DTDs, no network) and handed over as text, so a
  TEI file cannot make Saxon fetch anything.
* Saxon's errors (static or dynamic) become :class:`tei.errors.TeitoolError`, one line each.
  What Saxon itself prints on stderr during a run is held back: a failure is said once, in
  teitool's line (a result document it could not write: :class:`WriteFailure`, with the
  operating system's reason, such as "No space left on device"); its warnings on a run that
  succeeds are passed on. ``TEITOOL_DEBUG=1`` passes on everything.

Typical use::

    sheet = compile_stylesheet(XSLT_DIR / "web" / "site.xsl")
    result = sheet.transform(tree, {"site-title": "Letters"}, base_output_uri=out_dir)
    print(result.output, result.messages)
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sys
import threading
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

from lxml import etree

from tei.errors import EXIT_CANNOT_RUN, TeitoolError
from tei.xmlio import XmlProblem, parse_file

#: What a stylesheet parameter may be given as from Python.
ParamValue: TypeAlias = (
    str
    | bool
    | int
    | float
    | Path
    | etree._Element
    | etree._ElementTree
    | Sequence[str]
    | Sequence[int]
)

_lock = threading.Lock()
_processor: Any = None
_cache: dict[tuple[str, int], Stylesheet] = {}


def processor() -> Any:
    """The one ``PySaxonProcessor`` of this process (SaxonC wants a single one per process)."""
    global _processor
    with _lock:
        if _processor is None:
            try:
                from saxonche import PySaxonProcessor
            except ImportError as exc:  # pragma: no cover - saxonche is a hard dependency
                raise TeitoolError(
                    f"saxonche is not installed ({exc}); run: pip install saxonche",
                    EXIT_CANNOT_RUN,
                ) from None
            _processor = PySaxonProcessor(license=False)
        return _processor


def _saxon_error(exc: Exception) -> str:
    """Saxon's messages can span lines; the CLI prints one line."""
    text = " ".join(str(exc).split())
    return text or exc.__class__.__name__


class WriteFailure(TeitoolError):
    """Saxon could not write a result document: which file, and the operating system's reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: cannot write the output: {reason}", EXIT_CANNOT_RUN)
        self.path = path
        self.reason = reason


#: The operating system's words for why a file cannot be written, as Java passes them on
#: ("java.io.IOException: No space left on device", "… (Permission denied)").
_OS_REASONS = tuple(os.strerror(code) for code in (
    errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM,
    errno.EIO, errno.ENAMETOOLONG, errno.ENOTDIR, errno.EISDIR, errno.EMFILE, errno.ENOENT,
))
_FAILED_WRITE = re.compile(r"Failure writing to (file:\S+?)\.?(?:\s|$)")


def _os_reason(text: str) -> str:
    """The operating system's reason that ``text`` (Saxon's words, joined) names, or ""."""
    flat = " ".join(text.split())
    return next((reason for reason in _OS_REASONS if reason in flat), "")


def _debugging() -> bool:
    return os.environ.get("TEITOOL_DEBUG", "") not in ("", "0")


class _HeldStderr:
    """Holds back what is written to the process's stderr (file descriptor 2) in the block.

    Saxon is native code: it writes its diagnostics to the descriptor itself, past Python's
    ``sys.stderr``, so the descriptor is pointed at a pipe that a thread drains (a pipe, not
    a file: the disk may be the thing that is full).
    """

    def __init__(self) -> None:
        self.text = ""
        self._chunks: list[bytes] = []

    def __enter__(self) -> _HeldStderr:
        self._saved: int | None = None
        try:
            sys.stderr.flush()
            self._read, write = os.pipe()
        except (OSError, ValueError):  # no descriptors left, stderr closed: nothing is held
            return self
        try:
            self._saved = os.dup(2)
            os.dup2(write, 2)
        except OSError:
            os.close(self._read)
            if self._saved is not None:
                os.close(self._saved)
                self._saved = None
            return self
        finally:
            os.close(write)
        self._drain = threading.Thread(target=self._collect, daemon=True)
        self._drain.start()
        return self

    def _collect(self) -> None:
        while chunk := os.read(self._read, 65536):
            self._chunks.append(chunk)

    def __exit__(self, *exc: object) -> None:
        if self._saved is None:
            return
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
        os.dup2(self._saved, 2)  # closes the pipe's last writer: the thread reads to the end
        os.close(self._saved)
        self._drain.join()
        os.close(self._read)
        self.text = b"".join(self._chunks).decode("utf-8", "replace")

    def pass_on(self) -> None:
        if self.text:
            sys.stderr.write(self.text)
            sys.stderr.flush()


@dataclass
class TransformResult:
    """The principal output of a transformation and what ``xsl:message`` said on the way."""

    output: str
    messages: list[str] = field(default_factory=list)


def to_xdm(source: etree._Element | etree._ElementTree | bytes | str | Path) -> Any:
    """Turn a source into a Saxon document node, always via the project's secure parser.

    A ``Path`` is read with :func:`tei.xmlio.parse_file`; bytes/str are parsed with the same
    rules. lxml trees are serialised (without any DOCTYPE) and re-parsed by Saxon from text.
    """
    if isinstance(source, Path):
        try:
            source = parse_file(source)
        except XmlProblem as exc:
            raise TeitoolError(str(exc), EXIT_CANNOT_RUN) from None
    elif isinstance(source, bytes | str):
        from tei.xmlio import parse_bytes

        data = source.encode("utf-8") if isinstance(source, str) else source
        try:
            source = parse_bytes(data)
        except XmlProblem as exc:
            raise TeitoolError(str(exc), EXIT_CANNOT_RUN) from None
    root = source.getroot() if isinstance(source, etree._ElementTree) else source
    # Serialising the root element drops the DOCTYPE, so Saxon has nothing external to load.
    text = etree.tostring(root, encoding="unicode")
    try:
        return processor().parse_xml(xml_text=text, encoding="UTF-8")
    except Exception as exc:  # PySaxonApiError; kept broad because saxonche raises several
        raise TeitoolError(f"cannot hand the document to Saxon: {_saxon_error(exc)}") from None


def _xdm_value(value: ParamValue) -> Any:
    proc = processor()
    if isinstance(value, bool):
        return proc.make_boolean_value(value)
    if isinstance(value, int):
        return proc.make_integer_value(value)
    if isinstance(value, float):
        return proc.make_double_value(value)
    if isinstance(value, Path):
        # Paths go in as file: URIs, which is what XSLT's doc()/unparsed-text() expect.
        return proc.make_string_value(value.resolve().as_uri())
    if isinstance(value, str):
        return proc.make_string_value(value)
    if isinstance(value, etree._Element | etree._ElementTree):
        return to_xdm(value)
    if isinstance(value, Sequence):
        # saxonche has no safe sequence constructor (adding items to empty_sequence() crashes
        # the transformation), so the items go in as an array and XPath flattens it.
        array = proc.make_array([_xdm_value(item) for item in value])
        xpath = proc.new_xpath_processor()
        xpath.set_parameter("items", array)
        result = xpath.evaluate("$items?*")
        return result if result is not None else proc.empty_sequence()
    raise TypeError(f"unsupported stylesheet parameter type: {type(value).__name__}")


class Stylesheet:
    """A compiled XSLT 3.0 stylesheet, applied to many sources with different parameters."""

    def __init__(self, path: Path, executable: Any) -> None:
        self.path = path
        self._executable = executable

    def _prepare(self, params: Mapping[str, ParamValue] | None) -> Any:
        # A fresh clone per call: parameters and captured messages never leak between runs.
        exe = self._executable.clone()
        exe.set_save_xsl_message(True)
        for name, value in (params or {}).items():
            exe.set_parameter(name, _xdm_value(value))
        return exe

    @staticmethod
    def _messages(exe: Any) -> list[str]:
        value = exe.get_xsl_messages()
        if value is None:
            return []
        return [str(value.item_at(i).string_value) for i in range(value.size)]

    def _failure(self, exe: Any, exc: Exception, printed: str) -> TeitoolError:
        """The one line for a failed run; ``printed``: what Saxon wrote on stderr meanwhile."""
        detail = _saxon_error(exc)
        # Saxon's exception names the file it failed to write; only its printout says why.
        reason = _os_reason(f"{detail} {printed}")
        written = _FAILED_WRITE.search(detail)
        if written and reason:
            return WriteFailure(urllib.parse.unquote(urllib.parse.urlsplit(written.group(1)).path),
                                reason)
        # A stylesheet that stops with xsl:message terminate="yes" says why in the message.
        said = "; ".join(" ".join(m.split()) for m in self._messages(exe))
        detail += f": {said}" if said else ""
        detail += f": {reason}" if reason and reason not in detail else ""
        return TeitoolError(f"{self.path.name}: {detail}", EXIT_CANNOT_RUN)

    def _run(self, exe: Any, run: Callable[[], str | None]) -> TransformResult:
        """Run Saxon with its stderr held back; see the module's notes."""
        failure: Exception | None = None
        with _HeldStderr() as held:
            try:
                output = run()
            except Exception as exc:  # PySaxonApiError; kept broad as saxonche raises several
                failure = exc
        if failure is None or _debugging():
            held.pass_on()
        if failure is not None:
            raise self._failure(exe, failure, held.text) from None
        return TransformResult(output or "", self._messages(exe))

    def transform(
        self,
        source: etree._Element | etree._ElementTree | bytes | str | Path,
        params: Mapping[str, ParamValue] | None = None,
        *,
        base_output_uri: Path | None = None,
    ) -> TransformResult:
        """Apply the stylesheet to ``source`` (the global context item and match selection).

        ``base_output_uri`` is the folder that ``xsl:result-document/@href`` resolves
        against; secondary results are written there by Saxon.
        """
        exe = self._prepare(params)
        node = to_xdm(source)
        kwargs: dict[str, Any] = {"xdm_node": node}
        if base_output_uri is not None:
            kwargs["base_output_uri"] = _folder_uri(base_output_uri)
        return self._run(exe, lambda: exe.transform_to_string(**kwargs))

    def call_template(
        self,
        name: str | None = None,
        params: Mapping[str, ParamValue] | None = None,
        *,
        context: etree._Element | etree._ElementTree | Path | None = None,
        base_output_uri: Path | None = None,
    ) -> TransformResult:
        """Run a named template (``None``: ``xsl:initial-template``), optionally with a context."""
        exe = self._prepare(params)
        if context is not None:
            exe.set_global_context_item(xdm_item=to_xdm(context))
        kwargs: dict[str, Any] = {}
        if base_output_uri is not None:
            kwargs["base_output_uri"] = _folder_uri(base_output_uri)
        return self._run(exe, lambda: exe.call_template_returning_string(name, **kwargs))


def _folder_uri(folder: Path) -> str:
    # A trailing slash makes relative hrefs resolve inside the folder, not beside it.
    return folder.resolve().as_uri().rstrip("/") + "/"


def compile_stylesheet(path: str | Path) -> Stylesheet:
    """Compile ``path`` once per process (re-compiled only if the file changes)."""
    sheet_path = Path(path).resolve()
    try:
        stamp = sheet_path.stat().st_mtime_ns
    except OSError as exc:
        raise TeitoolError(f"{sheet_path}: cannot read stylesheet: {exc.strerror}") from None
    key = (str(sheet_path), stamp)
    with _lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    compiler = processor().new_xslt30_processor()
    try:
        executable = compiler.compile_stylesheet(stylesheet_file=str(sheet_path))
    except Exception as exc:
        raise TeitoolError(
            f"{sheet_path}: the stylesheet does not compile: {_saxon_error(exc)}"
        ) from None
    if executable is None:  # older saxonche returned None instead of raising
        raise TeitoolError(f"{sheet_path}: the stylesheet does not compile")
    sheet = Stylesheet(sheet_path, executable)
    with _lock:
        _cache[key] = sheet
    return sheet
