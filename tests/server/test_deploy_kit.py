"""The deployment kit (installer/server/) checked for real: systemd-analyze verifies the units, every command line
in the units and the Containerfile is accepted by voucher-server's own argument parser, the env sample passes
check-config once its secret is filled, and the units' steps run in order on PostgreSQL behind the nginx sample
(nginx -t, then a real nginx with a self-signed certificate proxying https to the real server)."""

from __future__ import annotations

import http.client
import json
import os
import re
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from voucher_server.commands import build_parser
from voucher_server.commands.deploy import cmd_check_config, cmd_migrate
from voucher_server.commands.serving import cmd_serve
from voucher_server.config_check import read_env_file
from voucher_server.process import free_port

REPO = Path(__file__).resolve().parents[2]
KIT = REPO / "installer" / "server"
BIN = "/opt/voucher-server/bin/voucher-server"
SECRET = "Zk3v9yQeR1n8s0T2u5W7x4A6b9C1d3E5f7G9h1J3k5="
BACKUP = "/opt/voucher-server/bin/voucher-server-backup"
UNITS = ("voucher-server.service", "voucher-server-migrate.service", "voucher-server-backup.service",
         "voucher-server-backup.timer")
SCORED = ("voucher-server.service", "voucher-server-migrate.service", "voucher-server-backup.service")


def unit(name: str) -> dict[str, dict[str, list[str]]]:
    """A unit file as systemd reads it: section -> key -> values (a key may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for raw in (KIT / name).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, value = line.split("=", 1)
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def commands(name: str) -> dict[str, list[str]]:
    """ExecStartPre / ExecStart of a unit, as argument lists after the binary."""
    service = unit(name)["Service"]
    found: dict[str, list[str]] = {}
    for key in ("ExecStartPre", "ExecStart"):
        for line in service.get(key, []):
            argv = shlex.split(line)
            assert argv[0] == BIN, line  # the server distribution's venv, docs/deploy.md
            found[key] = argv[1:]
    return found


def parse(argv: list[str]) -> Any:
    """The real parser: argparse exits (SystemExit) on an option serve or migrate does not know."""
    return build_parser().parse_args(argv)


def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed (package systemd): test_units_command_lines still parses them")
    real = Path(sys.executable).with_name("voucher-server")
    assert real.exists(), "the venv's voucher-server entry point"
    for name in UNITS:  # verify checks that the binary exists: point the units at this venv's (and the script)
        text = ((KIT / name).read_text(encoding="utf-8").replace(BACKUP, str(KIT / "voucher-server-backup.sh"))
                .replace(BIN, str(real)))
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = subprocess.run(["systemd-analyze", "verify", *(str(tmp_path / n) for n in UNITS)], capture_output=True,
                         text=True, timeout=60)
    # an unknown key or a bad value is only a warning to systemd: any line on stderr fails here
    assert out.returncode == 0 and out.stderr.strip() == "", out.stderr
    for name in SCORED:  # systemd's own reading of the hardening: 0 is sealed, 10 is exposed, "OK" below 4.5
        score = subprocess.run(["systemd-analyze", "security", "--offline=yes", str(tmp_path / name)],
                               capture_output=True, text=True, timeout=60)
        level = re.search(r"Overall exposure level for \S+: ([\d.]+)", score.stdout)
        assert level is not None, score.stdout[-500:] + score.stderr
        assert float(level.group(1)) <= 2.0, score.stdout


def test_units_command_lines_and_ordering() -> None:
    serve_unit, migrate_unit = unit("voucher-server.service"), unit("voucher-server-migrate.service")
    serve_cmds, migrate_cmds = commands("voucher-server.service"), commands("voucher-server-migrate.service")

    serve = parse(serve_cmds["ExecStart"])
    assert serve.func is cmd_serve and serve.no_migrate and serve.host == "127.0.0.1" and serve.port == 8000
    assert serve.forwarded_allow_ips == "127.0.0.1" and serve.db is None  # the database from the env file
    assert parse(serve_cmds["ExecStartPre"]).func is cmd_check_config
    migrate = parse(migrate_cmds["ExecStart"])
    assert migrate.func is cmd_migrate and not migrate.dry_run

    assert migrate_unit["Service"]["Type"] == ["oneshot"] and migrate_unit["Service"]["RemainAfterExit"] == ["yes"]
    assert "voucher-server-migrate.service" in serve_unit["Unit"]["Requires"][0].split()
    assert "voucher-server-migrate.service" in serve_unit["Unit"]["After"][0].split()
    assert "postgresql.service" in migrate_unit["Unit"]["After"][0].split()
    for u in (serve_unit, migrate_unit):
        s = u["Service"]
        assert s["User"] == ["voucher-server"] and s["Group"] == ["voucher-server"]
        assert s["EnvironmentFile"] == ["/etc/voucher-server/env"]
        for key, value in (("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"), ("ProtectHome", "yes"),
                           ("PrivateTmp", "yes"), ("CapabilityBoundingSet", "")):
            assert s[key] == [value], key
    backup, timer = unit("voucher-server-backup.service"), unit("voucher-server-backup.timer")
    assert backup["Service"]["ExecStart"] == [BACKUP] and backup["Service"]["Type"] == ["oneshot"]
    assert backup["Service"]["ReadWritePaths"] == ["/var/backups/voucher-server"]
    assert "VOUCHER_BACKUP_DIR=/var/backups/voucher-server" in backup["Service"]["Environment"][0].split()
    assert timer["Timer"]["OnCalendar"] == ["*-*-* 03:15:00 Europe/Paris"] and timer["Timer"]["Persistent"] == ["yes"]
    users = (KIT / "voucher-server.sysusers.conf").read_text(encoding="utf-8")
    assert re.search(r"^u voucher-server ", users, re.M)


def test_containerfile_installs_only_the_server_and_runs_unprivileged() -> None:
    lines = [ln.strip() for ln in (KIT / "Containerfile").read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.lstrip().startswith("#")]
    bases = [ln.split()[1] for ln in lines if ln.startswith("FROM ")]
    assert bases and all(b.startswith("python:3.11-slim") for b in bases)
    users = [ln.split()[1] for ln in lines if ln.startswith("USER ")]
    assert users == ["voucher-server"]
    wheel = next(ln for ln in lines if "pip wheel" in ln)
    assert wheel.split()[-2:] == ["./packaging/core", "./packaging/server"]  # never the till (the root project)
    assert not any(ln.startswith("COPY pos_app") or ln.startswith("COPY . ") for ln in lines)
    entry = next(ln for ln in lines if ln.startswith("ENTRYPOINT "))
    cmd = next(ln for ln in lines if ln.startswith("CMD "))
    assert json.loads(entry.split(" ", 1)[1]) == ["voucher-server"]
    serve = parse(json.loads(cmd.split(" ", 1)[1]))
    assert serve.func is cmd_serve and serve.no_migrate and serve.port == 8000


def test_the_containers_install_step_resolves_without_qt(tmp_path: Path) -> None:
    """What the Containerfile's two pip steps install, resolved for real by pip (--dry-run: nothing installed):
    the server's wheels under the release's constraints, and no Qt, OpenCV, pyzbar or keyring among them."""
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w",
                    str(wheels), "./packaging/core", "./packaging/server"], cwd=REPO, check=True,
                   capture_output=True, timeout=300)
    report = tmp_path / "report.json"
    out = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "-q", "--report",
                          str(report), "--constraint", str(REPO / "installer" / "release-constraints.txt"),
                          *map(str, sorted(wheels.glob("*.whl")))], cwd=tmp_path, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    names = {i["metadata"]["name"].lower().replace("_", "-") for i in json.loads(report.read_text())["install"]}
    assert {"voucher-core", "voucher-server", "fastapi", "sqlalchemy", "psycopg", "asyncpg"} <= names
    assert not names & {"pyside6", "pyside6-essentials", "opencv-python", "opencv-python-headless", "pyzbar",
                        "keyring", "pos-voucher-till"}


def test_proxies_send_to_the_port_the_unit_serves_on() -> None:
    serve = parse(commands("voucher-server.service")["ExecStart"])
    backend = f"{serve.host}:{serve.port}"
    public_host = urlsplit(read_env_file((KIT / "env.sample").read_text(encoding="utf-8"))
                           ["VOUCHER_SERVER_PUBLIC_URL"]).hostname
    caddy = (KIT / "caddy" / "Caddyfile").read_text(encoding="utf-8")
    assert re.search(rf"^\s*reverse_proxy {re.escape(backend)}\b", caddy, re.M)
    assert re.search(rf"^{re.escape(str(public_host))} {{", caddy, re.M)
    assert re.search(r"max_size \d+KB", caddy)
    nginx = (KIT / "nginx" / "voucher-server.conf").read_text(encoding="utf-8")
    assert re.search(rf"^\s*server {re.escape(backend)};", nginx, re.M)
    assert f"server_name {public_host};" in nginx
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "Host"):
        assert f"proxy_set_header {header} " in nginx


def handlers(node: Any) -> Iterator[dict[str, Any]]:
    """Every handler of an adapted Caddy JSON config, however deeply its routes nest."""
    if isinstance(node, dict):
        if "handler" in node:
            yield node
        for value in node.values():
            yield from handlers(value)
    elif isinstance(node, list):
        for value in node:
            yield from handlers(value)


def test_caddy_reads_the_sample_as_a_proxy_to_the_unit_port() -> None:
    if shutil.which("caddy") is None:
        pytest.skip("caddy is not installed (apt install caddy, 36 MB: not in make's SYSTEM_PACKAGES); "
                    "test_proxies_send_to_the_port_the_unit_serves_on still reads the Caddyfile")
    out = subprocess.run(["caddy", "adapt", "--config", str(KIT / "caddy" / "Caddyfile"), "--adapter", "caddyfile"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    config = json.loads(out.stdout)
    serve = parse(commands("voucher-server.service")["ExecStart"])
    found = list(handlers(config))
    proxies = [h for h in found if h["handler"] == "reverse_proxy"]
    assert [u["dial"] for p in proxies for u in p["upstreams"]] == [f"{serve.host}:{serve.port}"]
    assert [h["max_size"] for h in found if h["handler"] == "request_body"] == [64000]
    public_host = urlsplit(read_env_file((KIT / "env.sample").read_text(encoding="utf-8"))
                           ["VOUCHER_SERVER_PUBLIC_URL"]).hostname
    assert f"\"{public_host}\"" in json.dumps(config["apps"]["http"]["servers"])


def free_ports(n: int) -> list[int]:
    ports: set[int] = set()
    while len(ports) < n:
        ports.add(free_port())
    return sorted(ports)


def wait_port(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(600):
        if proc.poll() is not None:
            raise AssertionError(f"exited {proc.returncode}: {log.read_text(errors='replace')[-2000:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"port {port} never opened: {log.read_text(errors='replace')[-2000:]}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []
    yield procs
    for p in reversed(procs):
        stop(p)


def nginx_site(tmp: Path, https: int, plain: int, backend: int) -> Path:
    """The nginx sample with this test's ports and a self-signed certificate, inside a minimal nginx.conf."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=bons.example.fr", "-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem")],
                   check=True, capture_output=True, timeout=60)
    site = (KIT / "nginx" / "voucher-server.conf").read_text(encoding="utf-8")
    site = (site.replace("/etc/letsencrypt/live/bons.example.fr/fullchain.pem", str(tmp / "cert.pem"))
            .replace("/etc/letsencrypt/live/bons.example.fr/privkey.pem", str(tmp / "key.pem"))
            .replace("listen 443 ", f"listen 127.0.0.1:{https} ").replace("listen [::]:443 ssl http2;", "")
            .replace("listen 80;", f"listen 127.0.0.1:{plain};").replace("listen [::]:80;", "")
            .replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{backend};"))
    (tmp / "site.conf").write_text(site, encoding="utf-8")
    conf = tmp / "nginx.conf"
    conf.write_text(f"error_log {tmp}/error.log;\npid {tmp}/nginx.pid;\nevents {{}}\n"
                    f"http {{\n access_log off;\n client_body_temp_path {tmp};\n proxy_temp_path {tmp};\n"
                    f" include {tmp}/site.conf;\n}}\n", encoding="utf-8")
    return conf


@pytest.mark.postgres
def test_the_units_steps_on_postgresql_behind_the_nginx_sample(pg_server: Any, tmp_path: Path,
                                                               started: list[subprocess.Popen[bytes]]) -> None:
    settings = read_env_file((KIT / "env.sample").read_text(encoding="utf-8"))
    assert settings["VOUCHER_SERVER_SECRET"] == ""  # the sample ships without one
    url = pg_server()
    # what the administrator does: fill the secret, name the database
    env = {"PATH": "/usr/bin:/bin", **settings, "VOUCHER_SERVER_SECRET": SECRET, "VOUCHER_SERVER_DB": url}
    cli = [sys.executable, "-m", "voucher_server.cli"]
    serve_cmds, migrate_cmd = commands("voucher-server.service"), commands("voucher-server-migrate.service")

    def run(argv: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*cli, *argv], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)

    # the API started before its migration step refuses to serve, saying why
    early = run(serve_cmds["ExecStart"])
    assert early.returncode != 0 and "lancez voucher-server migrate" in early.stderr
    assert "run voucher-server migrate" in early.stderr
    refused = run(serve_cmds["ExecStartPre"])
    assert refused.returncode == 1 and "[db_not_migrated]" in refused.stdout

    done = run(migrate_cmd["ExecStart"])
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("migrate : (vide) -> ") and "/ migrate: (empty) -> " in done.stdout
    checked = run(serve_cmds["ExecStartPre"])
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout.strip() == "check-config: rien ne manque / nothing is missing"

    backend, https, plain = free_ports(3)
    argv = serve_cmds["ExecStart"]
    argv = [*argv[:argv.index("--port") + 1], str(backend), *argv[argv.index("--port") + 2:]]
    argv[argv.index("--workers") + 1] = "1"  # one process is enough here (the machine's cores are shared)
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        server = subprocess.Popen([*cli, *argv], env=env, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    started.append(server)
    wait_port(backend, server, log)

    if shutil.which("nginx") is None:
        pytest.fail("nginx is not installed: `make` installs nginx-light (SYSTEM_PACKAGES)")
    conf = nginx_site(tmp_path, https, plain, backend)
    syntax = subprocess.run(["nginx", "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True,
                            timeout=30)
    assert syntax.returncode == 0, syntax.stderr
    nlog = tmp_path / "nginx.out"
    with open(nlog, "wb") as out:
        proxy = subprocess.Popen(["nginx", "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"], stdout=out,
                                 stderr=subprocess.STDOUT, start_new_session=True)
    started.append(proxy)
    wait_port(https, proxy, nlog)

    tls = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
    tls.check_hostname = False  # the certificate names bons.example.fr; the test reaches it by address

    def get(path: str, method: str = "GET", body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPSConnection("127.0.0.1", https, context=tls, timeout=30)
        try:
            conn.request(method, path, body=body, headers={"Host": "bons.example.fr", **(headers or {})})
            r = conn.getresponse()
            return r.status, r.read()
        finally:
            conn.close()

    status, body = get("/api/v1/health")
    assert status == 200 and b'"status":"ok"' in body.replace(b" ", b"")
    status, body = get("/console/login")
    assert status == 200 and b"<form" in body
    status, body = get("/api/v1/vouchers/redeem", "POST", b"x" * 100_000)
    assert status == 413 and b"Request Entity Too Large" in body  # the proxy's page: stopped before the server
    # Refused tokens are counted per client address (20 in a burst): the server sees each client's own address
    # through the proxy (--forwarded-allow-ips), so one guesser is slowed down and the next client is not.
    def guess(n: int, client: str) -> int:
        return get("/api/v1/me", headers={"Authorization": f"Bearer vt_guess_{client}_{n}",
                                          "X-Forwarded-For": client})[0]

    guesser = [guess(n, "203.0.113.7") for n in range(40)]
    assert set(guesser) == {401, 429} and guesser[:20] == [401] * 20
    assert guess(0, "198.51.100.4") == 401  # another address: its own bucket, not the guesser's

    redirect = http.client.HTTPConnection("127.0.0.1", plain, timeout=30)
    redirect.request("GET", "/console/login", headers={"Host": "bons.example.fr"})
    moved = redirect.getresponse()
    assert moved.status == 301 and moved.getheader("Location") == "https://bons.example.fr/console/login"
    redirect.close()
