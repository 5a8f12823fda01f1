"""The till's Ed25519 signing key (archives, closings' fingerprint) and the canonical JSON it signs."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..reports.archive import fingerprint
from ..store.db import private_dir

__all__ = ["KEY_FILENAME", "canonical_json", "fingerprint", "load_or_create_key", "public_key_raw"]

KEY_FILENAME = "till_signing_key.pem"


def load_or_create_key(home: Path) -> Ed25519PrivateKey:
    """The till's Ed25519 private key, generated once and kept (mode 0600) in the till home."""
    path = Path(home) / KEY_FILENAME
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} is not an Ed25519 key")
        return key
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    private_dir(path.parent)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    os.replace(tmp, path)
    return key


def public_key_raw(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def canonical_json(obj: Any) -> bytes:
    """Sorted-key compact UTF-8 JSON (what the archive signs)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
