"""The XSLT runner: compile once, parameters of every kind, messages, errors as one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from tei.errors import TeitoolError
from tei.render.xslt import compile_stylesheet

SHEET = """<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema" expand-text="yes">
  <xsl:output method="text"/>
  <xsl:param name="p" select="'default'"/>
  <xsl:param name="doc" as="document-node()?" select="()"/>
  <xsl:template match="/">
    <xsl:message>seen {local-name(*)}</xsl:message>
    <xsl:text>{local-name(*)}|{$p}|{string($doc)}|{count($p)}</xsl:text>
  </xsl:template>
  <xsl:template name="hello">hello {$p}</xsl:template>
</xsl:stylesheet>
"""


@pytest.fixture()
def sheet(tmp_path: Path):
    path = tmp_path / "t.xsl"
    path.write_text(SHEET)
    return compile_stylesheet(path)


@pytest.mark.parametrize(
    ("value", "shown"),
    [("text", "text|1"), (7, "7|1"), (2.5, "2.5|1"), (True, "true|1"), (["a", "b"], "a b|2")],
)
def test_parameters(sheet, value: object, shown: str) -> None:
    out = sheet.transform(b"<root/>", {"p": value}).output
    name, p, _, count = out.split("|")
    assert name == "root" and f"{p}|{count}" == shown


def test_tree_parameter_and_messages(sheet) -> None:
    result = sheet.transform(etree.fromstring("<a/>"), {"doc": etree.fromstring("<x>inside</x>")})
    assert result.output == "a|default|inside|1"
    assert result.messages == ["seen a"]


def test_parameters_do_not_leak_between_runs(sheet) -> None:
    sheet.transform(b"<r/>", {"p": "first"})
    assert sheet.transform(b"<r/>").output.split("|")[1] == "default"


def test_named_template(sheet) -> None:
    assert sheet.call_template("hello", {"p": "you"}).output == "hello you"


def test_compiled_once(tmp_path: Path, sheet) -> None:
    assert compile_stylesheet(sheet.path) is sheet


def test_entities_never_reach_saxon(sheet) -> None:
    with pytest.raises(TeitoolError, match="declares entities"):
        sheet.transform(b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>')


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<xsl:stylesheet version='3.0' xmlns:xsl='http://www.w3.org/1999/XSL/Transform'>"
         "<xsl:template match='/'><xsl:value-of select='1 +'/></xsl:template></xsl:stylesheet>",
         "does not compile"),
        ("not xml at all", "does not compile"),
    ],
)
def test_bad_stylesheet_is_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.xsl"
    path.write_text(text)
    with pytest.raises(TeitoolError) as info:
        compile_stylesheet(path)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_dynamic_error_is_a_teitool_error(tmp_path: Path) -> None:
    path = tmp_path / "dyn.xsl"
    path.write_text(
        "<xsl:stylesheet version='3.0' xmlns:xsl='http://www.w3.org/1999/XSL/Transform'>"
        "<xsl:template match='/'><xsl:message terminate='yes'>stop here</xsl:message>"
        "</xsl:template></xsl:stylesheet>"
    )
    with pytest.raises(TeitoolError, match="stop here"):
        compile_stylesheet(path).transform(b"<r/>")


def test_missing_stylesheet(tmp_path: Path) -> None:
    with pytest.raises(TeitoolError, match="cannot read stylesheet"):
        compile_stylesheet(tmp_path / "nope.xsl")


def test_empty_sequence_parameter(sheet) -> None:
    assert sheet.transform(b"<r/>", {"p": []}).output == "r|||0"
