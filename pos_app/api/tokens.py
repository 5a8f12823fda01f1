"""Where the till's API token lives: the OS keyring (one entry per till home) or ``POS_APP_TOKEN``.

The token is never written to a file of the home, a log or an error message; there is no plaintext fallback.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Protocol

SERVICE = "pos-app"
ENV_VAR = "POS_APP_TOKEN"


class TokenError(RuntimeError):
    """The token cannot be read or stored (no keyring backend, nothing configured). French message."""


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
            raise TokenError("POS_APP_TOKEN est défini : le jeton vient de l'environnement, rien n'est enregistré.")


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
            raise TokenError(_NO_KEYRING) from None
        except KeyringError as exc:
            raise TokenError(f"Trousseau du système illisible ({type(exc).__name__}).") from None

    def set(self, token: str) -> None:
        kr = self._keyring()
        from keyring.errors import KeyringError, NoKeyringError

        try:
            kr.set_password(SERVICE, self.username, token)
        except NoKeyringError:
            raise TokenError(_NO_KEYRING) from None
        except KeyringError as exc:
            raise TokenError(f"Impossible d'enregistrer le jeton dans le trousseau ({type(exc).__name__}).") from None


_NO_KEYRING = ("Aucun trousseau sécurisé (keyring) n'est disponible sur ce poste : le jeton d'accès ne peut pas "
               "être enregistré. Installez/activez le trousseau du système, ou définissez POS_APP_TOKEN.")


def default_provider(home: Path) -> TokenProvider:
    """``POS_APP_TOKEN`` when set (keyring untouched), else the OS keyring."""
    if os.environ.get(ENV_VAR):
        return EnvTokenProvider()
    return KeyringTokenProvider(home)
