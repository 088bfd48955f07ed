"""A real browser for the tests: Debian's Chromium, driven by Playwright for Python.

Playwright's own browser download is not available in CI, so the tests launch the
system's Chromium (`scripts/ensure-tools` installs Debian's `chromium` package, as it
does LibreOffice) with the flags a headless, offline run needs. The pages are served
over HTTP from 127.0.0.1, as `python3 -m http.server -d out` serves them to a reader
(README), so the Content-Security-Policy's 'self' means what it means in use.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing.files import FONTS

EXECUTABLE = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTHS = (360, 1280)  # a phone and a desktop, CSS pixels
HEIGHT = {360: 740, 1280: 800}


def require_chromium() -> None:
    """Skip where Debian's Chromium is missing, except in CI, where `make test` installs it."""
    if Path(EXECUTABLE).exists() and shutil.which(EXECUTABLE):
        return
    message = f"{EXECUTABLE} (Debian's chromium) is not installed: `make test` installs it when run as root"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@contextlib.contextmanager
def chromium() -> Iterator:
    """A headless Chromium (Playwright Browser), closed afterwards."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # The project's fontconfig, as the PDF writer sets it at import: whether a test run has
        # imported that module before must not change how the screen looks (the screenshots
        # differed by ~700 pixels of hinting when the HTML tests ran alone).
        env = {**os.environ, "FONTCONFIG_FILE": str(FONTS / "fonts.conf")}
        browser = p.chromium.launch(executable_path=EXECUTABLE, args=FLAGS, env=env)
        try:
            yield browser
        finally:
            browser.close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass  # one line per request would drown the test output


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """`folder` over HTTP on 127.0.0.1 (a free port); yields the base URL, ending in '/'."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
