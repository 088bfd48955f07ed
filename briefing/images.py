"""Images named in content: resolved inside the project, and checked to be what their name says.

No document kind uses images today; this is the check any kind that does
must call before a path reaches a template (and so WeasyPrint or the DOCX).
"""

from __future__ import annotations

from pathlib import Path

# Extension -> the leading bytes every file of that type starts with.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),  # plus "WEBP" at offset 8, checked below
}
MAX_IMAGE_BYTES = 5_000_000


def check_image(name: str, root: Path) -> tuple[Path | None, str | None]:
    """Resolve `name` (a relative path written in content) inside `root`.

    Returns (path, None) when it is a file inside `root` whose bytes match its
    extension, else (None, why): absolute paths, `..`, symlinks leading out,
    URLs, unknown extensions, oversized files and mislabelled contents are refused.
    """
    if not name or "://" in name or name.startswith(("data:", "file:")) or Path(name).is_absolute():
        return None, f"image {name!r} must be a relative path inside {root.name}/"
    root = root.resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root):
        return None, f"image {name!r} resolves outside {root.name}/"
    suffix = path.suffix.lower()
    if suffix not in SIGNATURES:
        return None, f"image {name!r}: extension {suffix or '(none)'} is not one of {', '.join(SIGNATURES)}"
    if not path.is_file():
        return None, f"image {name!r} not found"
    size = path.stat().st_size
    if size > MAX_IMAGE_BYTES:
        return None, f"image {name!r} is {size:,} bytes; images are limited to {MAX_IMAGE_BYTES:,}"
    with path.open("rb") as f:
        head = f.read(16)
    ok = head.startswith(SIGNATURES[suffix]) and (suffix != ".webp" or head[8:12] == b"WEBP")
    if not ok:
        return (
            None,
            f"image {name!r} is not a {suffix[1:].upper()} file (its first bytes are {head[:8].hex(' ')})",
        )
    return path, None
