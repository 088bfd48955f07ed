"""Library stage: the manifest -> OUT/index.html and OUT/index.en.html, and the files pages share.

The library page is the desk's list of every document built, by kind, with its
date, editions and links to each edition's HTML, PDF and DOCX; index.html is in
Arabic, index.en.html in English, each linking to the other (a plain link: no
script). It is made from the manifest (incremental.Manifest: each output's
`listing`, recorded by the build that wrote it), so a build of one document
keeps every other document listed, and lists only files that exist.

The pages share the bundled fonts, copied to OUT/_assets/fonts/ with their
licence (the OFL asks that it go with them). Every file here is written
atomically, and only when its bytes change; the same manifest gives the same
bytes. The files are recorded in the manifest, so one deleted by hand is
written again by the next build.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html

from . import files, incremental, render, write_html

INDEX = {"ar": "index.html", "en": "index.en.html"}
TEMPLATE = "library.html.j2"
FORMATS = ("html", "pdf", "docx")  # the order links are shown in: read online first
EDITION_ORDER = ("ar", "en", "ar-en")
MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html",
}


def documents(outputs: dict[str, dict], out: Path) -> list[dict]:
    """The documents the manifest lists and whose files exist, by kind: one dict per kind,
    `{"kind", "order", "label", "documents": [{"title", "as_of", "date", "editions": {edition: {fmt: rel}}}]}`."""
    docs: dict[tuple[str, str], dict] = {}
    for rel, entry in sorted(outputs.items()):
        listing = entry.get("listing")
        if not listing or not (out / rel).is_file():
            continue
        key = (listing["brief"], listing["doc_id"])
        doc = docs.setdefault(key, {**listing, "editions": {}})
        fmt = rel.rsplit(".", 1)[1]
        doc["editions"].setdefault(listing["edition"], {})[fmt] = rel
    kinds: dict[str, dict] = {}
    for doc in docs.values():
        group = kinds.setdefault(
            doc["kind"],
            {"kind": doc["kind"], "order": doc["order"], "label": doc["kind_label"], "documents": []},
        )
        group["documents"].append(doc)
    return sorted(kinds.values(), key=lambda g: (g["order"], g["kind"]))


def pages(outputs: dict[str, dict], out: Path, templates: Path) -> dict[str, bytes]:
    """The library page in each language: file name -> bytes."""
    labels = render.load_labels(templates)
    # One environment per templates digest: in a watch session the page is compiled once.
    env = render.environment(templates, incremental.shared_digests(templates, files.FONTS)["templates"])
    groups = documents(outputs, out)
    result = {}
    for lang, name in INDEX.items():
        other = "en" if lang == "ar" else "ar"
        html = env.get_template(TEMPLATE).render(
            lang=lang,
            dir=render.DIRECTION[lang],
            other={
                "lang": other,
                "dir": render.DIRECTION[other],
                "href": INDEX[other],
                "name": getattr(labels[f"web_edition_{other}"], other),  # in its own language
            },
            label=lambda key, in_lang=lang: getattr(labels[key], in_lang),
            groups=[_in(group, lang) for group in groups],
            mime=MIME,
        )
        root = lxml.html.document_fromstring(html)
        refused = write_html.check(root)
        if refused:  # only the template can ask for anything: a bug, not content
            raise write_html.Refused(refused)
        write_html.finish_head(root.find("head"), templates, prefix="")
        result[name] = write_html.serialise(root)
    return result


def _in(group: dict, lang: str) -> dict:
    """A kind's group as the page in `lang` shows it: titles and dates in that language, sorted."""
    docs = [
        {
            "title": doc["title"][lang],
            "as_of": doc["as_of"],
            "date": doc["date"][lang],
            "editions": [
                (
                    edition,
                    [
                        (fmt, doc["editions"][edition][fmt])
                        for fmt in FORMATS
                        if fmt in doc["editions"][edition]
                    ],
                )
                for edition in EDITION_ORDER
                if edition in doc["editions"]
            ],
        }
        for doc in group["documents"]
    ]
    docs.sort(key=lambda d: (d["title"], d["as_of"]))
    return {"kind": group["kind"], "label": group["label"][lang], "documents": docs}


def assets() -> dict[str, bytes]:
    """The files every page shares, by their path under OUT/."""
    found = {
        f"{write_html.FONT_DIR}/{name}": (files.FONTS / name).read_bytes() for name in write_html.FONT_FACES
    }
    found[f"{write_html.FONT_DIR}/OFL.txt"] = (files.FONTS / "OFL.txt").read_bytes()
    return found


def write(out: Path, manifest: incremental.Manifest, templates: Path) -> list[Path]:
    """Write the library pages and the shared files where their bytes changed; record them all
    in the manifest. Returns the paths written."""
    written = []
    wanted = {**assets(), **pages(manifest.outputs, out, templates)}
    for rel, data in sorted(wanted.items()):
        target = out / rel
        try:
            same = target.read_bytes() == data and not target.is_symlink()
        except OSError:
            same = False
        if not same:
            target.parent.mkdir(parents=True, exist_ok=True)
            files.write_atomic(target, data)
            written.append(target)
        manifest.record_library(rel)
    for rel in sorted(set(manifest.library) - set(wanted)):  # a file the library no longer has
        del manifest.library[rel]
    return written
