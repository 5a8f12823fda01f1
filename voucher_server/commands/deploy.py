"""migrate (and --dry-run), check-config, verify: what a deployment runs around `serve` (docs/deploy.md)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from .common import add_parser, db_url


def cmd_migrate(args: argparse.Namespace) -> int:
    from ..db import is_sqlite
    from ..upgrades import current_revision, head_revision, migrate, pending, upgrade_sql

    url = db_url(args)
    if not args.dry_run:
        before, done = migrate(url)
        head = head_revision()
        print(f"migrate : {before or '(vide)'} -> {head}, {len(done)} migration(s) passée(s) / migrate: "
              f"{before or '(empty)'} -> {head}, {len(done)} migration(s) run")
        return 0
    current = current_revision(url)
    todo = pending(current)
    if not todo:
        print(f"-- la base est à la dernière migration ({current}) : rien à faire / the database is at the head "
              f"({current}): nothing to do")
        return 0
    print(f"-- la base est à {current or '(vide)'} ; migrate lancerait {len(todo)} migration(s) / the database is at "
          f"{current or '(empty)'}; migrate would run {len(todo)} migration(s):")
    for rev in todo:
        print(f"--   {rev.id}  {rev.title}")
    fr, en = (("répété sur une copie du fichier", "rehearsed on a copy of the file") if is_sqlite(url)
              else ("rendu par Alembic hors ligne", "rendered by Alembic offline"))
    print(f"-- le SQL ({fr}) ; la base n'est pas modifiée / the SQL ({en}); the database is not changed:")
    sys.stdout.write(upgrade_sql(url, current))
    return 0


def _environment(env_file: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if env_file:
        from ..config_check import read_env_file

        env.update(read_env_file(Path(env_file).read_text(encoding="utf-8")))
    return env


def cmd_check_config(args: argparse.Namespace) -> int:
    from ..config_check import check_all

    env = _environment(args.env_file)
    if args.db:
        env["VOUCHER_SERVER_DB"] = args.db
    findings = check_all(env, deadline=args.deadline)
    for f in findings:
        mark = "BLOQUANT / BLOCKING" if f.blocking else "à compléter / to complete"
        print(f"[{f.code.value}] {mark}\n    {f.french()}\n    {f.english()}")
    blocking = sum(f.blocking for f in findings)
    if blocking:
        print(f"check-config: {blocking} point(s) empêchent de servir / prevent serving", file=sys.stderr)
        return 1
    if findings:
        print(f"check-config: le serveur peut servir ; {len(findings)} point(s) à compléter / the server can serve; "
              f"{len(findings)} point(s) to complete")
        return 0
    print("check-config: rien ne manque / nothing is missing")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from ..db import Database
    from ..services.integrity import verify
    from ..upgrades import not_at_head

    url = db_url(args)
    # verify reads with today's models: an older schema would fail for the wrong reason
    if (refusal := not_at_head("voucher-server verify", url)) is not None:
        print(refusal, file=sys.stderr)
        return 2
    db = Database(url)
    try:
        with db.reading() as s:
            report = verify(s)
    finally:
        db.dispose()
    for problem in report.problems:
        print(problem)
    print(f"verify : {report.terminals} caisse(s), {report.links} maillon(s) de chaîne, {report.activities} "
          f"opération(s), {report.vouchers} bon(s) : {len(report.problems)} problème(s) / verify: "
          f"{report.terminals} terminal(s), {report.links} ledger link(s), {report.activities} activities, "
          f"{report.vouchers} vouchers: {len(report.problems)} problem(s)")
    return 0 if report.ok else 1


def register(sub: Any) -> None:
    s = add_parser(sub, "migrate", cmd_migrate,
                   "bring the database to the latest migration (the step before serve --no-migrate)")
    s.add_argument("--dry-run", action="store_true",
                   help="print the pending migrations and their SQL; change nothing")

    s = add_parser(sub, "check-config", cmd_check_config,
                   "say what a production server lacks: secret, database, migrations, https public URL, bank identity")
    s.add_argument("--env-file", help="read KEY=VALUE settings from this file too (systemd EnvironmentFile)")
    s.add_argument("--deadline", type=float, default=5.0, help="seconds the database has to answer (default 5)")

    add_parser(sub, "verify", cmd_verify,
               "after a restore or an upgrade: the tills' ledger chains and the activity log's references")
