"""Load stage: YAML files -> plain Python data, plus where each value sits.

We compose the YAML node graph ourselves instead of letting a loader build
objects, which gives us, in one place: safe loading (no tag can build a Python
object), duplicate keys as errors (PyYAML keeps the last one silently), no
aliases (so an alias bomb is refused before it can expand), dates kept as text
(so an impossible date is a validation error, not a loader crash), and the
line and column of every value for error messages.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ruamel.yaml
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import files
from .errors import ContentError, Problem, display_path

MAX_BYTES = 1_000_000  # the largest content file is a few KB; refuse pathological input early
MAX_DEPTH = 32  # content nests four or five levels deep
_CORE = "tag:yaml.org,2002:"


@dataclass
class Document:
    """One loaded YAML file: its data and the position of each field path."""

    path: Path
    data: Any
    positions: MutableMapping[tuple, tuple[int, int]] = field(default_factory=dict)
    digest: str = ""  # sha256 of the bytes it was parsed from, with this loader (a cache key elsewhere)

    @property
    def name(self) -> str:
        return display_path(self.path)

    def where(self, loc: tuple) -> tuple[int, int]:
        """Line and column of the closest known enclosing field of `loc`."""
        loc = tuple(loc)
        while loc not in self.positions and loc:
            loc = loc[:-1]
        return self.positions.get(loc, (1, 1))

    def problem(self, loc: tuple, message: str) -> Problem:
        line, col = self.where(loc)
        return Problem(self.name, line, col, dotted(loc), message)


def dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# Parsed files are kept by the sha256 of their bytes (with this loader's own code and
# ruamel's version: another parser could read the same bytes otherwise): in memory for
# the process (watch mode, and a build that reads a file more than once), and on disk
# under `disk` when a build sets it (OUT/.cache/yaml), so a one-shot build parses only
# the files that changed since any earlier build. The key is the bytes themselves,
# never a size or a time, so an entry cannot be stale; an entry that cannot be read
# (corrupt, truncated, not a regular file) is ignored and written again. Only files
# that load without a problem are kept: a problem is reported from a fresh parse.
disk: Path | None = None
MAX_ENTRY = 16_000_000  # a parsed 1 MB file with its positions, with room to spare
Positions = MutableMapping[tuple, tuple[int, int]]
_memo: dict[tuple[Path, str], tuple[Any, Positions]] = {}
_RECIPE = hashlib.sha256(Path(__file__).read_bytes() + ruamel.yaml.__version__.encode()).digest()


def load(path: Path, root: Path | None = None) -> Document:
    """Read one YAML file; raise ContentError with one line per problem.

    Only a regular file inside `root` (default: the file's own folder), symlinks
    followed, is read (files.read_inside).
    """
    path = Path(path)
    root = path.parent if root is None else Path(root)
    try:
        raw = files.read_inside(path, root, MAX_BYTES)
    except files.Refused as exc:
        raise ContentError([Problem(display_path(path), 1, 1, "", str(exc))]) from None
    key = hashlib.sha256(_RECIPE + raw).hexdigest()
    hit = _memo.get((path, key)) or _from_disk(key, path, root)
    if hit is None:
        doc = _load(path, raw)
        hit = (doc.data, doc.positions)
        _to_disk(key, hit)
    _memo[(path, key)] = hit
    return Document(path, *hit, key)


def _from_disk(key: str, path: Path, root: Path) -> tuple[Any, Positions] | None:
    if disk is None:
        return None
    try:
        entry = json.loads(files.read_inside(disk / f"{key}.json", disk, MAX_ENTRY))
        if entry["key"] != key:  # a file renamed by hand
            return None
        if not isinstance(entry["positions"], str):
            return None
        return entry["data"], _Stored(entry["positions"], path, root, key)
    except (OSError, files.Refused, ValueError, TypeError, KeyError):
        return None  # no entry, or one that is not ours as written: parse again


class _Stored(MutableMapping[tuple, tuple[int, int]]):
    """A cached file's positions, kept in its entry as JSON text and decoded the first time one
    is asked for: only a problem needs a line and column, and decoding them all was most of
    the time of reading an entry (a build reads one per content file). Text that does not
    decode as `_to_disk` wrote it (an entry edited by hand) is replaced by a parse of the file,
    if its bytes are still the ones the entry was made from."""

    def __init__(self, text: str, path: Path, root: Path, key: str):
        self._text: str | None = text
        self._where = (path, root, key)
        self._decoded: dict[tuple, tuple[int, int]] = {}

    def _all(self) -> dict[tuple, tuple[int, int]]:
        if self._text is not None:
            text, self._text = self._text, None
            try:
                rows = json.loads(text)
                self._decoded = {tuple(loc): (int(line), int(col)) for loc, line, col in rows}
            except (ValueError, TypeError):
                self._decoded = _parsed_positions(*self._where)
        return self._decoded

    def __getitem__(self, loc: tuple) -> tuple[int, int]:
        return self._all()[loc]

    def __setitem__(self, loc: tuple, at: tuple[int, int]) -> None:
        self._all()[loc] = at

    def __delitem__(self, loc: tuple) -> None:
        del self._all()[loc]

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def _parsed_positions(path: Path, root: Path, key: str) -> dict[tuple, tuple[int, int]]:
    try:
        raw = files.read_inside(path, root, MAX_BYTES)
        if hashlib.sha256(_RECIPE + raw).hexdigest() == key:
            return dict(_load(path, raw).positions)
    except (files.Refused, ContentError):
        pass
    return {}  # the file changed since: its problems are for the next load to find


def _to_disk(key: str, parsed: tuple[Any, Positions]) -> None:
    if disk is None:
        return
    data, positions = parsed
    rows = [[list(loc), *at] for loc, at in positions.items()]
    entry = {"key": key, "data": data, "positions": json.dumps(rows, separators=(",", ":"))}
    from .incremental import cache_put  # a cache that cannot be written is only slower

    cache_put(disk / f"{key}.json", json.dumps(entry, ensure_ascii=False).encode("utf-8"))


def _load(path: Path, raw: bytes) -> Document:
    name = display_path(path)
    try:
        text = raw.decode("utf-8-sig")  # a BOM is harmless: accept it
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError(
            [Problem(name, line, 1, "", f"not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})")]
        ) from None
    if not text.strip():
        raise ContentError([Problem(name, 1, 1, "", "file is empty")])
    try:
        refused = _prescan(text, name)
        if refused:
            raise ContentError(refused)
        node = YAML(typ="rt").compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        if "\t" in text.splitlines()[line - 1 if line <= len(text.splitlines()) else -1]:
            message += " (tabs are not allowed for indentation in YAML)"
        raise ContentError([Problem(name, line, col, "", f"invalid YAML: {message}")]) from None
    except YAMLError as exc:
        raise ContentError([Problem(name, 1, 1, "", f"invalid YAML: {exc}")]) from None
    doc = Document(path, None)
    problems: list[Problem] = []
    doc.data = _convert(node, (), doc, problems, set())
    if problems:
        raise ContentError(problems)
    return doc


def _prescan(text: str, name: str) -> list[Problem]:
    """Refuse aliases and deep nesting from the event stream, before any node graph exists.

    An alias bomb ("billion laughs") is a few lines of anchors and aliases;
    composing it is cheap, but anything that walks it expands it. Deep nesting
    ([[[[…) would exhaust the recursion of the composer. Both are refused here
    in one linear pass over the events, in bounded memory.
    """
    from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent

    depth, aliases, first = 0, 0, None
    for event in YAML(typ="rt").parse(text):
        if isinstance(event, AliasEvent):
            aliases += 1
            first = first or event.start_mark
        elif isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                return [
                    Problem(
                        name,
                        mark.line + 1,
                        mark.column + 1,
                        "",
                        f"nesting is deeper than {MAX_DEPTH} levels; content is never that deep",
                    )
                ]
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
    if first is not None:
        more = f" ({aliases} aliases in this file)" if aliases > 1 else ""
        return [
            Problem(
                name,
                first.line + 1,
                first.column + 1,
                "",
                f"YAML aliases (*name) are not allowed in content{more}",
            )
        ]
    return []


def _pos(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _convert(node: Node, loc: tuple, doc: Document, problems: list[Problem], seen: set[int]) -> Any:
    doc.positions.setdefault(loc, _pos(node))
    if id(node) in seen:
        problems.append(
            Problem(doc.name, *_pos(node), dotted(loc), "YAML aliases (*name) are not allowed in content")
        )
        return None
    seen.add(id(node))
    tag = node.tag or ""
    if isinstance(node, MappingNode):
        if tag != _CORE + "map":
            return _bad_tag(node, loc, doc, problems)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _convert(key_node, loc, doc, problems, seen)
            if not isinstance(key, str):
                problems.append(
                    Problem(doc.name, *_pos(key_node), dotted(loc), f"keys must be text, not {key!r}")
                )
                continue
            if key in out:
                first = doc.positions[loc + (key,)][0]
                problems.append(
                    Problem(
                        doc.name,
                        *_pos(key_node),
                        dotted(loc + (key,)),
                        f"duplicate key (first defined on line {first})",
                    )
                )
                continue
            doc.positions[loc + (key,)] = (
                _pos(value_node) if isinstance(value_node, ScalarNode) else _pos(key_node)
            )
            out[key] = _convert(value_node, loc + (key,), doc, problems, seen)
        return out
    if isinstance(node, SequenceNode):
        if tag != _CORE + "seq":
            return _bad_tag(node, loc, doc, problems)
        return [_convert(item, loc + (i,), doc, problems, seen) for i, item in enumerate(node.value)]
    assert isinstance(node, ScalarNode)  # the composer makes only these three kinds of node
    return _scalar(node, loc, doc, problems)


def _scalar(node: ScalarNode, loc: tuple, doc: Document, problems: list[Problem]) -> Any:
    tag, value = node.tag or "", node.value
    if tag in (_CORE + "str", _CORE + "timestamp", "!") or not tag:
        if not value.isprintable():  # fast: only then look for invisible characters
            problems += _invisible(node, loc, doc)
        return value  # dates stay text: the schema parses and checks them
    if tag == _CORE + "null":
        return None
    if tag == _CORE + "bool":
        return value.lower() == "true"
    try:
        if tag == _CORE + "int":
            return int(value.replace("_", ""), 0)
        if tag == _CORE + "float":
            return float(value.replace("_", ""))
    except ValueError:
        return value
    return _bad_tag(node, loc, doc, problems)


# Bidi controls: embeddings, overrides, isolates and the marks. In a field they reorder
# text beyond it (an override runs on into what the template puts next to it); the
# templates isolate every inserted value themselves (<bdi>, dir), so content needs none.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Zero-width non-joiner and joiner change how letters join (Persian, some Arabic
# spellings), never the order: kept.
JOINING = {"\u200c", "\u200d"}


def _invisible(node: ScalarNode, loc: tuple, doc: Document) -> list[Problem]:
    """Invisible format and control characters in a text, one problem each kind, where it is written."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for char in node.value:
        category = unicodedata.category(char)
        if char in seen or char in JOINING or char in "\t\n" or category not in ("Cf", "Cc"):
            continue
        seen.add(char)
        name = unicodedata.name(char, "")
        what = f"U+{ord(char):04X}" + (f" {name}" if name else "")
        if char in BIDI_CONTROLS:
            why = "an invisible bidi control that reorders the text around it"
        elif category == "Cf":
            why = "an invisible format character"
        else:
            why = "a control character"
        line, col = _pos(node)
        mark = node.start_mark
        source = getattr(mark, "buffer", None)
        if isinstance(source, str) and (at := source.find(char, mark.index, node.end_mark.index)) >= 0:
            # Written as is (not as an escape such as "\u202e"): point at it.
            line = source.count("\n", 0, at) + 1
            col = at - source.rfind("\n", 0, at)
        problems.append(Problem(doc.name, line, col, dotted(loc), f"contains {what}, {why}: remove it"))
    return problems


def _bad_tag(node: Node, loc: tuple, doc: Document, problems: list[Problem]) -> None:
    tag = (node.tag or "").replace(_CORE, "!!")
    problems.append(
        Problem(doc.name, *_pos(node), dotted(loc), f"YAML tag {tag} is not allowed (content is plain data)")
    )
    return None
