"""Where the project's files are, the one way a project file is read, and the one way
a file is written atomically.

Every file the build reads from the project (content, briefs, labels, templates,
fonts) is read by `read_inside`: only a regular file, only inside the folder it
belongs to once symlinks are followed, and never more than a limit. A FIFO
would block the build forever, a symlink to /dev/zero would fill its memory,
and a symlink to a file elsewhere would let a build (and its error messages)
show a file that is not part of the project; each is refused with one line
saying what the file is, never what it holds.

Every file the build writes (an output, the manifest, a cache entry, a new
brief) is first written to a temp file beside its target, `.<name>.<random>.tmp`,
and then renamed (or linked) into place: a reader never sees half a file, and a
killed build leaves only temp files, which the next build removes. This module
imports only the standard library (the incremental fast path uses it).
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "fonts"
TEMPLATES = ROOT / "templates"
CONTENT = ROOT / "content"
BRIEFS = ROOT / "briefs"
TRANSLATIONS_LOCK = "translations.lock"  # in content/ and in a briefs folder: translations.py
CACHE = ".cache"  # OUT/.cache: font subsets, DOCX fonts and graphics; only the build writes there

_UMASK = os.umask(0o022)
os.umask(_UMASK)
MODE = 0o666 & ~_UMASK  # the mode an ordinary new file gets (mkstemp alone would make it 0600)


class Refused(Exception):
    """A project file the build will not read; the message says why, in a few words."""


_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


def kind_of(mode: int) -> str:
    """What a file is, in words, from its stat mode."""
    return "a regular file" if stat.S_ISREG(mode) else _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def why_refused(path: Path, root: Path) -> str | None:
    """Why `path` is not a file the build may read as part of `root`, or None if it is."""
    path = Path(path)
    try:
        st = path.stat()  # follows symlinks: the file that would be read
    except FileNotFoundError:
        return "is a symbolic link to nothing" if path.is_symlink() else "does not exist"
    except OSError as exc:
        return f"cannot be read: {exc.strerror}"
    if not stat.S_ISREG(st.st_mode):
        target = path.resolve()
        return f"is {kind_of(st.st_mode)}{f' ({target})' if path.is_symlink() else ''}, not a regular file"
    inside = _plainly_inside(path, Path(root)) or path.resolve().is_relative_to(Path(root).resolve())
    if not inside:  # where it leads is not said: that file is not part of the project
        return f"leads outside {Path(root).name}/ through a symbolic link: only files inside it are read"
    return None


def _plainly_inside(path: Path, root: Path) -> bool:
    """`path` is written as `root` followed by names none of which is `..` or a symbolic link: it is
    inside `root` wherever `root` itself leads, known from one lstat per name below `root` (resolving
    both, as the other cases need, costs one per name of each path: a build checks every file)."""
    n = len(root.parts)
    below = path.parts[n:]
    if path.parts[:n] != root.parts or not below or ".." in below:
        return False
    here = str(root)
    for name in below:
        here = os.path.join(here, name)
        if os.path.islink(here):
            return False
    return True


class TooLarge(Refused):
    def __init__(self, size: int, limit: int, what: str):
        super().__init__(f"file is {size:,} bytes; {what} are limited to {limit:,}")


def read_inside(path: Path, root: Path, limit: int, what: str = "content files") -> bytes:
    """The bytes of a regular file inside `root` (symlinks followed), at most `limit` of them;
    raise Refused (TooLarge past the limit) otherwise."""
    reason = why_refused(path, root)
    if reason:
        raise Refused(reason)
    # O_NONBLOCK: should the file be swapped for a FIFO after the check, opening it
    # cannot block; fstat then sees what was opened.
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise Refused(f"cannot be read: {exc.strerror}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Refused(f"is {kind_of(st.st_mode)}, not a regular file")
        if st.st_size > limit:
            raise TooLarge(st.st_size, limit, what)
        chunks, size = [], 0
        while size <= limit:  # the size can change while reading: the limit holds whatever it says
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise TooLarge(size, limit, what)
        return b"".join(chunks)
    except OSError as exc:
        raise Refused(f"cannot be read: {exc.strerror}") from None
    finally:
        os.close(fd)


def refused_in(folder: Path) -> list[tuple[Path, str]]:
    """Every entry of `folder` (recursively; hidden names aside) that is not a regular file or
    a folder inside it, with why: for folders a library reads whole (fontconfig reads fonts/)."""
    found = []
    for path in sorted(Path(folder).rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        if path.is_dir() and not path.is_symlink():
            continue
        reason = why_refused(path, folder)
        if reason:
            found.append((path, reason))
    return found


def stage(target: Path, data: bytes | None = None) -> Path:
    """A new temp file beside `target`, with the usual mode, holding `data` if given."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            if data is not None:
                f.write(data)  # a full disk fails here (or at close): no temp file is left
        os.chmod(tmp, MODE)
    except BaseException:
        os.unlink(tmp)
        raise
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
