"""Report formats: text for people, json, junit, github and sarif for machines.

Each renderer is a pure function of the report; machine formats carry no timings and no
cache state, so the same files and schemas always give the same bytes, in a cold run, a
cached re-run or a parallel one.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Callable
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from tei import __version__
from tei.validate.model import ERROR, FileResult, Issue, RuleHelp, ValidationReport

FORMATS = ("text", "json", "junit", "github", "sarif")

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


#: What no report may carry as is: C0 and C1 control characters (a terminal obeys them, XML
#: 1.0 forbids most), lone surrogates (the bytes of a file name that is not UTF-8, as
#: os.fsdecode gives them: no encoder writes them) and the two non-characters XML forbids.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for the byte code - 0xDC00
        return f"\\x{code - 0xDC00:02x}"
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str, keep: str = "") -> str:
    """``text`` with every unprintable character written as a Python-style escape (``\\x01``,
    ``\\n``; a byte of a non-UTF-8 name as ``\\xff``), except those in ``keep``.

    A file name or message from a pull request then cannot move the cursor of the terminal
    that shows the report, break its line structure, or make the XML or the encoder fail.
    """
    return _UNPRINTABLE.sub(lambda m: m.group() if m.group() in keep else _escape(m.group()), text)


def _json_safe(value: object) -> object:
    """``value`` with lone surrogates escaped in every string: JSON escapes control characters
    itself, but a non-UTF-8 file name's surrogates would fail the encoding of the report."""
    if isinstance(value, str):
        return _SURROGATE.sub(lambda m: _escape(m.group()), value)
    if isinstance(value, dict):
        return {_json_safe(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    return value


def _where(issue: Issue) -> str:
    return f"{issue.path}:{issue.line}:{issue.column}" if issue.line else issue.path


def render_text(report: ValidationReport, *, run_details: bool = True,
                issues: bool = True) -> str:
    """``path:line:col: severity: message [rule]``, files in order, a blank line between them,
    then the counts (:func:`render_counts`), the run's notes and the summary line.

    Without ``run_details`` the summary leaves out the time and cache hits: for a report kept
    as a file that should not change when nothing else did. Without ``issues``, the counts
    alone (``--summary``).
    """
    blocks = []
    for result in report.files if issues else ():
        if result.issues:
            blocks.append(
                "\n".join(
                    visible(f"{_where(i)}: {i.severity}: {i.message} [{i.rule}]")
                    for i in result.issues
                )
            )
    trailer = text_trailer(report, run_details=run_details, counts=not issues)
    return "\n\n".join([*blocks, trailer]) + "\n"


def text_trailer(report: ValidationReport, *, run_details: bool = True,
                 counts: bool = False) -> str:
    """What ends the text report after the findings: the counts (always with ``counts``,
    else from :data:`COUNTS_FROM` findings on), the run's notes, which schemas checked which
    files, and the summary line."""
    shown = render_counts(report) if counts or len(report.issues) >= COUNTS_FROM else ""
    notes = "\n".join(visible(f"note: {note}") for note in report.notes)
    summary = report.summary(run_details=run_details)
    tail = "\n".join(filter(None, [render_schemas(report), summary]))
    return "\n\n".join([*filter(None, [shown, notes]), tail])


def render_summary(report: ValidationReport) -> str:
    """The text report without its findings: counts per rule and per file (``--summary``)."""
    return render_text(report, issues=False)


#: How many files the counts list, the ones with most findings first.
TOP_FILES = 10
#: From how many findings the text report ends with the counts: a short list needs none.
COUNTS_FROM = 10


def render_counts(report: ValidationReport) -> str:
    """Findings counted per rule and per file (the first :data:`TOP_FILES`); "" when
    nothing was found."""
    if not report.issues:
        return ""
    by_rule = Counter((i.rule, i.severity) for i in report.issues)
    lines = ["findings by rule:"]
    lines += [visible(f"{count:>8}  {rule} ({severity}s)" if count > 1 else
                      f"{count:>8}  {rule} ({severity})")
              for (rule, severity), count in by_rule.most_common()]
    by_file = sorted((r for r in report.files if r.issues), key=lambda r: -len(r.issues))
    if len(by_file) > 1:
        shown = by_file[:TOP_FILES]
        more = f" ({len(shown)} of {len(by_file)})" if len(by_file) > len(shown) else ""
        lines.append(f"findings by file{more}:")
        lines += [visible(f"{len(r.issues):>8}  {r.path}") for r in shown]
    return "\n".join(lines)


def render_schemas(report: ValidationReport) -> str:
    """Which schemas checked how many files, a line per set; "" when all files were checked
    against the built-in and ``--schema`` ones alone (the command line says which)."""
    by_schemas = Counter(r.schemas for r in report.files)
    if len(by_schemas) == 1 and not report.from_documents:
        return ""
    return "\n".join(
        visible("checked against " + (", ".join(schemas) or "no schema (XML only)")
                + f": {count} file{'s' if count != 1 else ''}")
        for schemas, count in by_schemas.most_common())


def render_json(report: ValidationReport) -> str:
    data = {
        "tool": "teitool",
        "version": __version__,
        "valid": report.exit_code == 0,
        "strict": report.strict,
        "schemas": report.schemas,
        "summary": {
            "files": len(report.files),
            "invalid": sum(1 for r in report.files if report.failed(r)),
            "errors": report.errors,
            "warnings": report.warnings,
        },
        "notes": report.notes,
        "files": [
            {
                "path": r.path,
                "valid": not report.failed(r),
                "schemas": list(r.schemas),
                "issues": [
                    {k: v for k, v in i.to_dict().items() if k != "path"} for i in r.issues
                ],
            }
            for r in report.files
        ],
    }
    return json.dumps(_json_safe(data), indent=2, ensure_ascii=False) + "\n"


def render_junit(report: ValidationReport) -> str:
    """JUnit XML as Jenkins, GitLab and the test-report actions read it: one testcase per file."""
    from lxml import etree

    failures = sum(1 for r in report.files if report.failed(r))
    suites = etree.Element(
        "testsuites", name="teitool validate", tests=str(len(report.files)),
        failures=str(failures), errors="0",
    )
    suite = etree.SubElement(
        suites, "testsuite", name="teitool validate", tests=str(len(report.files)),
        failures=str(failures), errors="0", skipped="0",
    )
    for result in report.files:
        # XML 1.0 has no way to carry control characters, escaped or not: they are spelled out.
        case = etree.SubElement(
            suite, "testcase", classname="teitool.validate", name=visible(result.path),
        )
        lines = "\n".join(
            visible(f"{_where(i)}: {i.severity}: {i.message} [{i.rule}]", keep="\n")
            for i in result.issues
        )
        if report.failed(result):
            first = next(i for i in result.issues if i.severity == ERROR or report.strict)
            failure = etree.SubElement(
                case, "failure", message=visible(first.message, keep="\n"),
                type=visible(first.rule),
            )
            failure.text = lines
        elif lines:
            etree.SubElement(case, "system-out").text = lines
    data = etree.tostring(suites, encoding="UTF-8", xml_declaration=True, pretty_print=True)
    return data.decode("utf-8")


def _gh_escape(text: str, *, prop: bool = False) -> str:
    """Escape for GitHub workflow commands (data: % CR LF; properties also : and ,)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def render_github(report: ValidationReport) -> str:
    """GitHub Actions annotations: ``::error file=…,line=…,col=…,title=…::message``."""
    out = []
    for issue in report.issues:
        # Line breaks travel as %0A (GitHub shows them); other control characters, spelled out.
        path, rule, message = (visible(text, keep="\r\n")
                               for text in (issue.path, issue.rule, issue.message))
        props = [f"file={_gh_escape(path, prop=True)}"]
        if issue.line:
            props += [f"line={issue.line}", f"col={max(issue.column, 1)}"]
        props.append(f"title={_gh_escape(rule, prop=True)}")
        command = "error" if issue.severity == ERROR else "warning"
        out.append(f"::{command} {','.join(props)}::{_gh_escape(message)}")
    out.append(report.summary(run_details=False))
    return "\n".join(out) + "\n"


def _uri(path: str) -> str:
    """A path as a URI reference, as SARIF wants it: "a b%.xml" is "a%20b%25.xml".

    Quoted as the name's bytes on disk, so a name that is not UTF-8 keeps its own bytes
    ("%FF") and a control character is percent-encoded like any other.
    """
    return quote(os.fsencode(PurePath(path).as_posix()))


def _default_level(report: ValidationReport, rule: str) -> str:
    """A rule's level: that of its findings in this run, else the role its description names."""
    severities = {i.severity for i in report.issues if i.rule == rule}
    if severities:
        return "error" if ERROR in severities else "warning"
    return report.rule_help.get(rule, RuleHelp(rule)).level


def render_sarif(report: ValidationReport) -> str:
    """SARIF 2.1.0, as GitHub code scanning uploads it."""
    rule_ids = sorted({i.rule for i in report.issues} | set(report.rule_help))
    index = {rule: n for n, rule in enumerate(rule_ids)}
    rules = [
        {
            "id": rule,
            "name": rule,
            "shortDescription": {"text": report.rule_help.get(rule, RuleHelp(rule)).text},
            "defaultConfiguration": {"level": _default_level(report, rule)},
        }
        for rule in rule_ids
    ]
    results = []
    for issue in report.issues:
        location: dict[str, Any] = {"artifactLocation": {"uri": _uri(issue.path)}}
        location["region"] = {
            "startLine": max(issue.line, 1),
            "startColumn": max(issue.column, 1),
        }
        results.append(
            {
                "ruleId": issue.rule,
                "ruleIndex": index[issue.rule],
                "level": "error" if issue.severity == ERROR else "warning",
                "message": {"text": issue.message},
                "locations": [{"physicalLocation": location}],
            }
        )
    sarif = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "teitool",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "artifacts": [{"location": {"uri": _uri(r.path)}} for r in report.files],
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(_json_safe(sarif), indent=2, ensure_ascii=False) + "\n"


RENDERERS: dict[str, Callable[[ValidationReport], str]] = {
    "text": render_text,
    "json": render_json,
    "junit": render_junit,
    "github": render_github,
    "sarif": render_sarif,
    "human": render_text,  # an alias: "text" is the human report
    "summary": render_summary,  # the text report's counts alone (--summary)
}


def render(report: ValidationReport, fmt: str = "text") -> str:
    """Render ``report`` in one of :data:`FORMATS`."""
    try:
        return RENDERERS[fmt](report)
    except KeyError:
        raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}") from None


__all__ = ["FORMATS", "render", "visible", "FileResult"]
