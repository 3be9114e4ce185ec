"""SQLite persistence for ``serve --data PATH`` (stdlib sqlite3).

The in-memory store stays the source of reads; every acknowledged write is
first committed here in one transaction with ``synchronous=FULL`` (WAL), before
the response leaves, so a SIGKILL right after a 201 loses nothing.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS resources (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    realm TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (realm, kind, id)
);
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class SqliteJournal:
    """A :class:`~scim_conformance.server.store.Journal` backed by one SQLite file."""

    def __init__(self, path: str | Path) -> None:
        if str(path) != ":memory:":
            # The file holds the bearer token. Create it owner-only before SQLite
            # does (with the umask's 0644): its -wal and -shm files take the
            # database's mode, and the WAL holds the token until a checkpoint.
            os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
            os.chmod(path, 0o600)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def write(self, puts: list[tuple[str, str, str, str]], deletes: list[tuple[str, str, str]]) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                # An upsert keeps a row's seq, hence a resource's place in list order.
                self._db.executemany(
                    "INSERT INTO resources (realm, kind, id, body) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (realm, kind, id) DO UPDATE SET body = excluded.body",
                    puts,
                )
                self._db.executemany("DELETE FROM resources WHERE realm = ? AND kind = ? AND id = ?", deletes)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def load(self) -> Iterator[tuple[str, str, str, str]]:
        with self._lock:
            rows = self._db.execute("SELECT realm, kind, id, body FROM resources ORDER BY seq").fetchall()
        yield from rows

    def setting(self, name: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM settings WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    def set_setting(self, name: str, value: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = ?",
                (name, value, value),
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()
