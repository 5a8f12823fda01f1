"""Render the reports of a day with a late confirmation and a late conflict into docs/screenshots:
    xvfb-run -a .venv/bin/python tools/report_screenshots.py     (or QT_QPA_PLATFORM=offscreen)

A real server (LiveServer, demo data) and real tills with injected clocks: yesterday the bakery's till 1 takes
vouchers online and, during an outage, two offline, and closes its day while those two are pending (one of
them was taken online by the bookshop meanwhile); today it syncs (one late confirmation, one late conflict),
takes more and closes. Writes the day report as on screen, its PDF's first page (pdftoppm), its CSV as text,
and the server's statement of the shop (voucher-server statement --pdf)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
OUT = REPO / "docs" / "screenshots"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def paris(day: date, hour: int, minute: int = 0) -> datetime:
    from voucher_core.timeutil import PARIS

    return datetime.combine(day, time(hour, minute), tzinfo=PARIS).astimezone(UTC)


def scenario(tmp: Path, server: object) -> tuple[object, str, str]:
    """Yesterday and today at the bakery; returns (books, yesterday, today)."""
    from pos_app.api.tokens import MemoryTokenProvider
    from pos_app.services.books import Books
    from pos_app.services.till import Till
    from voucher_core.timeutil import utc_now

    today = utc_now().astimezone(paris(date.today(), 12).tzinfo).date()
    yesterday = today - timedelta(days=1)
    clock, other_clock = Clock(paris(yesterday, 8)), Clock(paris(yesterday, 8))
    a = Till.open(tmp / "boulangerie-1", token_provider=MemoryTokenProvider(), clock=clock)
    a.configure(server.url, server.token("merchant", 0))
    shop2 = Till.open(tmp / "librairie", token_provider=MemoryTokenProvider(), clock=other_clock)
    shop2.configure(server.url, server.token("merchant", 2))
    a.sync.sync_once()
    shop2.sync.sync_once()
    codes = [v for v in server.seed["vouchers"] if v["state"] == "active" and v["campaign"] == "BOOST24"]
    for i, v in enumerate(codes[:4]):
        clock.now = paris(yesterday, 9 + i, 5)
        a.redemptions.redeem(v["code"])
    clock.now += timedelta(minutes=2)
    a.redemptions.void_last()  # a mistake, undone within the window
    a.settings.set("server_url", "http://127.0.0.1:9")  # the outage
    a._api = None
    for i, v in enumerate(codes[4:6]):
        clock.now = paris(yesterday, 15 + i, 20)
        a.redemptions.redeem(v["serial"])
    other_clock.now = paris(yesterday, 17, 2)
    shop2.redemptions.redeem(codes[5]["code"])  # the bookshop takes the same voucher, online
    clock.now = paris(yesterday, 19, 30)
    books = Books(a.db, a.home, clock=clock)
    books.close_day(yesterday)  # two redemptions still pending
    # today: back online, the sync confirms one and refuses the other; more vouchers; the day is closed
    a.settings.set("server_url", server.url)
    a._api, a.network.last_failure = None, None
    now = utc_now()
    clock.now = min(paris(today, 8, 30), now - timedelta(minutes=30))
    a.sync.sync_once()
    for i, v in enumerate(codes[6:8]):
        clock.now = min(paris(today, 10 + i, 15), now - timedelta(minutes=20 - i))
        a.redemptions.redeem(v["code"])
    clock.now = min(paris(today, 19), now - timedelta(minutes=5))
    books.close_day(today)
    a.sync.sync_once()  # the server learns the closings
    shop2.close()
    return (books, a), yesterday.isoformat(), today.isoformat()


def seller_day(tmp: Path, server: object) -> tuple[object, str]:
    """Today at the tobacconist: cards sold online, one offline not yet confirmed, one sale voided."""
    from pos_app.api.tokens import MemoryTokenProvider
    from pos_app.services.books import Books
    from pos_app.services.till import Till
    from voucher_core.timeutil import utc_now

    now = utc_now()
    clock = Clock(now - timedelta(minutes=50))
    t = Till.open(tmp / "tabac", token_provider=MemoryTokenProvider(), clock=clock)
    t.configure(server.url, server.token("seller", 0))
    t.sync.sync_once()
    cards = [v for v in server.seed["vouchers"] if v["state"] == "issued" and v["campaign"] == "BOOST24"]
    for i, v in enumerate(cards[:4]):
        clock.now = now - timedelta(minutes=45 - 5 * i)
        t.sales.sell(v["code"])
    clock.now += timedelta(minutes=1)
    t.sales.void_last()  # the customer changed their mind
    t.settings.set("server_url", "http://127.0.0.1:9")  # the outage: one card sold offline
    t._api = None
    clock.now = now - timedelta(minutes=10)
    t.sales.sell(cards[4]["code"])
    books = Books(t.db, t.home, clock=clock)
    return (books, t), books.open_business_day().isoformat()


def grab_html(html: str, path: Path, width: int = 1100, height: int = 1500) -> None:
    from PySide6.QtWidgets import QTextBrowser

    view = QTextBrowser()
    view.resize(width, height)
    view.setHtml(html)
    view.show()
    view.grab().save(str(path))
    print("wrote", path)


def main() -> int:
    from pos_app.reports.csv import write_csv
    from pos_app.reports.html import report_html
    from pos_app.reports.pdf import write_pdf
    from pos_app.ui.app import create_app
    from voucher_server.testing import LiveServer

    app = create_app(sys.argv[:1])
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp_name, LiveServer() as server:
        tmp = Path(tmp_name)
        (books, till), yesterday, today = scenario(tmp, server)
        report = books.reconciled_day_report(today, "fr", till.api)
        grab_html(report_html(report), OUT / "rapport-ecran.png")
        grab_html(report_html(books.reconciled_day_report(yesterday, "fr", till.api)),
                  OUT / "rapport-veille-cloturee.png")
        write_pdf(report, tmp / "r.pdf")
        subprocess.run(["pdftoppm", "-r", "70", "-f", "1", "-l", "1", "-png", "-singlefile", str(tmp / "r.pdf"),
                        str(OUT / "rapport-pdf")], check=True)
        print("wrote", OUT / "rapport-pdf.png")
        write_csv(report, tmp / "r.csv")
        text = (tmp / "r.csv").read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        grab_html(f"<pre style='font-size:7pt'>{text.replace('&', '&amp;').replace('<', '&lt;')}</pre>",
                  OUT / "rapport-csv.png", width=1400, height=110)
        (seller_books, seller_till), sold_day = seller_day(tmp, server)
        write_pdf(seller_books.day_report(sold_day), tmp / "v.pdf", sales=True)
        subprocess.run(["pdftoppm", "-r", "70", "-f", "1", "-l", "1", "-png", "-singlefile", str(tmp / "v.pdf"),
                        str(OUT / "rapport-ventes-pdf")], check=True)
        print("wrote", OUT / "rapport-ventes-pdf.png")
        seller_till.close()
        out = subprocess.run([sys.executable, "-m", "voucher_server.cli", "statement", "--db", server.db_url,
                              "--merchant", "M0001", "--from", yesterday, "--to", today, "--pdf",
                              str(tmp / "s.pdf")], env=server.env, cwd=str(REPO), capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(out.stderr)
        subprocess.run(["pdftoppm", "-r", "70", "-f", "1", "-l", "1", "-png", "-singlefile", str(tmp / "s.pdf"),
                        str(OUT / "releve-commerce-pdf")], check=True)
        print("wrote", OUT / "releve-commerce-pdf.png")
        till.close()
    app.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
