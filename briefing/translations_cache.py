"""The translation scan of each file, kept on disk by what it follows from (issue #20).

`Translations.scan` finds every bilingual field of a file and reconciles it with the
file's entries in the lock (translations.py): fingerprints, matching moved list items,
the parity check. That is pure: the result follows from the file's bytes, its lock
entries, the day (a field fingerprinted or translated now is dated today) and the
code. A build would otherwise redo it for every file of the content on every run,
a cost that grows with the content (0.16 s at 120 countries) where an edit changes one
file. So each file's statuses are kept in `OUT/.cache/translations/`, named by a hash
of exactly those inputs: an entry found is what the scan would compute, and never
stale, since any change to an input is another name.

Entries of earlier days are never read again (a key holds its day): the first build of a
process removes those more than two days old (`prune`), so the folder holds a few days'
scans, not one per file for every day the project was built.

An entry carries the sha256 of its own body: one that cannot be read, does not match
its checksum or its key, or holds anything but what was written (a truncated or
corrupted file, an entry edited or renamed by hand) is ignored and the file scanned
again; a cache that cannot be written is only slower. `--check` reads the entries a
build made and writes none (`write=False`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import files, incremental
from .load import Document
from .translations import LANGS, Field, Record, Status, Tree

MAX_ENTRY = 16_000_000  # a file's fields with their lock records: a few hundred bytes each
KEEP_DAYS = 2  # yesterday's entries too, whatever the time zone; a lock marker is made again if needed
_pruned: set[Path] = set()  # folders pruned by this process
_SIDES = (None, *LANGS)


@dataclass(frozen=True)
class ScanCache:
    """Where entries are kept, the code they were made by, and whether this run may add some."""

    folder: Path
    recipe: str  # the generator's code and pins (incremental.shared_digests' "generator")
    write: bool = True

    def key(self, tree: Tree, rel: str, doc: Document, entries: dict[str, Record], today: str) -> str | None:
        """The name of a file's scan: its bytes, its lock entries (in their order: the lock
        is rewritten when the scan reorders them), the day and the code; None when the file
        was not read by `load` (no digest of its bytes)."""
        if not doc.digest:
            return None
        # A record's fields as it holds them: what model_dump() returns for these plain fields
        # (tests/test_translations_cache.py), without its cost for each of 2,700 records at 120 countries.
        recorded = [[k, r.__dict__] for k, r in entries.items()]
        return incremental.digest(
            self.recipe, unicodedata.unidata_version, tree.root.name, rel, doc.digest, today, recorded
        )

    def get(
        self, key: str, doc: Document, tree: Tree, rel: str, entries: dict[str, Record]
    ) -> list[Status] | None:
        """The file's statuses as the scan computed them, or None (no entry, or one not to trust)."""
        try:
            raw = files.read_inside(self.folder / f"{key}.json", self.folder, MAX_ENTRY, "cache entries")
            checksum, _, body = raw.partition(b"\n")
            if checksum.decode("ascii") != hashlib.sha256(body).hexdigest():
                return None
            entry = json.loads(body)
            if entry["key"] != key:
                return None
            return [_status(item, doc, tree, rel, entries) for item in entry["statuses"]]
        except (OSError, files.Refused, ValueError, TypeError, KeyError, IndexError, ValidationError):
            return None  # ValidationError is a ValueError; named for the reader

    def put(self, key: str, statuses: list[Status], entries: dict[str, Record]) -> None:
        if not self.write:
            return
        # A record kept as the lock has it (most are) is named by its entry, not repeated.
        named = {id(r): k for k, r in entries.items()}
        items = [_item(s, named.get(id(s.record))) for s in statuses]
        data = json.dumps({"key": key, "statuses": items}, ensure_ascii=False).encode("utf-8")
        incremental.cache_put(  # a cache that cannot be written is only slower
            self.folder / f"{key}.json", hashlib.sha256(data).hexdigest().encode("ascii") + b"\n" + data
        )

    def prune(self, now: float | None = None) -> None:
        """Remove what is older than KEEP_DAYS (by when it was written), once per process and folder:
        entries of earlier days, which no key names any more, and lock markers, made again when a
        lock is next compared. Nothing is removed by a run that may not write (`--check`)."""
        if not self.write or self.folder in _pruned:
            return
        _pruned.add(self.folder)
        cutoff = (time.time() if now is None else now) - KEEP_DAYS * 86400
        try:
            found = list(os.scandir(self.folder))
        except OSError:
            return  # no folder yet
        for entry in found:
            with contextlib.suppress(OSError):  # gone already, or not ours to remove: only a bigger cache
                if (
                    entry.is_file(follow_symlinks=False)
                    and entry.stat(follow_symlinks=False).st_mtime < cutoff
                ):
                    os.unlink(entry.path)

    def mark_lock(self, digest: str) -> None:
        """Remember that the lock text of this sha256 is what `save` writes for what it holds."""
        if self.write:
            incremental.cache_put(self._lock_marker(digest), b"")

    def is_lock(self, digest: str) -> bool:
        return self._lock_marker(digest).is_file()

    def _lock_marker(self, digest: str) -> Path:
        # Named with the code, which decides how a lock is written.
        return self.folder / f"lock-{incremental.digest(self.recipe, digest)}"


def _item(s: Status, entry: str | None) -> list[Any]:
    f = s.field
    record = entry if entry is not None else s.record.model_dump()
    return [
        list(f.loc),
        f.line,
        f.col,
        f.ar,
        f.en,
        f.original,
        f.numbers_exempt,
        record,
        s.review,
        s.changed,
        s.numbers,
        s.new,
    ]


def _status(item: list[Any], doc: Document, tree: Tree, rel: str, entries: dict[str, Record]) -> Status:
    """A Status from an entry's item, checked to be one `_item` wrote (TypeError otherwise)."""
    loc, line, col, ar, en, original, exempt, record, review, changed, numbers, new = item
    if not (
        type(loc) is list
        and type(line) is int
        and type(col) is int
        and type(ar) is str
        and type(en) is str
        and original in _SIDES
        and review in _SIDES
        and changed in _SIDES
        and (numbers is None or type(numbers) is str)
        and type(exempt) is bool
        and type(new) is bool
    ):
        raise TypeError("not a cached status")
    for part in loc:
        if type(part) is not str and type(part) is not int:
            raise TypeError("not a field path")
    # The lock's own record (the entries are part of the key), or one the scan made.
    kept = entries[record] if type(record) is str else Record.model_validate(record)
    f = Field(doc.path, tree.root, rel, tuple(loc), line, col, ar, en, original, exempt)
    return Status(f, kept, review, changed, numbers, new)
