"""PyInstaller runtime hook: make pyzbar load the libzbar bundled next to the app.

pyzbar asks ``ctypes.util.find_library("zbar")``, which on Linux only looks at the system (ldconfig); on a
machine without libzbar0 it returns None and pyzbar gives up. Point it at the bundled copy instead.
"""

import ctypes.util
import os
import sys

_base = getattr(sys, "_MEIPASS", os.path.dirname(sys.executable))
_orig_find_library = ctypes.util.find_library


def _find_library(name):
    if name == "zbar":
        for candidate in ("libzbar.so.0", "libzbar.0.dylib", "libzbar-64.dll", "libzbar.dylib"):
            path = os.path.join(_base, candidate)
            if os.path.exists(path):
                return path
    return _orig_find_library(name)


ctypes.util.find_library = _find_library
