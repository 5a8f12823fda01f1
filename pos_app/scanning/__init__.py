"""Scanning at the till: camera capture, decoding, debounce, USB wedge scanners, typed codes.

No business rules and no Qt here, except :mod:`pos_app.scanning.qt_wedge` (the Qt event filter).
"""
