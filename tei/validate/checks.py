"""The layers of a check, compiled once per process, and the check of one document.

Layers: well-formedness (the secure parser in :mod:`tei.xmlio`), then any number of schemas:
W3C XML Schema (``.xsd``), RELAX NG (``.rng``) and ISO Schematron (``.sch``). RELAX NG
schemas can instead go to jing (:mod:`tei.validate.jing`), which the runner calls once per
batch of files; this module handles what runs inside Python.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from tei.errors import TeitoolError
from tei.validate.model import ERROR, WARNING, WARNING_ROLES, Issue
from tei.validate.schemarefs import sandbox_copy, schema_files
from tei.validate.specs import Register, SchemaSpec
from tei.xmlio import (
    TEI_NS,
    LocalFilesOnly,
    RefusedReference,
    XmlProblem,
    parse_bytes,
    parse_file,
    tag_of,
)

if TYPE_CHECKING:  # what XSLT.strparam returns: a name in the lxml stubs only
    from lxml.etree._xslt import _XSLTQuotedStringParam as XSLTStringParam

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

    A line is scanned once, when a finding first asks about it: its start tags and attribute
    names are indexed, and every later finding on the line is a look-up. An element with
    100,000 bad attributes on one line costs one scan of the line, not 100,000.
    """

    #: How far above the line lxml names a start tag is looked for.
    LOOK_BACK = 20

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._lines: list[str] | None = None
        self._tags: dict[int, dict[str, list[int]]] = {}  # line -> name -> columns, in order
        self._names: dict[int, dict[str, tuple[int]]] = {}  # line -> attribute -> 1st column
        self._tree: TreeIndex | None = None

    def _text(self) -> list[str]:
        if self._lines is None:
            self._lines = self._data.decode("utf-8", "replace").split("\n")
        return self._lines

    def find(self, line: int, pattern: str, nth: int = 0) -> tuple[int, int]:
        """The ``nth`` match of ``pattern`` on ``line``, else the first line above with one.

        A fresh scan per call: for what the indexes do not hold.
        """
        regex = re.compile(pattern)
        return self._search(
            line, lambda at: [m.start() + 1 for m in regex.finditer(self._text()[at - 1])], nth)

    def _search(
        self, line: int, columns: Callable[[int], Sequence[int]], nth: int
    ) -> tuple[int, int]:
        """The ``nth`` of the ``columns`` of ``line``, else of the nearest line above."""
        if not 1 <= line <= len(self._text()):
            return max(line, 1), 1
        for candidate in range(line, max(line - self.LOOK_BACK, 0), -1):
            found = columns(candidate)
            if found:
                return candidate, found[min(nth, len(found) - 1)]
        return line, 1

    def element(self, line: int, local_name: str, nth: int = 0) -> tuple[int, int]:
        """``nth``: which of the start tags of that name on the line (0 = the first)."""
        if not _TAG_NAME.fullmatch(local_name):  # a name the index cannot hold: scan for it
            return self.find(line, rf"<(?:[\w.-]+:)?{re.escape(local_name)}(?=[\s/>])", nth)
        return self._search(line, lambda at: self._tags_on(at).get(local_name, ()), nth)

    def attribute(self, line: int, name: str) -> tuple[int, int]:
        if not _ATTRIBUTE_NAME.fullmatch(name):
            return self.find(line, rf"(?<![\w:.-]){re.escape(name)}\s*=")
        return self._search(line, lambda at: self._names_on(at).get(name, ()), 0)

    def _tags_on(self, line: int) -> dict[str, list[int]]:
        tags = self._tags.get(line)
        if tags is None:
            tags = {}
            for match in _START_TAG.finditer(self._text()[line - 1]):
                tags.setdefault(match.group(1), []).append(match.start() + 1)
            self._tags[line] = tags
        return tags

    def _names_on(self, line: int) -> dict[str, tuple[int]]:
        names = self._names.get(line)
        if names is None:
            names = {}
            for match in _ATTRIBUTE.finditer(self._text()[line - 1]):
                names.setdefault(match.group(1), (match.start() + 1,))
            self._names[line] = names
        return names

    def tree(self, tree: etree._ElementTree) -> TreeIndex:
        """The index of ``tree``, the parsed document, built once for all its findings."""
        if self._tree is None or self._tree.tree is not tree:
            self._tree = TreeIndex(tree)
        return self._tree


# What the indexes hold: a start tag "<name" or "<prefix:name" (the local name is kept), and
# a name followed by "=" (anywhere on the line, as the search before the index did).
_TAG_NAME = re.compile(r"[\w.-]+")
_START_TAG = re.compile(r"<(?:[\w.-]+:)?([\w.-]+)(?=[\s/>])")
_ATTRIBUTE_NAME = re.compile(r"[\w:.-]+")
_ATTRIBUTE = re.compile(r"(?<![\w:.-])([\w:.-]+)\s*=")

# The location paths lxml's Schematron skeleton writes: element steps "/name[2]" or
# "/*[local-name()='p' and namespace-uri()='…'][2]", then maybe an attribute step "/@…".
_NAME_TEST = r"\*\[local-name\(\)='([^']*)' and namespace-uri\(\)='([^']*)'\]"
_ELEMENT_STEP = re.compile(rf"/(?:{_NAME_TEST}|([\w.-]+))(?:\[(\d+)\])?")
_ATTRIBUTE_STEP = re.compile(rf"/@(?:{_NAME_TEST}|([\w.-]+))")


class TreeIndex:
    """A parsed document indexed for Schematron findings, built as they ask.

    libxml2 evaluates a step like ``persName[20000]`` by walking the siblings before it, and
    the count of namesakes before an element on its line walks the whole document: per
    finding, that made 20,000 findings on one line take minutes. Here each parent's children
    are grouped by name once, and each name's elements are counted per line once. The same
    groups answer the compiled Schematron's position functions (:class:`SiblingPositions`).
    """

    def __init__(self, tree: etree._ElementTree) -> None:
        self.tree = tree
        self._children: dict[etree._Element | None, dict[str, list[etree._Element]]] = {}
        self._positions: dict[etree._Element, tuple[int, int]] = {}
        self._before: dict[str, dict[etree._Element, int]] = {}

    def find(self, location: str) -> tuple[etree._Element | None, str | None]:
        """The element ``location`` points at and, if it points into the element, the name of
        the attribute (Clark notation; "" for a text node); ``(None, None)`` if nothing."""
        steps = _path_steps(location)
        if steps is None:
            return self._xpath(location)
        node: etree._Element | None = None  # None: the document node
        for tag, position in steps[0]:
            namesakes = self._children_of(node).get(tag, [])
            if position is None and len(namesakes) > 1:
                return self._xpath(location)  # XPath goes on from all of them: let it
            index = 0 if position is None else position - 1
            if not 0 <= index < len(namesakes):
                return None, None
            node = namesakes[index]
        attribute = steps[1]
        if node is None or (attribute is not None and node.get(attribute) is None):
            return None, None
        return node, attribute

    def _children_of(self, parent: etree._Element | None) -> dict[str, list[etree._Element]]:
        children = self._children.get(parent)
        if children is None:
            children = {}
            elements = [self.tree.getroot()] if parent is None else parent.iterchildren(
                etree.Element)
            for child in elements:
                children.setdefault(tag_of(child), []).append(child)
            self._children[parent] = children
        return children

    def position(self, element: etree._Element) -> tuple[int, int]:
        """(1-based position of ``element`` among its parent's children of its name, how
        many there are)."""
        found = self._positions.get(element)
        if found is None:
            for namesakes in self._children_of(element.getparent()).values():
                for number, sibling in enumerate(namesakes, 1):
                    self._positions[sibling] = (number, len(namesakes))
            found = self._positions.get(element, (1, 1))
        return found

    def _xpath(self, location: str) -> tuple[etree._Element | None, str | None]:
        """A path of another shape, as libxml2 reads it (a rule on text() gives its text)."""
        try:
            found = self.tree.xpath(location) if location else []
        except etree.XPathError:
            found = []
        if not found:
            return None, None
        node = found[0]
        if isinstance(node, etree._Element):
            # A comment or processing instruction has no start tag to point at.
            return (node, None) if isinstance(node.tag, str) else (None, None)
        parent = getattr(node, "getparent", lambda: None)()
        if parent is None:
            return None, None
        return parent, getattr(node, "attrname", "") or ""

    def namesakes_before(self, node: etree._Element) -> int:
        """How many elements of ``node``'s name start on its line before it."""
        tag = tag_of(node)
        before = self._before.get(tag)
        if before is None:
            before = {}
            seen: dict[int | None, int] = {}
            for element in self.tree.getroot().iter(tag):
                before[element] = seen.get(element.sourceline, 0)
                seen[element.sourceline] = before[element] + 1
            self._before[tag] = before
        return before.get(node, 0)


def _path_steps(location: str) -> tuple[list[tuple[str, int | None]], str | None] | None:
    """The skeleton's path as (tag, position or None) per element step and the attribute's
    name, or None for a path of another shape."""
    steps: list[tuple[str, int | None]] = []
    at = 0
    while step := _ELEMENT_STEP.match(location, at):
        local, uri, plain, position = step.groups()
        steps.append((plain or _clark(uri, local), int(position) if position else None))
        at = step.end()
    attribute = None
    if step := _ATTRIBUTE_STEP.fullmatch(location, at):
        local, uri, plain = step.groups()
        attribute, at = plain or _clark(uri, local), len(location)
    return (steps, attribute) if steps and at == len(location) else None


def _clark(uri: str, local: str) -> str:
    return f"{{{uri}}}{local}" if uri else local


#: Namespaces shown by their usual prefix in messages: ``{http://…/namespace}base`` reads
#: ``xml:base``; TEI's own names go bare, as editors write them.
MESSAGE_PREFIXES = {
    TEI_NS: "",
    "http://www.w3.org/XML/1998/namespace": "xml:",
    "http://www.w3.org/2001/XMLSchema-instance": "xsi:",
    "http://www.w3.org/1999/xlink": "xlink:",
    "http://www.w3.org/1999/xhtml": "html:",
    "http://www.w3.org/2001/XInclude": "xi:",
}
_CLARK_NAME = re.compile(r"\{([^{}\s]*)\}(?=[\w.-])")


def prefixed(message: str) -> str:
    """``message`` with Clark names (``{uri}name``) written with their usual prefix."""
    return _CLARK_NAME.sub(lambda m: MESSAGE_PREFIXES.get(m.group(1), m.group(0)), message)

_ELEMENT_IN_MESSAGE = re.compile(r"^Element '(?:\{[^}]*\})?([\w.-]+)'(?:, attribute '([\w:.-]+)')?")


def _log_issues(
    log: etree._ListErrorLog, path: str, locator: Locator, rule: str, layer: str
) -> list[Issue]:
    """Issues from libxml2's error log (XSD and RELAX NG), with TEI namespaces shortened."""
    issues = []
    for entry in log:
        message = prefixed(entry.message).strip()
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


def _load_schema_tree(spec: SchemaSpec, readable: tuple[str, ...] = ()) -> etree._ElementTree:
    """The schema's tree, its includes checked (:mod:`tei.validate.schemarefs`) and, when
    libxml2 loads them, read through the gate from the schema's folder and ``readable`` only.
    """
    tree = schema_files(spec.path, readable=readable, catalog=spec.catalog())[0].tree
    assert tree is not None  # an XML schema's files are parsed
    return tree


def compile_schematron(spec: SchemaSpec, readable: tuple[str, ...] = (),
                       positions: SiblingPositions | None = None) -> etree.XSLT:
    """Compile ISO Schematron to XSLT (lxml's ISO skeleton), ready to take parameters.

    lxml's ``Schematron`` object cannot pass XSLT parameters, but the skeleton turns every
    top-level ``sch:let`` into an ``xsl:param``: so the compiled stylesheet is run directly,
    with the register's ids as parameters. The skeleton's location path for an attribute
    lacks the element path; it is patched so that findings on attributes get a line too.

    What the rules read with ``document()`` comes through the schema's resolver: files below
    the schema's folder and ``readable`` only; the compiled stylesheet may neither reach the
    network nor write. The position of an element among its namesakes, for the location
    path, comes from ``positions`` (:class:`SiblingPositions`), not from the skeleton's count
    of preceding siblings, which made many namesakes quadratic.
    """
    from lxml import isoschematron  # its import compiles the ISO skeleton: only when needed

    from tei.validate.schematron import expanded_includes

    positions = positions or SiblingPositions()
    # Includes expanded here, each found through the catalogs as the XSLT 2/3 bindings find
    # theirs: the skeleton's own include step reads them with no resolver, and fails on a URL.
    tree = expanded_includes(schema_files(spec.path, readable=readable,
                                          catalog=spec.catalog())).getroottree()
    try:
        schematron = isoschematron.Schematron(tree, include=False, store_xslt=True,
                                              phase=spec.phase or None)
    except (etree.SchematronParseError, etree.XSLTParseError, etree.XSLTApplyError) as exc:
        raise TeitoolError(f"{spec.path}: not a usable ISO Schematron schema: {exc}") from None
    except RefusedReference as refused:
        raise TeitoolError(f"{spec.path}: {refused}") from None
    xslt = schematron.validator_xslt
    assert xslt is not None  # kept by store_xslt=True
    for template in xslt.getroot().iterfind(f"{{{XSL_NS}}}template"):
        if template.get("mode") != "schematron-get-full-path":
            continue
        if template.get("match") == "@*":
            parent = etree.Element(f"{{{XSL_NS}}}apply-templates")
            parent.set("select", "parent::*")
            parent.set("mode", "schematron-get-full-path")
            template.insert(0, parent)
        elif template.get("match") == "*":
            _count_siblings_once(template)
    # The compiled rules resolve document('x.xml') against the schema, as written.
    xslt.docinfo.URL = tree.docinfo.URL
    extensions = {(_POSITIONS_NS, name): getattr(positions, name.replace("-", "_"))
                  for name in ("sibling-position", "namesakes")}
    try:
        return etree.XSLT(xslt, access_control=_READ_FILES_ONLY, extensions=extensions)
    except etree.XSLTParseError as exc:
        raise TeitoolError(f"{spec.path}: the compiled Schematron does not compile: {exc}") from None


_POSITIONS_NS = "urn:teitool:schematron-positions"


class SiblingPositions:
    """The compiled Schematron's position functions, answered by the checked document's
    :class:`TreeIndex` (set as :attr:`index` for each document): each element's position
    among its parent's children of the same name, and how many there are.

    The skeleton counts ``preceding-sibling::*`` of the same name for every element of every
    finding's path: with 20,000 findings on siblings that took 25 s, and 100,000 minutes.
    """

    def __init__(self) -> None:
        self.index: TreeIndex | None = None

    def _of(self, nodes: list[etree._Element]) -> tuple[int, int]:
        if not nodes:
            return 1, 1
        if self.index is None:  # compiled on its own (no layer sets it): index the document
            self.index = TreeIndex(nodes[0].getroottree())
        return self.index.position(nodes[0])

    def sibling_position(self, _context: object, nodes: list[etree._Element]) -> int:
        return self._of(nodes)[0]

    def namesakes(self, _context: object, nodes: list[etree._Element]) -> int:
        return self._of(nodes)[1]


def _count_siblings_once(template: etree._Element) -> None:
    """Point the skeleton's position variables (``p_1``…) and the tests after them ("is
    there a namesake?") at :class:`SiblingPositions`."""
    for variable in list(template.iter(f"{{{XSL_NS}}}variable")):
        name = variable.get("name") or ""
        test = variable.getnext()
        if not name.startswith("p_") or test is None or test.tag != f"{{{XSL_NS}}}if":
            continue
        for own_name, function in ((name, "sibling-position"), (f"{name}-all", "namesakes")):
            # A new element, to declare the function's prefix where its XPath is read.
            placed = etree.Element(f"{{{XSL_NS}}}variable", nsmap={"pos": _POSITIONS_NS})
            placed.set("name", own_name)
            placed.set("select", f"pos:{function}(.)")
            variable.addprevious(placed)
        test.set("test", f"${name}-all>1")
        parent = variable.getparent()
        assert parent is not None  # found below the template
        parent.remove(variable)


_READ_FILES_ONLY = etree.XSLTAccessControl(
    read_file=True, write_file=False, create_dir=False, read_network=False, write_network=False)


class Layer:
    spec: SchemaSpec

    def check(self, tree: etree._ElementTree, path: str, locator: Locator, register: Register) -> list[Issue]:
        raise NotImplementedError


def _relax_ng(spec: SchemaSpec) -> etree.RelaxNG:
    """libxml2 reads a RELAX NG schema's includes itself, past any resolver: it compiles the
    checked copies (every reference resolved, catalogs applied) in a folder of their own."""
    with tempfile.TemporaryDirectory(prefix="teitool-rng-") as folder:
        top = sandbox_copy(schema_files(spec.path, catalog=spec.catalog()), Path(folder), ".rng")
        return etree.RelaxNG(parse_file(top, resolver=LocalFilesOnly([folder])))


class GrammarLayer(Layer):
    """An XSD or a RELAX NG schema run by libxml2 (``schema_tree``: the XSD's tree, if
    :func:`make_layer` has it already)."""

    def __init__(self, spec: SchemaSpec, schema_tree: etree._ElementTree | None = None) -> None:
        self.spec = spec
        try:
            if spec.kind == "xsd":
                self._schema: etree.XMLSchema | etree.RelaxNG = etree.XMLSchema(
                    _load_schema_tree(spec) if schema_tree is None else schema_tree)
            else:
                self._schema = _relax_ng(spec)
        except (etree.XMLSchemaParseError, etree.RelaxNGParseError) as exc:
            raise TeitoolError(f"{spec.path}: the schema does not compile: {exc}") from None
        except RefusedReference as refused:
            raise TeitoolError(f"{spec.path}: {refused}") from None

    def check(self, tree: etree._ElementTree, path: str, locator: Locator, register: Register) -> list[Issue]:
        issues: list[Issue] = []
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
        try:
            if self._schema.validate(tree):
                return issues
        except (etree.XMLSchemaValidateError, etree.RelaxNGValidateError) as exc:
            return issues + [Issue(path, 1, 1, ERROR, f"the schema could not check the document: "
                                   f"{exc}", self.spec.rule, self.spec.kind)]
        return issues + _log_issues(
            self._schema.error_log, path, locator, self.spec.rule, self.spec.kind)


class SchematronLayer(Layer):
    def __init__(self, spec: SchemaSpec, readable: tuple[str, ...] = ()) -> None:
        self.spec = spec
        self._positions = SiblingPositions()
        self._xslt = compile_schematron(spec, readable, self._positions)
        self._params: dict[str, dict[str, XSLTStringParam]] = {}  # per register, built once

    def check(self, tree: etree._ElementTree, path: str, locator: Locator, register: Register) -> list[Issue]:
        params = self._params.get(register.digest)
        if params is None:
            params = {k: etree.XSLT.strparam(v) for k, v in register.params().items()}
            self._params[register.digest] = params
        self._positions.index = locator.tree(tree)
        try:
            svrl = self._xslt(tree, profile_run=False, **params)  # named: **params cannot set it
        except (etree.XSLTApplyError, RefusedReference) as exc:
            return [Issue(path, 1, 1, ERROR, f"the Schematron rules failed to run: {exc}",
                          self.spec.rule, "schematron")]
        finally:
            self._positions.index = None  # the layer outlives the document
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
    index = locator.tree(tree)
    node, attribute = index.find(location)
    if node is None:
        return 1, 1
    line = node.sourceline or 1
    if attribute is None:
        # Several elements of the same name can start on one line: count the ones before.
        return locator.element(line, etree.QName(node).localname, index.namesakes_before(node))
    local = etree.QName(attribute).localname if attribute else ""
    prefix = "xml:" if attribute.startswith("{http://www.w3.org/XML/1998/namespace}") else ""
    if local:
        return locator.attribute(line, prefix + local)
    return locator.element(line, etree.QName(node).localname)


def make_layer(spec: SchemaSpec, readable: tuple[str, ...] = ()) -> Layer:
    """``readable``: the folders whose files a Schematron's ``document()`` may read."""
    if spec.kind in ("sch", "rng-sch"):
        from tei.validate.schematron import schematron_layer  # it builds on this module

        return schematron_layer(spec, readable)
    if spec.kind == "xsd":
        from tei.validate.xsd11 import Xsd11Layer, asks_for_xsd11

        files = schema_files(spec.path, catalog=spec.catalog())  # read once, for either layer
        tree = files[0].tree
        assert tree is not None  # an XML schema's files are parsed
        if asks_for_xsd11(tree.getroot()):
            return Xsd11Layer(spec, files)
        return GrammarLayer(spec, tree)
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


#: The value a grammar or the parser found wrong, in their messages: libxml2's XSD ("…:
#: '1931-02-29' is not a valid value"), xmlschema's ("attribute when='…': value …") and
#: the parser's duplicate id ('xml:id="a" is used more than once').
_FAULTY_VALUE = re.compile(
    r""": '(?P<xsd>[^']*)' is not a valid value|='(?P<xsd11>[^']*)': value"""
    r"""|="(?P<parser>[^"]*)" is used more than once""")


def each_problem_once(issues: list[Issue]) -> list[Issue]:
    """Leave out a grammar's (or the parser's) finding when a Schematron rule says the same:
    on the same line, about the same value (a date both teitool.xsd and the date-iso rule
    refuse). The rule's message is the one that says what to do."""
    ruled: dict[int, list[str]] = {}
    for issue in issues:
        if issue.layer == "schematron":
            ruled.setdefault(issue.line, []).append(issue.message)
    if not ruled:
        return issues
    kept = []
    for issue in issues:
        faulty = _FAULTY_VALUE.search(issue.message) if issue.layer != "schematron" else None
        value = next((v for v in faulty.groups() if v), None) if faulty else None
        if value and any(value in message for message in ruled.get(issue.line, ())):
            continue
        kept.append(issue)
    return kept


_REF_XPATH = etree.XPath(
    "(//tei:persName[@ref] | //tei:orgName[@ref])[1]", namespaces={"tei": TEI_NS}
)


@dataclass
class Checker:
    """All in-process layers, compiled once; :meth:`check` runs them over one document."""

    specs: tuple[SchemaSpec, ...]
    check_register: bool = True
    #: Folders (besides a schema's own) whose files a schema's ``document()`` may read.
    readable: tuple[str, ...] = ()
    layers: list[Layer] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.layers = [make_layer(spec, self.readable) for spec in self.specs]

    def check(self, path: str, data: bytes, register: Register) -> list[Issue]:
        tree, issues = parse_document(path, data)
        if tree is None:
            return issues
        return self.check_tree(tree, path, data, register, issues)

    def check_tree(self, tree: etree._ElementTree, path: str, data: bytes, register: Register,
                   issues: list[Issue]) -> list[Issue]:
        """The layers over a document :func:`parse_document` parsed (``issues``: what it
        found), the one tree shared by all of them."""
        locator = Locator(data)
        issues = list(issues)
        for layer in self.layers:
            issues.extend(layer.check(tree, path, locator, register))
        issues = each_problem_once(issues)
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


def parse_document(path: str, data: bytes) -> tuple[etree._ElementTree | None, list[Issue]]:
    """The secure parser's verdict on a document: its tree (None if refused) and its findings
    (the refusal; else namespace errors, which leave the schemas to run, and an external DTD
    that is not read)."""
    namespace_errors: list[XmlProblem] = []
    try:
        tree = parse_bytes(data, path, namespace_errors=namespace_errors)
    except XmlProblem as problem:
        return None, [_parse_issue(path, problem)]
    # Errors of namespaces and ids, not of XML: reported, and the schemas still run.
    issues = [replace(_parse_issue(path, problem), layer="namespaces")
              for problem in namespace_errors]
    if tree.docinfo.system_url or tree.docinfo.public_id:
        issues.append(Issue(
            path, 1, 1, WARNING,
            f"the DOCTYPE names an external DTD ({tree.docinfo.system_url or tree.docinfo.public_id}"
            "), which teitool never loads: its defaults and entities do not apply here; "
            "remove the DOCTYPE (TEI P5 is checked against schemas)", "external-dtd",
            "well-formed"))
    return tree, issues
