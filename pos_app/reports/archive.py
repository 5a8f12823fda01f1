"""The signed, open-format ledger archive: a zip of JSON files that anyone can check without the till.

Inside the zip:
- ``archive.json``: header (till, shop, SIRET, period, key) + every ledger entry of the period + closings;
- ``schema.json``: the JSON Schema (draft 2020-12) ``archive.json`` follows;
- ``manifest.json``: SHA-256 of both files; ``signature.json``: Ed25519 signature of the manifest's bytes,
  with the till's public key (raw, base64) and its fingerprint;
- ``LISEZMOI.txt``: how to verify by hand.
Entry hashes: SHA-256(prev_hash + canonical JSON of the entry without "hash"), see voucher_core.ledger.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from voucher_core.ledger import LedgerEntry, verify_chain

FORMAT = "pos-app-ledger-archive"
_HEX64 = "^[0-9a-f]{64}$"
_ENTRY_PROPS: dict[str, Any] = {
    "seq": {"type": "integer", "minimum": 1}, "ts_utc": {"type": "string"},
    "business_day": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}, "kind": {"type": "string"},
    "till_id": {"type": "string"}, "cashier": {"type": "string"}, "voucher": {"type": ["string", "null"]},
    "campaign_id": {"type": ["string", "null"]}, "amount_cents": {"type": "integer"},
    "price_cents": {"type": "integer"}, "topup_cents": {"type": "integer"}, "mode": {"type": ["string", "null"]},
    "idempotency_key": {"type": ["string", "null"]}, "ref_seq": {"type": ["integer", "null"]},
    "data": {"type": "object"}, "prev_hash": {"type": "string", "pattern": _HEX64},
    "hash": {"type": "string", "pattern": _HEX64},
}
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://pos-app.invalid/schemas/ledger-archive-1.json",
    "title": "pos-app ledger archive, version 1",
    "type": "object",
    "required": ["format", "version", "till_id", "shop", "siret", "from", "to", "exported_utc", "public_key",
                 "key_fingerprint", "first_seq", "last_seq", "anchor_prev_hash", "head_hash", "entries", "closings"],
    "properties": {
        "format": {"enum": [FORMAT]}, "version": {"enum": [1]},
        "till_id": {"type": "string"}, "shop": {"type": "string"}, "siret": {"type": "string"},
        "from": {"type": "string"}, "to": {"type": "string"}, "exported_utc": {"type": "string"},
        "public_key": {"type": "string"}, "key_fingerprint": {"type": "string"},
        "first_seq": {"type": "integer"}, "last_seq": {"type": "integer"},
        "anchor_prev_hash": {"type": "string", "pattern": _HEX64}, "head_hash": {"type": "string", "pattern": _HEX64},
        "entries": {"type": "array", "items": {"type": "object", "required": list(_ENTRY_PROPS),
                                               "properties": _ENTRY_PROPS, "additionalProperties": False}},
        "closings": {"type": "array", "items": {
            "type": "object", "required": ["kind", "period", "ledger_seq", "created_utc", "totals", "hash"],
            "properties": {"kind": {"enum": ["day", "month", "year"]}, "period": {"type": "string"},
                           "ledger_seq": {"type": "integer"}, "created_utc": {"type": "string"},
                           "totals": {"type": "object"}, "hash": {"type": "string", "pattern": _HEX64}}}},
    },
}

README = """Archive de journal pos-app / pos-app ledger archive

Vérifier / verify:  pos-app verify-archive FICHIER.zip
À la main / by hand:
1. manifest.json liste le SHA-256 de archive.json et schema.json ; recalculez-les.
2. signature.json : signature Ed25519 (base64) des octets de manifest.json, clé publique brute en base64.
   L'empreinte (SHA-256 de la clé, 16 premiers octets) doit être celle imprimée sur les rapports de la caisse.
3. Chaque écriture : hash = SHA-256(prev_hash + JSON canonique de l'écriture sans "hash"),
   JSON canonique = clés triées, séparateurs "," et ":", UTF-8 non échappé ; prev_hash = hash de la précédente.
"""


def canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def fingerprint(public_raw: bytes) -> str:
    """SHA-256 of the raw public key, first 16 bytes, upper-case hex in groups of 4 (as printed on reports)."""
    digest = hashlib.sha256(public_raw).hexdigest()[:32].upper()
    return ":".join(digest[i:i + 4] for i in range(0, 32, 4))


def build_archive(path: Path | str, header: dict[str, Any], entries: list[LedgerEntry],
                  closings: list[dict[str, Any]], private_key: Any) -> dict[str, Any]:
    """Write the zip; returns the manifest (with the zip's own SHA-256 under ``zip_sha256``)."""
    from cryptography.hazmat.primitives import serialization

    public_raw = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    body = {"format": FORMAT, "version": 1, **header,
            "public_key": base64.b64encode(public_raw).decode(), "key_fingerprint": fingerprint(public_raw),
            "first_seq": entries[0].seq if entries else 0, "last_seq": entries[-1].seq if entries else 0,
            "anchor_prev_hash": entries[0].prev_hash if entries else "0" * 64,
            "head_hash": entries[-1].hash if entries else "0" * 64,
            "entries": [asdict(e) for e in entries], "closings": closings}
    archive_bytes = json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    schema_bytes = json.dumps(SCHEMA, ensure_ascii=False, indent=1).encode("utf-8")
    manifest = {"files": {"archive.json": hashlib.sha256(archive_bytes).hexdigest(),
                          "schema.json": hashlib.sha256(schema_bytes).hexdigest()}}
    manifest_bytes = canonical(manifest)
    signature = {"algorithm": "Ed25519", "signed_file": "manifest.json",
                 "public_key": body["public_key"], "key_fingerprint": body["key_fingerprint"],
                 "signature": base64.b64encode(private_key.sign(manifest_bytes)).decode()}
    tmp = Path(str(path) + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("archive.json", archive_bytes)
        zf.writestr("schema.json", schema_bytes)
        zf.writestr("manifest.json", manifest_bytes)
        zf.writestr("signature.json", json.dumps(signature, indent=1))
        zf.writestr("LISEZMOI.txt", README)
    tmp.replace(path)
    return {**manifest, "zip_sha256": hashlib.sha256(Path(path).read_bytes()).hexdigest(),
            "key_fingerprint": body["key_fingerprint"], "first_seq": body["first_seq"],
            "last_seq": body["last_seq"], "head_hash": body["head_hash"]}


# --- verification (needs only this module, core.ledger and cryptography) ----------------------------------

_TYPES: dict[str, type] = {"object": dict, "array": list, "string": str, "null": type(None), "boolean": bool}


def _type_ok(value: Any, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, _TYPES[name])


def schema_errors(value: Any, schema: dict[str, Any], where: str = "$", limit: int = 20) -> list[str]:
    """A small JSON Schema checker (type, enum, required, properties, additionalProperties, items, pattern,
    minimum): enough for the archive's own schema, without third-party packages."""
    errors: list[str] = []

    def walk(v: Any, s: dict[str, Any], at: str) -> None:
        if len(errors) >= limit:
            return
        if "type" in s:
            names = s["type"] if isinstance(s["type"], list) else [s["type"]]
            if not any(_type_ok(v, n) for n in names):
                errors.append(f"{at}: expected {'/'.join(names)}")
                return
        if "enum" in s and v not in s["enum"]:
            errors.append(f"{at}: not one of {s['enum']}")
        if "pattern" in s and isinstance(v, str) and not re.search(s["pattern"], v):
            errors.append(f"{at}: does not match {s['pattern']}")
        if "minimum" in s and isinstance(v, int | float) and v < s["minimum"]:
            errors.append(f"{at}: below {s['minimum']}")
        if isinstance(v, dict):
            for key in s.get("required", []):
                if key not in v:
                    errors.append(f"{at}: missing {key}")
            props = s.get("properties", {})
            for key, sub in v.items():
                if key in props:
                    walk(sub, props[key], f"{at}.{key}")
                elif s.get("additionalProperties") is False:
                    errors.append(f"{at}: unexpected {key}")
        if isinstance(v, list) and "items" in s:
            for i, item in enumerate(v):
                walk(item, s["items"], f"{at}[{i}]")

    walk(value, schema, where)
    return errors


@dataclass
class ArchiveCheck:
    """Outcome of :func:`verify_archive`."""

    ok: bool
    problems: list[str] = field(default_factory=list)
    entries: int = 0
    first_seq: int = 0
    last_seq: int = 0
    head_hash: str = ""
    key_fingerprint: str = ""
    period: str = ""


def _chain_problems(entries: list[LedgerEntry], body: dict[str, Any]) -> list[str]:
    """3. The hash chain from the archive's anchor, up to the head its header names."""
    report = verify_chain(entries, anchor=(body["first_seq"], body["anchor_prev_hash"]))
    if not report.ok:
        return [report.reason]
    if entries and (entries[-1].seq != body["last_seq"] or report.head_hash != body["head_hash"]):
        return ["the head named in the header is not the last entry"]
    return []


def _closing_problems(entries: list[LedgerEntry], closings: list[dict[str, Any]]) -> list[str]:
    """4. Each closing of the header matches its CLOSING entry."""
    by_seq = {e.seq: e for e in entries}
    problems = []
    for c in closings:
        entry = by_seq.get(c["ledger_seq"])
        if entry is None or entry.kind != "closing" or entry.hash != c["hash"] \
                or entry.data.get("totals") != c["totals"] or entry.data.get("period") != c["period"]:
            problems.append(f"closing {c['kind']} {c['period']} does not match ledger entry {c['ledger_seq']}")
    return problems


def verify_archive(path: Path | str) -> ArchiveCheck:
    """Check signature, schema shape, hash chain and closings of an archive (no till needed)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    check = ArchiveCheck(ok=False)
    try:
        with zipfile.ZipFile(path) as zf:
            files = {n: zf.read(n) for n in ("archive.json", "schema.json", "manifest.json", "signature.json")}
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        check.problems.append(f"unreadable archive: {exc}")
        return check
    try:
        manifest = json.loads(files["manifest.json"])
        signature = json.loads(files["signature.json"])
        body = json.loads(files["archive.json"])
        schema = json.loads(files["schema.json"])
    except ValueError as exc:
        check.problems.append(f"not JSON: {exc}")
        return check
    # 1. signature over the manifest, manifest over the files
    try:
        public_raw = base64.b64decode(signature["public_key"])
        Ed25519PublicKey.from_public_bytes(public_raw).verify(base64.b64decode(signature["signature"]),
                                                              files["manifest.json"])
        check.key_fingerprint = fingerprint(public_raw)
    except (InvalidSignature, KeyError, ValueError, TypeError):
        check.problems.append("signature invalid (manifest.json was altered or signed by another key)")
        return check
    for name in ("archive.json", "schema.json"):
        if manifest.get("files", {}).get(name) != hashlib.sha256(files[name]).hexdigest():
            check.problems.append(f"{name} was altered (SHA-256 differs from the signed manifest)")
    if check.problems:
        return check
    if body.get("public_key") != signature.get("public_key"):
        check.problems.append("archive.json names another public key than the signature")
    # 2. schema shape (the embedded schema must also be the one this version writes)
    if schema != json.loads(json.dumps(SCHEMA)):
        check.problems.append("schema.json is not the pos-app ledger archive schema, version 1")
    check.problems += schema_errors(body, SCHEMA)
    if check.problems:
        return check
    entries = [LedgerEntry(**e) for e in body["entries"]]
    check.problems += _chain_problems(entries, body) + _closing_problems(entries, body["closings"])
    check.entries, check.first_seq, check.last_seq = len(entries), body["first_seq"], body["last_seq"]
    check.head_hash, check.period = body["head_hash"], f"{body['from']}..{body['to']}"
    check.ok = not check.problems
    return check
