"""schema/teitool.xsd is a strict subset of TEI P5: compared element by element with tei_all.rng.

Two checks that need no instance documents: every attribute teitool.xsd allows on an element
is one tei_all allows on it, and every child element it allows is one tei_all allows there.
Ordering and datatypes are covered by validating every valid fixture against both schemas
(tests/test_schema.py).
"""

from __future__ import annotations

from functools import cache

import pytest
from conftest import TEI_ALL_RNG
from lxml import etree

from tei.resources import SCHEMA_DIR

RNG = "{http://relaxng.org/ns/structure/1.0}"
TEI = "{http://www.tei-c.org/ns/1.0}"
XML = "{http://www.w3.org/XML/1998/namespace}"

pytestmark = pytest.mark.skipif(not TEI_ALL_RNG.exists(), reason="tei_all.rng not available")


@cache
def _rng() -> tuple[dict[str, list[etree._Element]], dict[str, list[etree._Element]]]:
    tree = etree.parse(str(TEI_ALL_RNG))
    defines: dict[str, list[etree._Element]] = {}
    for node in tree.iter(RNG + "define"):
        defines.setdefault(node.get("name"), []).append(node)
    elements: dict[str, list[etree._Element]] = {}
    for node in tree.iter(RNG + "element"):
        if node.get("name"):
            elements.setdefault(node.get("name"), []).append(node)
    return defines, elements


def _walk(node: etree._Element, want: str, seen: set[str]) -> set[str]:
    """Names of attributes (want='attribute') or child elements (want='element') of a pattern."""
    defines, _ = _rng()
    found: set[str] = set()
    for child in node:
        if not isinstance(child.tag, str):
            continue
        if child.tag == RNG + want and child.get("name"):
            found.add(child.get("name"))
            continue
        if child.tag in (RNG + "element", RNG + "attribute"):
            continue  # another element's or attribute's own pattern
        if child.tag == RNG + "ref":
            name = child.get("name")
            if name in seen:
                continue
            seen.add(name)
            for define in defines.get(name, []):
                found |= _walk(define, want, seen)
            continue
        found |= _walk(child, want, seen)
    return found


def tei_allows(element: str, want: str) -> set[str]:
    _, elements = _rng()
    allowed: set[str] = set()
    for node in elements.get(element, []):
        allowed |= _walk(node, want, set())
    return allowed


def _xsd_declarations() -> dict[str, tuple[set[str], set[str]]]:
    """Each element of teitool.xsd → (its attribute names, its child element names)."""
    import xmlschema

    schema = xmlschema.XMLSchema(str(SCHEMA_DIR / "teitool.xsd"))
    out: dict[str, tuple[set[str], set[str]]] = {}
    for qname, decl in schema.elements.items():
        local = qname.split("}")[-1]
        attrs = {
            "xml:" + a.split("}")[1] if a.startswith(XML) else a.split("}")[-1]
            for a in decl.attributes
            if a
        }
        children: set[str] = set()
        if decl.type.has_complex_content() or decl.type.mixed:
            children = {e.local_name for e in decl.type.content.iter_elements()}
        out[local] = (attrs, children)
    return out


DECLARATIONS = _xsd_declarations()


@pytest.mark.parametrize("element", sorted(DECLARATIONS))
def test_element_exists_in_tei(element: str) -> None:
    assert element in _rng()[1], f"{element} is not a TEI P5 element"


@pytest.mark.parametrize("element", sorted(DECLARATIONS))
def test_attributes_are_tei_attributes(element: str) -> None:
    attrs, _ = DECLARATIONS[element]
    extra = attrs - tei_allows(element, "attribute")
    assert not extra, f"teitool.xsd allows {sorted(extra)} on <{element}>; TEI P5 does not"


@pytest.mark.parametrize("element", sorted(DECLARATIONS))
def test_children_are_tei_children(element: str) -> None:
    _, children = DECLARATIONS[element]
    extra = children - tei_allows(element, "element")
    assert not extra, f"teitool.xsd allows {sorted(extra)} inside <{element}>; TEI P5 does not"
