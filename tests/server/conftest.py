"""Fixtures for the central API tests: a fresh database per run on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("VOUCHER_SERVER_SECRET", "tests-server-secret")

PG_ADMIN = os.environ.get("VOUCHER_TEST_PG", "postgresql://127.0.0.1:5432/test")


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3):
            return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Any]:
    """A factory of fresh PostgreSQL databases (CREATE DATABASE vs_test_<random>), all dropped at the end."""
    if not _pg_available():
        pytest.fail("PostgreSQL at 127.0.0.1:5432 (db test, trust auth) is not reachable: the server tests need it")
    import psycopg

    created: list[str] = []

    def make() -> str:
        name = f"vs_test_{secrets.token_hex(6)}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
        return f"{base}/{name}"

    yield make
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        for name in created:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database URL: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.sqlite3'}"
    return request.getfixturevalue("pg_server")()


class Api:
    """A FastAPI TestClient on a seeded database, with the demo JSON and helpers."""

    def __init__(self, db_url: str, **settings: Any) -> None:
        from fastapi.testclient import TestClient

        from voucher_server import admin
        from voucher_server.config import Settings
        from voucher_server.db import Database, upgrade

        upgrade(db_url)
        db = Database(db_url)
        admin.seed_demo(db, os.environ["VOUCHER_SERVER_SECRET"])
        self.seed = admin.demo_json(db)
        db.dispose()
        from voucher_server.app import create_app

        self.app = create_app(Settings(db_url=db_url, secret=None, **settings))
        self.client = TestClient(self.app, raise_server_exceptions=False)
        self.client.__enter__()  # runs the lifespan: the PostgreSQL store opens its pool there
        self.db_url = db_url

    def token(self, role: str = "merchant", index: int = 0, in_campaign: bool = True) -> str:
        found = [t for t in self.seed["terminals"] if t["role"] == role and t["in_campaign"] == in_campaign]
        return found[index]["token"]

    def vouchers(self, state: str = "active", campaign: str = "BOOST24") -> list[dict[str, Any]]:
        return [v for v in self.seed["vouchers"] if v["state"] == state and v["campaign"] == campaign]

    def h(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    def close(self) -> None:
        self.client.__exit__(None, None, None)
        self.app.state.db.dispose()


@pytest.fixture
def api(db_url: str) -> Iterator[Api]:
    a = Api(db_url)
    yield a
    a.close()
