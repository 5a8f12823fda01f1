"""Client of the central voucher API (docs/api.md): one requests session, strict timeouts, typed errors."""

from .client import ApiClient
from .errors import ApiError, AuthError, ClientCode, ClientError, Refusal, Unavailable
from .tokens import (
    EnvTokenProvider,
    KeyringTokenProvider,
    MemoryTokenProvider,
    TokenError,
    TokenProblem,
    TokenProvider,
)

__all__ = [
           "ApiClient",
           "ApiError",
           "AuthError",
           "ClientCode",
           "ClientError",
           "EnvTokenProvider",
           "KeyringTokenProvider",
           "MemoryTokenProvider",
           "Refusal",
           "TokenError",
           "TokenProblem",
           "TokenProvider",
           "Unavailable",
]
