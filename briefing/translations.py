"""Translation state: each language of a bilingual text knows which text of the other it translates (issue #17).

Content is written in Arabic and English by different people at different
times; the parity check (parity.py) sees numbers that differ, not meaning. So
for every bilingual field ({ar, en}) a lock file beside the files it covers
(`translations.lock`, JSON: one in content/, one in briefs/) records the pair as it
was last translated or reviewed: for each side a fingerprint (sha256 of the
text normalised: NFC; bidi controls, zero-width marks and tatweel dropped;
digits as Western digits; whitespace collapsed; the numbers themselves kept)
and the normalised text (for the word diff and a PO file's `#| msgid`); a
state, `translated`, `needs review` or `reviewed`; and who and when, where known.
The content files stay as they are.

How a field's state follows from its record (`reconcile`, a pure function):

- a field with no record (new content) is fingerprinted as `translated`;
- nothing changed: the recorded state stands;
- one side changed: the other side needs review (`ar needs review (en
  changed)`), unless the changed side is the field's translation, i.e. the
  other side is its source: then the edit is a new translation. The source is
  the side the field names in `original: ar|en`, or else the side edited
  first: learnt when, after one side changed, the other was translated from it
  (an `--accept`ed cosmetic edit teaches nothing). Until then both directions
  are open;
- both sides changed: the pair was rewritten together, a new translation;
- a number that differs between the languages (parity.py) makes a field need
  review too, whatever its record (`numbers_differ:` in the field says why it
  may, as before).

A field is found again by its path, or, when list items were inserted or
moved, by its texts. Draft texts (`DRAFT:`, pre-meeting briefs) are not
translations yet and are left out until both sides are written.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
import subprocess
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Literal, Protocol, TypeAlias

from pydantic import BaseModel, ConfigDict, ValidationError

from . import drafts, files, formatting, parity
from .errors import ContentError, Problem, display_path
from .load import Document, dotted, load

LOCK_NAME = files.TRANSLATIONS_LOCK
State: TypeAlias = Literal["translated", "needs review", "reviewed"]  # a field's state in the lock
TRANSLATED: State = "translated"
NEEDS_REVIEW: State = "needs review"
REVIEWED: State = "reviewed"
Lang: TypeAlias = Literal["ar", "en"]
LANGS: tuple[Lang, ...] = ("ar", "en")
ORIGINAL = "original"  # the key a bilingual field names its source language with
DEFAULT_SOURCE = "en"  # for a number mismatch on a field whose source is not known yet
_INVISIBLE = dict.fromkeys(
    map(
        ord,
        "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\u0640\ufeff",
    ),
    None,
)
ABOUT = (
    "Translation lock (issue #17): for every bilingual field, the pair of texts as it was last translated "
    "or reviewed, a fingerprint of each side (sha256 of the normalised text) with that text. Written by "
    "build.py and `build.py translations` (new fields are fingerprinted on the first build); commit it "
    "with the content. See README, Translation workflow."
)


def other(lang: str) -> Lang:
    return "en" if lang == "ar" else "ar"


# -- fingerprints ---------------------------------------------------------------
def normalise(text: str) -> str:
    """The text as far as a translator is concerned: what a cosmetic edit cannot change."""
    text = formatting.western(unicodedata.normalize("NFC", text).translate(_INVISIBLE))
    return " ".join(text.split())


def fingerprint(text: str) -> str:
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()[:16]


# -- the fields -----------------------------------------------------------------
@dataclass(frozen=True)
class Tree:
    """A folder whose YAML files share one lock file (content/, briefs/)."""

    root: Path
    files: tuple[Path, ...]

    @property
    def lock(self) -> Path:
        return self.root / LOCK_NAME

    @cached_property
    def resolved(self) -> Path:
        return self.root.resolve()  # once: a scan asks for the rel of every file

    def rel(self, path: Path) -> str:
        return Path(path).resolve().relative_to(self.resolved).as_posix()


def content_tree(root: Path) -> Tree:
    root = Path(root)
    return Tree(root, tuple(sorted(p for p in root.rglob("*.yaml") if p.is_file())))


def briefs_tree(folder: Path, only: Iterable[Path] | None = None) -> Tree:
    """The briefs of a folder (`only`: these, as a build selects them; the lock keeps the others)."""
    folder = Path(folder)
    chosen = folder.glob("*.yaml") if only is None else only
    return Tree(folder, tuple(sorted(Path(p) for p in chosen if Path(p).is_file())))


@dataclass(frozen=True)
class Field:
    """One bilingual field as the file holds it now."""

    path: Path  # the file
    root: Path  # its tree's root folder
    rel: str  # the file, relative to the root (the lock's key)
    loc: tuple  # ("eu_relations", "summary")
    line: int
    col: int
    ar: str
    en: str
    original: str | None = None  # `original: ar|en` written in the field
    numbers_exempt: bool = False  # `numbers_differ:` written in the field

    @property
    def key(self) -> str:
        return dotted(self.loc)

    @property
    def context(self) -> str:
        """The field's name across trees: `content/countries/kz.yaml:eu_relations.summary` (PO msgctxt)."""
        return f"{self.root.name}/{self.rel}:{self.key}"

    def text(self, lang: str) -> str:
        return self.ar if lang == "ar" else self.en

    def with_text(self, lang: str, text: str) -> Field:
        """The field with its `lang` side replaced by `text`."""
        return replace(self, ar=text) if lang == "ar" else replace(self, en=text)

    def problem(self, message: str) -> Problem:
        return Problem(display_path(self.path), self.line, self.col, self.key, message)


def fields_of(doc: Document, tree: Tree) -> list[Field]:
    """Every bilingual field of a loaded file, drafts left out."""
    rel = tree.rel(doc.path)
    found = []
    for loc, value in parity.bilingual_fields(doc.data):
        if drafts.is_draft(value["ar"]) or drafts.is_draft(value["en"]):
            continue
        line, col = doc.where(loc)
        original = value.get(ORIGINAL)
        found.append(
            Field(
                doc.path,
                tree.root,
                rel,
                loc,
                line,
                col,
                value["ar"],
                value["en"],
                original if original in LANGS else None,
                bool(value.get(parity.EXEMPT)),
            )
        )
    return found


# -- the lock file ----------------------------------------------------------------
class Record(BaseModel):
    """One field in the lock: the pair as last translated or reviewed, and the state now."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    state: State
    changed: Lang | None = None  # with `needs review`: the side edited since
    source: Lang | None = None  # learnt: the side the other was last translated from
    by: str | None = None
    at: str | None = None  # ISO date the pair was fingerprinted, translated or reviewed
    ar: str
    ar_text: str
    en: str
    en_text: str

    def fingerprint(self, lang: str) -> str:
        return self.ar if lang == "ar" else self.en

    def text(self, lang: str) -> str:
        return self.ar_text if lang == "ar" else self.en_text


_ORDER = ("state", "changed", "source", "by", "at", "ar", "ar_text", "en", "en_text")  # a lock entry's keys


def pair(
    f: Field,
    state: State,
    source: Lang | None = None,
    by: str | None = None,
    at: str | None = None,
) -> Record:
    """A record of the field's current texts."""
    return Record(
        state=state,
        source=source,
        by=by,
        at=at,
        ar=fingerprint(f.ar),
        ar_text=normalise(f.ar),
        en=fingerprint(f.en),
        en_text=normalise(f.en),
    )


MAX_LOCK_BYTES = 64_000_000  # a few hundred bytes per bilingual field


def read_lock(path: Path) -> tuple[dict[str, dict[str, Record]], list[Problem]]:
    """{file: {field: Record}} from a lock file (none yet: empty)."""
    records, problems, _ = _read_lock(path)
    return records, problems


def _read_lock(path: Path) -> tuple[dict[str, dict[str, Record]], list[Problem], str | None]:
    """read_lock, and the sha256 of the bytes read (None: no file, or not one to read)."""
    path = Path(path)
    if not path.exists():
        return {}, [], None
    name = display_path(path)
    try:  # a regular file beside what it locks, bounded: a FIFO there must not hang the build
        raw = files.read_inside(path, path.parent, MAX_LOCK_BYTES, "lock files")
        text = raw.decode("utf-8")
    except (files.Refused, UnicodeDecodeError) as exc:
        return {}, [_lock_problem(name, 1, 1, f"cannot read the lock: {exc}")], None
    records, problems = _parse_lock(name, text)
    return records, problems, hashlib.sha256(raw).hexdigest()


def _parse_lock(name: str, text: str) -> tuple[dict[str, dict[str, Record]], list[Problem]]:
    """The records of a lock's text, and what is wrong in it at its line."""
    # Split into lines only to say where something is (a lock holds a line per record field,
    # 40,000 at 120 countries): a conflict marker cannot be in a text without "<<<<<<< ".
    lines = text.splitlines() if "<<<<<<< " in text else []
    conflict = next((i for i, line in enumerate(lines, 1) if line.startswith("<<<<<<< ")), None)
    if conflict:
        message = (
            "unresolved merge conflict: keep the newer side of each entry, or delete the entries "
            "(fingerprinted again as translated on the next run)"
        )
        return {}, [Problem(name, conflict, 1, "", message)]
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        return {}, [_lock_problem(name, exc.lineno, exc.colno, f"invalid JSON: {exc.msg}")]
    except _Duplicate as exc:
        lines = text.splitlines()
        return {}, [_lock_problem(name, _line_of(lines, f'"{exc}":'), 1, f"duplicate entry {exc}")]
    files_ = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files_, dict):
        return {}, [_lock_problem(name, 1, 1, 'expected {"files": {FILE: {FIELD: {...}}}}')]
    records: dict[str, dict[str, Record]] = {}
    problems: list[Problem] = []
    for rel, entries in files_.items():
        for key, value in entries.items() if isinstance(entries, dict) else ():
            try:
                records.setdefault(rel, {})[key] = Record.model_validate(value)
            except ValidationError as exc:
                err = exc.errors()[0]
                lines = lines or text.splitlines()
                where = _line_of(lines, f'"{key}": {{', after=_line_of(lines, f'"{rel}": {{'))
                problems.append(
                    _lock_problem(
                        name, where, 1, f"{rel}: {key}: {'.'.join(map(str, err['loc']))}: {err['msg']}"
                    )
                )
    return records, problems


class _Duplicate(ValueError):
    pass


def _no_duplicates(pairs: list) -> dict:
    out = {}
    for key, value in pairs:
        if key in out:  # json.loads would keep the last silently: a merge may have left both
            raise _Duplicate(key)
        out[key] = value
    return out


def _line_of(lines: list[str], needle: str, after: int = 0) -> int:
    return next((i for i, line in enumerate(lines, 1) if i > after and needle in line), after or 1)


def _lock_problem(name: str, line: int, col: int, message: str) -> Problem:
    return Problem(
        name,
        line,
        col,
        "",
        message + " (the lock is generated: fix the line, or delete the entry to fingerprint the "
        "field again as translated)",
    )


def lock_text(records: dict[str, dict[str, Record]]) -> str:
    """The lock file's text: JSON, which reads in a millisecond (the lock is as long as the content),
    one value a line: sorted by file, each file's fields in file order, each field's keys in one order."""
    data = {
        "about": ABOUT,
        "files": {
            rel: {
                key: {name: value for name in _ORDER if (value := getattr(record, name)) is not None}
                for key, record in records[rel].items()
            }
            for rel in sorted(records)
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


# -- state ------------------------------------------------------------------------
@dataclass(frozen=True)
class Status:
    """A field, its record as it stands after this run, and what needs review in it."""

    field: Field
    record: Record
    review: str | None = None  # the side that needs review
    changed: str | None = None  # the side whose edit caused it (None: numbers only)
    numbers: str | None = None  # "numbers differ: …", from the parity check
    new: bool = False  # fingerprinted in this run

    @property
    def state(self) -> State:
        return NEEDS_REVIEW if self.review else self.record.state

    @property
    def source(self) -> str:
        """The side a translator works from: the changed side, the field's source, or English."""
        return self.changed or self.field.original or self.record.source or DEFAULT_SOURCE

    @property
    def previous(self) -> str | None:
        """The changed side's text as it was last translated, or None."""
        return self.record.text(self.changed) if self.changed else None

    def reasons(self) -> list[str]:
        reasons = [f"{self.changed} changed"] if self.changed else []
        if self.numbers:
            reasons.append(self.numbers)
        return reasons

    def problem(self) -> Problem:
        return self.field.problem(f"{self.review} needs review ({'; '.join(self.reasons())})")

    def diff(self) -> str | None:
        """`en: the [-old-]{+new+} text`: the changed side's edit since the last translation."""
        if not self.changed:
            return None
        old = self.record.text(self.changed)  # `previous`, known here to be a text
        return f"{self.changed}: {word_diff(old, normalise(self.field.text(self.changed)))}"


def _match(fields: list[Field], records: dict[str, Record]) -> list[Record | None]:
    """Each field's record: by path; else, for list items that moved, by both texts, then by one."""
    found: list[Record | None] = [None] * len(fields)
    free = dict(records)
    prints = [(fingerprint(f.ar), fingerprint(f.en)) for f in fields]

    def claim(i: int, key: str) -> None:
        found[i] = free.pop(key)

    def both(i: int, r: Record) -> bool:
        return (r.ar, r.en) == prints[i]

    def one(i: int, r: Record) -> bool:
        return r.ar == prints[i][0] or r.en == prints[i][1]

    def by_path(_i: int, _r: Record) -> bool:
        return True  # the last pass: the path alone

    passes: list[tuple[Callable[[int, Record], bool], bool]] = [
        (both, False),
        (both, True),
        (one, False),
        (one, True),
        (by_path, False),
    ]
    for test, anywhere in passes:
        for i, f in enumerate(fields):
            if found[i] is not None:
                continue
            if not anywhere:
                if f.key in free and test(i, free[f.key]):
                    claim(i, f.key)
                continue
            candidates = [k for k, r in free.items() if test(i, r)]
            if len(candidates) == 1 or (candidates and test is both):
                claim(i, candidates[0])
    return found


def reconcile(f: Field, record: Record | None, today: str) -> Status:
    """The field's state now, and its record after this run (see the module docstring)."""
    status = _by_fingerprints(f, record, today)
    diff = None if f.numbers_exempt else parity.difference(f.ar, f.en)
    if diff:
        return replace(status, review=status.review or other(status.source), numbers=parity.describe(diff))
    return status


def _by_fingerprints(f: Field, record: Record | None, today: str) -> Status:
    if record is None:
        return Status(f, pair(f, TRANSLATED, at=today), new=True)
    changed = [lang for lang in LANGS if fingerprint(f.text(lang)) != record.fingerprint(lang)]
    source = f.original or record.source
    if not changed:
        if record.state == NEEDS_REVIEW:  # the edit was undone: back to the pair as translated
            return Status(f, record.model_copy(update={"state": TRANSLATED, "changed": None}))
        return Status(f, record)
    if len(changed) == 2 or source == other(changed[0]):
        # Rewritten together, or the translation side edited: a new translation. If one
        # side had changed first and was waiting for the other, that side is the source.
        learnt = record.changed if record.state == NEEDS_REVIEW and len(changed) == 2 else None
        return Status(f, pair(f, TRANSLATED, source=learnt or record.source, at=today))
    side = changed[0]
    kept = record.model_copy(update={"state": NEEDS_REVIEW, "changed": side})
    return Status(f, kept, review=other(side), changed=side)


def word_diff(old: str, new: str) -> str:
    """`[-removed-] {+added+}` between words, as `git diff --word-diff=plain` shows it."""
    a, b = old.split(), new.split()
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out += a[i1:i2]
            continue
        if i2 > i1:
            out.append("[-" + " ".join(a[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + " ".join(b[j1:j2]) + "+}")
    return " ".join(out)


# -- which documents hold a text --------------------------------------------------------
def page_text(html: str) -> str:
    """The text a reader sees in a rendered document, normalised as fingerprints are."""
    import lxml.html

    root = lxml.html.document_fromstring(html)
    return normalise(" ".join(root.body.itertext()) if root.find("body") is not None else root.text_content())


def shown(statuses: Iterable[Status], text: str, months: str = "default") -> list[Status]:
    """The fields whose side to review is on the pages (`text`: their `page_text`): the renderer
    prints a content text as it is written, but for the brief's month names on Arabic pages
    (its digits are normalised away), so that is how each is looked for, as whole words."""
    found = []
    for status in statuses:
        if status.review is None:  # nothing to review in it (callers pass those that need review)
            continue
        side = status.field.text(status.review)
        if status.review == "ar":
            side = formatting.months_in_text(side, months)
        if re.search(rf"(?<!\w){re.escape(normalise(side))}(?!\w)", text):
            found.append(status)
    return found


class StatesCache(Protocol):
    """Where a scan keeps each file's states between builds (translations_cache.ScanCache;
    a protocol here, so this module does not import the one that builds on it)."""

    def key(
        self, tree: Tree, rel: str, doc: Document, entries: dict[str, Record], today: str
    ) -> str | None: ...

    def get(
        self, key: str, doc: Document, tree: Tree, rel: str, entries: dict[str, Record]
    ) -> list[Status] | None: ...

    def put(self, key: str, statuses: list[Status], entries: dict[str, Record]) -> None: ...

    def mark_lock(self, digest: str) -> None: ...

    def is_lock(self, digest: str) -> bool: ...


# -- a project's translations ------------------------------------------------------
@dataclass
class Translations:
    """The bilingual fields of some trees, each with its state; `save` writes the locks."""

    trees: list[Tree]
    today: str
    statuses: list[Status] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unreadable: set[Path] = field(default_factory=set)  # locks not read: never overwritten
    locked: dict[Path, dict[str, dict[str, Record]]] = field(default_factory=dict)  # each lock as read
    scanned: set[Path] = field(default_factory=set)  # the files read (resolved)
    cache: StatesCache | None = None  # where scans are kept, and which lock texts are as `save` writes them
    read: dict[Path, str] = field(default_factory=dict)  # each lock's sha256 as read
    # Each path resolved once in this run (a plan asks for a document's inputs per document):
    # like `scanned`, what the files were when this run read them.
    real: dict[Path, Path] = field(default_factory=dict, repr=False)

    def resolved(self, path: Path) -> Path:
        found = self.real.get(path)
        if found is None:
            found = self.real[path] = Path(path).resolve()
        return found

    @classmethod
    def scan(
        cls,
        trees: Iterable[Tree],
        today: str | None = None,
        loaded: dict[Path, Document] | None = None,
        cache: StatesCache | None = None,
    ) -> Translations:
        """Load every file of the trees (`loaded`: files the build has loaded already) and their
        locks; a file that cannot be loaded is a problem. `cache`: each file's statuses as an
        earlier run computed them from the same bytes, lock entries and day
        (translations_cache.py), so a build reconciles only the files that changed."""
        self = cls(list(trees), today or dt.date.today().isoformat(), cache=cache)
        loaded = {self.resolved(p): doc for p, doc in (loaded or {}).items()}
        for tree in self.trees:
            locked, problems, digest = _read_lock(tree.lock)
            self.locked[tree.lock] = locked
            if digest is not None:
                self.read[tree.lock] = digest
            if problems:  # it may hold a merge to resolve: say so, and leave it as it is
                self.problems += problems
                self.unreadable.add(tree.lock)
            for path in tree.files:
                resolved = self.resolved(path)
                try:
                    doc = loaded.get(resolved) or load(path, tree.root)
                except ContentError as exc:
                    self.problems += exc.problems
                    continue
                self.scanned.add(resolved)
                rel = resolved.relative_to(tree.resolved).as_posix()
                entries = locked.get(rel, {})
                key = cache.key(tree, rel, doc, entries, self.today) if cache is not None else None
                statuses = cache.get(key, doc, tree, rel, entries) if cache is not None and key else None
                if statuses is None:
                    found = fields_of(doc, tree)
                    matched = _match(found, entries)
                    statuses = [reconcile(f, r, self.today) for f, r in zip(found, matched, strict=True)]
                    if cache is not None and key:
                        cache.put(key, statuses, entries)
                self.statuses += statuses
        return self

    def needs_review(self) -> list[Status]:
        return [s for s in self.statuses if s.review]

    def in_files(self, paths: Iterable[Path]) -> list[Status]:
        """The fields that need review in these files (a document's inputs)."""
        wanted = {self.resolved(p) for p in paths}
        return [s for s in self.needs_review() if self.resolved(s.field.path) in wanted]

    def find(self, context: str) -> Status | None:
        return next((s for s in self.statuses if s.field.context == context), None)

    def set(self, status: Status, record: Record, now: Field | None = None) -> Status:
        """Replace a field's record (accept, import; `now`: its new texts, after an import):
        its state follows from the new record."""
        i = self.statuses.index(status)
        self.statuses[i] = reconcile(now or status.field, record, self.today)
        return self.statuses[i]

    def accept(self, selector: str, by: str | None = None) -> tuple[list[Status], list[Problem]]:
        """Mark pairs reviewed: `FILE` (its fields that need review) or `FILE:FIELD` (that field,
        or the fields under it). A number that differs cannot be accepted: that is fixed in the
        text, or said in `numbers_differ:`."""
        file_part, _, key = selector.partition(":")
        path = Path(file_part).resolve()
        in_file = [s for s in self.statuses if s.field.path.resolve() == path]
        if not in_file:
            known = any(path in {p.resolve() for p in t.files} for t in self.trees)
            why = "it has no bilingual field" if known else "not a file of content/ or briefs/"
            return [], [Problem(file_part, 1, 1, "", f"--accept: {why}")]
        if key:
            chosen = [
                s for s in in_file if s.field.key == key or s.field.key.startswith((key + ".", key + "["))
            ]
            if not chosen:
                close = difflib.get_close_matches(key, [s.field.key for s in in_file], n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                return [], [
                    Problem(display_path(path), 1, 1, key, f"--accept: no bilingual field {key!r}{hint}")
                ]
        else:
            chosen = [s for s in in_file if s.review]
        accepted, problems = [], []
        for status in chosen:
            if status.numbers:
                problems.append(
                    status.field.problem(
                        f"cannot accept: {status.numbers}; correct one side, or say why in `numbers_differ:`"
                    )
                )
                continue
            # Reviewed as it stands; a cosmetic edit teaches nothing about the field's source.
            accepted.append(
                self.set(
                    status, pair(status.field, REVIEWED, source=status.record.source, by=by, at=self.today)
                )
            )
        return accepted, problems

    def records(self, tree: Tree) -> dict[str, dict[str, Record]]:
        """The tree's lock after this run: the files read, and as they were the files of the
        tree not read this time (a build reads only the briefs it builds) that still exist."""
        out: dict[str, dict[str, Record]] = {}
        for rel, entries in self.locked.get(tree.lock, {}).items():
            path = tree.root / rel
            if self.resolved(path) not in self.scanned and path.is_file():
                out[rel] = entries
        for status in self.statuses:
            if status.field.root == tree.root:
                out.setdefault(status.field.rel, {})[status.field.key] = status.record
        return out

    def save(self) -> list[Path]:
        """Write each tree's lock when it changed; return the files written."""
        written = []
        for tree in self.trees:
            if tree.lock in self.unreadable:
                continue
            records = self.records(tree)
            if self._as_read(tree, records):
                continue
            text = lock_text(records)
            try:
                old = tree.lock.read_text(encoding="utf-8")
            except OSError:
                old = None
            if text != old and (old is not None or records):
                files.write_atomic(tree.lock, text.encode("utf-8"))
                written.append(tree.lock)
            if self.cache is not None and (old is not None or records):
                self.cache.mark_lock(hashlib.sha256(text.encode("utf-8")).hexdigest())
        return written

    def _as_read(self, tree: Tree, records: dict[str, dict[str, Record]]) -> bool:
        """The lock would be written as it was read: the same records in the same order, and its
        text one that `save` wrote (the cache knows it), so not even its text need be made
        (the lock is as long as the content)."""
        locked = self.locked.get(tree.lock, {})
        return (
            self.cache is not None
            and tree.lock in self.read
            and records.keys() == locked.keys()
            and all(list(records[rel].items()) == list(locked[rel].items()) for rel in records)
            and self.cache.is_lock(self.read[tree.lock])
        )


def reviewer() -> str | None:
    """Who is reviewing: git's user.name, where git knows it."""
    try:
        done = subprocess.run(
            ["git", "config", "user.name"], capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None
