"""`voucher-server check-config` for real (subprocess, a clean environment, the real PostgreSQL): what it names
as missing, in French then English, and its exit code (≠ 0 only when the server must not serve)."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from voucher_server.db import upgrade

REPO = Path(__file__).resolve().parents[2]
SECRET = "Zk3v9yQeR1n8s0T2u5W7x4A6b9C1d3E5f7G9h1J3k5="  # 44 characters, as `openssl rand -base64 32` gives
IDENTITY = {"VOUCHER_SERVER_OPERATOR_NAME": "Association des commerçants du Port",
            "VOUCHER_SERVER_OPERATOR_ADDRESS": "1 quai des Pêcheurs, 29900 Concarneau",
            "VOUCHER_SERVER_OPERATOR_SIRET": "12345678900011", "VOUCHER_SERVER_OPERATOR_VAT": "FR32123456789",
            "VOUCHER_SERVER_OPERATOR_IBAN": "FR7610107001011234567890129", "VOUCHER_SERVER_OPERATOR_BIC": "BREDFRPP"}


def check(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real CLI with nothing of this process's environment but PATH (the operator's server starts bare)."""
    clean = {"PATH": "/usr/bin:/bin", **(env or {})}
    return subprocess.run([sys.executable, "-m", "voucher_server.cli", "check-config", *args], cwd=REPO, env=clean,
                          capture_output=True, text=True, timeout=60)


def codes(out: subprocess.CompletedProcess[str]) -> list[str]:
    return [line.split("]")[0][1:] for line in out.stdout.splitlines() if line.startswith("[")]


def env_file(path: Path, values: dict[str, str]) -> Path:
    path.write_text("# /etc/voucher-server/env\n" + "".join(f'{k}="{v}"\n' for k, v in values.items()),
                    encoding="utf-8")
    return path


def test_a_bare_server_is_told_everything_it_lacks_in_french_then_english() -> None:
    out = check()
    assert out.returncode == 1
    assert codes(out) == ["secret_unset", "db_unset", "public_url_unset", "operator_invoice_identity"]
    lines = out.stdout.splitlines()
    at = lines.index("[secret_unset] BLOQUANT / BLOCKING")
    assert lines[at + 1].strip().startswith("VOUCHER_SERVER_SECRET n'est pas défini")
    assert lines[at + 2].strip().startswith("VOUCHER_SERVER_SECRET is not set")
    assert "3 point(s) empêchent de servir / prevent serving" in out.stderr


@pytest.mark.postgres
def test_a_complete_env_file_passes_and_each_flaw_is_named(pg_server: Any, tmp_path: Path) -> None:
    url = pg_server()
    settings = {"VOUCHER_SERVER_SECRET": SECRET, "VOUCHER_SERVER_DB": url,
                "VOUCHER_SERVER_PUBLIC_URL": "https://bons.example.fr", **IDENTITY}
    before = check("--env-file", str(env_file(tmp_path / "env", settings)))
    assert before.returncode == 1 and codes(before) == ["db_not_migrated"]
    assert "(vide / empty)" in before.stdout and "voucher-server migrate --dry-run" in before.stdout

    upgrade(url)
    ready = check("--env-file", str(tmp_path / "env"))
    assert ready.returncode == 0, ready.stdout + ready.stderr
    assert ready.stdout.strip() == "check-config: rien ne manque / nothing is missing"

    flawed = {**settings, "VOUCHER_SERVER_SECRET": "short", "VOUCHER_SERVER_PUBLIC_URL": "http://bons.example.fr",
              "VOUCHER_SERVER_OPERATOR_IBAN": "FR7610107001011234567890128", "VOUCHER_SERVER_OPERATOR_VAT": ""}
    out = check("--env-file", str(env_file(tmp_path / "flawed", flawed)))
    assert out.returncode == 1
    assert codes(out) == ["secret_short", "public_url_not_https", "operator_iban_invalid",
                          "operator_invoice_identity"]
    assert "ne fait que 5 caractères" in out.stdout and "VOUCHER_SERVER_OPERATOR_VAT" in out.stdout

    # only what does not block serving is left: reported, exit code 0
    partial = {**settings, "VOUCHER_SERVER_OPERATOR_SIRET": ""}
    out = check("--env-file", str(env_file(tmp_path / "partial", partial)))
    assert out.returncode == 0 and codes(out) == ["operator_invoice_identity"]
    assert "[operator_invoice_identity] à compléter / to complete" in out.stdout

    # a database migrated by a newer server than this one
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    out = check("--env-file", str(tmp_path / "env"))
    assert out.returncode == 1 and codes(out) == ["db_too_new"]
    assert "0099" in out.stdout and "installez la version du serveur qui l'a migrée" in out.stdout


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A TCP port that accepts connections and never says a word: a database host behind a dead proxy."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    worker = threading.Thread(target=accept, daemon=True)
    worker.start()
    yield listener.getsockname()[1]
    stop.set()
    worker.join()
    for conn in held:
        conn.close()
    listener.close()


def test_a_database_that_never_answers_is_reported_within_the_deadline(silent_port: int, tmp_path: Path) -> None:
    settings = {"VOUCHER_SERVER_SECRET": SECRET, "VOUCHER_SERVER_PUBLIC_URL": "https://bons.example.fr",
                "VOUCHER_SERVER_DB": f"postgresql+psycopg://voucher:pw@127.0.0.1:{silent_port}/vouchers", **IDENTITY}
    out = check("--env-file", str(env_file(tmp_path / "env", settings)), "--deadline", "1")
    assert out.returncode == 1 and codes(out) == ["db_unreachable"]
    assert "ne répond pas en 1 s" in out.stdout and "did not answer within 1 s" in out.stdout
    assert "pw@" not in out.stdout  # the password never reaches the screen


def test_sqlite_is_named_as_the_demo_database(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    out = check("--db", db, env={"VOUCHER_SERVER_SECRET": SECRET, "VOUCHER_SERVER_PUBLIC_URL": "https://b.example.fr",
                                 **IDENTITY})
    assert out.returncode == 1 and codes(out) == ["db_not_postgres"]
    assert not (tmp_path / "demo.sqlite3").exists()  # checking created nothing
