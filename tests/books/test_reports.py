"""Reports: PDF text (pdftotext), CSV as French spreadsheets read it, French and English, the CLI."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

from pos_app.cli import main
from pos_app.reports.csv import write_csv
from pos_app.reports.pdf import write_pdf
from pos_app.services.books import Books

from .conftest import Writer, standard_day


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout


def test_pdf_french_counts_totals_statuses(books: Books, writer: Writer, tmp_path: Path) -> None:
    standard_day(writer)
    closing = books.close_day("2026-11-23")
    rep = books.day_report("2026-11-23")
    write_pdf(rep, tmp_path / "r.pdf")
    text = pdf_text(tmp_path / "r.pdf")
    for needle in ("Rapport de rapprochement du 23/11/2026", "Boulangerie Martin", "12345678900011", "caisse-1",
                   "BOOST24", "CCI25", "000000000017", "000000000066", "hors ligne", "en ligne",
                   "acceptée", "annulée", "en attente de synchro", "conflit", closing.hash[:32],
                   rep.key_fingerprint, "verify-archive", "44,00", "68,00",
                   # every figure with the line that says what it is; the conflict in words
                   "valeur des 5 bon(s) gardé(s)", "Total réclamé à l'opérateur", "En attente de confirmation",
                   "En conflit (non remboursables)", "1 scan(s) refusé(s) en ligne"):
        assert needle in text, needle
    assert "already_redeemed" not in text and "pending_sync" not in text
    assert "000000000074" not in text  # refused online: the voucher was never taken
    # Paris time: 08:05 UTC is 09:05 in Paris in November
    assert "23/11/2026 09:05:00" in text


def test_pdf_english(books: Books, writer: Writer, tmp_path: Path) -> None:
    standard_day(writer)
    rep = books.day_report("2026-11-23", "en")
    write_pdf(rep, tmp_path / "r.pdf", "en")
    text = pdf_text(tmp_path / "r.pdf")
    for needle in ("Reconciliation report for 2026-11-23", "pending sync", "voided", "conflict", "€44.00",
                   "Day not closed"):
        assert needle in text, needle


def test_csv_for_french_spreadsheets(books: Books, writer: Writer, tmp_path: Path) -> None:
    standard_day(writer)
    path = tmp_path / "r.csv"
    assert write_csv(books.day_report("2026-11-23"), path) == 6
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    lines, total = rows[:-1], rows[-1]
    assert sorted(r["status"] for r in lines) == ["accepted", "accepted", "accepted", "conflict", "pending_sync",
                                                  "voided"]
    # French words for people, the stable code for programs
    assert {r["statut"] for r in lines} == {"acceptée", "annulée", "en attente de synchro", "conflit"}
    assert {r["type"] for r in lines} == {"encaissement"}
    assert {r["valeur_faciale"] for r in lines} == {"12,00", "20,00"}
    assert {r["mode"] for r in lines} == {"en ligne", "hors ligne"}
    assert lines[0]["date_heure_paris"] == "23/11/2026 09:05:00"
    assert lines[0]["serie"] == '="000000000017"'  # kept as text by spreadsheets: the leading zeros stay
    conflict = next(r for r in lines if r["status"] == "conflict")
    assert conflict["detail"] == "déjà encaissé par Fleurs Dupont le 22/11 à 11:00 : non remboursable"
    accepted = sum(int(r["du_par_operateur"].replace(",", "")) for r in lines)
    assert accepted == 4400 and total["type"] == "total" and total["du_par_operateur"] == "44,00"
    assert total["valeur_faciale"] == "68,00"  # every voucher kept (voided excluded)


def test_closed_day_csv_shows_the_current_state_and_what_the_closing_counted(books: Books, writer: Writer,
                                                                             tmp_path: Path, clock) -> None:
    from voucher_core.ledger import EntryKind

    from .conftest import utc

    e = standard_day(writer)
    books.close_day("2026-11-23")
    clock.now = utc(2026, 11, 24, 18, 0)
    writer.follow(EntryKind.REDEMPTION_CONFIRMED, e["off_pending"], utc(2026, 11, 24, 8, 0), {"redemption_id": 8})
    write_csv(books.day_report("2026-11-23"), tmp_path / "c.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "c.csv").read_text("utf-8-sig")), delimiter=";"))
    late = next(r for r in rows if r["serie"] == '="000000000041"')
    assert (late["status"], late["statut_cloture"], late["du_par_operateur"]) == ("accepted", "pending_sync", "0,00")
    write_csv(books.day_report("2026-11-24"), tmp_path / "n.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "n.csv").read_text("utf-8-sig")), delimiter=";"))
    reg = next(r for r in rows if r["type"] == "régularisations des jours précédents")
    assert (reg["serie"], reg["du_par_operateur"], reg["date_heure_paris"]) == ('="000000000041"', "12,00",
                                                                                "23/11/2026")
    assert rows[-1]["du_par_operateur"] == "12,00"


def test_seller_sales_report(books: Books, writer: Writer, tmp_path: Path) -> None:
    from voucher_core.ledger import EntryKind

    from .conftest import utc

    s1 = writer.sale("000000000116", utc(2026, 11, 23, 9, 0))
    writer.follow(EntryKind.SALE_CONFIRMED, s1, utc(2026, 11, 23, 9, 0, 1), {"sale_id": 1})
    s2 = writer.sale("000000000124", utc(2026, 11, 23, 10, 0))
    writer.follow(EntryKind.SALE_VOID, s2, utc(2026, 11, 23, 10, 1))
    writer.sale("000000000132", utc(2026, 11, 23, 11, 0), mode="offline")
    rep = books.day_report("2026-11-23")
    t = rep.totals
    assert (t["sales_collected_cents"], t["owed_to_operator_cents"], t["sales_topup_cents"]) == (2000, 1000, 400)
    write_pdf(rep, tmp_path / "s.pdf", sales=True)
    text = pdf_text(tmp_path / "s.pdf")
    for needle in ("Rapport des ventes du 23/11/2026", "À reverser à l'opérateur", "20,00", "Abondement du financeur",
                   "4,00", "000000000116", "annulée", "Valeur faciale des bons vendus", "24,00",
                   "payé par le financeur de la campagne", "à reverser après confirmation"):
        assert needle in text, needle


def test_monthly_summary_pdf(books: Books, writer: Writer, tmp_path: Path, clock) -> None:
    from .conftest import utc

    standard_day(writer)
    books.close_day("2026-11-23")
    clock.now = utc(2026, 12, 1, 9, 0)
    books.close_month("2026-11")
    write_pdf(books.month_report("2026-11"), tmp_path / "m.pdf")
    text = pdf_text(tmp_path / "m.pdf")
    assert "Récapitulatif mensuel" in text and "23/11/2026" in text and "44,00" in text


def test_cli_report_close_day(home: Path, tmp_path: Path, capsys, books: Books, writer: Writer) -> None:
    standard_day(writer)
    assert main(["--home", str(home), "close-day", "--date", "2026-11-23"]) == 0
    closed = json.loads(capsys.readouterr().out)
    assert main(["--home", str(home), "close-day", "--date", "2026-11-23"]) == 1
    assert "déjà clôturée" in capsys.readouterr().err
    assert main(["--home", str(home), "report", "--date", "2026-11-23", "--pdf", str(tmp_path / "a.pdf"),
                 "--csv", str(tmp_path / "a.csv"), "--lang", "en"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["csv_rows"] == 6 and out["closing_hash"] == closed["hash"]
    assert out["totals"]["owed_by_operator_cents"] == 4400
    assert "Reconciliation report" in pdf_text(tmp_path / "a.pdf")


def test_every_offline_claim_refusal_is_said_in_both_languages() -> None:
    from pos_app.reports.explain import claim_message
    from voucher_core.claims import ClaimRefusal

    for refusal in ClaimRefusal:
        fr, en = claim_message(refusal), claim_message(refusal, "en")
        assert fr and en and fr != en and refusal.value not in (fr, en)
