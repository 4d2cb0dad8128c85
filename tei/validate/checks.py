"""The layers of a check, compiled once per process, and the check of one document.

Layers: well-formedness (the secure parser in :mod:`tei.xmlio`), then any number of schemas:
W3C XML Schema (``.xsd``), RELAX NG (``.rng``) and ISO Schematron (``.sch``). RELAX NG
schemas can instead go to jing (:mod:`tei.validate.jing`), which the runner calls once per
batch of files; this module handles what runs inside Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from tei.errors import TeitoolError
from tei.validate.model import ERROR, WARNING, WARNING_ROLES, Issue
from tei.validate.specs import Register, SchemaSpec
from tei.xmlio import TEI_NS, XmlProblem, parse_bytes, parse_file

XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
SVRL_NS = "http://purl.oclc.org/dsdl/svrl"
XSL_NS = "http://www.w3.org/1999/XSL/Transform"


def load_register(path: str | Path, digest: str = "") -> Register:
    """Read the ids of ``person`` and ``org`` entries of a register; raise if unreadable.

    ``digest`` identifies the register's content in cache keys (the runner hashes the file).
    """
    try:
        tree = parse_file(path)
    except XmlProblem as problem:
        raise TeitoolError(f"register {problem}") from None
    root = tree.getroot()
    persons = frozenset(root.xpath("//tei:person/@xml:id", namespaces={"tei": TEI_NS}))
    orgs = frozenset(root.xpath("//tei:org/@xml:id", namespaces={"tei": TEI_NS}))
    return Register(str(path), persons, orgs, digest or str(path))


# --- locating findings ----------------------------------------------------------------------


class Locator:
    """Finds the column (and the start line) of an element's start tag in the raw text.

    lxml gives an element's line (the line where its start tag ends) but no column; editors
    want both, so search the source line, and the few before it, for ``<name``.
    """

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._lines: list[str] | None = None

    def _text(self) -> list[str]:
        if self._lines is None:
            self._lines = self._data.decode("utf-8", "replace").split("\n")
        return self._lines

    def find(self, line: int, pattern: str, nth: int = 0) -> tuple[int, int]:
        lines = self._text()
        if not 1 <= line <= len(lines):
            return max(line, 1), 1
        regex = re.compile(pattern)
        for candidate in range(line, max(line - 20, 0), -1):
            matches = list(regex.finditer(lines[candidate - 1]))
            if matches:
                return candidate, matches[min(nth, len(matches) - 1)].start() + 1
        return line, 1

    def element(self, line: int, local_name: str, nth: int = 0) -> tuple[int, int]:
        """``nth``: which of the start tags of that name on the line (0 = the first)."""
        return self.find(line, rf"<(?:[\w.-]+:)?{re.escape(local_name)}(?=[\s/>])", nth)

    def attribute(self, line: int, name: str) -> tuple[int, int]:
        return self.find(line, rf"(?<![\w:.-]){re.escape(name)}\s*=")


_NS_IN_MESSAGE = re.compile(r"\{" + re.escape(TEI_NS) + r"\}")
_ELEMENT_IN_MESSAGE = re.compile(r"^Element '(?:\{[^}]*\})?([\w.-]+)'(?:, attribute '([\w:.-]+)')?")


def _log_issues(
    log: etree._ListErrorLog, path: str, locator: Locator, rule: str, layer: str
) -> list[Issue]:
    """Issues from libxml2's error log (XSD and RELAX NG), with TEI namespaces shortened."""
    issues = []
    for entry in log:
        message = _NS_IN_MESSAGE.sub("", entry.message).strip()
        line, column = entry.line or 1, entry.column
        match = _ELEMENT_IN_MESSAGE.match(message)
        if not column and match:
            if match.group(2):
                line, column = locator.attribute(line, match.group(2))
            else:
                line, column = locator.element(line, match.group(1))
        for known, hint in _HINTS.items():
            if known in message:
                message = f"{message.rstrip('.')}: {hint}"
        severity = WARNING if entry.level_name == "WARNING" else ERROR
        issues.append(Issue(path, line, column or 1, severity, message, rule, layer))
    return issues


# --- the layers -----------------------------------------------------------------------------


def _load_schema_tree(spec: SchemaSpec) -> etree._ElementTree:
    try:
        tree = parse_file(spec.path)
    except XmlProblem as problem:
        raise TeitoolError(f"schema {problem}") from None
    # Relative imports and includes resolve against the schema's own folder, never the network.
    tree.docinfo.URL = str(spec.path.resolve())
    return tree


def compile_schematron(spec: SchemaSpec) -> etree.XSLT:
    """Compile ISO Schematron to XSLT (lxml's ISO skeleton), ready to take parameters.

    lxml's ``Schematron`` object cannot pass XSLT parameters, but the skeleton turns every
    top-level ``sch:let`` into an ``xsl:param``: so the compiled stylesheet is run directly,
    with the register's ids as parameters. The skeleton's location path for an attribute
    lacks the element path; it is patched so that findings on attributes get a line too.
    """
    from lxml import isoschematron  # its import compiles the ISO skeleton: only when needed

    tree = _load_schema_tree(spec)
    try:
        schematron = isoschematron.Schematron(tree, store_xslt=True)
    except (etree.SchematronParseError, etree.XSLTParseError, etree.XSLTApplyError) as exc:
        raise TeitoolError(f"{spec.path}: not a usable ISO Schematron schema: {exc}") from None
    xslt = schematron.validator_xslt
    for template in xslt.getroot().iterfind(f"{{{XSL_NS}}}template"):
        if template.get("match") == "@*" and template.get("mode") == "schematron-get-full-path":
            parent = etree.Element(f"{{{XSL_NS}}}apply-templates")
            parent.set("select", "parent::*")
            parent.set("mode", "schematron-get-full-path")
            template.insert(0, parent)
    try:
        return etree.XSLT(xslt)
    except etree.XSLTParseError as exc:
        raise TeitoolError(f"{spec.path}: the compiled Schematron does not compile: {exc}") from None


class Layer:
    spec: SchemaSpec

    def check(self, tree: etree._ElementTree, path: str, locator: Locator, register: Register) -> list[Issue]:
        raise NotImplementedError


class GrammarLayer(Layer):
    """An XSD or a RELAX NG schema run by libxml2."""

    def __init__(self, spec: SchemaSpec) -> None:
        self.spec = spec
        tree = _load_schema_tree(spec)
        try:
            self._schema = etree.XMLSchema(tree) if spec.kind == "xsd" else etree.RelaxNG(tree)
        except (etree.XMLSchemaParseError, etree.RelaxNGParseError) as exc:
            raise TeitoolError(f"{spec.path}: the schema does not compile: {exc}") from None

    def check(self, tree, path, locator, register):  # noqa: ANN001, D102
        issues = []
        root = tree.getroot()
        # Every element of the customization is declared globally (so that others can refer
        # to it), which would let any of them be a document; a document is a TEI.
        if self.spec.builtin and etree.QName(root).namespace == TEI_NS and (
            etree.QName(root).localname != "TEI"
        ):
            issues.append(Issue(
                path, root.sourceline or 1, 1, ERROR,
                f"the root element is <{etree.QName(root).localname}>; a TEI document's root is "
                f'<TEI xmlns="{TEI_NS}">', self.spec.rule, self.spec.kind))
        if self._schema.validate(tree):
            return issues
        return issues + _log_issues(
            self._schema.error_log, path, locator, self.spec.rule, self.spec.kind)


class SchematronLayer(Layer):
    def __init__(self, spec: SchemaSpec) -> None:
        self.spec = spec
        self._xslt = compile_schematron(spec)
        self._params: dict[str, dict[str, str]] = {}  # per register, built once

    def check(self, tree, path, locator, register):  # noqa: ANN001, D102
        params = self._params.get(register.digest)
        if params is None:
            params = {k: etree.XSLT.strparam(v) for k, v in register.params().items()}
            self._params[register.digest] = params
        try:
            svrl = self._xslt(tree, **params)
        except etree.XSLTApplyError as exc:
            return [Issue(path, 1, 1, ERROR, f"the Schematron rules failed to run: {exc}",
                          self.spec.rule, "schematron")]
        issues = []
        for finding in svrl.getroot().iter(f"{{{SVRL_NS}}}failed-assert",
                                            f"{{{SVRL_NS}}}successful-report"):
            text = " ".join("".join(finding.itertext()).split())
            role = (finding.get("role") or "error").lower()
            severity = WARNING if role in WARNING_ROLES else ERROR
            rule = finding.get("id") or self.spec.rule
            line, column = _locate(tree, finding.get("location") or "", locator)
            issues.append(Issue(path, line, column, severity, text, rule, "schematron"))
        return issues


def _locate(tree: etree._ElementTree, location: str, locator: Locator) -> tuple[int, int]:
    try:
        found = tree.xpath(location) if location else []
    except etree.XPathError:
        found = []
    if not found:
        return 1, 1
    node = found[0]
    if isinstance(node, etree._Element):
        line = node.sourceline or 1
        # Several elements of the same name can start on one line: count the ones before.
        nth = sum(1 for other in node.itersiblings(node.tag, preceding=True)
                  if other.sourceline == line)
        nth += sum(1 for ancestor_sibling in _same_line_before(node, line))
        return locator.element(line, etree.QName(node).localname, nth)
    parent = getattr(node, "getparent", lambda: None)()
    if parent is not None:
        name = getattr(node, "attrname", "") or ""
        local = etree.QName(name).localname if name else ""
        prefix = "xml:" if name.startswith("{http://www.w3.org/XML/1998/namespace}") else ""
        if local:
            return locator.attribute(parent.sourceline or 1, prefix + local)
        return locator.element(parent.sourceline or 1, etree.QName(parent).localname)
    return 1, 1


def _same_line_before(node: etree._Element, line: int) -> list[etree._Element]:
    """Elements named like ``node`` on ``line`` that precede it but are not its siblings."""
    root = node.getroottree().getroot()
    before = []
    for other in root.iter(node.tag):
        if other is node:
            break
        if other.sourceline == line and other.getparent() is not node.getparent():
            before.append(other)
    return before


def make_layer(spec: SchemaSpec) -> Layer:
    if spec.kind == "sch":
        return SchematronLayer(spec)
    if spec.kind == "rnc":
        raise TeitoolError(f"{spec.path}: RELAX NG compact syntax needs jing (Java)")
    return GrammarLayer(spec)


# --- one document ---------------------------------------------------------------------------

_DUPLICATE_ID = re.compile(r"ID (\S+) already defined")


def _parse_issue(path: str, problem: XmlProblem) -> Issue:
    """The parser's finding; libxml2 itself refuses a repeated xml:id, so name that rule."""
    line, column = max(problem.line, 0), max(problem.column, 0) if problem.line else 0
    duplicate = _DUPLICATE_ID.search(problem.message)
    if duplicate:
        return Issue(path, line, column, ERROR,
                     f'xml:id="{duplicate.group(1)}" is used more than once in this document: '
                     "give each element its own id (note ids are DOC-ID-nN)",
                     "id-unique", "well-formed")
    return Issue(path, line, column, ERROR, problem.message, problem.rule, "well-formed")


_HINTS = {
    "No matching global declaration available for the validation root":
        'the root element must be <TEI xmlns="http://www.tei-c.org/ns/1.0">',
}


_REF_XPATH = etree.XPath(
    "(//tei:persName[@ref] | //tei:orgName[@ref])[1]", namespaces={"tei": TEI_NS}
)


@dataclass
class Checker:
    """All in-process layers, compiled once; :meth:`check` runs them over one document."""

    specs: tuple[SchemaSpec, ...]
    check_register: bool = True
    layers: list[Layer] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.layers = [make_layer(spec) for spec in self.specs]

    def check(self, path: str, data: bytes, register: Register) -> list[Issue]:
        try:
            tree = parse_bytes(data, path)
        except XmlProblem as problem:
            return [_parse_issue(path, problem)]
        locator = Locator(data)
        issues: list[Issue] = []
        for layer in self.layers:
            issues.extend(layer.check(tree, path, locator, register))
        if self.check_register and register.path is None:
            first = _REF_XPATH(tree)
            if first:
                line, column = locator.element(first[0].sourceline or 1,
                                               etree.QName(first[0]).localname)
                issues.append(Issue(
                    path, line, column, WARNING,
                    "@ref pointers into the register are not checked: no persons.xml in this "
                    "folder or the three above it (within the project); put the register "
                    "there or pass --register FILE",
                    "register-missing", "register"))
        return issues
