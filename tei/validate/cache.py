"""A cache of per-file results, keyed by the file's content and everything it was checked with.

The key is a hash of the file's bytes, the schemas' bytes, the register's ids, and the
versions of teitool and lxml: change any of them and the file is checked again. Results do
not depend on a file's name, so a renamed or copied file is still a cache hit. One SQLite
file, ``validate.sqlite`` in the user's cache folder (``$TEITOOL_CACHE_DIR``, else
``$XDG_CACHE_HOME/teitool``, else ``~/.cache/teitool``), holds them; CI systems can keep
that folder between runs.

Never in the working folder by default: there a pull request could commit a cache of its own,
with "valid" results forged for its invalid files (the keys are hashes anyone can compute),
or a class-data archive for jing's JVM.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple


def cache_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``explicit``, else ``$TEITOOL_CACHE_DIR``, else the user's cache folder."""
    if explicit is not None:
        return Path(explicit)
    if os.environ.get("TEITOOL_CACHE_DIR"):
        return Path(os.environ["TEITOOL_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "teitool"


#: The layout of ``validate.sqlite``; a cache written in another layout is emptied, not read.
LAYOUT = 2


class ResultCache:
    """Issues (as dicts, without the path) per key, and what is known of each file seen
    (:meth:`known_files`). A cache that cannot be opened is off."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._db: sqlite3.Connection | None = None
        try:
            directory.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(directory / "validate.sqlite", timeout=10)
            if self._db.execute("PRAGMA user_version").fetchone()[0] != LAYOUT:
                with self._db:
                    self._db.execute("DROP TABLE IF EXISTS results")
                    self._db.execute("DROP TABLE IF EXISTS files")
                    self._db.execute(f"PRAGMA user_version = {LAYOUT}")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, issues TEXT NOT NULL)"
            )
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER,"
                " mtime INTEGER, ctime INTEGER, inode INTEGER, digest TEXT NOT NULL,"
                " requests TEXT NOT NULL, key TEXT NOT NULL)"
            )
        except (OSError, sqlite3.Error):
            self._db = None  # a read-only or broken cache folder must not stop a check

    def get_many(self, keys: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        if self._db is None:
            return {}
        wanted = list(dict.fromkeys(keys))
        found: dict[str, list[dict[str, Any]]] = {}
        try:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                rows = self._db.execute(
                    f"SELECT key, issues FROM results WHERE key IN ({','.join('?' * len(chunk))})",
                    chunk,
                )
                # Most rows say "none": no JSON decoder for those (a re-run reads thousands)
                found.update((key, [] if issues == "[]" else json.loads(issues))
                             for key, issues in rows)
        except (sqlite3.Error, ValueError):
            return {}
        return found

    def put_many(self, items: Iterable[tuple[str, list[dict[str, Any]]]]) -> None:
        if self._db is None:
            return
        with contextlib.suppress(sqlite3.Error), self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO results (key, issues) VALUES (?, ?)",
                # ASCII: a message may quote a file name that is not UTF-8 (a lone surrogate).
                ((key, json.dumps(issues)) for key, issues in items),
            )

    def known_files(self, paths: Iterable[str]) -> dict[str, KnownFile]:
        """What the cache knows of the files seen before (by absolute path), with the issues
        of their last check when the cache still has them."""
        if self._db is None:
            return {}
        wanted = {_stored(path): path for path in paths}
        keys = list(wanted)
        found: dict[str, KnownFile] = {}
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                rows = self._db.execute(
                    "SELECT f.path, f.size, f.mtime, f.ctime, f.inode, f.digest, f.requests,"
                    " f.key, r.issues FROM files AS f LEFT JOIN results AS r ON r.key = f.key"
                    f" WHERE f.path IN ({','.join('?' * len(chunk))})",
                    chunk,
                )
                for path, size, mtime, ctime, inode, digest, requests, key, issues in rows:
                    found[wanted[path]] = KnownFile(
                        (size, mtime, ctime, inode), digest,
                        () if requests == "[]" else tuple(json.loads(requests)), key,
                        None if issues is None else [] if issues == "[]" else json.loads(issues))
        except (sqlite3.Error, ValueError):
            return {}
        return found

    def remember_files(self, items: Iterable[tuple[str, KnownFile]]) -> None:
        """Store what is known of files (the issues stay in :meth:`put_many`'s table)."""
        if self._db is None:
            return
        with contextlib.suppress(sqlite3.Error), self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO files (path, size, mtime, ctime, inode, digest, requests,"
                " key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                ((_stored(path), *known.signature, known.digest, json.dumps(known.requests),
                  known.key) for path, known in items),
            )

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


class KnownFile(NamedTuple):
    """What the cache knows of a file, as of its last check."""

    #: (size, mtime_ns, ctime_ns, inode): like git's index, unchanged means unchanged content
    signature: tuple[int, ...]
    #: the digest of its content
    digest: str
    #: the schemas it names, as dicts of :class:`tei.validate.docschemas.SchemaRequest`
    requests: tuple[dict[str, Any], ...]
    #: the key of its last check's result
    key: str
    #: that result's issues (as dicts, without the path), None when the cache has lost them
    issues: list[dict[str, Any]] | None = None


def _stored(path: str) -> bytes:
    """A path as the file system spells it: any name, UTF-8 or not, is a key SQLite takes."""
    return os.fsencode(path)
