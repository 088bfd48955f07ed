"""Exchange with translators: the fields that need review as PO files, and their translations back.

PO (gettext) is what translation tools read (Poedit, Weblate, Lokalize,
OmegaT); Babel writes and reads it. One file per target language, `ar.po` and
`en.po`, holding only the fields whose translation needs review
(translations.py):

- `msgctxt`: the field, `content/countries/kz.yaml:eu_relations.summary`;
- `msgid`: the source text as it is now; `msgstr`: the current translation;
- `#, fuzzy`, and `#| msgid` with the source text the translation was made
  from, so the tool shows the translator what changed;
- `#.` the reason (`ar needs review (en changed)`, `numbers differ: …`), and
  `#:` the file and line.

Import takes back each entry a translator has finished (no longer fuzzy, with
a translation), refusing the whole exchange, with one line per entry, when an
entry's source text is no longer the current one (the PO is older than the
content: export again), when its field no longer exists, or when the new pair
is not valid (empty; numbers that differ). A translation equal to the current
one marks the pair reviewed; a new one is written into the YAML in place
(yaml_edit.py: only that text changes, comments and layout stay) and the pair
recorded as translated, by the PO's Last-Translator.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po, write_po
from pydantic import ValidationError

from . import files, model, parity, yaml_edit
from .errors import Problem, display_path
from .translations import (
    LANGS,
    REVIEWED,
    TRANSLATED,
    Status,
    Translations,
    normalise,
    other,
    pair,
)

PLACEHOLDER_TRANSLATOR = "FULL NAME <EMAIL@ADDRESS>"  # Babel's default header value


def catalog_for(lang: str, statuses: list[Status], today: str) -> Catalog:
    """The PO catalog of the fields whose `lang` side needs review, in file order."""
    day = dt.datetime.fromisoformat(today).replace(tzinfo=dt.UTC)  # one date: a re-export is identical
    catalog = Catalog(
        locale=lang,
        project="EU–Central Asia briefings",
        version=None,
        creation_date=day,
        revision_date=day,
        fuzzy=False,
        header_comment=(
            f"# Texts to translate into {'Arabic' if lang == 'ar' else 'English'}: fields whose "
            "translation needs review.\n# Made by `build.py translations --export-po`; bring back with "
            "`--import-po`.\n# Translate msgstr and clear the fuzzy mark; leave msgctxt and msgid as they are."
        ),
    )
    for s in statuses:
        if s.review != lang:
            continue
        source = other(lang)
        previous = s.previous  # a text when the source side changed
        message = catalog.add(
            s.field.text(source),
            s.field.text(lang),
            locations=[(display_path(s.field.path), s.field.line)],
            flags=["fuzzy"],
            auto_comments=[f"{lang} needs review ({'; '.join(s.reasons())})"],
            previous_id=previous
            if s.changed == source and previous is not None and previous != normalise(s.field.text(source))
            else (),
            context=s.field.context,
        )
        message.flags.discard("python-format")  # Babel guesses it from "27% o…": these are not format strings
    return catalog


def export_po(translations: Translations, folder: Path) -> list[tuple[Path, int]]:
    """Write `ar.po` / `en.po` into `folder` for the languages with fields to review."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for lang in LANGS:
        catalog = catalog_for(lang, translations.needs_review(), translations.today)
        target = folder / f"{lang}.po"
        if not len(catalog):
            target.unlink(missing_ok=True)  # an old file here would be taken back as current
            continue
        buffer = io.BytesIO()
        write_po(buffer, catalog, width=0, include_previous=True)  # width 0: no re-wrapping of long texts
        files.write_atomic(target, buffer.getvalue())
        written.append((target, len(catalog)))
    return written


def import_po(
    translations: Translations, folder: Path, by: str | None = None
) -> tuple[list[Status], list[Problem]]:
    """Take the finished entries of `folder/*.po` back into the YAML and the lock.

    All or nothing: any problem in any file, and nothing is written. Returns the
    fields written or marked reviewed, and the problems."""
    problems: list[Problem] = []
    edits: dict[Path, dict[tuple, str]] = defaultdict(dict)
    # (field, language, its new text, or None when confirmed as it stands, translator)
    done: list[tuple[Status, str, str | None, str | None]] = []
    po_files = sorted(Path(folder).glob("*.po"))
    if not po_files:
        return [], [Problem(display_path(Path(folder)), 1, 1, "", "--import-po: no .po file here")]
    for po in po_files:
        name = display_path(po)
        try:
            with po.open("rb") as f:
                catalog = read_po(f, abort_invalid=True)
        except (OSError, PoFileError, ValueError) as exc:
            problems.append(Problem(name, 1, 1, "", f"not a readable PO file: {exc}"))
            continue
        lang = catalog.locale.language if catalog.locale else po.stem
        if lang not in LANGS:
            problems.append(
                Problem(name, 1, 1, "", f"language {lang!r}: expected ar or en (the Language header)")
            )
            continue
        translator = catalog.last_translator if catalog.last_translator != PLACEHOLDER_TRANSLATOR else None
        for message in catalog:
            if not message.id:
                continue  # the header
            line = message.lineno or 1
            where = message.context or "(no msgctxt)"
            msgid, msgstr = message.id, message.string or ""
            if not isinstance(msgid, str) or not isinstance(msgstr, str):  # Babel's plural entries
                problems.append(Problem(name, line, 1, where, "plural forms: these catalogs have none"))
                continue
            status = translations.find(message.context or "")
            if status is None:
                problems.append(Problem(name, line, 1, where, "no such field now: export again"))
                continue
            source = other(lang)
            if normalise(msgid) != normalise(status.field.text(source)):
                problems.append(
                    Problem(
                        name,
                        line,
                        1,
                        where,
                        f"msgid is not the current {source} text: the PO was made against an older "
                        "source; export again",
                    )
                )
                continue
            text = msgstr.strip()
            if message.fuzzy or not text:
                continue  # not finished: the field keeps needing review
            if normalise(text) == normalise(status.field.text(lang)):
                done.append((status, lang, None, translator))
                continue
            problems += _invalid(status, lang, text, name, line)
            edits[status.field.path][status.field.loc + (lang,)] = text
            done.append((status, lang, text, translator))
    new_files = {}
    for path, changes in sorted(edits.items()):
        try:
            new_files[path] = yaml_edit.replace_texts(path.read_text(encoding="utf-8"), changes)
        except yaml_edit.EditError as exc:
            problems.append(
                Problem(display_path(path), 1, 1, "", f"cannot write the translation back: {exc}")
            )
    if problems:
        return [], problems
    for path, text in new_files.items():
        files.write_atomic(path, text.encode("utf-8"))
    written = []
    for status, lang, new_text, translator in done:
        now = status.field if new_text is None else status.field.with_text(lang, new_text)
        learnt = status.record.source or other(lang)  # translated from the other side: that is its source
        record = pair(
            now,
            TRANSLATED if new_text else REVIEWED,
            source=learnt,
            by=translator or by,
            at=translations.today,
        )
        written.append(translations.set(status, record, now))
    return written, []


def _invalid(status: Status, lang: str, text: str, name: str, line: int) -> list[Problem]:
    """The pair with the new translation must be valid content, numbers included."""
    f = status.field
    pair_now = {"ar": f.ar, "en": f.en, lang: text}
    try:
        model.Bilingual.model_validate(pair_now)
    except ValidationError as exc:
        return [Problem(name, line, 1, f.context, f"msgstr: {exc.errors()[0]['msg']}")]
    diff = None if f.numbers_exempt else parity.difference(pair_now["ar"], pair_now["en"])
    return [Problem(name, line, 1, f.context, f"msgstr: {parity.describe(diff)}")] if diff else []
