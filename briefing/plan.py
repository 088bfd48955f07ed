"""Planning (phase one of a build): load and check everything, render what is out of date.

Nothing is written here. Every problem of every input is collected and raised
at once as a ContentError; what comes out is a list of Jobs, each one document
in one edition with its rendered HTML and the formats still to write
(outputs.py writes them). This module imports the whole pipeline (schema,
templates): a build that finds nothing changed stops before importing it.

Texts whose translation needs review (translations.py) are handled like draft
fields: a document that shows one is marked in its running header and each
such text is named in a warning; `--final` refuses them.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from . import (
    __version__,
    drafts,
    files,
    formatting,
    graphics,
    incremental,
    kinds,
    library,
    render,
    translations,
    translations_cache,
    voice,
)
from . import load as loader
from .briefs import load_brief
from .errors import ContentError, Problem, UsageError, display_path
from .jobs import SAFE_NAME, Job, UnsafePath, brief_files
from .kinds.base import Kind
from .load import load
from .model import Bilingual, BriefBase
from .validate import Content, load_content, misnamed

Briefs = list[tuple[Path, BriefBase]]  # each brief file with its typed brief


class Jobs(list):
    """The jobs of a build, with the translation state they were planned with, which
    outputs.run records in the lock files once the build has succeeded."""

    translations: translations.Translations | None = None
    render_seconds: float = 0.0  # of planning, spent rendering documents (the bench's breakdown)


def _warn(line: str) -> None:
    print(line, file=sys.stderr)


def plan(
    args: argparse.Namespace,
    manifest: incremental.Manifest | None = None,
    shared: dict[str, str] | None = None,
    warn: Callable[[str], None] = _warn,
    after: Callable[[str], None] | None = None,
) -> Jobs:
    """Load and validate everything, render what is out of date; raise ContentError on any problem.

    With a manifest (incremental.Manifest), a document whose inputs are unchanged
    is not rendered, and a format whose output would be the same is not built.
    `warn` gets each warning line (drafts still to fill); `after`, when given, gets the lines
    about fields with no value and texts to review, for the caller to print once the build has
    succeeded (so a failed build prints only its problems); otherwise `warn` gets them at the end
    of planning.
    """
    templates = args.templates
    # Parsed YAML is kept beside the outputs, by content hash (load.py); --check (no manifest)
    # uses the cache a build made, and creates none.
    cache = (manifest.out if manifest is not None else Path(args.out).resolve()) / files.CACHE
    loader.disk = cache / "yaml" if manifest is not None or cache.is_dir() else None
    graphics.disk = cache / "graphics" if manifest is not None or cache.is_dir() else None
    shared = shared or incremental.shared_digests(templates, files.FONTS)
    # Each file's translation scan likewise (translations_cache.py); --check adds no entry.
    scans = (
        translations_cache.ScanCache(cache / "translations", shared["generator"], write=manifest is not None)
        if manifest is not None or cache.is_dir()
        else None
    )
    if scans is not None:
        scans.prune()
    problems: list[Problem] = []
    content: Content | None = None
    labels: dict[str, Bilingual] = {}
    try:
        content = load_content(args.content)
    except ContentError as exc:
        problems += exc.problems
    # Folders a library reads whole (fontconfig: fonts/) or by name (Jinja, WeasyPrint):
    # only regular files inside them, checked before anything reads one.
    for folder in (templates, files.FONTS):
        problems += [Problem(display_path(p), 1, 1, "", why) for p, why in files.refused_in(folder)]
    try:
        labels = render.load_labels(templates)
    except ContentError as exc:
        problems += exc.problems
    paths = brief_files(args)
    if not args.briefs:
        problems += misnamed(files.BRIEFS, "brief files")
    if not paths:
        problems.append(Problem("briefs/", 1, 1, "", "no brief files found"))
    briefs: Briefs = []
    for path in paths:
        if not SAFE_NAME.fullmatch(path.stem) or path.stem in (".", ".."):
            problems.append(
                Problem(
                    display_path(path),
                    1,
                    1,
                    "",
                    f"brief file name {path.name!r} cannot name an output "
                    "folder: use letters, digits, '-', '_' or '.' (e.g. country-profiles.yaml)",
                )
            )
            continue
        if content is None:
            break
        try:
            briefs.append((path, load_brief(path, content, templates)))
        except ContentError as exc:
            problems += exc.problems
    for path, brief in briefs:  # fields still to fill: a warning, or with --final a refusal
        if kinds.of(brief).drafts:
            problems += _drafts(path, args.final, warn)
    for path, brief in briefs:  # dates that look wrong but may be meant (an upcoming event)
        for problem in kinds.of(brief).warnings(brief, load(path), content) if content else []:
            warn(f"warning: {problem}")
    review: translations.Translations | None = None
    if content is not None:
        review = translations.Translations.scan(
            _translation_trees(args, paths), loaded=content.docs, cache=scans
        )
        problems += review.problems
    if problems:
        raise ContentError(problems)
    assert content is not None and review is not None  # they loaded, or there were problems
    if args.only:  # ids the command line names must exist: a usage error, like an unknown option
        matched = {d for _, b in briefs for d in kinds.of(b).documents(b, content)}
        missing = sorted(set(args.only) - matched)
        if missing:
            raise UsageError(
                f"--only: no document {', '.join(map(repr, missing))} in the selected briefs; "
                f"expected one of: {', '.join(sorted(matched))}"
            )
    later: list[str] = []  # warnings about gaps and texts to review: printed once the build goes ahead
    # Fields with no value, as drafts. A final build's refusal of them is raised together with
    # its texts to review, which only rendering finds: every problem at once.
    problems += _gaps(args, briefs, content, later.append)
    if args.country is not None:
        try:
            briefs = _restrict(briefs, args.country, content)
        except ContentError as exc:
            raise ContentError(problems + exc.problems) from None
    shown: dict[translations.Status, list[str]] = {}
    started = time.perf_counter()
    jobs = Jobs(_jobs(args, briefs, content, labels, manifest, shared, problems, review, shown))
    jobs.render_seconds = time.perf_counter() - started
    jobs.translations = review
    problems += _to_review(shown, args.final, later.append)
    for job in jobs:  # every target inside --out, before anything is written
        for fmt in job.formats + job.kept:
            try:
                job.target(args.out, fmt)
            except UnsafePath as exc:
                problems += exc.problems
    if problems:
        raise ContentError(problems)
    for line in later:
        (after or warn)(line)
    return jobs


def _translation_trees(args: argparse.Namespace, briefs: list[Path]) -> list[translations.Tree]:
    """content/, and each folder of the briefs built (only those briefs: the lock keeps the others)."""
    folders = sorted({p.parent for p in briefs})
    return [translations.content_tree(args.content)] + [
        translations.briefs_tree(folder, [p for p in briefs if p.parent == folder]) for folder in folders
    ]


def _to_review(
    shown: dict[translations.Status, list[str]], final: bool, warn: Callable[[str], None]
) -> list[Problem]:
    """Texts to review that documents show: problems with --final, otherwise warnings and none."""
    found = [
        replace(problem, message=f"{problem.message}; shown in {', '.join(docs)}")
        for status, docs in shown.items()
        for problem in [status.problem()]
    ]
    if found and final:
        return found
    if found:
        count = len({d for docs in shown.values() for d in docs})
        warn(
            f"warning: {len(found)} text(s) whose translation needs review, shown in {count} document(s) "
            "built with a TRANSLATION TO REVIEW marking on every page (build.py --final refuses them; "
            "`build.py translations` shows what changed):"
        )
        for problem in sorted(found):
            warn(f"  {problem}")
    return []


def _drafts(path: Path, final: bool, warn: Callable[[str], None]) -> list[Problem]:
    """A brief's draft fields: problems with --final, otherwise a warning and none."""
    found = drafts.in_file(path)
    if found and final:
        return found
    if found:
        warn(
            f"warning: {display_path(path)}: {len(found)} draft field(s) still to fill; built with a DRAFT "
            "marking on every page (build.py --final refuses it):"
        )
        for draft in found:
            warn(f"  {draft}")
    return []


def _gaps(
    args: argparse.Namespace, briefs: Briefs, content: Content, warn: Callable[[str], None]
) -> list[Problem]:
    """Fields with no value (`unknown`) in the briefs and the content their documents show: problems
    with --final, otherwise one warning listing them (the pages carry a DRAFT mark in their place)."""
    paths = []
    for path, brief in briefs:
        kind = kinds.of(brief)
        paths.append(path)
        for doc_id in kind.documents(brief, content):
            if not args.only or doc_id in args.only:
                paths += kind.inputs(brief, content, doc_id)
    found = drafts.gaps_in(paths)
    if found and args.final:
        return found
    if found:
        warn(
            f"warning: {len(found)} field(s) with no value; built with a DRAFT mark in their place "
            "(build.py --final refuses them):"
        )
        for gap in found:
            warn(f"  {gap}")
    return []


def _restrict(briefs: Briefs, country: str, content: Content) -> Briefs:
    """--country: the briefs whose kind has the country filter, restricted to `country`."""
    if country not in content.countries:
        raise UsageError(
            f"--country: unknown country {country!r}; expected one of: {', '.join(sorted(content.countries))}"
        )
    filtered = [
        (path, b.model_copy(update={"country": country})) for path, b in briefs if kinds.of(b).country_filter
    ]
    if not filtered:
        raise UsageError("--country: none of the selected briefs can be restricted to a country")
    return filtered


def _jobs(
    args: argparse.Namespace,
    briefs: Briefs,
    content: Content,
    labels: dict[str, Bilingual],
    manifest: incremental.Manifest | None,
    shared: dict[str, str] | None,
    problems: list[Problem],
    review: translations.Translations,
    shown: dict[translations.Status, list[str]],
) -> list[Job]:
    """Each document in each edition, rendered unless up to date; `shown` gets, for each text
    to review that a document shows, that document's name."""
    templates = args.templates
    shared = shared or incremental.shared_digests(templates, files.FONTS)
    env = render.environment(templates, shared["templates"])
    previous = None if args.force else manifest  # what was built before, unless everything is rebuilt
    # Graphics are cached beside the outputs; a plan without a manifest (--check) writes nothing.
    cache = manifest.out / files.CACHE / "graphics" if manifest is not None else None
    jobs: list[Job] = []
    names: dict[Path, str] = {}  # each declared input's display_path
    for path, brief in briefs:
        kind = kinds.of(brief)
        doc_ids = kind.documents(brief, content)
        if args.only:
            doc_ids = [d for d in doc_ids if d in args.only]
        editions = [e for e in brief.editions if not args.edition or e in args.edition]
        formats = tuple(f for f in brief.formats if not args.format or f in args.format)
        brief_key = incremental.digest(incremental.file_hash(path), brief.model_dump(mode="json"))
        for doc_id in doc_ids:
            declared = kind.inputs(brief, content, doc_id)
            # Texts to review in what it reads: a change of their state (an accept) re-renders it.
            to_review = review.in_files([*declared, path])
            partial = kind.partial_inputs(brief, content, doc_id)
            whole = kind.in_every_edition(brief, content, doc_id)
            inputs = incremental.digest(shared, brief_key, doc_id, [str(s.problem()) for s in to_review])
            # Each path named once per plan: a name resolves three paths, and the same files
            # (all of content/, for some kinds) are inputs of many documents.
            named = [names.get(p) or names.setdefault(p, display_path(p, content.root)) for p in declared]
            for edition in editions:
                langs = render.EDITIONS[edition]
                candidates = [s for s in to_review if s.review in langs]
                job = Job(
                    brief=path.stem,
                    doc_id=doc_id,
                    edition=edition,
                    formats=formats,
                    html=None,
                    metadata={
                        "title": " / ".join(kind.title(brief, content, doc_id, lang) for lang in langs),
                        "authors": [" / ".join(getattr(brief.organisation, lang) for lang in langs)],
                        "subject": " / ".join(getattr(brief.title, lang) for lang in langs),
                        "lang": langs[0],
                        "as_of": brief.as_of,
                        "generator": f"briefing {__version__}",
                        "pdf_a": brief.pdf_a,
                        "web": _web(brief, doc_id, edition, labels),
                    },
                    expected_pages=len(langs) * kind.pages_per_language if kind.pages_per_language else None,
                    source_file=display_path(kind.source_file(content, doc_id)),
                    # Its content files as this edition's languages show them: an edit to an
                    # English text leaves the Arabic edition unrendered.
                    inputs=incremental.digest(
                        inputs, edition, _declared_digest(declared, partial, whole, content, langs)
                    ),
                    declared=list(named),
                    pages_per_language=kind.pages_per_language,
                    template=display_path(templates / f"{brief.template}.html.j2"),
                    listing=_listing(kind, brief, content, doc_id, edition, labels, path),
                )
                if "docx" in formats:
                    problems += _docx_metadata_problems(job, path)
                if previous is not None and all(
                    previous.outputs.get(job.rel(f), {}).get("inputs") == job.inputs
                    and previous.intact(job.rel(f))
                    # which texts to review it shows: recorded by its last build, or rendered to know
                    and (not candidates or "held" in previous.outputs[job.rel(f)])
                    for f in formats
                ):
                    # Not rendered. The texts to review are part of its inputs: it shows what it
                    # showed when last built.
                    recorded = {h for f in formats for h in previous.outputs[job.rel(f)].get("held", [])}
                    for status in candidates:
                        if str(status.problem()) in recorded:
                            job.held.append(str(status.problem()))
                            shown.setdefault(status, []).append(f"{job.brief}/{job.doc_id}.{job.edition}")
                    job.formats, job.kept = (), formats
                    jobs.append(job)
                    continue
                try:
                    job.html = render.render(env, labels, kind, brief, content, doc_id, edition, cache=cache)
                    text = translations.page_text(job.html) if candidates else ""
                    held = translations.shown(candidates, text, brief.arabic_months)
                    if held:  # again, marked: the mark's words are not in the texts looked for
                        job.html = render.render(
                            env, labels, kind, brief, content, doc_id, edition, len(held), cache=cache
                        )
                except Exception as exc:  # any template error becomes a located problem
                    problems += _template_problem(exc, path)
                    continue
                problems += voice.check(
                    job.html,
                    f"{path.stem}/{doc_id}.{edition}",
                    [path, *declared, templates / "labels.yaml"],
                    job.source_file,
                )
                for status in held:
                    job.held.append(str(status.problem()))
                    shown.setdefault(status, []).append(f"{job.brief}/{job.doc_id}.{job.edition}")
                for fmt in formats:
                    job.keys[fmt] = incremental.digest(
                        incremental.output_digests(shared, fmt),
                        fmt,
                        job.html,
                        job.metadata,
                        job.expected_pages,
                    )
                if previous is not None:
                    job.kept = tuple(
                        f
                        for f in formats
                        if previous.outputs.get(job.rel(f), {}).get("key") == job.keys[f]
                        and previous.intact(job.rel(f))
                    )
                    job.formats = tuple(f for f in formats if f not in job.kept)
                jobs.append(job)
    return jobs


def _declared_digest(
    declared: list[Path],
    partial: dict[Path, tuple[str, ...]],
    whole: dict[Path, tuple[str, ...]],
    content: Content,
    langs: tuple[str, ...],
) -> str:
    """A document edition's content files by what it can show of them: their parsed data (load's
    cache) in the edition's languages (in_languages); for a file it shows only some fields of
    (Kind.partial_inputs), those fields alone; and the fields it shows in both languages in
    every edition (Kind.in_every_edition) in both."""
    parts = [
        (
            str(p),
            partial.get(p),
            _file_digest(p, content, partial.get(p), langs),
            whole.get(p),
            _file_digest(p, content, whole[p], ("ar", "en")) if p in whole else None,
        )
        for p in declared
    ]
    return incremental.digest(sorted(parts, key=lambda part: part[0]))


_file_digests: dict[tuple, str] = {}  # (path, hash of its bytes: Document.digest, fields, langs) -> digest


def _file_digest(path: Path, content: Content, fields: tuple[str, ...] | None, langs: tuple[str, ...]) -> str:
    # A content file is digested from the Document validation loaded (the data rendered), keyed
    # by the hash of the bytes it was parsed from: neither read nor hashed again. Any other file
    # (or one that did not load) by its bytes, read now.
    loaded = content.docs.get(path)
    key = (path, loaded.digest if loaded else incremental.file_hash(path), fields, langs)
    if key not in _file_digests:
        try:
            data = loaded.data if loaded else load(path, content.root).data
        except ContentError:  # not there, or not YAML: what it is (file_hash says) is what counts
            return incremental.digest(key[1])
        if fields is not None:
            data = [data.get(f) for f in fields]
        if len(_file_digests) > 100_000:  # a long watch session: forget, recompute
            _file_digests.clear()
        _file_digests[key] = incremental.digest(in_languages(data, langs))
    return _file_digests[key]


BILINGUAL = {"ar", "en"}  # a mapping with both: a text in each language (model.Bilingual, Translations)


def in_languages(data: Any, langs: tuple[str, ...]) -> Any:
    """Parsed YAML with each text in two languages cut to `langs`: what an edition in those
    languages can show (tests/test_incremental.py renders every edition with the other
    language's texts changed and requires the same HTML). A mapping counts as such a text
    when it holds both `ar` and `en`; whatever else it holds (`original`, `numbers_differ`)
    is kept. With both languages nothing is cut: `data` itself."""
    cut = BILINGUAL - set(langs)
    return _cut(data, cut) if cut else data


def _cut(data: Any, cut: set[str]) -> Any:
    if isinstance(data, dict):
        if "ar" in data and "en" in data:
            return {k: _cut(v, cut) for k, v in data.items() if k not in cut}
        return {k: _cut(v, cut) for k, v in data.items()}
    if isinstance(data, list):
        return [_cut(v, cut) for v in data]
    return data


def _web(brief: BriefBase, doc_id: str, edition: str, labels: dict[str, Bilingual]) -> dict[str, Any]:
    """What the HTML page puts around the document (write_html.py): links to the library in
    the page's language, to the brief's other editions and to this edition's other formats,
    and the labels it needs in both languages."""
    lang = render.EDITIONS[edition][0]
    return {
        "library": "../" + library.INDEX[lang],
        "editions": [
            {"edition": e, "href": f"{doc_id}.{e}.html", "current": e == edition} for e in brief.editions
        ],
        "formats": [
            {"label": fmt.upper(), "href": f"{doc_id}.{edition}.{fmt}", "type": library.MIME[fmt]}
            for fmt in brief.formats
            if fmt != "html"
        ],
        "labels": {k: {"ar": v.ar, "en": v.en} for k, v in labels.items() if k.startswith("web_")},
    }


def _listing(
    kind: Kind,
    brief: BriefBase,
    content: Content,
    doc_id: str,
    edition: str,
    labels: dict[str, Bilingual],
    path: Path,
) -> dict[str, Any]:
    """What the library page lists of a document (library.py), in both languages."""
    name = labels[kind.label]  # the kind's name for readers
    return {
        "brief": path.stem,
        "doc_id": doc_id,
        "edition": edition,
        "kind": kind.name,
        "order": [k.name for k in kinds.KINDS].index(kind.name),
        "kind_label": {"ar": name.ar, "en": name.en},
        "title": {lang: kind.title(brief, content, doc_id, lang) for lang in ("ar", "en")},
        "as_of": brief.as_of.isoformat(),
        "date": {lang: formatting.date(brief.as_of, lang) for lang in ("ar", "en")},
    }


DOCX_PROPERTY_LIMIT = 255  # characters of a DOCX core property (python-docx refuses more)


def _docx_metadata_problems(job: Job, brief: Path) -> list[Problem]:
    """A title, subject or author too long for the DOCX's properties, at the brief field it comes
    from, before anything is written (the writer would fail half-way through the build)."""
    problems: dict[str, Problem] = {}  # one per brief field (the title makes the title and the subject)
    for key, value, field in (
        ("title", job.metadata["title"], "title"),
        ("subject", job.metadata["subject"], "title"),
        ("author", job.metadata["authors"][0], "organisation"),
    ):
        if len(value) > DOCX_PROPERTY_LIMIT and field not in problems:
            joined = " (both languages' texts joined)" if job.edition == "ar-en" else ""
            problems[field] = load(brief).problem(
                (field,),
                f"{job.brief}/{job.doc_id}.{job.edition}: the DOCX {key} would be {len(value)} "
                f"characters{joined}; a DOCX holds at most {DOCX_PROPERTY_LIMIT}: shorten it",
            )
    return list(problems.values())


def _template_problem(exc: Exception, brief: Path) -> list[Problem]:
    if isinstance(exc, ContentError):  # a template file refused (render.ProjectLoader)
        return exc.problems
    return [_located(exc, brief)]


def _located(exc: Exception, brief: Path) -> Problem:
    import jinja2

    if isinstance(exc, jinja2.TemplateSyntaxError):
        return Problem(
            display_path(Path(exc.filename or exc.name or "template")),
            exc.lineno or 1,
            1,
            "(template)",
            exc.message or str(exc),
        )
    tb = traceback.extract_tb(exc.__traceback__)
    frames = [f for f in tb if f.filename.endswith(".j2")]
    if frames:
        return Problem(
            display_path(Path(frames[-1].filename)),
            frames[-1].lineno or 1,
            1,
            "(template)",
            f"{type(exc).__name__}: {exc}",
        )
    return Problem(display_path(brief), 1, 1, "(render)", f"{type(exc).__name__}: {exc}")
