"""Validate stage: loaded YAML -> typed content, or every problem at once.

The schema (model.py) checks each file; the cross-file checks here need the
whole picture: source ids that exist, ids that are unique across files, a
file named after the id it holds. Briefs are checked by briefs.py and their kinds.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from . import model
from .errors import ContentError, Problem, display_path
from .load import Document, load

_BRANCH_TAGS = {"known", "unknown"}


def check(schema: type[BaseModel], doc: Document) -> tuple[Any, list[Problem]]:
    """Validate one document against a schema; return (object or None, problems)."""
    try:
        return schema.model_validate(doc.data), []
    except ValidationError as exc:
        return None, [_problem(schema, doc, err) for err in exc.errors()]


def _problem(schema: type[BaseModel], doc: Document, err: ErrorDetails) -> Problem:
    loc = tuple(p for p in err["loc"] if p not in _BRANCH_TAGS)
    kind, msg = err["type"], err["msg"]
    # A model's rule about one of its fields (model.rule_error) is reported at that field.
    loc += tuple(err.get("ctx", {}).get("at", ()))
    if kind == "extra_forbidden":
        msg = f"unknown field {loc[-1]!r}" + _did_you_mean(schema, loc)
    elif kind == "missing":
        msg = "required field is missing"
        if loc and loc[-1] in ("ar", "en"):
            msg = f"missing {'Arabic' if loc[-1] == 'ar' else 'English'} translation ({loc[-1]})"
    elif kind == "string_too_short":
        msg = "must not be empty"
    elif kind == "value_error":
        msg = msg.removeprefix("Value error, ")
    elif kind == "float_type":
        msg = "expected a number"
    elif kind == "finite_number":
        msg = "expected a finite number: YAML reads 1e400, or .inf, as infinity"
    elif kind == "literal_error" and "'unknown'" in msg and "or" not in msg:
        msg = "expected a value or the word `unknown`"
    if (
        kind not in ("missing", "extra_forbidden")
        and "input" in err
        and not isinstance(err["input"], (dict, list))
    ):
        msg += f" (got {err['input']!r})"
    return doc.problem(loc, msg)


def _did_you_mean(schema: type[BaseModel], loc: tuple) -> str:
    fields = _fields_at(schema, loc[:-1])
    close = difflib.get_close_matches(str(loc[-1]), fields, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else f"; expected one of: {', '.join(fields)}"


def _fields_at(schema: Any, loc: tuple) -> list[str]:
    """Field names of the model that sits at `loc` inside `schema`."""
    for part in loc:
        if isinstance(part, int):
            continue
        info = getattr(schema, "model_fields", {}).get(part)
        if info is None:
            return []
        schema = _model_in(info.annotation)
    return list(getattr(schema, "model_fields", {}))


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) + tuple(getattr(annotation, "__metadata__", ())):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def source_refs(data: Any, loc: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Every `source: id` in a loaded document, with its field path."""
    if isinstance(data, dict):
        for key, value in data.items():
            if (key == "source" or key.endswith("_source")) and isinstance(value, str):
                yield loc + (key,), value
            elif key == "sources" and isinstance(value, list):
                for i, sid in enumerate(value):
                    if isinstance(sid, str):
                        yield loc + (key, i), sid
            else:
                yield from source_refs(value, loc + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from source_refs(value, loc + (i,))


@dataclass
class Content:
    """Everything under content/, validated and cross-checked."""

    root: Path
    sources: dict[str, model.Source] = field(default_factory=dict)
    countries: dict[str, model.Country] = field(default_factory=dict)
    roadmaps: dict[str, model.Roadmap] = field(default_factory=dict)
    events: dict[str, model.Event] = field(default_factory=dict)
    docs: dict[Path, Document] = field(default_factory=dict)
    source_ids: set = field(default_factory=set)  # every id written in sources.yaml, valid entry or not

    def files(self) -> list[Path]:
        return sorted(self.docs)


def load_content(root: Path) -> Content:
    """Load and validate all content; raise ContentError listing every problem."""
    root = Path(root)
    content = Content(root)
    problems: list[Problem] = []

    def load_all(pattern: str) -> list[Document]:
        docs = []
        for path in sorted(root.glob(pattern)):
            try:
                doc = load(path, root)
            except ContentError as exc:
                problems.extend(exc.problems)
                continue
            content.docs[path] = doc
            docs.append(doc)
        return docs

    problems += misnamed(root, "content files")
    for doc in load_all("sources.yaml"):
        if not isinstance(doc.data, list):
            problems.append(doc.problem((), "expected a list of sources"))
            continue
        for i in range(len(doc.data)):
            source, found = check(model.Source, Sub(doc, (i,)))
            problems.extend(found)
            if source is None:
                continue
            if source.id in content.sources:
                problems.append(doc.problem((i, "id"), f"duplicate source id {source.id!r}"))
            content.sources[source.id] = source
    if not (root / "sources.yaml").exists():
        problems.append(
            Problem(str(root / "sources.yaml"), 1, 1, "", "missing: the bibliography is required")
        )

    def load_kind(
        pattern: str,
        schema: type[BaseModel],
        store: dict[str, Any],
        cross_checks: Callable[[Any, Document, Content], list[Problem]] | None = None,
    ) -> None:
        """One file per item, named after its id; `cross_checks` sees what is loaded so far."""
        for doc in load_all(pattern):
            item, found = check(schema, doc)
            problems.extend(found)
            if item is None:
                continue
            if item.id != doc.path.stem:
                problems.append(
                    doc.problem(("id",), f"id {item.id!r} does not match the file name {doc.path.name!r}")
                )
            store[item.id] = item
            if cross_checks:
                problems.extend(cross_checks(item, doc, content))

    # In this order: roadmaps and events name countries.
    load_kind("countries/*.yaml", model.Country, content.countries)
    load_kind("roadmaps/*.yaml", model.Roadmap, content.roadmaps, roadmap_problems)
    load_kind("events/*.yaml", model.Event, content.events, event_problems)

    # Check references against every id written in sources.yaml, valid entry
    # or not, so one bad entry is reported once and not at each citation.
    known_ids = {
        e.get("id")
        for d in content.docs.values()
        if d.path.name == "sources.yaml"
        for e in (d.data if isinstance(d.data, list) else [])
        if isinstance(e, dict)
    }
    # Numbers that differ between the languages are not checked here: such a text needs
    # review (translations.py), which marks the documents that show it and stops --final.
    for doc in content.docs.values():
        problems.extend(unknown_sources(doc, known_ids))
    content.source_ids = {i for i in known_ids if isinstance(i, str)}
    if problems:
        raise ContentError(problems)
    return content


def misnamed(folder: Path, what: str) -> list[Problem]:
    """`*.yml` files, which the build would otherwise pass over in silence: refused, by name."""
    return [
        Problem(
            display_path(path),
            1,
            1,
            "",
            f"{what} end in .yaml; this one would not be read: rename it to {path.stem}.yaml",
        )
        for path in sorted(Path(folder).rglob("*.yml"))
        if not any(part.startswith(".") for part in path.relative_to(folder).parts)
    ]


def roadmap_problems(roadmap: model.Roadmap, doc: Document, content: Content) -> list[Problem]:
    """Cross-checks the schema cannot make: ids unique and known, histories in date order."""
    problems = []
    areas: dict[str, int] = {}
    for i, area in enumerate(roadmap.areas):
        if area.id in areas:
            problems.append(doc.problem(("areas", i, "id"), f"duplicate area id {area.id!r}"))
        areas.setdefault(area.id, i)
    # Item ids are unique across all roadmaps: the tracker shows them side by side.
    seen = {
        item.id: rid for rid, other in content.roadmaps.items() if rid != roadmap.id for item in other.items
    }
    # Country ids from the file names too, so a broken country file is reported once, not at each reference.
    parties = (
        set(content.countries)
        | {p.stem for p in content.root.glob("countries/*.yaml")}
        | set(model.EU_PARTIES)
    )
    for i, item in enumerate(roadmap.items):
        if item.id in seen:
            where = "this roadmap" if seen[item.id] == roadmap.id else f"roadmap {seen[item.id]!r}"
            problems.append(
                doc.problem(("items", i, "id"), f"duplicate item id {item.id!r} (already used in {where})")
            )
        seen.setdefault(item.id, roadmap.id)
        if item.area not in areas:
            problems.append(
                doc.problem(("items", i, "area"), f"unknown area {item.area!r}" + suggest(item.area, areas))
            )
        for j, party in enumerate(item.parties):
            if party not in parties:
                problems.append(
                    doc.problem(
                        ("items", i, "parties", j),
                        f"unknown party {party!r}: expected a country id or one of {', '.join(model.EU_PARTIES)}"
                        + suggest(party, parties),
                    )
                )
        if (
            item.due is not None
            and roadmap.adopted.date is not None
            and model.last_day(item.due) < model.PartialDate(roadmap.adopted.date).first_day()
        ):
            problems.append(
                doc.problem(
                    ("items", i, "due"),
                    f"due date {item.due} is before the roadmap was adopted ({roadmap.adopted.date})",
                )
            )
        for j in range(1, len(item.history)):
            before, entry = item.history[j - 1], item.history[j]
            if entry.effective < before.effective:
                problems.append(
                    doc.problem(
                        ("items", i, "history", j, "date"),
                        f"status dates must be in order: {entry.effective.isoformat()} comes before "
                        f"the previous entry's {before.effective.isoformat()}",
                    )
                )
    return problems


def event_problems(event: model.Event, doc: Document, content: Content) -> list[Problem]:
    """Countries an event involves exist; participant and figure ids are unique within it."""
    problems = []
    countries = set(content.countries) | {p.stem for p in content.root.glob("countries/*.yaml")}
    for i, cid in enumerate(event.countries):
        if cid not in countries:
            problems.append(
                doc.problem(("countries", i), f"unknown country {cid!r}" + suggest(cid, countries))
            )
    for field_name in ("participants", "figures"):
        seen: set[str] = set()
        for i, entry in enumerate(getattr(event, field_name)):
            if entry.id is not None and entry.id in seen:
                problems.append(
                    doc.problem(
                        (field_name, i, "id"), f"duplicate id {entry.id!r} in this event's {field_name}"
                    )
                )
            seen.add(entry.id)
    return problems


def unknown_sources(doc: Document, sources: Collection[object]) -> list[Problem]:
    """The source ids `doc` cites that are not among `sources` (ids, or the sources by id)."""
    if doc.path.name == "sources.yaml":
        return []
    unknown = [(loc, sid) for loc, sid in source_refs(doc.data) if sid not in sources]
    if not unknown:  # most files: no list of the ids to suggest from (this runs for every file)
        return []
    known = [s for s in sources if isinstance(s, str)]
    return [doc.problem(loc, f"unknown source id {sid!r}" + suggest(sid, known)) for loc, sid in unknown]


def suggest(name: str, options: Iterable[str]) -> str:
    """The closest of `options` as `; did you mean 'x'?`, or an empty text."""
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


class Sub(Document):
    """A view of one item of a list-shaped document, keeping its positions."""

    def __init__(self, doc: Document, prefix: tuple):
        data = doc.data
        for part in prefix:
            data = data[part]
        super().__init__(doc.path, data, doc.positions)
        self.prefix = prefix

    def problem(self, loc: tuple, message: str) -> Problem:
        return Document.problem(self, self.prefix + tuple(loc), message)
