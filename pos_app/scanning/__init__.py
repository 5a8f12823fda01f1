"""Scanning at the till: camera capture, decoding, debounce, USB wedge scanners, typed codes.

No business rules and no Qt here (the Qt event filter for USB scanners is :mod:`pos_app.ui.wedge_filter`).
"""
