"""OASIS XML catalogs: schema URLs answered from local files; hostile catalogs refused."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import fuzzing
import pytest
from click.testing import CliRunner
from conftest import FIXTURES

from tei.cli import main
from tei.errors import TeitoolError
from tei.validate import validate_paths
from tei.validate.catalog import BUILTIN_CATALOG, Catalog, load_catalogs
from tei.validate.jing import available as jing_available
from tei.validate.schemarefs import schema_files

CATALOG = FIXTURES / "validate" / "catalog"
XSD11 = FIXTURES / "validate" / "xsd11"
CATALOG_NS = "urn:oasis:names:tc:entity:xmlns:xml:catalog"


@pytest.fixture(autouse=True)
def no_environment_catalogs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XML_CATALOG_FILES", raising=False)


def catalog_file(folder: Path, entries: str, name: str = "catalog.xml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f'<catalog xmlns="{CATALOG_NS}">{entries}</catalog>', encoding="utf-8")
    return path


# --- lookups --------------------------------------------------------------------------------

SCHEMAS = CATALOG / "schemas"


@pytest.mark.parametrize(("url", "expected"), [
    ("https://example.org/schemas/letter.rng", SCHEMAS / "letter.rng"),  # uri
    ("https://example.org/rewritten/letter.xsd", SCHEMAS / "letter.xsd"),  # rewriteURI
    ("https://elsewhere.example/suffix/letter.xsd", SCHEMAS / "letter.xsd"),  # uriSuffix
    ("https://example.org/system/letter.xsd", SCHEMAS / "letter.xsd"),  # system
    ("https://example.org/sys/letter.rng", SCHEMAS / "letter.rng"),  # rewriteSystem
    ("https://x.example/by-system-suffix.xsd", SCHEMAS / "letter.xsd"),  # systemSuffix
    ("https://example.org/grouped.rng", SCHEMAS / "sub" / "grouped.rng"),  # group + xml:base
    ("https://example.org/next/letter.rng", SCHEMAS / "letter.rng"),  # nextCatalog
    ("http://www.w3.org/2001/xml.xsd", BUILTIN_CATALOG.parent / "xml.xsd"),  # built-in, last
    ("https://example.org/unknown.rng", None),
])
def test_every_kind_of_entry_is_looked_up(url: str, expected: Path | None) -> None:
    catalog = load_catalogs([CATALOG / "catalog.xml"])
    found = catalog.resolve(url)
    assert (Path(found) if found else None) == (expected.resolve() if expected else None)


def test_an_exact_entry_wins_over_a_rewrite_and_the_longest_rewrite_wins(tmp_path: Path) -> None:
    for name in ("exact.xsd", "short/a.xsd", "long/a.xsd"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("<x/>")
    path = catalog_file(tmp_path, """
        <rewriteURI uriStartString="https://e.org/" rewritePrefix="short/"/>
        <rewriteURI uriStartString="https://e.org/deep/" rewritePrefix="long/"/>
        <uri name="https://e.org/deep/exact.xsd" uri="exact.xsd"/>""")
    catalog = load_catalogs([path])
    assert catalog.resolve("https://e.org/deep/exact.xsd") == str(tmp_path / "exact.xsd")
    assert catalog.resolve("https://e.org/deep/a.xsd") == str(tmp_path / "long" / "a.xsd")
    assert catalog.resolve("https://e.org/a.xsd") == str(tmp_path / "short" / "a.xsd")


def test_delegates_answer_for_their_prefix_the_longest_first_and_alone(tmp_path: Path) -> None:
    """OASIS: a reference that starts with a delegated prefix is looked up in the delegates'
    catalogs only (the longest prefix first); when they do not map it, its lookup ends,
    though a next catalog would have mapped it."""
    for name in ("short", "long", "next"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.xsd").write_text("<x/>")
    catalog_file(tmp_path / "short", '<rewriteURI uriStartString="https://e.org/" '
                                     'rewritePrefix="./"/>')
    catalog_file(tmp_path / "long", '<uri name="https://e.org/deep/a.xsd" uri="a.xsd"/>'
                                    '<system systemId="https://s.org/a.xsd" uri="a.xsd"/>')
    catalog_file(tmp_path / "next", '<rewriteURI uriStartString="https://x.org/" '
                                    'rewritePrefix="./"/>')
    path = catalog_file(tmp_path, """
        <delegateURI uriStartString="https://e.org/" catalog="short/catalog.xml"/>
        <delegateURI uriStartString="https://e.org/deep/" catalog="long/catalog.xml"/>
        <delegateSystem systemIdStartString="https://s.org/" catalog="long/catalog.xml"/>
        <delegateURI uriStartString="https://x.org/only/" catalog="long/catalog.xml"/>
        <delegatePublic publicIdStartString="-//teitool//" catalog="long/catalog.xml"/>
        <nextCatalog catalog="next/catalog.xml"/>""", "main.xml")
    catalog = load_catalogs([path])
    assert catalog.resolve("https://e.org/deep/a.xsd") == str(tmp_path / "long" / "a.xsd")
    assert catalog.resolve("https://e.org/a.xsd") == str(tmp_path / "short" / "a.xsd")
    assert catalog.resolve("https://s.org/a.xsd") == str(tmp_path / "long" / "a.xsd")
    assert catalog.resolve("https://x.org/a.xsd") == str(tmp_path / "next" / "a.xsd")
    assert catalog.resolve("https://x.org/only/a.xsd") is None  # delegated, not in "long"
    assert str(tmp_path / "long") in catalog.roots


def test_a_users_catalog_comes_before_the_built_in_one(tmp_path: Path) -> None:
    (tmp_path / "my-xml.xsd").write_text("<x/>")
    path = catalog_file(tmp_path, '<uri name="http://www.w3.org/2001/xml.xsd" uri="my-xml.xsd"/>')
    assert load_catalogs([path]).resolve("http://www.w3.org/2001/xml.xsd") == str(
        tmp_path / "my-xml.xsd")


def test_the_built_in_catalog_maps_the_w3c_schemas_to_its_copies() -> None:
    catalog = load_catalogs()
    for url, name in (("http://www.w3.org/2001/xml.xsd", "xml.xsd"),
                      ("https://www.w3.org/2009/01/xml.xsd", "xml.xsd"),
                      ("http://www.w3.org/1999/xlink.xsd", "xlink.xsd")):
        found = catalog.resolve(url)
        assert found is not None and Path(found).name == name and Path(found).is_file()
    assert "W3C Software and Document" in (BUILTIN_CATALOG.parent / "README.md").read_text()


# --- catalogs in a run ------------------------------------------------------------------------


def test_an_xsd_10_import_of_xml_xsd_by_url_resolves_offline(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text('<letters xmlns="urn:teitool:test" xml:space="bogus"><x/></letters>')
    report = validate_paths([bad, XSD11 / "valid.xml"], schemas=[XSD11 / "xsd10.xsd"],
                            builtin=False, use_cache=False, jobs=1)
    errors = {Path(r.path).name: r.errors for r in report.files}
    assert errors == {"bad.xml": 1, "valid.xml": 0}  # the report orders files by path
    assert "xml:space" in report.issues[0].message  # a prefix, not a Clark name


def test_xlink_xsd_and_the_xml_xsd_it_imports_by_url_resolve_offline(tmp_path: Path) -> None:
    link = tmp_path / "link.xml"
    link.write_text('<link xmlns="urn:teitool:test" xmlns:xlink="http://www.w3.org/1999/xlink" '
                    'xlink:type="simple" xlink:href="x" xlink:show="bogus"/>')
    report = validate_paths([link], schemas=[XSD11 / "xlink.xsd"], builtin=False,
                            use_cache=False, jobs=1)
    assert report.errors == 1 and "xlink:show" in report.issues[0].message


@pytest.mark.parametrize("engine", ["lxml", "jing"])
def test_a_relax_ng_include_by_url_goes_through_the_named_catalog(engine: str) -> None:
    if engine == "jing" and not jing_available():
        pytest.skip("jing needs Java")
    files = [CATALOG / "valid.xml", CATALOG / "invalid.xml"]
    report = validate_paths(files, schemas=[CATALOG / "project.rng"], builtin=False,
                            catalogs=[CATALOG / "catalog.xml"], use_cache=False, jobs=1,
                            rng_engine=engine, embedded_schematron=False)
    assert {Path(r.path).name: r.errors > 0 for r in report.files} == {
        "valid.xml": False, "invalid.xml": True}


@pytest.mark.parametrize("binding", ["xslt2", "xslt"])
def test_a_schematron_include_by_url_goes_through_the_named_catalog(
        binding: str, tmp_path: Path) -> None:
    """Saxon's compiler and lxml's ISO skeleton (XSLT 1) alike: the skeleton's own include
    step would fetch the URL, so teitool expands includes before it."""
    project = tmp_path / "project.sch"
    project.write_text((CATALOG / "project.sch").read_text(encoding="utf-8").replace(
        'queryBinding="xslt2"', f'queryBinding="{binding}"'), encoding="utf-8")
    shutil.copytree(SCHEMAS, tmp_path / "schemas")
    if binding == "xslt":  # lxml's schema for Schematron is ISO 2006's: no report/@id
        rules = tmp_path / "schemas" / "rules.sch"
        rules.write_text(rules.read_text(encoding="utf-8").replace('report id="no-opener"',
                                                                     "report"), encoding="utf-8")
    shutil.copy(CATALOG / "catalog.xml", tmp_path / "catalog.xml")
    files = [CATALOG / "valid.xml", CATALOG / "invalid.xml"]
    report = validate_paths(files, schemas=[project], builtin=False,
                            catalogs=[tmp_path / "catalog.xml"], use_cache=False, jobs=1)
    assert [(Path(i.path).name, i.message) for i in report.issues] == [
        ("invalid.xml", "no opener in a letter")]


def test_an_xsd_import_by_url_goes_through_the_named_catalog() -> None:
    specs = schema_files(CATALOG / "project.xsd", catalog=load_catalogs([CATALOG / "catalog.xml"]))
    assert [f.path.name for f in specs] == ["project.xsd", "letter.xsd"]


def test_the_environment_variable_names_catalogs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XML_CATALOG_FILES", (CATALOG / "catalog.xml").as_uri())
    report = validate_paths([CATALOG / "valid.xml"], schemas=[CATALOG / "project.rng"],
                            builtin=False, use_cache=False, jobs=1, rng_engine="lxml",
                            embedded_schematron=False)
    assert report.exit_code == 0


def test_an_unmapped_url_is_an_error_naming_the_url_and_the_option() -> None:
    result = CliRunner().invoke(main, [
        "validate", str(CATALOG / "valid.xml"), "--no-builtin", "--no-cache",
        "--schema", str(CATALOG / "project.rng")])
    assert result.exit_code == 2
    assert "https://example.org/schemas/letter.rng" in result.output
    assert "--catalog" in result.output


def test_the_catalog_is_part_of_the_cache_key(tmp_path: Path) -> None:
    """Pointing a URL at another copy changes the verdict of a cached run."""
    shutil.copytree(CATALOG, tmp_path / "c")
    folder = tmp_path / "c"
    strict = folder / "schemas" / "strict.rng"
    strict.write_text((folder / "schemas" / "sub" / "grouped.rng").read_text())
    options = dict(schemas=[folder / "project.rng"], builtin=False, jobs=1,
                   cache_directory=tmp_path / "cache", rng_engine="lxml",
                   embedded_schematron=False, catalogs=[folder / "catalog.xml"])
    assert validate_paths([folder / "valid.xml"], **options).exit_code == 0  # type: ignore[arg-type]
    catalog = folder / "catalog.xml"
    catalog.write_text(catalog.read_text().replace('uri="schemas/letter.rng"',
                                                   'uri="schemas/strict.rng"'))
    assert validate_paths([folder / "valid.xml"], **options).exit_code == 1  # type: ignore[arg-type]


# --- hostile catalogs ------------------------------------------------------------------------


HOSTILE_ENTRIES = {
    "network target": '<uri name="https://example.org/schemas/letter.rng" '
                      'uri="http://127.0.0.1:{port}/letter.rng"/>',
    "network rewrite": '<rewriteURI uriStartString="https://example.org/" '
                       'rewritePrefix="http://127.0.0.1:{port}/"/>',
    "file outside": '<uri name="https://example.org/schemas/letter.rng" uri="{outside}"/>',
    "relative outside": '<uri name="https://example.org/schemas/letter.rng" '
                        'uri="../outside/secret.xsd"/>',
    "base outside": '<group xml:base="file:///etc/"><uri name="https://example.org/x" '
                    'uri="passwd"/></group>',
    "next catalog on the network": '<nextCatalog catalog="http://127.0.0.1:{port}/c.xml"/>',
    "next catalog outside": '<nextCatalog catalog="{outside}"/>',
    "delegate on the network": '<delegateURI uriStartString="https://example.org/" '
                               'catalog="http://127.0.0.1:{port}/c.xml"/>',
    "delegate outside": '<delegateSystem systemIdStartString="https://example.org/" '
                        'catalog="{outside}"/>',
}


@pytest.mark.parametrize("name", HOSTILE_ENTRIES)
def test_a_catalog_pointing_at_the_network_or_outside_is_refused(
        name: str, tmp_path: Path, listener: fuzzing.Listener) -> None:
    outside = tmp_path / "outside" / "secret.xsd"
    outside.parent.mkdir()
    outside.write_text("<secret>TOP-SECRET-CONTENT</secret>")
    entry = HOSTILE_ENTRIES[name].format(port=listener.port, outside=outside)
    shutil.copytree(CATALOG, tmp_path / "c")
    catalog = catalog_file(tmp_path / "c", entry, "hostile.xml")
    result = CliRunner().invoke(main, [
        "validate", str(tmp_path / "c" / "valid.xml"), "--no-builtin", "--no-cache",
        "--schema", str(tmp_path / "c" / "project.rng"), "--catalog", str(catalog)])
    assert result.exit_code == 2, result.output
    assert "hostile.xml" in result.output and "TOP-SECRET-CONTENT" not in result.output


def test_a_rewrite_that_climbs_out_of_the_catalogs_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "outside.xsd").write_text("<x/>")
    path = catalog_file(tmp_path / "c", '<rewriteURI uriStartString="https://e.org/" '
                                        'rewritePrefix="schemas/"/>')
    (tmp_path / "c" / "schemas").mkdir()
    with pytest.raises(TeitoolError, match="outside the catalog's folder"):
        load_catalogs([path]).resolve("https://e.org/../../outside.xsd")


def test_an_import_by_url_with_no_catalog_entry_fetches_nothing(
        tmp_path: Path, listener: fuzzing.Listener) -> None:
    schema = tmp_path / "s.xsd"
    schema.write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:import namespace="urn:x" '
        f'schemaLocation="http://127.0.0.1:{listener.port}/x.xsd"/></xs:schema>')
    (tmp_path / "a.xml").write_text("<a/>")
    with pytest.raises(TeitoolError, match="never fetches"):
        validate_paths([tmp_path / "a.xml"], schemas=[schema], builtin=False, use_cache=False)


@pytest.mark.parametrize("entry", [
    '<nextCatalog catalog="catalog.xml"/>',
    '<delegateURI uriStartString="https://e.org/" catalog="catalog.xml"/>',
])
def test_a_catalog_that_chains_back_to_itself_is_refused(tmp_path: Path, entry: str) -> None:
    path = catalog_file(tmp_path, entry)
    with pytest.raises(TeitoolError, match="chains back"):
        load_catalogs([path])


def test_a_catalog_is_read_through_the_secure_gate(tmp_path: Path) -> None:
    path = tmp_path / "catalog.xml"
    path.write_text(f'<!DOCTYPE c [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                    f'<catalog xmlns="{CATALOG_NS}"><uri name="&e;" uri="x"/></catalog>')
    with pytest.raises(TeitoolError, match="entities"):
        load_catalogs([path])


def test_a_missing_or_remote_catalog_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from tei.validate.specs import named_catalogs

    with pytest.raises(TeitoolError, match="no such catalog"):
        named_catalogs(["no-such-catalog.xml"])
    monkeypatch.setenv("XML_CATALOG_FILES", "http://example.org/catalog.xml")
    with pytest.raises(TeitoolError, match="local files only"):
        named_catalogs()


def test_catalog_roots_are_the_folders_of_every_chained_catalog() -> None:
    catalog = load_catalogs([CATALOG / "catalog.xml"])
    assert isinstance(catalog, Catalog)
    assert set(catalog.roots) == {str(CATALOG.resolve()), str(SCHEMAS.resolve()),
                                  str(BUILTIN_CATALOG.parent.resolve())}
    assert os.path.isfile(catalog.files[-1].path)
