"""Campaign signing keys: Ed25519, private key encrypted at rest with Fernet under VOUCHER_SERVER_SECRET."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# Used ONLY by seed-demo when VOUCHER_SERVER_SECRET is unset, so the demo runs out of the box.
# Never use the demo database for real vouchers (docs/server.md).
DEMO_SECRET = "voucher-server-demo-only-not-a-secret"


def _fernet(secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"voucher-server", info=b"campaign-keys").derive(
        secret.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def raw_public(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def encrypt_private(private: Ed25519PrivateKey, secret: str) -> str:
    raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    return _fernet(secret).encrypt(raw).decode("ascii")


def decrypt_private(token: str, secret: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_fernet(secret).decrypt(token.encode("ascii")))


def demo_private_key(campaign_id: str, key_id: str) -> Ed25519PrivateKey:
    """A fixed key for the demo campaigns only: the demo's codes are the same on every run."""
    seed = hashlib.sha256(f"voucher-server demo key {campaign_id} {key_id}".encode()).digest()
    return Ed25519PrivateKey.from_private_bytes(seed)


def new_token() -> str:
    """A new terminal API token (shown once)."""
    return "vt_" + secrets.token_urlsafe(32)


def new_order_token() -> str:
    """An order's link: 256 random bits, URL-safe, never starting with "-", which a command line would take for an
    option (``voucher-server mail-order --order TOKEN``; drawn again rather than changed, so it stays uniform)."""
    while (token := secrets.token_urlsafe(32)).startswith("-"):
        pass
    return token


def demo_token(merchant_id: str, terminal_no: int) -> str:
    """Deterministic demo tokens (the demo only), so seed-demo can rewrite its JSON for an existing demo db."""
    digest = hmac.new(DEMO_SECRET.encode(), f"{merchant_id}/{terminal_no}".encode(), hashlib.sha256).hexdigest()
    return f"demo_{merchant_id}_{terminal_no}_{digest[:24]}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()
