"""`build.py new-brief`: a meeting on the command line -> a starter pre-meeting brief to fill in.

It writes briefs/<date>-<slug>.yaml: valid YAML and a valid brief, with every
field only the officer can write marked as a draft (a text starting with
"DRAFT:"), and the rest pre-filled from content: the counterparts, the
meeting's event and its participants when content has one, the Arabic name of
the place, the key figures on record. Comments in the file list what content
offers (talking points, open roadmap items, figures) so the officer can pick.

The file is validated with the same loader and schema as any brief before it
appears, and an existing file is never overwritten (it is linked into place,
which fails if the name is taken).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import unicodedata
from pathlib import Path

from . import drafts, files, model, premeeting
from .briefs import load_brief
from .errors import EXIT_CONTENT, ContentError, Problem, display_path, print_problems
from .files import BRIEFS, CONTENT, TEMPLATES
from .validate import Content, load_content

D = drafts.PREFIX


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="build.py new-brief",
        description="Write a starter pre-meeting brief, briefs/<date>-<slug>.yaml, to fill in and then build "
        "with `build.py briefs/<that file>`. Fields only you can write are marked as drafts: texts that start "
        "with DRAFT:. A brief with drafts builds with DRAFT on every page; `build.py --final` refuses it.",
        epilog='Example: build.py new-brief --meeting "EU–Central Asia ministerial" --date 2025-10-20 '
        "--place Luxembourg --with kz. Exit codes: 0 written, 1 refused (the file exists, or an unknown "
        "country or event), 2 usage error. An existing file is never overwritten.",
    )
    parser.add_argument(
        "--meeting",
        required=True,
        metavar="TEXT",
        help="the meeting's name (English or Arabic); it names the file",
    )
    parser.add_argument(
        "--date", required=True, metavar="DATE", help="the meeting's date as planned: YYYY-MM-DD (or YYYY-MM)"
    )
    parser.add_argument("--place", required=True, metavar="TEXT", help="where it is held, e.g. Luxembourg")
    parser.add_argument(
        "--with",
        dest="countries",
        required=True,
        metavar="ID[,ID]",
        help="the counterpart countries, ids of content/countries/ (e.g. kz or kz,uz)",
    )
    parser.add_argument(
        "--event",
        metavar="ID",
        help="the meeting's entry in content/events/ (default: the one "
        "event there at that place and date, if exactly one matches)",
    )
    parser.add_argument(
        "--as-of", metavar="YYYY-MM-DD", help="status date of the state of play (default: today)"
    )
    parser.add_argument("--dir", type=Path, default=BRIEFS, help="where to write (default: briefs/)")
    parser.add_argument("--content", type=Path, default=CONTENT, help=argparse.SUPPRESS)
    parser.add_argument("--templates", type=Path, default=TEMPLATES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        args.date = model.partial_date(args.date)
    except ValueError as exc:
        parser.error(f"--date: {exc} (got {args.date!r})")
    try:
        args.as_of = model.full_date(args.as_of) if args.as_of else dt.date.today()
    except ValueError as exc:
        parser.error(f"--as-of: {exc} (got {args.as_of!r})")
    args.countries = [c.strip() for c in args.countries.split(",") if c.strip()]
    if not args.countries:
        parser.error("--with: give at least one country id")
    if not args.meeting.strip() or not args.place.strip():
        parser.error("--meeting and --place must not be empty")
    return args


def slug(text: str) -> str:
    """ASCII file-name part: "EU–Central Asia ministerial" -> "eu-central-asia-ministerial"."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].rstrip("-") or "meeting"


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def bi(ar: str, en: str) -> str:
    return f"{{ar: {q(ar)}, en: {q(en)}}}"


def _is_arabic(text: str) -> bool:
    return bool(re.search(r"[\u0600-\u06FF]", text))


def _matching_event(content: Content, args: argparse.Namespace) -> str | None:
    """The one event at the given place whose date fits the meeting's, if exactly one."""
    place = args.place.casefold().strip()
    found = []
    for event in content.events.values():
        if event.place is None or event.date.start == "unknown":
            continue
        if place not in (
            event.place.en.casefold(),
            event.place.ar.strip(),
        ) and not event.place.en.casefold().startswith(place + ","):
            continue
        start, end = (
            model.PartialDate(event.date.start),
            model.PartialDate(event.date.end or event.date.start),
        )
        meeting = model.PartialDate(args.date)
        if start.first_day() <= model.last_day(meeting) and meeting.first_day() <= model.last_day(end):
            found.append(event.id)
    return found[0] if len(found) == 1 else None


def _place_ar(content: Content, place: str) -> str | None:
    """The Arabic for a place content already names (an event's place, a country, a capital)."""
    key = place.casefold().strip()
    for event in content.events.values():
        if event.place and event.place.en.casefold() == key:
            return event.place.ar
    for country in content.countries.values():
        if country.name.en.casefold() == key:
            return country.name.ar
        if country.capital != "unknown" and country.capital.value.en.casefold() == key:
            return country.capital.value.ar
    return None


def _from_briefs(folder: Path, field: str) -> tuple[str, str] | None:
    """`organisation` or `marking` as the existing briefs give it, so a new brief matches them."""
    from .load import load

    for path in sorted(folder.glob("*.yaml")):
        try:
            data = load(path).data
        except ContentError:
            continue
        value = data.get(field) if isinstance(data, dict) else None
        if isinstance(value, dict) and isinstance(value.get("ar"), str) and isinstance(value.get("en"), str):
            return value["ar"], value["en"]
    return None


def draft_attendee(indent: str, what_ar: str, what_en: str) -> str:
    return (
        f"{indent}name: {bi(f'{D} الاسم', f'{D} name')}\n"
        f"{indent}role: {bi(f'{D} الصفة', f'{D} role')}\n"
        f"{indent}affiliation: {bi(f'{D} {what_ar}', f'{D} {what_en}')}\n"
    )


def draft_para(indent: str, ar: str, en: str) -> str:
    return f"{indent}text:\n{indent}  ar: {q(f'{D} {ar}')}\n{indent}  en: {q(f'{D} {en}')}\n{indent}sources: []\n"


def scaffold(args: argparse.Namespace, content: Content) -> str:
    """The text of the starter brief."""
    countries = [content.countries[c] for c in args.countries]
    event = content.events.get(args.event) if args.event else None
    theirs: list[str] = []  # participant ids
    ours: list[str] = []
    if event:
        names = {c.name.en.casefold() for c in countries}
        for p in event.participants:
            if p.id:
                (theirs if p.affiliation.en.casefold() in names else ours).append(p.id)
    meeting_ar = args.meeting if _is_arabic(args.meeting) else f"{D} اسم الاجتماع بالعربية"
    meeting_en = f"{D} the meeting's name in English" if _is_arabic(args.meeting) else args.meeting
    place_ar = _place_ar(content, args.place) or f"{D} {args.place} بالعربية"
    organisation = _from_briefs(args.dir, "organisation") or (
        f"{D} الجهة المعِدّة",
        f"{D} the desk preparing the brief",
    )
    marking = _from_briefs(args.dir, "marking") or (f"{D} التصنيف", f"{D} classification marking")
    names_en = ", ".join(c.name.en for c in countries)

    out = [
        f"# Pre-meeting brief: {args.meeting}, {args.date}, {args.place}, with {names_en}.",
        f"# Written by `build.py new-brief` on {dt.date.today().isoformat()}. Fill it in, then build it:",
        f"#   python build.py {display_path(args.dir)}/<this file>",
        "#",
        f'# DRAFT FIELDS: every text that starts with "{D}" is yours to write, in',
        "# Arabic and in English. Replace the whole text, prefix included. While any",
        "# is left the brief builds with DRAFT on every page and a warning listing",
        "# them (file:line:col); `python build.py --final …` refuses to build it.",
        "#",
        "# Everything else is pre-filled or drawn from content/ when the brief is",
        "# built: the counterparts' profiles (content/countries/), their open roadmap",
        "# items with status as of `as_of` (content/roadmaps/), their last three",
        "# engagements (content/events/ with them in `countries`) and the key figures",
        "# named below. Correct a fact in content/, not here: every brief follows.",
        "# A text that gives a figure or a date needs `sources:` (ids in",
        "# content/sources.yaml); a figure itself belongs in content/events/.",
        "kind: pre-meeting",
        "template: pre-meeting",
        "title:",
        f"  ar: {q(meeting_ar)}",
        f"  en: {q(meeting_en)}",
        f"organisation: {bi(*organisation)}",
        f"marking: {bi(*marking)}",
        "# The day the state of play is computed for: roadmap statuses and engagements on record then.",
        f"as_of: {args.as_of.isoformat()}",
        "editions: [ar, en, ar-en]",
        "formats: [pdf, docx, html]",
        "",
        "meeting:",
        "  # The date as you gave it (the organiser's planning date). A linked event",
        "  # keeps the date its sources give; the brief prints both.",
        f"  date: {q(args.date)}",
        f"  place: {bi(place_ar, args.place)}",
        f"  format: {bi(f'{D} الصيغة (ثنائي، على هامش…)', f'{D} format (bilateral, on the margins of…)')}",
    ]
    if event:
        out.append(
            f"  # Linked to content/events/{event.id}.yaml"
            + (" (given with --event)." if args.event_given else " (the one event at this place and date).")
        )
        out.append(f"  event: {event.id}")
        listed = ", ".join(
            f"{p.id} ({p.name.en if p.name != 'unknown' else 'name unknown'}, {p.affiliation.en})"
            for p in event.participants
            if p.id
        )
        if listed:
            out.append(f"  # Its participants, by id: {listed}.")
    else:
        out.append("  # event: ID  (the meeting's entry in content/events/, if it has one; none matched)")
    out += [
        "  # Attendees: a participant id of the event (or EVENT-ID/PARTICIPANT-ID of",
        "  # any event), or a person written here with name, role, affiliation.",
        "  principal:",
        draft_attendee("    ", "الجهة", "institution").rstrip("\n"),
    ]
    if ours:
        out.append(f"  ours: [{', '.join(ours)}]  # from the event: check the sides, move the principal out")
    else:
        out.append("  ours: []")
    if theirs:
        out.append(f"  theirs: [{', '.join(theirs)}]")
    else:
        out.append("  theirs:")
        out.append("    - " + draft_attendee("      ", "الدولة", "country").strip().replace("\n", "\n"))
    for c in countries:
        known = [
            f"{getattr(c, k).name.en} ({getattr(c, k).role.en})"
            for k in ("head_of_state", "foreign_minister")
            if getattr(c, k) != "unknown"
        ]
        if known:
            out.append(f"  # On record for {c.name.en}: {'; '.join(known)}.")
    out += [
        "",
        f"counterparts: [{', '.join(args.countries)}]",
        "",
        "objectives:",
        "  - " + draft_para("    ", "ما نريده من الاجتماع", "what we want out of the meeting").lstrip(),
        "ask:",
        draft_para("  ", "المطلوب من الطرف الآخر بجملة واحدة", "the ask, in one sentence").rstrip("\n"),
        "",
    ]
    out.append("# Lines to take: what the principal says. Content's talking points for the counterparts:")
    for c in countries:
        for point in c.talking_points:
            out.append(f"#   {c.id}: {point.en}")
    out += [
        "lines_to_take:",
        "  - " + draft_para("    ", "نقطة للحديث", "a line to take").lstrip(),
        "# If raised: responsive points, each a topic and what to say.",
        "if_raised:",
        f"  - topic: {bi(f'{D} الموضوع', f'{D} topic')}",
        "    response:",
        draft_para("      ", "ما يقال إن أُثير", "what to say if it is raised").rstrip("\n"),
        "",
    ]
    items = premeeting.open_items(content, args.countries, args.as_of)
    out.append("# State of play: `auto` shows every open roadmap item involving the counterparts")
    out.append(f"# ({len(items)} as of {args.as_of.isoformat()}); or list the item ids to show, in order:")
    for x in items:
        out.append(f"#   {x.item.id}: {x.item.title.en} [{x.entry.status}]")
    out += ["roadmap_items: auto", ""]
    refs = []
    for e in ([event] if event else []) + premeeting.recent_events(
        content, args.countries, args.as_of, exclude=event.id if event else None, n=10
    ):
        refs += [(f"{e.id}/{f.id}", f.label.en) for f in e.figures if f.id]
    out.append(
        "# Key figures: EVENT-ID/FIGURE-ID of figures in content/events/ (add one there, with an id, to show it)."
    )
    if refs:
        out.append("key_figures:")
        out += [f"  - {ref}  # {label}" for ref, label in refs]
    else:
        out.append("# None of the counterparts' events has a figure with an id yet.")
        out.append("key_figures: []")
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    args.event_given = args.event is not None
    try:
        content = load_content(args.content)
        problems = [
            Problem(
                "--with",
                1,
                1,
                "",
                f"unknown country {c!r}; expected one of: {', '.join(sorted(content.countries))}",
            )
            for c in args.countries
            if c not in content.countries
        ]
        if args.event is not None and args.event not in content.events:
            problems.append(Problem("--event", 1, 1, "", f"unknown event {args.event!r}"))
        if problems:
            raise ContentError(problems)
        args.event = args.event or _matching_event(content, args)
        target = args.dir / f"{args.date}-{slug(args.meeting)}.yaml"
        if target.exists():
            raise FileExistsError(target)
        text = scaffold(args, content)
        tmp = files.stage(target, text.encode("utf-8"))
        try:
            load_brief(tmp, content, args.templates)  # the starter must be a valid brief as it stands
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        files.commit(tmp, target, overwrite=False)  # fails if the name was taken meanwhile
    except ContentError as exc:
        print_problems(exc.problems, "new-brief: {n} problem(s); nothing was written")
        return EXIT_CONTENT
    except FileExistsError:
        print(
            f"new-brief: {display_path(target)} already exists; not overwritten (edit it, or move it away "
            "to start again)",
            file=sys.stderr,
        )
        return 1
    found = drafts.in_file(target)
    print(
        f"Wrote {display_path(target)}: {len(found)} field(s) to fill, marked {D}"
        + (f"; linked to event {args.event}" if args.event else "")
        + "."
    )
    print(
        f"Next: edit it, then `python build.py {display_path(target)}` (add --final once no draft is left)."
    )
    return 0
