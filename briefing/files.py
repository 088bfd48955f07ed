"""Where the project's files are, and the one way a file is written atomically.

Every file the build writes (an output, the manifest, a cache entry, a new
brief) is first written to a temp file beside its target, `.<name>.<random>.tmp`,
and then renamed (or linked) into place: a reader never sees half a file, and a
killed build leaves only temp files, which the next build removes. This module
imports only the standard library (the incremental fast path uses it).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "fonts"
TEMPLATES = ROOT / "templates"
CONTENT = ROOT / "content"
BRIEFS = ROOT / "briefs"
TRANSLATIONS_LOCK = "translations.lock"  # in content/ and in a briefs folder: translations.py

_UMASK = os.umask(0o022)
os.umask(_UMASK)
MODE = 0o666 & ~_UMASK  # the mode an ordinary new file gets (mkstemp alone would make it 0600)


def stage(target: Path, data: bytes | None = None) -> Path:
    """A new temp file beside `target`, with the usual mode, holding `data` if given."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    with os.fdopen(fd, "wb") as f:
        if data is not None:
            f.write(data)
    os.chmod(tmp, MODE)
    return Path(tmp)


def commit(tmp: Path, target: Path, *, overwrite: bool = True) -> None:
    """Put a staged file in place. `overwrite=False` links it, which fails with
    FileExistsError if the name is taken: an existing file is never replaced."""
    if overwrite:
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_atomic(target: Path, data: bytes) -> None:
    """Replace `target` with `data` in one step."""
    tmp = stage(target, data)
    try:
        commit(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
