"""Terminals as the operator manages them: disabling one takes effect on its very next request.

No process needs telling: the token cache (deps.Authenticator) is only used by the two hot routes, whose own
statements check ``terminals.enabled`` again (store.py); every other route looks the token up each time.
"""

from __future__ import annotations

from ..db import Database
from ..models import Terminal


class UnknownTerminal(LookupError):
    """No terminal with that id."""


def set_terminal_enabled(db: Database, terminal_id: int, enabled: bool) -> bool:
    """Enable or disable a terminal; True when its state changed. Raises UnknownTerminal."""
    with db.writing() as s:
        t = s.get(Terminal, terminal_id)
        if t is None:
            raise UnknownTerminal(terminal_id)
        changed = t.enabled != enabled
        t.enabled = enabled
    return changed
