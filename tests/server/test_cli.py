"""The CLI for real: add-merchant, add-terminal (token once, hash stored), issue, print-vouchers (PDF decoded)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from voucher_core.codes import format_serial

REPO = Path(__file__).resolve().parents[2]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, VOUCHER_SERVER_SECRET="cli-test-secret", QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-m", "voucher_server.cli", *args], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return out


def test_admin_commands_and_printed_sheet(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    mid = cli("add-merchant", "--db", db, "--name", "Fleuriste Rose", "--siret", "56789123400015").stdout.strip()
    assert mid == "M0001"
    args = ["create-campaign", "--db", db, "--id", "NOEL26", "--name", "Chèques Noël", "--face", "2000", "--price",
            "2000", "--valid-from", "2026-12-01", "--valid-until", "2027-01-31", "--merchant", mid]
    forgot = subprocess.run([sys.executable, "-m", "voucher_server.cli", *args], cwd=REPO, capture_output=True,
                            text=True, timeout=300)
    assert forgot.returncode == 2 and "--seller" in forgot.stderr  # nobody could sell it: refused
    cli(*args, "--bulk-only")
    out = cli("add-terminal", "--db", db, "--merchant", mid).stdout
    token = out.strip().splitlines()[-1]
    assert token.startswith("vt_") and len(token) > 30
    cli("issue", "--db", db, "--campaign", "NOEL26", "--count", "9")
    engine = create_engine(db)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM terminals")).scalar_one()
        n = conn.execute(text("SELECT count(*) FROM vouchers WHERE state = 'issued'")).scalar_one()
        first = conn.execute(text("SELECT serial, code FROM vouchers ORDER BY serial")).first()
    engine.dispose()
    assert token not in stored and len(stored) == 64 and n == 9

    pdf = tmp_path / "sheet.pdf"
    cli("print-vouchers", "--db", db, "--campaign", "NOEL26", "--pdf", str(pdf))
    if not shutil.which("pdftotext") or not shutil.which("pdftoppm"):
        pytest.fail("poppler-utils (pdftotext, pdftoppm) not installed (make test installs them)")
    words = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "20,00 €" in words and "Valable du 01/12/2026 au 31/01/2027" in words
    assert format_serial(first[0]) in words and len(first[0]) == 20  # groups of 4, as typed
    subprocess.run(["pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "p")],
                   check=True)
    import cv2
    import zxingcpp

    page = cv2.imread(str(next(tmp_path.glob("p*.png"))), cv2.IMREAD_GRAYSCALE)
    found = {(b.format.name, b.text) for b in zxingcpp.read_barcodes(page)}
    assert ("QRCode", first[1]) in found and ("Code128", first[0]) in found


def test_seed_demo_json_shape(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    cli("seed-demo", "--db", db, "--json", str(tmp_path / "a.json"))
    cli("seed-demo", "--db", db, "--json", str(tmp_path / "b.json"))  # again: same data, nothing added
    a = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert a == json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    boost = [v for v in a["vouchers"] if v["campaign"] == "BOOST24"]
    assert sum(v["state"] == "active" for v in boost) == 300 and sum(v["state"] == "issued" for v in boost) == 100
    assert all(v["code"].startswith("VC1:BOOST24:K1:") and v["face_value_cents"] == 1200 for v in boost)
    roles = [(t["role"], t["merchant_id"], t["in_campaign"]) for t in a["terminals"]]
    assert ("seller", "M0004", True) in roles and ("merchant", "M0003", False) in roles
    assert roles.count(("merchant", "M0001", True)) == 2 and ("merchant", "M0002", True) in roles
    assert {c["id"] for c in a["campaigns"]} == {"BOOST24", "PRINTEMPS"}


def test_block_and_unblock(tmp_path: Path) -> None:
    """Operator blocks an active voucher: redeem says blocked; unblock restores active."""
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    cli("seed-demo", "--db", db, "--json", str(tmp_path / "a.json"))
    seed = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    v = next(v for v in seed["vouchers"] if v["state"] == "active")
    assert cli("block", "--db", db, v["code"]).stdout.strip() == f"{v['serial']}: blocked"
    from voucher_server.app import create_app
    from voucher_server.config import Settings

    from .conftest import Api

    api = Api.__new__(Api)
    from fastapi.testclient import TestClient

    api.app = create_app(Settings(db_url=db))
    api.client = TestClient(api.app)
    api.client.__enter__()  # the lifespan, as Api does
    api.seed = seed
    tok = next(t["token"] for t in seed["terminals"] if t["role"] == "merchant" and t["in_campaign"])
    r = api.client.post(f"/api/v1/vouchers/{v['serial']}/redeem", headers={"Authorization": f"Bearer {tok}"},
                        json={"idempotency_key": "blocked-key-1"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "blocked"
    assert cli("unblock", "--db", db, v["serial"]).stdout.strip() == f"{v['serial']}: active"
    r = api.client.post(f"/api/v1/vouchers/{v['serial']}/redeem", headers={"Authorization": f"Bearer {tok}"},
                        json={"idempotency_key": "blocked-key-2"})
    assert r.status_code == 200
    api.close()
