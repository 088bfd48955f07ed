"""WeasyPrint's C libraries found from one reading of the linker's cache (clibs.py): the same
answers as ctypes.util.find_library wherever ldconfig knows the library."""

from __future__ import annotations

import ctypes.util
import sys

import pytest

from briefing import clibs

# Every name WeasyPrint tries for its libraries on Linux that is not a file name, and two more.
NAMES = [
    "libgobject-2.0-0",
    "gobject-2.0-0",
    "gobject-2.0",
    "libpango-1.0-0",
    "pango-1.0",
    "harfbuzz",
    "harfbuzz-0.0",
    "harfbuzz-subset",
    "harfbuzz-vector",
    "fontconfig",
    "fontconfig-1",
    "pangoft2-1.0",
    "c",
    "m",
]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ldconfig is Linux's")
def test_the_same_libraries_as_find_library():
    usual = {name: ctypes.util.find_library(name) for name in NAMES}
    with clibs.looked_up_once():
        fast = {name: ctypes.util.find_library(name) for name in NAMES}
    assert fast == usual
    assert usual["gobject-2.0"], "the test would compare nothing"


def test_find_library_is_put_back():
    usual = ctypes.util.find_library
    with clibs.looked_up_once():
        pass
    assert ctypes.util.find_library is usual
