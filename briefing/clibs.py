"""C libraries found fast: WeasyPrint's, opened while write_pdf imports it.

WeasyPrint opens each C library it needs (Pango, HarfBuzz, fontconfig…) by trying several
names in turn; each name that is not a file's goes through ctypes.util.find_library, which
on Linux runs ldconfig, then gcc and ld, in subprocesses: 22 lookups, 30–40% of the time
of `import weasyprint`, paid by every process that writes a PDF (each build's workers).
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def looked_up_once() -> Iterator[None]:
    """While it lasts, ctypes.util.find_library answers from one reading of the linker's
    cache (`ldconfig -p`): the same answers where ldconfig knows the library; where it does
    not, None (the gcc and ld fallbacks skipped): each of WeasyPrint's lists of names holds
    the library's soname, which dlopen then finds itself, wherever the loader looks."""
    import ctypes.util

    if not sys.platform.startswith("linux"):
        yield
        return
    try:
        listing = subprocess.run(
            ["/sbin/ldconfig", "-p"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env={"LC_ALL": "C", "LANG": "C"},
            check=False,
        ).stdout
    except OSError:
        listing = b""
    if not listing:  # no ldconfig: the usual lookups
        yield
        return
    # The 64-bit entries on a 64-bit Python (ctypes.util._findSoname_ldconfig's choice).
    bits = "64" if sys.maxsize > 2**32 else "32"
    abi = {
        "x86_64-64": "libc6,x86-64",
        "ppc64-64": "libc6,64bit",
        "sparc64-64": "libc6,64bit",
        "s390x-64": "libc6,64bit",
        "ia64-64": "libc6,IA-64",
    }.get(f"{os.uname().machine}-{bits}", "libc6")

    def find_library(name: str) -> str | None:
        found = re.search(os.fsencode(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({abi}"), listing)
        return os.fsdecode(found.group(1)) if found else None

    usual, ctypes.util.find_library = ctypes.util.find_library, find_library
    try:
        yield
    finally:
        ctypes.util.find_library = usual
