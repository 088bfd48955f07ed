"""Embed the bundled fonts in a DOCX, as Word's "Embed fonts in the file" does.

Implemented from ECMA-376 Part 1, §17.8.1 (font embedding) and §17.8.3.x
(w:embedRegular…): each font is stored as an obfuscated `.odttf` part, whose
first 32 bytes are XORed with a 16-byte key read from a GUID; the GUID is
written as `w:fontKey` on the `w:embedRegular`/`w:embedBold`/`w:embedItalic`
element of the font's `w:font` entry in word/fontTable.xml, which points at
the part by relationship id. settings.xml says `w:embedTrueTypeFonts`.

Reproducible: the GUID is a name-based UUID (v5) of the embedded bytes' hash,
so a rebuild writes the same bytes, and the subset's bytes depend only on the
font, the characters kept and the pinned fontTools (see _subset: not on which
optional packages happen to be installed). Permitted: a font is embedded only if its
OS/2 fsType allows it (0, installable, for the bundled Noto fonts).
Small: Noto Naskh Arabic goes in whole (176 KB, so the document stays fully
editable in Arabic); Noto Serif, three times larger, is cut to Latin,
punctuation and currency signs plus every character the document uses.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import uuid
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import fontTools
from fontTools.ttLib import TTFont

from . import incremental

if TYPE_CHECKING:  # imported where a subset is made: a build whose subsets are cached never loads it
    from fontTools import subset

FONTS = Path(__file__).resolve().parent.parent / "fonts"
# family -> {embed element: file}; the names Word sees in w:rFonts.
EMBEDDED = {
    "Noto Naskh Arabic": {
        "embedRegular": "NotoNaskhArabic-Regular.ttf",
        "embedBold": "NotoNaskhArabic-Bold.ttf",
    },
    "Noto Serif": {
        "embedRegular": "NotoSerif-Regular.ttf",
        "embedBold": "NotoSerif-Bold.ttf",
        "embedItalic": "NotoSerif-Italic.ttf",
    },
}
CHARSET = {"Noto Naskh Arabic": "B2", "Noto Serif": "00"}  # ARABIC_CHARSET, ANSI_CHARSET
SUBSET = {"Noto Serif"}
# Kept in every Noto Serif subset: what one may type in English or in a Latin name, and the
# Cyrillic of a source's Russian title. Every document of a build then embeds the same subset:
# LibreOffice keeps the first embedded font of a family for a whole session, so a second
# document whose subset had more (Cyrillic, once) lost those letters to a fallback font.
KEPT_RANGES = [
    (0x20, 0x7E),
    (0xA0, 0x24F),
    (0x400, 0x4FF),
    (0x2000, 0x206F),
    (0x20A0, 0x20CF),
    (0x2100, 0x2122),
]
NAMESPACE = uuid.UUID(
    "6f1d7a2e-5b0c-4e55-9a7c-1f3b0d1e2c44"
)  # ours: names the keys of this generator's fonts
FONT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
OBFUSCATED = "application/vnd.openxmlformats-officedocument.obfuscatedFont"


def key_bytes(guid: str) -> bytes:
    """§17.8.1: the key is the GUID's 32 hex digits read as 16 bytes, in reverse order."""
    digits = re.sub(r"[{}\-]", "", guid)
    if not re.fullmatch(r"[0-9A-Fa-f]{32}", digits):
        raise ValueError(f"not a GUID: {guid!r}")
    return bytes.fromhex(digits)[::-1]


def obfuscate(font: bytes, guid: str) -> bytes:
    """XOR the first 32 bytes with the key (twice round); the same call undoes it."""
    key = key_bytes(guid)
    head = bytes(b ^ key[i % 16] for i, b in enumerate(font[:32]))
    return head + font[32:]


def embeddable(font: bytes) -> bool:
    """OS/2 fsType: 0 installable, bit 3 (8) editable; bit 1 (2) restricted, bit 2 (4) preview & print only
    (read-only documents, not what an editable DOCX is). Bit 9 (0x200) forbids everything but bitmaps."""
    fs_type = TTFont(io.BytesIO(font))["OS/2"].fsType
    return fs_type & 0x0200 == 0 and (fs_type & 0x000E in (0, 8))


# Where subsets are kept between processes (the build sets OUT/.cache/docx-fonts):
# making one with fontTools takes most of a second, and a fresh process would
# otherwise make it again for every document whose character set is new to it.
cache_dir: Path | None = None


@lru_cache(maxsize=32)
def font_bytes(name: str, extra: frozenset[int]) -> bytes:
    data = (FONTS / name).read_bytes()
    family = next(f for f, files in EMBEDDED.items() if name in files.values())
    if family not in SUBSET:
        return data
    # The recipe (fontTools' version, our options, the kept ranges) is part of the key: a cache filled
    # by another recipe would otherwise give other bytes than a clean build.
    key = hashlib.sha256(data + repr((sorted(extra), _recipe())).encode()).hexdigest()[:32]
    cached = cache_dir / f"{key}.ttf" if cache_dir is not None else None
    if cached is not None and cached.is_file():
        return cached.read_bytes()
    out = _subset(data, extra)
    if cached is not None:
        incremental.cache_put(cached, out)
    return out


# Ours, over fontTools' defaults (which its version, in the recipe, fixes).
OPTIONS = {
    "layout_features": ["*"],
    "name_IDs": ["*"],
    "name_languages": ["*"],
    "notdef_outline": True,
    "glyph_names": False,
    "hinting": False,  # hinting is for screens at small sizes; half the size
}


def _options() -> subset.Options:
    from fontTools import subset

    options = subset.Options()
    for name, value in OPTIONS.items():
        setattr(options, name, value)
    return options


@lru_cache(maxsize=1)
def _recipe() -> str:
    return f"fontTools {fontTools.version}; {sorted(OPTIONS.items())}; repacker off; kept {KEPT_RANGES}"


def _subset(data: bytes, extra: frozenset[int]) -> bytes:
    """Noto Serif cut to the kept ranges plus `extra`, the same bytes in every environment."""
    # recalcTimestamp off: fontTools would stamp the subset with the current time,
    # and the DOCX would differ from one build to the next.
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    # fontTools lays out GSUB and GPOS with HarfBuzz's repacker when the optional
    # package uharfbuzz can be imported, and with its own serializer otherwise: the
    # same font, other bytes. Whether uharfbuzz is installed is an accident of the
    # environment (another tool may pull it in), so the choice is pinned here: the
    # pure-Python serializer, which needs nothing beyond the pinned fontTools.
    from fontTools import subset
    from fontTools.ttLib.tables.otBase import USE_HARFBUZZ_REPACKER

    font.cfg[USE_HARFBUZZ_REPACKER] = False
    sub = subset.Subsetter(_options())
    unicodes = {c for lo, hi in KEPT_RANGES for c in range(lo, hi + 1)} | set(extra)
    sub.populate(unicodes=unicodes)
    sub.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


_KEPT = {c for lo, hi in KEPT_RANGES for c in range(lo, hi + 1)}


@lru_cache(maxsize=8)
def font_chars(name: str) -> frozenset[int]:
    """The characters bundled font `name` draws (its cmap). fontTools decodes every glyph's
    name to read a cmap, most of the first DOCX's extra time in a fresh process: the list
    is kept in the cache folder too, by the font's hash, like the subsets."""
    data = (FONTS / name).read_bytes()
    key = hashlib.sha256(data + _recipe().encode()).hexdigest()[:32]
    cached = cache_dir / f"{key}.chars.json" if cache_dir is not None else None
    if cached is not None:
        try:
            entry = json.loads(cached.read_bytes())
            if entry["key"] == key:
                return frozenset(int(c) for c in entry["chars"])
        except (OSError, ValueError, TypeError, KeyError):
            pass  # no entry, or not one we wrote whole: read the font
    chars = frozenset(TTFont(io.BytesIO(data))["cmap"].getBestCmap())
    if cached is not None:
        incremental.cache_put(cached, json.dumps({"key": key, "chars": sorted(chars)}).encode())
    return chars


def _insert_embed_setting(settings: str) -> str:
    if "w:embedTrueTypeFonts" in settings:
        return settings
    # CT_Settings order: embedTrueTypeFonts follows these elements, precedes the rest.
    before = (
        "writeProtection",
        "view",
        "zoom",
        "removePersonalInformation",
        "removeDateAndTime",
        "doNotDisplayPageBoundaries",
        "displayBackgroundShape",
        "printPostScriptOverText",
        "printFractionalCharacterWidth",
        "printFormsData",
    )
    pos = settings.index(">", settings.index("<w:settings")) + 1
    for tag in before:
        for m in re.finditer(rf"<w:{tag}\b[^>]*?(?:/>|>.*?</w:{tag}>)", settings, re.S):
            pos = max(pos, m.end())
    return settings[:pos] + "<w:embedTrueTypeFonts/>" + settings[pos:]


def embed(parts: dict[str, bytes]) -> dict[str, bytes]:
    """The DOCX's parts (name -> bytes) with the bundled fonts embedded."""
    parts = dict(parts)
    text = "".join(
        parts[n].decode("utf-8")
        for n in parts
        if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)
    )
    # Characters beyond the fixed Latin ranges that the document uses (and Noto Serif has): usually
    # none, so one subset serves every document of a build (font_bytes is cached).
    typed = {ord(c) for c in "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", text))}
    used = frozenset(c for c in typed - _KEPT if c in font_chars(EMBEDDED["Noto Serif"]["embedRegular"]))
    font_table = parts["word/fontTable.xml"].decode("utf-8")
    rels_name = "word/_rels/fontTable.xml.rels"
    rels = []
    entries = []
    n = 0
    for family, files in EMBEDDED.items():
        embeds = []
        for element, name in files.items():
            data = font_bytes(name, used if family in SUBSET else frozenset())
            if not embeddable(data):
                continue
            n += 1
            guid = "{" + str(uuid.uuid5(NAMESPACE, hashlib.sha256(data).hexdigest())).upper() + "}"
            part = f"word/fonts/font{n}.odttf"
            parts[part] = obfuscate(data, guid)
            rels.append(f'<Relationship Id="rIdFont{n}" Type="{FONT_REL}" Target="fonts/font{n}.odttf"/>')
            embeds.append(f'<w:{element} r:id="rIdFont{n}" w:fontKey="{guid}"/>')
        if embeds:
            # CT_Font order: charset, family, pitch, then the embed elements (Regular, Bold, Italic, BoldItalic).
            entries.append(
                f'<w:font w:name="{family}"><w:charset w:val="{CHARSET[family]}"/><w:family w:val="roman"/>'
                f'<w:pitch w:val="variable"/>{"".join(embeds)}</w:font>'
            )
    font_table = re.sub(
        r'<w:font w:name="(?:Noto Naskh Arabic|Noto Serif)">.*?</w:font>', "", font_table, flags=re.S
    )
    font_table = font_table.replace("</w:fonts>", "".join(entries) + "</w:fonts>")
    parts["word/fontTable.xml"] = font_table.encode("utf-8")
    parts[rels_name] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{"".join(rels)}'
        "</Relationships>"
    ).encode()
    types = parts["[Content_Types].xml"].decode("utf-8")
    if 'Extension="odttf"' not in types:
        types = types.replace(
            "<Default ", f'<Default Extension="odttf" ContentType="{OBFUSCATED}"/><Default ', 1
        )
    parts["[Content_Types].xml"] = types.encode("utf-8")
    parts["word/settings.xml"] = _insert_embed_setting(parts["word/settings.xml"].decode("utf-8")).encode(
        "utf-8"
    )
    return parts
