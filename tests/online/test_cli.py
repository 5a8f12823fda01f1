"""The operator's commands of the online sale, run as the real `voucher-server` CLI on a SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from voucher_core.timeutil import business_day, utc_now


def cli(db: str, *args: str, ok: bool = True, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "VOUCHER_SERVER_SECRET": "tests-server-secret", **(env or {})}
    out = subprocess.run([sys.executable, "-m", "voucher_server.cli", *args, "--db", db], capture_output=True,
                         text=True, env=full, timeout=120)
    assert (out.returncode == 0) is ok, out.stderr + out.stdout
    return out


def test_sell_online_limits_payout_and_settlement(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    cli(db, "seed-demo", "--json", str(tmp_path / "demo.json"))
    assert cli(db, "sell-online", "--campaign", "BOOST24", "--provider", "test").stdout.strip() == "TESTPAY"
    limits = json.loads(cli(db, "online-limits", "--campaign", "BOOST24", "--per-buyer", "6",
                            "--per-day", "none").stdout)
    assert limits == {"campaign_id": "BOOST24", "per_buyer": 6, "per_day": None}
    cli(db, "online-limits", "--campaign", "BOOST24", "--per-buyer", "0", ok=False)
    day = business_day(utc_now()).isoformat()
    paid = json.loads(cli(db, "record-payout", "--provider-id", "TESTPAY", "--reference", "po_1", "--day", day,
                          "--from", day, "--to", day, "--gross-cents", "0", "--fee-cents", "0").stdout)
    assert paid["net_cents"] == 0
    cli(db, "record-payout", "--provider-id", "TESTPAY", "--reference", "po_1", "--day", day, "--from", day,
        "--to", day, "--gross-cents", "100", "--fee-cents", "200", ok=False)  # fees above the gross
    st = json.loads(cli(db, "provider-settlement", "--provider-id", "TESTPAY", "--from", day, "--to", day,
                        "--json").stdout)
    assert st["collected_cents"] == 0 and st["outstanding_cents"] == 0
    refused = cli(db, "refund-order", "--order", "nope", ok=False, env={"VOUCHER_SERVER_PAYMENTS": "test"})
    assert "Commande introuvable" in refused.stderr
