"""Incremental builds: what each output was built from, by content hash.

The manifest (OUT/.manifest.json, written atomically after every successful
build) records, for each output file, two keys and the file itself:

- `inputs`: a hash of everything the document's HTML is made from (its brief,
  the content files its kind declares it reads, templates, labels, fonts, the
  generator's own code). Equal -> the document need not even be rendered.
- `key`: a hash of the rendered HTML and metadata, with the templates, fonts and
  generator code that turn it into this format. Equal -> the output would be
  the same bytes, so it is not written again (a safe proxy for "content
  changed" when a declared input changed in a way this document does not show).
- `sha256`, `size`, `mtime_ns` of the file as written: an output deleted or
  edited by hand no longer matches and is rebuilt.

and, per selection of the command line (briefs, --only, --edition, ...), a hash
of the whole input tree and the sha256 of each output it made: when the tree is
unchanged and every output is still that very file (no build of another
selection rewrote it since: a `--only kz` build of an edited tree, then the
edit reverted, must not leave kz's outputs stale) the build stops there,
before importing the schema, the templates or the PDF engine. A failed build
writes no manifest, so nothing it did not finish can be taken as up to date.
This module imports only the standard library.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from .files import ROOT, TRANSLATIONS_LOCK, Refused, kind_of, read_inside, stage, write_atomic

MANIFEST = ".manifest.json"
MAX_MANIFEST = 64_000_000  # a few hundred bytes per output
VERSION = 2  # 2: each output's `listing` (the library page), and the library's own files
_hashes: dict[Path, tuple[int, int, int, str]] = {}  # path -> (size, mtime_ns, inode, sha256)


def file_hash(path: Path) -> str:
    """sha256 of a file's bytes (memoised per process while size, mtime and inode stay the same)."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        return "missing"
    if not stat.S_ISREG(st.st_mode):  # a FIFO would block, /dev/zero never end: not opened
        return f"not a file: {kind_of(st.st_mode)}"
    seen = _hashes.get(path)
    if seen and seen[:3] == (st.st_size, st.st_mtime_ns, st.st_ino):
        return seen[3]
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        return f"unreadable: {exc.strerror}"
    with os.fdopen(fd, "rb") as f:  # streamed: a huge file (refused later by load) costs no memory
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return "not a file"
        digest = hashlib.file_digest(f, "sha256").hexdigest()
    _hashes[path] = (st.st_size, st.st_mtime_ns, st.st_ino, digest)
    return digest


def cache_put(path: Path, data: bytes) -> None:
    """Store a cache entry atomically; a cache that cannot be written is only slower."""
    with contextlib.suppress(OSError):
        write_atomic(path, data)


def digest(*parts: object) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else json.dumps(part, sort_keys=True, default=str).encode()
        h.update(len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


def files_digest(paths: Iterable[Path]) -> str:
    return digest(sorted((str(p), file_hash(p)) for p in paths))


def _files(folder: Path, pattern: str = "*") -> list[Path]:
    """Every entry but folders (a FIFO too, hashed by what it is): a file that is not
    a regular one still changes what a build would say."""
    return sorted(p for p in folder.glob(pattern) if not p.is_dir())


def generator_files() -> list[Path]:
    """The code, its data (the maps' boundaries) and pins whose change can change any output."""
    return (
        _files(ROOT / "briefing", "**/*.py")
        + _files(ROOT / "briefing" / "data", "*.json")
        + [ROOT / "requirements.txt", ROOT / "constraints.txt"]
    )


SCREEN_ONLY = ("screen.css",)  # styles only the HTML edition reads (write_html.SCREEN_CSS)


def shared_digests(templates: Path, fonts: Path) -> dict[str, str]:
    """Hashes of the inputs every document shares: code, templates (with labels and CSS), fonts;
    `assets`, the template files that are not part of the HTML but style it (CSS), and `screen`,
    the styles only the HTML edition reads."""
    everything = _files(templates)
    styles = [p for p in everything if not p.name.endswith(".j2") and p.name != "labels.yaml"]
    return {
        "generator": files_digest(generator_files()),
        "templates": files_digest(everything),
        "assets": files_digest([p for p in styles if p.name not in SCREEN_ONLY]),
        "screen": files_digest([p for p in styles if p.name in SCREEN_ONLY]),
        "fonts": files_digest(_files(fonts)),
    }


def output_digests(shared: dict[str, str], fmt: str) -> dict[str, str]:
    """What turns a document's HTML into its file in format `fmt`: not the Jinja templates or
    labels, which the HTML already reflects (a change to one kind's template re-renders every
    document, and rewrites only those whose HTML changed); the screen styles for HTML only."""
    return {k: v for k, v in shared.items() if k != "templates" and (k != "screen" or fmt == "html")}


def tree_digest(content: Path, briefs: list[Path], templates: Path, fonts: Path) -> str:
    """Everything a build of this selection can read or would refuse (a `*.yml` file, a
    folder named `x.yaml`, a FIFO…); the no-op fast path compares it. Hidden names
    (editors' swap and lock files) aside. The translation locks too: a text accepted or
    newly needing review changes a document's marking."""
    locks = [content / TRANSLATIONS_LOCK] + sorted({b.parent / TRANSLATIONS_LOCK for b in briefs})
    entries = [
        p
        for p in content.rglob("*")
        if not any(part.startswith(".") for part in p.relative_to(content).parts)
        and (not p.is_dir() or p.suffix in (".yaml", ".yml"))
    ]
    folders = {p.parent for p in briefs}  # a brief's neighbours: `*.yml` ones are refused
    return digest(
        files_digest(sorted(entries)),
        files_digest(briefs),
        files_digest(locks),
        sorted(str(p) for folder in folders for p in folder.glob("*.yml")),
        shared_digests(templates, fonts),
    )


class Manifest:
    def __init__(self, out: Path):
        self.path = Path(out) / MANIFEST
        self.out = Path(out)
        self.outputs: dict[str, dict] = {}
        self.selections: dict[str, dict] = {}
        self.library: dict[str, dict] = {}  # the library pages and the files they share (library.py)
        try:
            data = json.loads(read_inside(self.path, self.out, MAX_MANIFEST).decode("utf-8"))
            if data.get("version") == VERSION:
                self.outputs = data.get("outputs", {})
                self.selections = data.get("selections", {})
                self.library = data.get("library", {})
        except (OSError, ValueError, AttributeError, Refused):
            pass  # no manifest, or an unreadable one: everything is out of date

    def intact(self, rel: str) -> bool:
        """The output (or library file) exists and is the file this manifest recorded (same size and mtime)."""
        entry = self.outputs.get(rel) or self.library.get(rel)
        if entry is None:
            return False
        try:
            st = (self.out / rel).stat()
        except OSError:
            return False
        return st.st_size == entry.get("size") and st.st_mtime_ns == entry.get("mtime_ns")

    def up_to_date(self, selection: str, tree: str) -> list[str] | None:
        """The outputs of `selection` if its input tree is unchanged, every output is intact and
        still the file this selection's last build left (same sha256), and the library is intact."""
        entry = self.selections.get(selection)
        if not entry or entry.get("tree") != tree or not isinstance(entry.get("outputs"), dict):
            return None
        outputs = entry["outputs"]
        if all(
            self.intact(rel) and self.outputs[rel].get("sha256") == sha256 for rel, sha256 in outputs.items()
        ) and all(self.intact(rel) for rel in self.library):
            return sorted(outputs)
        return None

    def record(
        self,
        rel: str,
        written: Path,
        *,
        inputs: str,
        key: str,
        pages: int,
        declared: list[str],
        held: list[str] | None = None,
        listing: dict | None = None,
    ) -> None:
        """Record output `rel` as the file `written` (its temp file: a rename keeps size and times);
        `held`: the texts to review it shows, so that a build which does not render it still knows;
        `listing`: what the library page says of it."""
        self.outputs[rel] = {
            "inputs": inputs,
            "key": key,
            "pages": pages,
            "declared": declared,
            "held": held or [],
            "listing": listing or {},
            **_file_entry(Path(written)),
        }

    def record_library(self, rel: str) -> None:
        """A file of the library (library.py), in place: kept intact like an output, listed nowhere."""
        self.library[rel] = _file_entry(self.out / rel)

    def select(self, selection: str, tree: str, outputs: Iterable[str]) -> None:
        """Remember that `selection`, over input tree `tree`, is exactly these recorded outputs."""
        self.selections[selection] = {
            "tree": tree,
            "outputs": {rel: self.outputs[rel]["sha256"] for rel in sorted(outputs)},
        }

    def forget(self, rel: str) -> Path | None:
        """Drop output `rel`; its path if the file there is the one recorded (ours to remove)."""
        from .jobs import UnsafePath, safe_target

        ours = self.intact(rel)
        self.outputs.pop(rel, None)
        try:
            return safe_target(self.out, *rel.split("/")) if ours else None
        except UnsafePath:  # a manifest edited by hand: never remove anything outside out/
            return None

    def data(self) -> bytes:
        data = {
            "version": VERSION,
            "outputs": self.outputs,
            "selections": self.selections,
            "library": self.library,
        }
        return json.dumps(data, indent=1, sort_keys=True).encode("utf-8")

    def stage(self) -> Path:
        """The manifest, written to a temp file beside it (files.commit puts it in place)."""
        return stage(self.path, self.data())


def _file_entry(path: Path) -> dict:
    """What identifies a file as written: its sha256, size and mtime."""
    st = path.stat()
    return {"sha256": file_hash(path), "size": st.st_size, "mtime_ns": st.st_mtime_ns}
