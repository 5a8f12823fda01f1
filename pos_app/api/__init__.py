"""Client of the central voucher API (docs/api.md): one requests session, strict timeouts, typed errors."""

from .client import ApiClient
from .errors import ApiError, AuthError, ClientError, Refusal, Unavailable
from .tokens import EnvTokenProvider, KeyringTokenProvider, MemoryTokenProvider, TokenError, TokenProvider

__all__ = [
           "ApiClient",
           "ApiError",
           "AuthError",
           "ClientError",
           "EnvTokenProvider",
           "KeyringTokenProvider",
           "MemoryTokenProvider",
           "Refusal",
           "TokenError",
           "TokenProvider",
           "Unavailable",
]
