"""Untrusted documents and schemas through every engine: nothing fetched, nothing leaked.

Each case is a reproducer of a hole found by fuzzing (issue 11): a loopback listener must see
no connection, a secret file's content must appear in no output, and the verdict must be the
one the document deserves.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TEI_ALL_RNG
from fuzzing import Listener

from tei.errors import TeitoolError
from tei.validate import jing, validate_paths
from tei.validate.schemarefs import compact_references, expand_escapes
from tei.validate.specs import SchemaSpec

needs_jing = pytest.mark.skipif(not jing.available(), reason="needs Java (jing)")

SECRET = "teitool-secret-7f3a9c"


@pytest.fixture
def secret(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file outside every folder a check names, in two forms: text and XML."""
    folder = tmp_path_factory.mktemp("elsewhere")
    (folder / "secret.txt").write_text(SECRET)
    (folder / "secret.xml").write_text(f"<s>{SECRET}</s>")
    return folder


RNG = '<grammar xmlns="http://relaxng.org/ns/structure/1.0">{inside}</grammar>'
START = '<start><element name="a"><empty/></element></start>'


def run(tmp_path: Path, documents: dict[str, bytes], schema: Path | None = None,
        **options: object) -> tuple[object, str]:
    """Validate crafted documents; the report and all it renders, in every format."""
    folder = tmp_path / "docs"
    folder.mkdir(exist_ok=True)
    for name, data in documents.items():
        (folder / name).write_bytes(data)
    report = validate_paths([folder], schemas=[schema] if schema else [], builtin=schema is None,
                            use_cache=False, **options)
    rendered = "".join(report.render(fmt) for fmt in ("text", "json", "junit", "github", "sarif"))
    return report, rendered


def refused(schema: Path, docs: Path) -> str:
    """The one-line error a schema gets; it must not quote the secret."""
    (docs / "a.xml").write_bytes(b"<a/>")
    with pytest.raises(TeitoolError) as raised:
        validate_paths([docs / "a.xml"], schemas=[schema], builtin=False, use_cache=False)
    assert raised.value.exit_code == 2
    assert SECRET not in str(raised.value)
    return str(raised.value)


# --- documents ------------------------------------------------------------------------------


def hidden_doctype(port: int) -> dict[str, bytes]:
    dtd = f'<!DOCTYPE a SYSTEM "http://127.0.0.1:{port}/evil.dtd">'
    return {
        "comment.xml": f'<?xml version="1.0"?><!-- <!DOCTYPE x> -->{dtd}\n<b/>'.encode(),
        "pi.xml": f"<?x <!DOCTYPE y> ?>{dtd}\n<b/>".encode(),
        "subset.xml": f'<!DOCTYPE a SYSTEM "http://127.0.0.1:{port}/x" [<!-- ]> -->]>\n<b/>'.encode(),
    }


@needs_jing
def test_a_doctype_behind_a_comment_or_pi_reaches_no_engine(
        tmp_path: Path, listener: Listener) -> None:
    schema = tmp_path / "a.rng"
    schema.write_text(RNG.format(inside=START))
    report, _ = run(tmp_path, hidden_doctype(listener.port), schema)
    # Each was checked: <b> is not <a>, on line 2 of the original; the DTD, not read, is said.
    for result in report.files:
        assert [(i.rule, i.line) for i in result.issues] == [("external-dtd", 1), ("a.rng", 2)]


@needs_jing
@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_any_encoding_reaches_jing_and_gets_its_verdict(tmp_path: Path, codec: str) -> None:
    schema = tmp_path / "a.rng"
    schema.write_text(RNG.format(inside=START))
    bom = "\ufeff" if codec == "utf-16-be" else ""
    documents = {
        "invalid.xml": (bom + f'<?xml version="1.0" encoding="{codec[:6]}"?>\n<b>é</b>').encode(codec),
        "valid.xml": (bom + "<a/>").encode(codec),
    }
    report, _ = run(tmp_path, documents, schema)
    verdicts = {Path(f.path).name: [(i.line, i.rule) for i in f.issues] for f in report.files}
    assert verdicts == {"invalid.xml": [(2, "a.rng")], "valid.xml": []}


@pytest.mark.parametrize("codec", ["utf-16", "utf-32"])
def test_entity_declarations_are_refused_in_any_encoding(tmp_path: Path, codec: str,
                                                         secret: Path) -> None:
    declarations = {
        "general.xml": f'<!DOCTYPE a [<!ENTITY s SYSTEM "{secret}/secret.txt">]><a>&s;</a>',
        "parameter.xml": f'<!DOCTYPE a [<!ENTITY % p SYSTEM "{secret}/secret.txt"> %p;]><a/>',
    }
    report, rendered = run(tmp_path, {k: v.encode(codec) for k, v in declarations.items()})
    assert [[i.rule for i in f.issues] for f in report.files] == [["entity-declaration"]] * 2
    assert SECRET not in rendered


def test_an_undeclared_entity_after_an_external_doctype_is_one_error(tmp_path: Path) -> None:
    """It was a traceback (XMLSchemaValidateError): the DTD that would declare it is never read."""
    document = (b'<!DOCTYPE TEI SYSTEM "tei.dtd">\n<TEI xmlns="http://www.tei-c.org/ns/1.0">'
                b"<text><body><p>a&nbsp;b</p></body></text></TEI>")
    report, _ = run(tmp_path, {"nbsp.xml": document, "nbsp16.xml": document.decode().encode("utf-16")})
    for result in report.files:
        assert [i.rule for i in result.issues] == ["undeclared-entity"]
        assert "&nbsp;" in result.issues[0].message


@needs_jing
def test_a_file_name_shaped_like_a_finding_is_not_read_as_one(tmp_path: Path) -> None:
    schema = tmp_path / "a.rng"
    schema.write_text(RNG.format(inside=START))
    report, _ = run(tmp_path, {"a:1:1: error: x.xml": b"<b/>", "x.xml": b"<a/>"}, schema)
    verdicts = {Path(f.path).name: f.errors for f in report.files}
    assert verdicts == {"a:1:1: error: x.xml": 1, "x.xml": 0}


@needs_jing
def test_a_file_that_stops_jing_does_not_leave_the_next_ones_unchecked(tmp_path: Path) -> None:
    """jing gives up at a file it cannot parse; the files after it go to a new jing."""
    schema = tmp_path / "a.rng"
    schema.write_text(RNG.format(inside=START))
    run_ = jing.start(SchemaSpec.from_path(schema),
                      [("broken.xml", b"<a>"), ("wrong.xml", b"<b/>"), ("right.xml", b"<a/>")],
                      None)
    results = run_.results()
    assert [issue.severity for issue in results["broken.xml"]] == ["error"]
    assert "not allowed" in results["wrong.xml"][0].message
    assert results["right.xml"] == []


# --- schemas --------------------------------------------------------------------------------


def rng_schemas(port: int, secret: Path) -> dict[str, bytes]:
    url = f"http://127.0.0.1:{port}/x.rng"
    return {
        "charref": RNG.format(inside=f'<include href="&#104;{url[1:]}"/>' + START).encode(),
        "xml-base": RNG.format(
            inside=f'<div xml:base="http://127.0.0.1:{port}/"><include href="x.rng"/></div>'
        ).encode(),
        "gt-in-attribute": RNG.format(inside=f'<include ns="a>b" href="{url}"/>').encode(),
        "utf-16": RNG.format(inside=f'<include href="{url}"/>').encode("utf-16"),
        "entity": (f'<!DOCTYPE grammar [<!ENTITY s SYSTEM "{secret}/secret.txt">]>'
                   + RNG.format(inside='<start><element name="&s;"><empty/></element></start>')
                   ).encode(),
        "parameter-entity": (
            f'<!DOCTYPE grammar [<!ENTITY % p SYSTEM "http://127.0.0.1:{port}/p.dtd"> %p;]>'
            + RNG.format(inside=START)).encode(),
        "outside": RNG.format(inside=f'<include href="{secret}/secret.xml"/>').encode(),
        "outside-relative": RNG.format(
            inside=f'<externalRef href="../../{secret.name}/secret.xml"/>').encode(),
    }


@pytest.mark.parametrize("case", list(rng_schemas(0, Path("/x"))))
@pytest.mark.parametrize("engine", ["jing", "lxml"])
def test_a_hostile_relax_ng_schema_is_refused(tmp_path: Path, listener: Listener, secret: Path,
                                              case: str, engine: str) -> None:
    if engine == "jing" and not jing.available():
        pytest.skip("needs Java")
    (tmp_path / "schemas").mkdir()
    schema = tmp_path / "schemas" / f"{case}.rng"
    schema.write_bytes(rng_schemas(listener.port, secret)[case])
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.xml").write_bytes(b"<a/>")
    with pytest.raises(TeitoolError) as raised:
        validate_paths([tmp_path / "docs" / "a.xml"], schemas=[schema], builtin=False,
                       use_cache=False, rng_engine=engine)
    assert raised.value.exit_code == 2 and SECRET not in str(raised.value)


def test_a_doctype_in_a_schema_loads_nothing(tmp_path: Path, listener: Listener) -> None:
    schema = tmp_path / "dtd.rng"
    schema.write_text(f'<!DOCTYPE grammar SYSTEM "http://127.0.0.1:{listener.port}/g.dtd">'
                      + RNG.format(inside=START))
    report, _ = run(tmp_path, {"a.xml": b"<a/>"}, schema)
    assert report.exit_code == 0


@pytest.mark.parametrize(("text", "target"), [
    ('include "ht" ~ "tp://h/x.rnc"', "http://h/x.rnc"),
    ('include "\\x{68}ttp://h/x.rnc"', "http://h/x.rnc"),
    ('include """http://h/x.rnc"""', "http://h/x.rnc"),
    ("include '''a.rnc''' inherit = x", "a.rnc"),
    ('start = external # a comment "not.rnc"\n "b.rnc"', "b.rnc"),
    ('start = element \\include { text } # include "no.rnc"', None),
    ('a = element include:x { "include" }', None),
])
def test_compact_references_are_read_like_the_engine_reads_them(text: str, target: str | None) -> None:
    found = [value for _, _, value in compact_references(expand_escapes(text))]
    assert found == ([target] if target else [])


def test_an_escape_that_makes_an_escape_is_kept_escaped() -> None:
    """jing expands once more: a backslash that expansion left before 'x{' must stay text."""
    assert expand_escapes("\\x{5C}x{68}") == "\\x{5C}x{68}"


@needs_jing
@pytest.mark.parametrize("source", [
    'include "ht" ~ "tp://127.0.0.1:{port}/x.rnc"',
    'include "\\x{{68}}ttp://127.0.0.1:{port}/x.rnc"',
    'include """http://127.0.0.1:{port}/x.rnc"""',
    'start = external "{secret}/secret.txt"',
    'start = external "file://{secret}/secret.txt"',
])
def test_a_hostile_compact_schema_is_refused(tmp_path: Path, listener: Listener, secret: Path,
                                             source: str) -> None:
    schema = tmp_path / "s.rnc"
    schema.write_text(source.format(port=listener.port, secret=secret))
    refused(schema, tmp_path)


def test_a_hostile_xsd_import_is_refused_not_dropped(tmp_path: Path, listener: Listener,
                                                     secret: Path) -> None:
    xsd = ('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{}'
           '<xs:element name="a"/></xs:schema>')
    for name, inside in {
        "charref.xsd": f'<xs:import namespace="n" schemaLocation="&#104;ttp://127.0.0.1:{listener.port}/x.xsd"/>',
        "base.xsd": f'<xs:import xml:base="http://127.0.0.1:{listener.port}/" namespace="n" schemaLocation="x.xsd"/>',
        "outside.xsd": f'<xs:include schemaLocation="{secret}/secret.xml"/>',
    }.items():
        schema = tmp_path / name
        schema.write_text(xsd.format(inside))
        message = refused(schema, tmp_path)
        assert "x.xsd" in message or "secret.xml" in message


SCH = """<schema xmlns="http://purl.oclc.org/dsdl/schematron">
  <pattern><rule context="/*"><report test="true()">read: <value-of select="{select}"/></report>
  </rule></pattern></schema>"""


@pytest.mark.parametrize("select", [
    "document('{secret}/secret.xml')", "document('file://{secret}/secret.xml')",
    "document('http://127.0.0.1:{port}/x.xml')",
])
def test_a_schematron_reads_no_file_outside_the_named_folders(
        tmp_path: Path, listener: Listener, secret: Path, select: str) -> None:
    schema = tmp_path / "rules.sch"
    schema.write_text(SCH.format(select=select.format(secret=secret, port=listener.port)))
    report, rendered = run(tmp_path, {"a.xml": b"<a/>"}, schema)
    assert SECRET not in rendered
    assert "failed to run" in report.issues[0].message


def test_a_schematron_may_read_files_beside_it(tmp_path: Path) -> None:
    (tmp_path / "list.xml").write_text("<s>beside</s>")
    schema = tmp_path / "rules.sch"
    schema.write_text(SCH.format(select="document('list.xml')"))
    report, _ = run(tmp_path, {"a.xml": b"<a/>"}, schema)
    assert report.issues[0].message == "read: beside"


@needs_jing
def test_tei_all_still_compiles_in_the_sandbox(tmp_path: Path) -> None:
    if not TEI_ALL_RNG.exists():
        pytest.skip("needs ../shared")
    report, _ = run(tmp_path, {"a.xml": b'<TEI xmlns="http://www.tei-c.org/ns/1.0"/>'},
                    TEI_ALL_RNG)
    assert report.files[0].errors == 1 and "teiHeader" in report.issues[0].message


def test_a_refused_schema_is_refused_again_in_the_same_process(tmp_path: Path) -> None:
    """A compile that failed once left its key behind, and the next run reused a stale checker."""
    schema = tmp_path / "remote.xsd"
    schema.write_text('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
                      '<xs:include schemaLocation="http://192.0.2.1/x.xsd"/></xs:schema>')
    for _ in range(2):
        refused(schema, tmp_path)
