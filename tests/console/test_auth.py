"""Signing in: the login form, wrong passwords, lock-out, roles, CSRF, cookies, and a till token opening nothing."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import requests

from voucher_server.testing import LiveServer

from .conftest import ACCOUNTANT, ADMIN, add_operator, login


def test_without_session_only_the_login_form(page: Any, server: LiveServer) -> None:
    page.goto("/console/")
    assert page.locator("input[name=email]").count() == 1
    assert page.locator("input[name=password]").count() == 1
    assert page.locator("button[type=submit]").count() == 1
    body = page.locator("main").inner_text()
    assert "€" not in body and "BOOST24" not in body and "Chèques Booster" not in body
    # Any other page sends back to the login form.
    page.goto("/console/campaigns/BOOST24/dashboard")
    assert page.locator("input[name=password]").count() == 1
    assert "€" not in page.locator("main").inner_text()


def test_wrong_password_refused_then_right_one_opens(page: Any, server: LiveServer) -> None:
    login(page, ADMIN[0], "not the password")
    assert page.locator("p.error").inner_text() == "E-mail ou mot de passe incorrect."
    assert page.locator("input[name=password]").count() == 1
    login(page, "nobody@example.org", ADMIN[1])
    assert page.locator("p.error").inner_text() == "E-mail ou mot de passe incorrect."
    login(page, *ADMIN)
    assert page.locator("h1").inner_text() == "Campagnes en cours"
    assert "Chèques Booster" in page.locator("main").inner_text()
    cookie = next(c for c in page.context.cookies() if c["name"] == "vsc_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert not cookie["secure"]  # plain HTTP on the loopback; Secure elsewhere (test_sessions)
    page.click("text=Se déconnecter")
    assert page.locator("input[name=password]").count() == 1
    page.goto("/console/campaigns")
    assert page.locator("input[name=password]").count() == 1


def test_lock_out_after_repeated_failures(page: Any, server: LiveServer) -> None:
    add_operator(server.db_url, "locked@example.org", "the right password", "admin")
    for _ in range(4):
        login(page, "locked@example.org", "wrong password")
        assert "incorrect" in page.locator("p.error").inner_text()
    login(page, "locked@example.org", "wrong password")
    assert "bloqué" in page.locator("p.error").inner_text()
    login(page, "locked@example.org", "the right password")  # even the right password, while locked
    assert "bloqué" in page.locator("p.error").inner_text()
    page.goto("/console/audit")
    assert page.locator("input[name=password]").count() == 1


def test_accountant_reads_but_cannot_change(page: Any, server: LiveServer) -> None:
    login(page, *ACCOUNTANT)
    page.goto("/console/campaigns")
    assert "BOOST24" in page.locator("main").inner_text()
    assert page.locator("text=Nouvelle campagne").count() == 0
    page.goto("/console/merchants/M0001")
    assert page.locator("form[action$='/terminals'] button").count() == 0
    for money_page in ("/console/statements", "/console/remittances", "/console/orders", "/console/funders"):
        page.goto(money_page)
        assert page.locator("main form[method=post]").count() == 0, money_page
    assert page.locator("#sepa").count() == 0  # on the statements page only, which an accountant may export
    page.goto("/console/statements")
    assert page.locator("#sepa").count() == 1
    csv = page.request.get("/console/campaigns/BOOST24/dashboard.csv")
    assert csv.status == 200 and csv.text().startswith("\ufeffsection;")
    # Even with a valid session and CSRF token, a change is refused.
    token = page.locator("form[action='/console/logout'] input[name=csrf]").get_attribute("value")
    refused = page.request.post("/console/terminals/1/enabled", form={"csrf": token, "enabled": "0"},
                                headers={"Origin": server.url})
    assert refused.status == 403
    assert requests.get(server.url + "/api/v1/me", headers={"Authorization": f"Bearer {server.token()}"},
                        timeout=10).status_code == 200  # the till is still enabled


def test_forms_need_the_session_csrf_token(page: Any, server: LiveServer) -> None:
    login(page, *ADMIN)
    missing = page.request.post("/console/terminals/1/enabled", form={"enabled": "0"},
                                headers={"Origin": server.url})
    assert missing.status == 403
    token = page.locator("form[action='/console/logout'] input[name=csrf]").get_attribute("value")
    other_site = page.request.post("/console/terminals/1/enabled", form={"csrf": token, "enabled": "0"},
                                   headers={"Origin": "https://evil.example"})
    assert other_site.status == 403
    assert requests.get(server.url + "/api/v1/me", headers={"Authorization": f"Bearer {server.token()}"},
                        timeout=10).status_code == 200


def test_a_till_token_opens_nothing(server: LiveServer) -> None:
    till = {"Authorization": f"Bearer {server.token()}"}
    for path in ("/console/", "/console/campaigns", "/console/campaigns/BOOST24/dashboard.csv", "/console/audit"):
        r = requests.get(server.url + path, headers=till, timeout=10, allow_redirects=True)
        assert "input" in r.text and 'name="password"' in r.text, path
        assert "Chèques Booster" not in r.text and "section;" not in r.text, path


def test_add_operator_reads_the_password_from_stdin(page: Any, server: LiveServer) -> None:
    done = subprocess.run([sys.executable, "-m", "voucher_server.cli", "add-operator", "--db", server.db_url,
                           "Nouvelle@Example.org", "--role", "accountant"], input="a long new password\n",
                          capture_output=True, text=True, env=server.env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "nouvelle@example.org (accountant)" in done.stdout
    login(page, "nouvelle@example.org", "a long new password")
    assert "comptable" in page.locator("header .me").inner_text()
