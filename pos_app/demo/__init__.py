"""Demo mode (``pos-app --demo``): an embedded central API, a demo till, a camera (real or simulated).

``server`` runs the embedded API, ``camera`` makes the simulated camera's video, ``environment`` holds
``DemoEnvironment`` (the context manager tying them together), ``window`` adds the demo's banner and role switch
to the main window, ``run`` is the entry point. Imports go one way: run -> window -> environment -> server/camera.
"""

from __future__ import annotations

from typing import Any

from .camera import cached_demo_video, demo_codes, make_simulated_video, qr_image, webcam_available
from .environment import DEMO_PIN, ROLES, DemoEnvironment, install_memory_keyring, remove_stale_demo_folders
from .run import run_demo
from .server import EmbeddedServer, free_port, frozen, pid_alive, port_open, resources_dir, server_command

__all__ = ["DEMO_PIN", "ROLES", "DemoEnvironment", "EmbeddedServer", "cached_demo_video", "demo_codes", "free_port",
           "frozen", "install_memory_keyring", "make_simulated_video", "pid_alive", "port_open", "qr_image",
           "remove_stale_demo_folders", "resources_dir", "run_demo", "server_command", "webcam_available"]


def __getattr__(name: str) -> Any:
    if name == "CURRENT":  # the running demo, read live from run.py
        from . import run

        return run.CURRENT
    raise AttributeError(name)
