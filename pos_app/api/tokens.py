"""Where the till's API token lives: the OS keyring (one entry per till home) or ``POS_APP_TOKEN``.

The token is never written to a file of the home, a log or an error message; there is no plaintext fallback.
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

SERVICE = "pos-app"
ENV_VAR = "POS_APP_TOKEN"


class TokenProblem(StrEnum):
    NO_KEYRING = "no_keyring"  # no keyring backend on this machine (and no POS_APP_TOKEN)
    KEYRING_UNREADABLE = "keyring_unreadable"
    KEYRING_WRITE_FAILED = "keyring_write_failed"
    TOKEN_FROM_ENV = "token_from_env"  # POS_APP_TOKEN is set: there is nothing to store


class TokenError(RuntimeError):
    """The token cannot be read or stored: ``code`` says why (the UI and the CLI have the words), ``facts`` what
    the words name (the keyring's exception class); the message is English, for developers."""

    def __init__(self, code: TokenProblem, message: str, kind: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.facts = {"kind": kind} if kind else {}


class TokenProvider(Protocol):
    def get(self) -> str | None: ...

    def set(self, token: str) -> None: ...


class MemoryTokenProvider:
    """A token held in memory only (demo and tests)."""

    def __init__(self, token: str | None = None) -> None:
        self._token = token

    def get(self) -> str | None:
        return self._token

    def set(self, token: str) -> None:
        self._token = token


class EnvTokenProvider:
    """``POS_APP_TOKEN`` (headless use): the keyring is never touched."""

    def get(self) -> str | None:
        return os.environ.get(ENV_VAR) or None

    def set(self, token: str) -> None:
        # Nothing to store: the environment provides it each run.
        if token != self.get():
            raise TokenError(TokenProblem.TOKEN_FROM_ENV, "POS_APP_TOKEN is set: the token comes from the environment")


class KeyringTokenProvider:
    """The OS keyring, service ``pos-app``, username = the resolved till home path."""

    def __init__(self, home: Path) -> None:
        self.username = str(Path(home).resolve())

    def _keyring(self) -> Any:
        import keyring

        return keyring

    def get(self) -> str | None:
        kr = self._keyring()
        from keyring.errors import KeyringError, NoKeyringError

        try:
            found: str | None = kr.get_password(SERVICE, self.username)
            return found
        except NoKeyringError:
            raise TokenError(TokenProblem.NO_KEYRING, _NO_KEYRING) from None
        except KeyringError as exc:
            kind = type(exc).__name__
            raise TokenError(TokenProblem.KEYRING_UNREADABLE, f"keyring read failed ({kind})", kind) from None

    def set(self, token: str) -> None:
        kr = self._keyring()
        from keyring.errors import KeyringError, NoKeyringError

        try:
            kr.set_password(SERVICE, self.username, token)
        except NoKeyringError:
            raise TokenError(TokenProblem.NO_KEYRING, _NO_KEYRING) from None
        except KeyringError as exc:
            kind = type(exc).__name__
            raise TokenError(TokenProblem.KEYRING_WRITE_FAILED, f"keyring write failed ({kind})", kind) from None


_NO_KEYRING = "no keyring backend: the token cannot be kept (enable the system keyring or set POS_APP_TOKEN)"


def default_provider(home: Path) -> TokenProvider:
    """``POS_APP_TOKEN`` when set (keyring untouched), else the OS keyring."""
    if os.environ.get(ENV_VAR):
        return EnvTokenProvider()
    return KeyringTokenProvider(home)
