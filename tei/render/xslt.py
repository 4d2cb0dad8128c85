"""The XSLT 3.0 runner: saxonche, one processor per process, stylesheets compiled once.

Both editions (web and print) go through here. The rules that matter:

* A stylesheet is compiled once per run (:func:`compile_stylesheet` caches the executable by
  path and modification time), then applied to as many sources as needed.
* Sources never reach Saxon's own parser from disk: they are read with the project's secure
  parser (:mod:`tei.xmlio`, no entities, no DTDs, no network) and handed over as text, so a
  TEI file cannot make Saxon fetch anything.
* Saxon's errors (static or dynamic) become :class:`tei.errors.TeitoolError`, one line each.

Typical use::

    sheet = compile_stylesheet(XSLT_DIR / "web" / "site.xsl")
    result = sheet.transform(tree, {"site-title": "Letters"}, base_output_uri=out_dir)
    print(result.output, result.messages)
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from tei.errors import EXIT_CANNOT_RUN, TeitoolError
from tei.xmlio import XmlProblem, parse_file

#: The project's stylesheets: ``xslt/common.xsl``, ``xslt/web/``, ``xslt/print/``.
XSLT_DIR = Path(__file__).resolve().parent.parent.parent / "xslt"

#: What a stylesheet parameter may be given as from Python.
ParamValue = (
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

    def _failure(self, exe: Any, exc: Exception) -> TeitoolError:
        # A stylesheet that stops with xsl:message terminate="yes" says why in the message.
        said = "; ".join(" ".join(m.split()) for m in self._messages(exe))
        detail = _saxon_error(exc) + (f": {said}" if said else "")
        return TeitoolError(f"{self.path.name}: {detail}", EXIT_CANNOT_RUN)

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
        try:
            output = exe.transform_to_string(**kwargs)
        except Exception as exc:
            raise self._failure(exe, exc) from None
        return TransformResult(output or "", self._messages(exe))

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
        try:
            output = exe.call_template_returning_string(name, **kwargs)
        except Exception as exc:
            raise self._failure(exe, exc) from None
        return TransformResult(output or "", self._messages(exe))


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
